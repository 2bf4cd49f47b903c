"""The durable outbox: queue, claim, and settle outgoing email.

States of an outbox row::

    queued ──claim──▶ sending ──SMTP 250──▶ sent
     │ ▲                 │
     │ └──temporary──────┤ (4xx, connection error, timeout: retry later)
     │                   └──permanent──▶ failed (5xx, the reply kept)
     └──revoke──▶ revoked (taken back by its writer before any attempt)

Invariants:
- A row is committed with its Message-ID and exact bytes before any network
  I/O; every attempt sends those same bytes.
- A claim is one conditional UPDATE, so two senders (threads, processes,
  machines on PostgreSQL) never hold the same row. A claim is a lease: a
  sender killed mid-send leaves a ``sending`` row that becomes claimable
  again when the lease runs out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from email.message import EmailMessage
from email.policy import SMTP

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from storage.models import FoiRequestRow, MessageLink, MessageRow, OutboxMessage, Project

QUEUED, SENDING, SENT, FAILED, REVOKED = "queued", "sending", "sent", "failed", "revoked"


def queue(
    session: Session,
    message: EmailMessage,
    *,
    kind: str,
    request_id: int | None,
    mail_from: str,
    recipients: list[str],
    now: dt.datetime,
    send_at: dt.datetime | None = None,
    flush: bool = True,
) -> OutboxMessage:
    """Add ``message`` to the outbox (to go at ``send_at``, or now); the caller's commit makes it durable.

    ``flush=False`` leaves the row's id unset until the caller flushes (a batch flushes all its rows once).
    """
    message_id = message["Message-ID"]
    if not message_id:
        raise ValueError("a queued message needs its Message-ID before it is queued")
    row = OutboxMessage(
        request_id=request_id,
        kind=kind,
        message_id_header=str(message_id),
        mail_from=mail_from,
        recipients=list(recipients),
        raw=message.as_bytes(policy=SMTP),
        status=QUEUED,
        created_at=now,
        next_attempt_at=send_at,
    )
    session.add(row)
    if flush:
        session.flush()
    return row


def due_ids(session: Session, now: dt.datetime, limit: int = 100) -> list[int]:
    """Return outbox rows that may be attempted now, oldest first."""
    statement = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status.in_([QUEUED, SENDING]),
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return list(session.scalars(statement))


def claim(session: Session, outbox_id: int, now: dt.datetime, lease: dt.timedelta) -> OutboxMessage | None:
    """Take the row for one attempt until ``now + lease``; None when someone else has it."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == outbox_id,
            OutboxMessage.status.in_([QUEUED, SENDING]),
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        )
        .values(status=SENDING, attempts=OutboxMessage.attempts + 1, next_attempt_at=now + lease)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    return session.get(OutboxMessage, outbox_id, populate_existing=True)


def mark_sent(session: Session, row: OutboxMessage, sent_at: dt.datetime) -> MessageRow:
    """Settle ``row`` as sent and keep its bytes as an outgoing message linked to its request."""
    row.status = SENT
    row.sent_at = sent_at
    row.next_attempt_at = None
    row.last_error = None
    message = MessageRow(
        direction="out",
        raw=row.raw,
        raw_sha256=hashlib.sha256(row.raw).hexdigest(),
        size=len(row.raw),
        message_id_header=row.message_id_header,
        from_address=row.mail_from,
        to_addresses=list(row.recipients),
        sent_date=sent_at,
        state="sent",
        classification=row.kind,
    )
    session.add(message)
    session.flush()
    row.message_row_id = message.id
    if row.request_id is not None:
        message.links.append(MessageLink(request_id=row.request_id, reason="sent"))
    return message


def mark_retry(session: Session, row: OutboxMessage, error: str, next_attempt_at: dt.datetime) -> None:
    """Put ``row`` back in the queue until ``next_attempt_at``, keeping why."""
    row.status = QUEUED
    row.last_error = error
    row.next_attempt_at = next_attempt_at


def mark_failed(session: Session, row: OutboxMessage, error: str, at: dt.datetime) -> None:
    """Give up on ``row`` for good, keeping the server's reply for the user."""
    row.status = FAILED
    row.last_error = error
    row.next_attempt_at = None


def listing(session: Session, limit: int = 50) -> list[OutboxMessage]:
    """Return queued, failed and sent messages, newest first."""
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))


def revoke(session: Session, outbox_id: int) -> bool:
    """Take back a queued row no sender has claimed; return False when one already has (or it went)."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id, OutboxMessage.status == QUEUED, OutboxMessage.attempts == 0)
        .values(status=REVOKED, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def pending_slots(session: Session, since: dt.datetime) -> list[tuple[list[str], dt.datetime]]:
    """Return (recipients, time) of each message sent since ``since`` or still waiting to go, for throttling."""
    rows = session.execute(
        select(
            OutboxMessage.recipients, OutboxMessage.sent_at, OutboxMessage.next_attempt_at, OutboxMessage.created_at
        ).where(
            or_(
                OutboxMessage.status.in_([QUEUED, SENDING]),
                (OutboxMessage.status == SENT) & (OutboxMessage.sent_at >= since),
            )
        )
    )
    return [(list(recipients), sent_at or next_at or created_at) for recipients, sent_at, next_at, created_at in rows]


def sent_since(session: Session, since: dt.datetime) -> list[tuple[list[str], dt.datetime]]:
    """Return (recipients, sent_at) of each batch letter sent since ``since``."""
    rows = session.execute(
        select(OutboxMessage.recipients, OutboxMessage.sent_at)
        .join(FoiRequestRow, FoiRequestRow.id == OutboxMessage.request_id)
        .join(Project, Project.id == FoiRequestRow.project_id)
        .where(
            OutboxMessage.status == SENT, OutboxMessage.sent_at >= since, OutboxMessage.kind == "request",
            Project.kind == "batch",
        )
    )  # fmt: skip
    return [(list(recipients), sent_at) for recipients, sent_at in rows if sent_at is not None]


def is_batch_letter(session: Session, row: OutboxMessage) -> bool:
    """Return True for the first letter of a request that belongs to a batch (those are spaced out)."""
    if row.kind != "request" or row.request_id is None:
        return False
    kind = session.scalar(
        select(Project.kind)
        .join(FoiRequestRow, FoiRequestRow.project_id == Project.id)
        .where(FoiRequestRow.id == row.request_id)
    )
    return kind == "batch"
