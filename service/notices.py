"""Notices: what a requester is told unprompted, as data — a letter of theirs delivered, a reply, mail
that may be theirs, a letter that could not be sent.

Each channel (the chat, or email for a requester without Telegram) claims
the notices of its own requesters, turns them into its own words, and marks
each told only once it has it: Telegram accepted the message, or the outbox
holds the email in the same transaction. A claim is a lease: a sender that
dies holding one leaves it to be claimed again once the lease runs out, so a
crash may repeat a notice and never loses one. Two senders never hold the same
notice: each claim is a conditional UPDATE that only one of them wins.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from service.prompts import EMAIL, TELEGRAM
from storage.models import FoiRequestRow, MessageLink, MessageRow, OutboxMessage, User

__all__ = ["EMAIL", "LEASE", "TELEGRAM", "NoticeKind", "PendingNotice", "claim", "give_back", "told"]

LEASE = dt.timedelta(seconds=60)  # a claimed notice not told by then is claimed again


class NoticeKind(StrEnum):
    DELIVERED = "delivered"  # a letter of ours reached the authority's server
    REPLY = "reply"  # a letter attached to the request
    HELD = "held"  # a letter that may belong to the request, from an address not known to be theirs
    SEND_FAILED = "send_failed"  # a letter of ours failed for good


@dataclass(frozen=True)
class PendingNotice:
    """One thing to tell one requester, claimed for a channel."""

    kind: NoticeKind
    request_id: int
    telegram_id: int | None
    email: str | None
    link_id: int | None = None  # the message link told about (replies, held mail, deliveries)
    message_id: int | None = None
    reason: str | None = None  # why held mail may belong here (the matching step's reason and note)
    note: str | None = None
    outbox_id: int | None = None  # the letter that failed
    letter_kind: str | None = None
    error: str | None = None


def _audience(audience: str) -> ColumnElement[bool]:
    """The requesters a channel tells: the chat's users (and nobody's), or those with only an email address."""
    if audience == TELEGRAM:
        return or_(User.telegram_id.is_not(None), User.email.is_(None))
    if audience == EMAIL:
        return User.telegram_id.is_(None) & User.email.is_not(None)
    raise ValueError(f"no such audience: {audience!r}")


def claim(
    session: Session, now: dt.datetime, audience: str = TELEGRAM, limit: int = 20, lease: dt.timedelta = LEASE
) -> list[PendingNotice]:
    """Claim up to ``limit`` notices of each sort not yet told to ``audience``; return them, oldest first.

    The chat's round also takes the notices of requests whose owner can be
    told on no channel (made from the command line) and marks them told at
    once: nobody is waiting for them.
    """
    return [*_links(session, now, audience, limit, lease), *_failed_letters(session, now, audience, limit, lease)]


def told(session: Session, notice: PendingNotice, now: dt.datetime) -> None:
    """Mark ``notice`` told: the channel has it."""
    if notice.link_id is not None:
        session.execute(
            update(MessageLink)
            .where(MessageLink.id == notice.link_id)
            .values(notified_at=now)
            .execution_options(synchronize_session=False)
        )
    if notice.outbox_id is not None:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == notice.outbox_id)
            .values(failure_notified_at=now)
            .execution_options(synchronize_session=False)
        )


def give_back(session: Session, notice: PendingNotice) -> None:
    """Give a claimed notice back, so that the next round tells it."""
    if notice.link_id is not None:
        session.execute(
            update(MessageLink)
            .where(MessageLink.id == notice.link_id, MessageLink.notified_at.is_(None))
            .values(notice_claimed_at=None)
            .execution_options(synchronize_session=False)
        )
    if notice.outbox_id is not None:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == notice.outbox_id, OutboxMessage.failure_notified_at.is_(None))
            .values(failure_notice_claimed_at=None)
            .execution_options(synchronize_session=False)
        )


_TOLD_OF = ("attached", "suggested")  # candidates are the operator's to judge, never shown to a requester


def _links(session: Session, now: dt.datetime, audience: str, limit: int, lease: dt.timedelta) -> list[PendingNotice]:
    unclaimed = or_(MessageLink.notice_claimed_at.is_(None), MessageLink.notice_claimed_at < now - lease)
    pending = session.execute(
        select(
            MessageLink.id,
            MessageLink.message_id,
            MessageLink.request_id,
            MessageLink.status,
            MessageLink.reason,
            MessageLink.note,
            MessageRow.direction,
            User.telegram_id,
            User.email,
        )
        .join(MessageRow, MessageRow.id == MessageLink.message_id)
        .join(FoiRequestRow, FoiRequestRow.id == MessageLink.request_id)
        .join(User, User.id == FoiRequestRow.owner_id)
        .where(MessageLink.notified_at.is_(None), MessageLink.status.in_(_TOLD_OF), unclaimed, _audience(audience))
        .order_by(MessageLink.id)
        .limit(limit)
    ).all()
    notices = []
    for link_id, message_id, request_id, status, reason, note, direction, telegram_id, email in pending:
        won = session.execute(
            update(MessageLink)
            .where(MessageLink.id == link_id, MessageLink.notified_at.is_(None), unclaimed)
            .values(notice_claimed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if won != 1:
            continue  # another sender has it
        if telegram_id is None and email is None:
            told(session, PendingNotice(NoticeKind.REPLY, request_id, None, None, link_id=link_id), now)
            continue
        if direction == "out":
            kind = NoticeKind.DELIVERED
        else:
            kind = NoticeKind.REPLY if status == "attached" else NoticeKind.HELD
        notices.append(
            PendingNotice(kind, request_id, telegram_id, email, link_id=link_id, message_id=message_id,
                          reason=reason, note=note)
        )  # fmt: skip
    return notices


def _failed_letters(
    session: Session, now: dt.datetime, audience: str, limit: int, lease: dt.timedelta
) -> list[PendingNotice]:
    unclaimed = or_(
        OutboxMessage.failure_notice_claimed_at.is_(None), OutboxMessage.failure_notice_claimed_at < now - lease
    )
    failed = session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.request_id,
            OutboxMessage.kind,
            OutboxMessage.last_error,
            User.telegram_id,
            User.email,
        )
        .join(FoiRequestRow, FoiRequestRow.id == OutboxMessage.request_id)
        .join(User, User.id == FoiRequestRow.owner_id)
        .where(
            OutboxMessage.status == "failed",
            OutboxMessage.failure_notified_at.is_(None),
            unclaimed,
            _audience(audience),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    notices = []
    for outbox_id, request_id, letter_kind, error, telegram_id, email in failed:
        won = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id, OutboxMessage.failure_notified_at.is_(None), unclaimed)
            .values(failure_notice_claimed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if won == 1 and telegram_id is None and email is None:
            told(session, PendingNotice(NoticeKind.SEND_FAILED, request_id, None, None, outbox_id=outbox_id), now)
        elif won == 1:
            notices.append(
                PendingNotice(NoticeKind.SEND_FAILED, request_id, telegram_id, email, outbox_id=outbox_id,
                              letter_kind=letter_kind, error=error)
            )  # fmt: skip
    return notices
