"""The prompt queue and the one sweep: what is due, claimed once, told, then recorded or released.

The running bot's job, `foibot sweep` and the tests all go through here.

- Only requests whose ``next_check_on`` has come are read (an index on
  status and that day): any change of a request's state or dates sets it to
  "look now" in the same transaction (storage/requests.py), and the sweep
  sets it to ``foi.followup.next_check`` of the facts it just read.
- A prompt is claimed by inserting (request, kind, due date) under a unique
  key, in the transaction that moves ``next_check_on`` on: two sweeps at
  once, or two processes against PostgreSQL, never claim one twice.
- Told → a timeline entry; not told → the claim is removed and the request
  is looked at again by the next sweep.
- The rules (calendars, periods) are fingerprinted; when a release changes
  them, every open request is looked at again once.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from foi import deadlines, followup
from foi.followup import Prompt, PromptKind, RequestFacts, next_check, prompts_due
from foi.laws import LAWS
from foi.lifecycle import OPEN
from storage.db import Database, insert_ignoring
from storage.models import (
    AppState,
    FoiRequestRow,
    MessageLink,
    MessageRow,
    OutboxMessage,
    PromptSent,
    TimelineEvent,
    User,
)
from storage.requests import LOOK_NOW, facts_of_row

log = logging.getLogger(__name__)

BATCH = 500
_OPEN = [status.value for status in OPEN]


@dataclass(frozen=True)
class DuePrompt:
    request_id: int
    telegram_id: int | None  # None: told by email
    prompt: Prompt
    claim_id: int


# --- the facts the rules read, for many requests at once ------------------------------------


def latest_analyses(session: Session, request_ids: Iterable[int]) -> dict[int, dict]:
    """Return, for each request, the analysis of its latest reply (bounces and auto-replies left out)."""
    ids = list(request_ids)
    if not ids:
        return {}
    latest = (
        select(MessageLink.request_id, func.max(MessageRow.id).label("message_id"))
        .join(MessageRow, MessageRow.id == MessageLink.message_id)
        .where(
            MessageLink.request_id.in_(ids),
            MessageLink.status == "attached",
            MessageRow.direction == "in",
            MessageRow.label.is_(None),
            MessageRow.analysis.is_not(None),
        )
        .group_by(MessageLink.request_id)
        .subquery()
    )
    rows = session.execute(
        select(latest.c.request_id, MessageRow.analysis).join(MessageRow, MessageRow.id == latest.c.message_id)
    )
    return {request_id: analysis or {} for request_id, analysis in rows}


def chased_days(session: Session, request_ids: Iterable[int]) -> dict[int, dt.date]:
    """Return the UK day of each request's latest chaser that was sent."""
    ids = list(request_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(OutboxMessage.request_id, func.max(OutboxMessage.sent_at))
        .where(OutboxMessage.request_id.in_(ids), OutboxMessage.kind == "chaser", OutboxMessage.status == "sent")
        .group_by(OutboxMessage.request_id)
    )
    return {request_id: deadlines.receipt_day(sent) for request_id, sent in rows if sent is not None}


def unanswered_in(analysis: dict | None) -> list[tuple[str, str, str]]:
    """Return (label, text, status) of the parts an analysis found not fully answered."""
    return [
        (c["part"], c["text"], c["status"]) for c in (analysis or {}).get("coverage") or [] if c["status"] != "answered"
    ]


def facts_of_many(session: Session, requests: list[FoiRequestRow]) -> dict[int, RequestFacts]:
    """Return what the escalation rules need to know about each request, in three queries."""
    ids = [request.id for request in requests]
    analyses = latest_analyses(session, ids)
    chased = chased_days(session, ids)
    return {
        request.id: facts_of_row(
            request,
            chased_on=chased.get(request.id),
            unanswered_parts=len(unanswered_in(analyses.get(request.id))),
        )
        for request in requests
    }


# --- the rules' fingerprint -------------------------------------------------------------------

RULES_KEY = "followup_rules"


@functools.cache
def rules_fingerprint() -> str:
    """A digest of everything the stored check days were computed from: the laws' periods and calendars."""
    parts = [repr(sorted((str(name), repr(law)) for name, law in LAWS.items()))]
    parts += [f"{name}={value}" for name, value in vars(followup).items() if name.isupper() and isinstance(value, int)]
    calendars = {law.calendar().name: law.calendar() for law in LAWS.values()}
    for name in sorted(calendars):
        parts.append(f"{name}: {calendars[name].closed_days_between(dt.date(2015, 1, 1), dt.date(2035, 12, 31))}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def look_again_if_rules_changed(session: Session) -> bool:
    """When the rules differ from those the stored days were computed with, look at every open request again."""
    fingerprint = rules_fingerprint()
    row = session.get(AppState, RULES_KEY)
    if row is not None and row.value == fingerprint:
        return False
    session.execute(update(FoiRequestRow).where(FoiRequestRow.status.in_(_OPEN)).values(next_check_on=LOOK_NOW))
    if row is None:  # two sweeps may get here at once: both look again (harmless), one row is kept
        session.execute(insert_ignoring(session, AppState, ["key"]).values(key=RULES_KEY, value=fingerprint))
    else:
        row.value = fingerprint
    return True


# --- claim, record, release -------------------------------------------------------------------


TELEGRAM, EMAIL = "telegram", "email"  # who is told: users of the chat, or requesters by email


def claim(db: Database, now: dt.datetime, batch: int = BATCH, audience: str = TELEGRAM) -> list[DuePrompt]:
    """Claim every prompt due now that was never claimed before, for one audience; return them, to be told."""
    today = now.astimezone(deadlines.LONDON).date()
    with db.unit_of_work() as session:
        look_again_if_rules_changed(session)
    claimed: list[DuePrompt] = []
    while True:  # every request read is moved past today, so each pass reads the next ones due
        with db.unit_of_work() as session:
            rows = session.execute(
                select(FoiRequestRow, User.telegram_id)
                .join(User, User.id == FoiRequestRow.owner_id)
                .where(
                    FoiRequestRow.status.in_(_OPEN),
                    FoiRequestRow.next_check_on <= today,
                    User.telegram_id.is_not(None)
                    if audience == TELEGRAM
                    else (User.telegram_id.is_(None) & User.email.is_not(None)),
                )
                .order_by(FoiRequestRow.next_check_on, FoiRequestRow.id)  # the index, not a scan by id
                .limit(batch)
            ).all()
            if not rows:
                return claimed
            facts = facts_of_many(session, [request for request, _ in rows])
            wanted = []
            next_days: dict[dt.date, list[int]] = {}
            for request, telegram_id in rows:
                for prompt in prompts_due(facts[request.id], today):
                    wanted.append((request.id, telegram_id, prompt))
                next_days.setdefault(next_check(facts[request.id], today), []).append(request.id)
            session.expunge_all()  # read only: the rows are moved on below, in bulk
            for day, ids in next_days.items():
                session.execute(update(FoiRequestRow).where(FoiRequestRow.id.in_(ids)).values(next_check_on=day))
            claimed.extend(_insert_claims(session, wanted, now))


def _insert_claims(session: Session, wanted: list[tuple[int, int, Prompt]], now: dt.datetime) -> list[DuePrompt]:
    if not wanted:
        return []
    inserted = session.execute(
        insert_ignoring(session, PromptSent, ["request_id", "kind", "due_on"]).returning(
            PromptSent.id, PromptSent.request_id, PromptSent.kind, PromptSent.due_on
        ),
        [
            {"request_id": request_id, "kind": prompt.kind.value, "due_on": prompt.due_on, "sent_at": now}
            for request_id, _, prompt in wanted
        ],
    ).all()
    ids = {(request_id, kind, due_on): claim_id for claim_id, request_id, kind, due_on in inserted}
    return [
        DuePrompt(request_id, telegram_id, prompt, ids[(request_id, prompt.kind.value, prompt.due_on)])
        for request_id, telegram_id, prompt in wanted
        if (request_id, prompt.kind.value, prompt.due_on) in ids
    ]


def record_told(db: Database, told: DuePrompt | list[DuePrompt], now: dt.datetime) -> None:
    """The user was told: note each prompt on its request's timeline (one transaction for a list)."""
    dues = told if isinstance(told, list) else [told]
    if not dues:
        return
    with db.unit_of_work() as session:
        session.execute(
            insert(TimelineEvent),
            [
                {
                    "request_id": due.request_id, "at": now, "kind": "prompt",
                    "summary": f"prompted: {due.prompt.kind.replace('_', ' ')}",
                    "detail": {"prompt": due.prompt.kind.value},
                }
                for due in dues
            ],
        )  # fmt: skip


def release(db: Database, due: DuePrompt) -> None:
    """The user could not be told: forget the claim, and look at the request again next time."""
    with db.unit_of_work() as session:
        session.execute(delete(PromptSent).where(PromptSent.id == due.claim_id))
        session.execute(update(FoiRequestRow).where(FoiRequestRow.id == due.request_id).values(next_check_on=LOOK_NOW))


def sweep(db: Database, now: dt.datetime, tell: Callable[[DuePrompt], None]) -> list[DuePrompt]:
    """Prompt every request that needs it, once; return the prompts told (the synchronous twin of the bot job)."""
    told = []
    for due in claim(db, now):
        try:
            tell(due)
        except Exception:
            log.exception("could not send prompt %s for request %s; will retry", due.prompt.kind, due.request_id)
            release(db, due)
            continue
        told.append(due)
    record_told(db, told, now)
    return told


__all__ = ["DuePrompt", "PromptKind", "claim", "facts_of_many", "record_told", "release", "sweep", "unanswered_in"]
