"""Build the emails foibot sends (stdlib ``email``, SMTP policy).

Header values that carry user text (the title in the subject, the
requester's name) are flattened to one line first, so nothing a user types
can add a header; the SMTP policy then folds long lines and RFC 2047-encodes
non-ASCII text.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES

from foi.letters import Letter
from mail.errors import AddressError

__all__ = ["AddressError", "Mailbox", "Thread", "compose", "new_message_id", "one_line", "parse_address"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def one_line(value: str) -> str:
    """Return ``value`` with every line break and control character turned into one space."""
    return re.sub(r" {2,}", " ", _CONTROL.sub(" ", value)).strip()


# The common case — ASCII dot-atoms, a domain of letter/digit labels ending in an alphabetic top-level
# domain — checked by one pattern; anything else goes through email_validator (directory imports of
# tens of thousands of addresses spend most of their time here).
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_SIMPLE_ADDRESS = re.compile(rf"({_ATOM}(?:\.{_ATOM})*)@((?:{_LABEL}\.)+[A-Za-z]{{2,63}})")


def _simple(cleaned: str) -> Address | None:
    found = _SIMPLE_ADDRESS.fullmatch(cleaned)
    if found is None or len(cleaned) > 254 or len(found.group(1)) > 64 or len(found.group(2)) > 253:
        return None
    domain = found.group(2).lower()
    if "xn--" in domain:
        return None  # an internationalised name: email_validator shows it in Unicode
    if any(domain == name or domain.endswith(f".{name}") for name in SPECIAL_USE_DOMAIN_NAMES):
        return None  # the slow path says why
    username = found.group(1)
    if username.lower() in CASE_INSENSITIVE_MAILBOX_NAMES:
        username = username.lower()  # RFC 2142's role names ("WWW@", "Info@"), as email_validator writes them
    return Address(username=username, domain=domain)


def parse_address(value: str) -> Address:
    """Return ``value`` as a single bare address, or raise AddressError."""
    cleaned = value.strip()
    if _CONTROL.search(cleaned) or not cleaned:
        raise AddressError(f"not a single email address: {value!r}")
    simple = _simple(cleaned)
    if simple is not None:
        return simple
    try:
        checked = validate_email(cleaned, check_deliverability=False)
    except EmailNotValidError as exc:
        raise AddressError(f"not a valid email address: {value!r} ({exc})") from exc
    return Address(addr_spec=checked.normalized)


@dataclass(frozen=True)
class Mailbox:
    """The bot's own mailbox, and whether it takes sub-addresses (foibot+tag@…)."""

    address: str
    subaddress_separator: str | None = None

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]

    def reply_address(self, reference: str) -> str:
        """Return the per-request address when sub-addressing is on, else the mailbox."""
        if not self.subaddress_separator:
            return self.address
        local, _, domain = self.address.rpartition("@")
        return f"{local}{self.subaddress_separator}{reference.lower()}@{domain}"


def new_message_id(reference: str | None, domain: str) -> str:
    """Return a fresh Message-ID of ours that embeds the request's reference."""
    token = secrets.token_hex(8)
    local = f"{reference.lower()}.{token}" if reference else f"foibot.{token}"
    return f"<{local}@{domain}>"


# A header value the SMTP policy would write out unchanged: printable ASCII, on one short line.
_PLAIN = re.compile(r"[\x21-\x7e]+(?: [\x21-\x7e]+)*")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9'\-]+(?: [A-Za-z0-9'\-]+)*")  # a display name that needs no quoting
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.+_\-]+@[A-Za-z0-9.\-]+")


def _set(message: EmailMessage, name: str, value: str) -> None:
    """Set a header; a plain short value is stored as it will be written (the header parser is slow, and a
    batch composes hundreds of letters), anything else goes through the policy to be folded and encoded."""
    if len(name) + 2 + len(value) <= 78 and _PLAIN.fullmatch(value):
        message.set_raw(name, value)
    else:
        message[name] = value


def _set_address(message: EmailMessage, header: str, display_name: str, address: str) -> None:
    if _PLAIN_ADDRESS.fullmatch(address) and (not display_name or _PLAIN_NAME.fullmatch(display_name)):
        _set(message, header, f"{display_name} <{address}>" if display_name else address)
    else:
        message[header] = Address(display_name=display_name, addr_spec=address)


@dataclass(frozen=True)
class Thread:
    """The message a follow-up answers, and the whole chain before it."""

    in_reply_to: str
    references: tuple[str, ...]


def compose(
    letter: Letter,
    *,
    mailbox: Mailbox,
    sender_name: str,
    to_address: str,
    reference: str,
    message_id: str,
    date: dt.datetime,
    thread: Thread | None = None,
) -> EmailMessage:
    """Return the email for ``letter``, ready to queue."""
    message = EmailMessage(policy=SMTP)
    name = one_line(sender_name)
    _set_address(message, "From", name, mailbox.address)
    message["To"] = parse_address(to_address)
    _set_address(message, "Reply-To", name, mailbox.reply_address(reference))
    _set(message, "Subject", one_line(letter.subject))
    _set(message, "Date", format_datetime(date))
    _set(message, "Message-ID", message_id)
    if thread is not None:
        message["In-Reply-To"] = thread.in_reply_to
        chain = [ref for ref in thread.references if ref != thread.in_reply_to]
        message["References"] = " ".join([*chain, thread.in_reply_to])
    _set(message, "X-Foibot-Reference", reference)
    message.set_content(letter.body, charset="utf-8", cte="quoted-printable")
    return message
