"""A forwarded email, unwrapped: the authority's reply a requester passes on to the bot.

Authorities often answer the requester's own address instead of the bot's. The requester forwards
it; the forward's own headers are theirs, the letter is inside — as an attached message
(message/rfc822, "forward as attachment") or inline, under the marker each mail program writes:

- Gmail: ``---------- Forwarded message ---------`` then ``From:``, ``Date:``, ``Subject:``, ``To:``
- Apple Mail: ``Begin forwarded message:`` then the same fields
- Outlook: ``-----Original Message-----`` or a line of underscores, then ``From:``, ``Sent:``, ``To:``,
  ``Subject:`` (with ``[mailto:…]`` after the name)

``unwrap`` returns the inner message as a ParsedMessage (its sender, subject, date and text), or None
when the email is not a forward. Whether to trust it is the caller's question: only a requester's own
forward is unwrapped, and the inner sender must still be the authority's.
"""

from __future__ import annotations

import re
from email.utils import getaddresses, parsedate_to_datetime

from mail.parse import ParsedMessage, parse_message

_MARKER = re.compile(
    r"^[ \t>]*(?:-{5,}\s*Forwarded message\s*-{5,}|Begin forwarded message:|-{3,}\s*Original Message\s*-{3,}|_{10,})"
    r"[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_FIELD = re.compile(r"^[ \t>*]*(From|Date|Sent|Subject|To|Cc)[ \t]*:[ \t*]*(.*)$", re.IGNORECASE)
_ADDRESS = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|fw)\s*:", re.IGNORECASE)
MAX_HEADER_LINES = 12


def is_forward(parsed: ParsedMessage) -> bool:
    return bool(_FORWARD_SUBJECT.match(parsed.subject or "")) or any(
        a.content_type == "message/rfc822" for a in parsed.attachments
    ) or bool(_MARKER.search(parsed.text or ""))  # fmt: skip


def unwrap(parsed: ParsedMessage, max_bytes: int | None = None) -> ParsedMessage | None:
    """Return the forwarded message inside ``parsed``, or None when there is none."""
    for attachment in parsed.attachments:
        if attachment.content_type == "message/rfc822" and attachment.data:
            inner = parse_message(attachment.data) if max_bytes is None else parse_message(attachment.data, max_bytes)
            if inner.from_address:
                return inner
    match = _MARKER.search(parsed.text or "")
    if match is None:
        return None
    return _inline(parsed.text[match.end() :])


def _inline(block: str) -> ParsedMessage | None:
    lines = block.lstrip("\n").splitlines()
    fields: dict[str, str] = {}
    body_start = 0
    for number, line in enumerate(lines[:MAX_HEADER_LINES]):
        body_start = number + 1
        found = _FIELD.match(line)
        if found:
            fields.setdefault(found.group(1).lower(), found.group(2).strip())
        elif line.strip() == "" and fields:
            break
        elif fields:  # a wrapped field value
            last = list(fields)[-1]
            fields[last] += " " + line.strip()
    sender = fields.get("from", "")
    address = _ADDRESS.search(sender)
    if address is None:
        return None
    inner = ParsedMessage(
        subject=" ".join(fields.get("subject", "").split()),
        from_address=address.group(0).lower(),
        from_name=sender.split("<")[0].split("[")[0].strip(' "') or None,
        to=[a.lower() for _, a in getaddresses([fields.get("to", "")]) if "@" in a],
        text="\n".join(line[1:].lstrip() if line.startswith(">") else line for line in lines[body_start:]).strip(),
    )
    when = fields.get("date") or fields.get("sent")
    if when:
        try:
            inner.date = parsedate_to_datetime(when)
        except (TypeError, ValueError, IndexError):
            inner.date = None  # "Monday, 3 June 2024 10:00" is read by the analysis from the text instead
    inner.notes.append("unwrapped from a forwarded email")
    return inner
