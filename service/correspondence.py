"""A request's correspondence as its owner may read it: its messages, one message, one attachment.

The chat and the web dashboard both read mail through here, and every id
that comes from outside is checked against the owner in the same query.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mail.parse import DEFAULT_MAX_BYTES, Parser, parse_message, safe_filename
from storage.models import Attachment, FoiRequestRow, MessageLink, MessageRow


def own_message(session: Session, user_id: int, message_id: int) -> tuple[MessageRow, FoiRequestRow] | None:
    """Return the message and its request when the message is attached to a request of the user."""
    row = session.execute(
        select(MessageRow, FoiRequestRow)
        .join(MessageLink, MessageLink.message_id == MessageRow.id)
        .join(FoiRequestRow, FoiRequestRow.id == MessageLink.request_id)
        .where(MessageRow.id == message_id, FoiRequestRow.owner_id == user_id, MessageLink.status == "attached")
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def messages_of(session: Session, request_id: int, limit: int | None = None) -> list[MessageRow]:
    """The request's attached messages, oldest first."""
    query = (
        select(MessageRow)
        .join(MessageLink, MessageLink.message_id == MessageRow.id)
        .where(MessageLink.request_id == request_id, MessageLink.status == "attached")
        .order_by(MessageRow.id)
    )
    return list(session.scalars(query.limit(limit) if limit else query))


def attachments_of(session: Session, message_ids: list[int]) -> dict[int, list[Attachment]]:
    """Each message's attachments, in their order in the message."""
    found: dict[int, list[Attachment]] = {m: [] for m in message_ids}
    if message_ids:
        query = select(Attachment).where(Attachment.message_id.in_(message_ids)).order_by(Attachment.position)
        for attachment in session.scalars(query):
            found[attachment.message_id].append(attachment)
    return found


def text_of(message: MessageRow, parse: Parser = parse_message) -> str:
    """The message's text as stored, or read again from its raw bytes."""
    return readable(message, parse)[1]


def readable(message: MessageRow, parse: Parser = parse_message) -> tuple[str, str]:
    """The message's subject and text as stored, or read again from its raw bytes (our own letters)."""
    if message.parsed_text is not None and message.subject is not None:
        return message.subject, message.parsed_text
    if message.raw is None:
        return message.subject or "", message.parsed_text or ""
    parsed = parse(message.raw, DEFAULT_MAX_BYTES)
    return message.subject or parsed.subject, message.parsed_text if message.parsed_text is not None else parsed.text


@dataclass(frozen=True)
class AttachmentFile:
    name: str
    content_type: str
    data: bytes
    text: str


class Unreadable(Exception):
    """The stored email no longer yields the file."""


def attachment_file(
    session: Session, user_id: int, attachment_id: int, parse: Parser = parse_message
) -> AttachmentFile | None:
    """Return the attachment's bytes read back from the raw email, if it belongs to one of the user's messages."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or own_message(session, user_id, attachment.message_id) is None:
        return None
    message = session.get(MessageRow, attachment.message_id)
    assert message is not None and message.raw is not None
    parsed = parse(message.raw, DEFAULT_MAX_BYTES)
    found = next((a for a in parsed.attachments if a.sha256 == attachment.sha256), None)
    if found is None:
        raise Unreadable("I could not read that file back from the stored email.")
    name = safe_filename(attachment.filename) or "attachment"
    return AttachmentFile(name, attachment.content_type or "application/octet-stream", found.data, found.text or "")
