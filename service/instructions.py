"""A requester's instruction by email: replying SEND to a prompt's email sends the letter it offered.

The prompt email (mailchannel/) carries the drafted letter and a token in its subject
(``[do:…]``). A reply is carried out when all of these hold: it comes from the requester's own
address, its sender authentication did not fail, the token is theirs and unused and at most
``VALID`` old, and its first line of their own is ``SEND``. The letter goes in the request's email
thread like one sent from the chat; the requester gets a line back saying so — or why not. An
instruction is stored like every email (raw, whole) and never joins the correspondence.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from foi import letters
from mail.compose import Mailbox, new_message_id, one_line
from mail.parse import ParsedMessage
from service import followups
from storage import outbox
from storage.models import EmailAction, FoiRequestRow, User

TOKEN = re.compile(r"\[do:([0-9a-f]{16})\]")
VALID = dt.timedelta(days=30)
NOTE = "notice"  # the outbox kind of a message to a requester (never part of a request's thread)


def offer(session: Session, user: User, request: FoiRequestRow, letter: letters.Letter, now: dt.datetime) -> str:
    """Keep the letter to be sent on the requester's word; return the token their reply must quote."""
    token = secrets.token_hex(8)
    session.add(
        EmailAction(token=token, user_id=user.id, request_id=request.id, letter_kind=letter.kind,
                    subject=letter.subject, body=letter.body, created_at=now)
    )  # fmt: skip
    return token


@dataclass(frozen=True)
class Instruction:
    action_id: int
    address: str  # where to answer


def find(session: Session, parsed: ParsedMessage, authentication_failed: bool) -> Instruction | None:
    """The instruction this email carries, when it is one (see the module's conditions)."""
    found = TOKEN.search(parsed.subject or "")
    if found is None or not parsed.from_address or authentication_failed:
        return None
    row = session.execute(
        select(EmailAction.id, User.email)
        .join(User, User.id == EmailAction.user_id)
        .where(EmailAction.token == found.group(1), func.lower(User.email) == parsed.from_address.lower())
    ).first()
    return Instruction(row[0], row[1]) if row is not None else None


def _first_line(text: str) -> str:
    for line in (text or "").splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith(">"):
            return stripped
    return ""


def carry_out(
    session: Session, instruction: Instruction, parsed: ParsedMessage, mailbox: Mailbox, now: dt.datetime
) -> str:
    """Do what the requester asked (or say why not); return what they are told."""
    action = session.get(EmailAction, instruction.action_id)
    assert action is not None
    request = session.get(FoiRequestRow, action.request_id)
    word = _first_line(parsed.text).strip(".!").lower()
    reference = request.reference if request is not None else "your request"
    if word != "send":
        answer = f"I did not send the letter for {reference}: reply with the single word SEND to send it as it is."
    elif action.used_at is not None:
        answer = f"The letter for {reference} was already sent on {action.used_at:%d %B %Y}; it is not sent twice."
    elif now - action.created_at > VALID or request is None:
        answer = f"That offer for {reference} has expired; the next reminder will carry a fresh letter."
    else:
        letter = letters.Letter(action.letter_kind, action.subject, action.body)
        queued = followups.send_letter(session, request, letter, mailbox, now)
        action.used_at = now
        answer = f"Sent: your {action.letter_kind} for {reference} is in the outbox ({queued.message_id})."
    note(session, mailbox, instruction.address, f"[{reference}] {answer[:80]}", answer, now)
    return answer


def note(session: Session, mailbox: Mailbox, to: str, subject: str, body: str, now: dt.datetime) -> None:
    """Queue a plain-text message to a requester (a notice, a prompt, an answer to their instruction)."""
    message = EmailMessage(policy=SMTP)
    message["From"] = f"foibot <{mailbox.address}>"
    message["To"] = to
    message["Subject"] = one_line(subject)[:200]
    message["Date"] = format_datetime(now)
    message["Message-ID"] = new_message_id(None, mailbox.domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-reply should answer it
    message.set_content(body, charset="utf-8", cte="quoted-printable")
    outbox.queue(session, message, kind=NOTE, request_id=None, mail_from=mailbox.address, recipients=[to], now=now)
