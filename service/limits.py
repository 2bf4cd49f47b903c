"""Limits on a shared instance: who may use the bot, how many requests a day, how many drafts.

An operator runs foibot for a community from one mailbox: every request goes
out in the operator's name of sender, so a runaway user (or a script) must
not be able to send without limit. Each check returns None when the action
may go ahead, or the sentence that tells the user why not and what they can do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from storage.models import FoiRequestRow, OutboxMessage, Project, User


@dataclass(frozen=True)
class Limits:
    requests_per_day: int = 10  # 0: no limit
    open_drafts: int = 20  # 0: no limit
    allowed_users: frozenset[int] | None = None  # Telegram ids; None: everyone


def refusal_for_user(user: User, telegram_id: int, limits: Limits) -> str | None:
    """Return why this user may not use the bot at all (banned, not on the allow-list), or None."""
    if user.banned_at is not None:
        reason = f" ({user.ban_reason})" if user.ban_reason else ""
        return f"The operator of this bot has blocked your account{reason}. If you think this is a mistake, ask them."
    if limits.allowed_users is not None and telegram_id not in limits.allowed_users:
        return (
            "This foibot is run for a closed group, and your account is not on its list. "
            f"Ask the operator to add your Telegram id, {telegram_id}."
        )
    return None


def refusal_for_new_draft(session: Session, user: User, limits: Limits) -> str | None:
    """Return why the user may not open another draft, or None."""
    if not limits.open_drafts:
        return None
    drafts = session.scalar(
        select(func.count(FoiRequestRow.id))
        .outerjoin(Project, Project.id == FoiRequestRow.project_id)
        .where(
            FoiRequestRow.owner_id == user.id,
            FoiRequestRow.status == "draft",
            or_(FoiRequestRow.project_id.is_(None), Project.kind != "batch"),  # a batch's drafts are the batch's
        )
    )
    if (drafts or 0) >= limits.open_drafts:
        return (
            f"You have {drafts} drafts open, the most this bot keeps for one person. "
            "Send or delete one first: /drafts lists them."
        )
    return None


def refusal_for_sending(session: Session, user: User, limits: Limits, now: dt.datetime) -> str | None:
    """Return why the user may not send another request now (too many in 24 hours), or None."""
    if not limits.requests_per_day:
        return None
    since = now - dt.timedelta(hours=24)
    # Letters of a batch count against the batch limit (service/batches.py), not this one.
    single = (
        FoiRequestRow.owner_id == user.id,
        OutboxMessage.kind == "request",
        OutboxMessage.created_at > since,
        or_(FoiRequestRow.project_id.is_(None), Project.kind != "batch"),
    )
    sent = session.scalar(
        select(func.count(OutboxMessage.id))
        .join(FoiRequestRow, FoiRequestRow.id == OutboxMessage.request_id)
        .outerjoin(Project, Project.id == FoiRequestRow.project_id)
        .where(*single)
    )
    if (sent or 0) >= limits.requests_per_day:
        first = session.scalar(
            select(func.min(OutboxMessage.created_at))
            .join(FoiRequestRow, FoiRequestRow.id == OutboxMessage.request_id)
            .outerjoin(Project, Project.id == FoiRequestRow.project_id)
            .where(*single)
        )
        again = (first or now) + dt.timedelta(hours=24)
        return (
            f"You have sent {sent} requests in the last 24 hours, the most this bot sends for one person in a day. "
            f"Your draft is saved: you can send it after {again:%H:%M} UTC on {again.day} {again:%b}."
        )
    return None


def ban(session: Session, user: User, reason: str | None, now: dt.datetime) -> None:
    """Block the user from the bot; their requests stay as they are."""
    user.banned_at = now
    user.ban_reason = (reason or "").strip()[:300] or None


def unban(user: User) -> None:
    user.banned_at = None
    user.ban_reason = None
