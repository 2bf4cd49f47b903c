"""Follow-ups: the sweep that prompts at the right moment, and the letters the prompts offer.

Prompts are recorded in ``prompts_sent`` under a unique (request, kind, date)
key before the user is told, so restarts, two sweeps at once or two
processes against PostgreSQL never repeat one; if telling the user fails,
the record is removed and the next sweep tries again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from foi import deadlines, letters
from foi.followup import Prompt, RequestFacts, prompts_due
from foi.laws import law_for
from foi.lifecycle import OPEN, Event, can
from foibot import outgoing
from foibot.complaint_pack import PackContents, PackMessage, build_pdf, build_zip
from mail.compose import Mailbox
from storage.db import Database
from storage.models import AuthorityReference, FoiRequestRow, MessageLink, MessageRow, OutboxMessage, PromptSent, User
from storage.requests import add_event, transition

log = logging.getLogger(__name__)


def _last_inbound_analysis(session: Session, request_id: int) -> dict | None:
    row = session.execute(
        select(MessageRow.analysis, MessageRow.classification_by_user)
        .join(MessageLink, MessageLink.message_id == MessageRow.id)
        .where(
            MessageLink.request_id == request_id,
            MessageLink.status == "attached",
            MessageRow.direction == "in",
            MessageRow.label.is_(None),
            MessageRow.analysis.is_not(None),
        )
        .order_by(MessageRow.id.desc())
        .limit(1)
    ).first()
    return row[0] if row else None


def unanswered_parts(session: Session, request_id: int) -> list[tuple[str, str, str]]:
    """Return (label, text, status) of the parts the latest reply did not fully answer."""
    analysis = _last_inbound_analysis(session, request_id) or {}
    return [(c["part"], c["text"], c["status"]) for c in analysis.get("coverage") or [] if c["status"] != "answered"]


def disputed_exemptions(session: Session, request_id: int) -> list[str]:
    analysis = _last_inbound_analysis(session, request_id) or {}
    return list(analysis.get("exemptions") or [])


def chased_on(session: Session, request_id: int) -> dt.date | None:
    sent = session.scalar(
        select(OutboxMessage.sent_at)
        .where(OutboxMessage.request_id == request_id, OutboxMessage.kind == "chaser", OutboxMessage.status == "sent")
        .order_by(OutboxMessage.sent_at.desc())
        .limit(1)
    )
    return deadlines.receipt_day(sent) if sent else None


def facts_of(session: Session, request: FoiRequestRow) -> RequestFacts:
    """Return what the escalation rules need to know about a request."""
    return RequestFacts(
        regime=request.regime,
        status=request.status,
        received_on=request.received_on,
        reply_due_on=request.reply_due_on,
        reply_due_lenient_on=request.reply_due_lenient_on,
        very_overdue_on=request.very_overdue_on,
        extended_due_on=request.extended_due_on,
        promised_on=request.promised_on,
        chased_on=chased_on(session, request.id),
        responded_on=request.responded_on,
        unanswered_parts=len(unanswered_parts(session, request.id)),
        review_request_by=request.review_request_by,
        review_requested_on=request.review_requested_on,
        review_reply_due_on=request.review_reply_due_on,
        review_reply_due_max_on=request.review_reply_due_max_on,
        review_decided_on=request.review_decided_on,
        complaint_by=request.complaint_by,
        snoozed_until=request.snoozed_until,
        reminders_off=request.reminders_off,
    )


@dataclass(frozen=True)
class DuePrompt:
    request_id: int
    telegram_id: int
    prompt: Prompt
    claim_id: int


def claim_prompts(db: Database, now: dt.datetime) -> list[DuePrompt]:
    """Record every prompt due now that was never recorded before, and return them."""
    today = now.astimezone(deadlines.LONDON).date()
    with db.unit_of_work() as session:
        candidates = session.execute(
            select(FoiRequestRow.id, User.telegram_id)
            .join(User, User.id == FoiRequestRow.owner_id)
            .where(FoiRequestRow.status.in_([s.value for s in OPEN]), User.telegram_id.is_not(None))
            .order_by(FoiRequestRow.id)
        ).all()
        plans = []
        for request_id, telegram_id in candidates:
            request = session.get(FoiRequestRow, request_id)
            assert request is not None
            for prompt in prompts_due(facts_of(session, request), today):
                plans.append((request_id, telegram_id, prompt))
    claimed: list[DuePrompt] = []
    for request_id, telegram_id, prompt in plans:
        try:
            with db.unit_of_work() as session:
                row = PromptSent(request_id=request_id, kind=prompt.kind, due_on=prompt.due_on, sent_at=now)
                session.add(row)
                session.flush()
                claimed.append(DuePrompt(request_id, telegram_id, prompt, row.id))
        except IntegrityError:
            continue  # already prompted (by an earlier sweep, or one running right now)
    return claimed


def release_prompt(db: Database, claim_id: int) -> None:
    """Forget a prompt the user could not be told about, so the next sweep tries again."""
    with db.unit_of_work() as session:
        session.execute(delete(PromptSent).where(PromptSent.id == claim_id))


def sweep(db: Database, now: dt.datetime, tell: Callable[[DuePrompt], None]) -> list[DuePrompt]:
    """Prompt every request that needs it, once; return the prompts sent."""
    sent = []
    for due in claim_prompts(db, now):
        try:
            tell(due)
        except Exception:
            log.exception("could not send prompt %s for request %s; will retry", due.prompt.kind, due.request_id)
            release_prompt(db, due.claim_id)
            continue
        with db.unit_of_work() as session:
            request = session.get(FoiRequestRow, due.request_id)
            assert request is not None
            add_event(
                session,
                request,
                now,
                "prompt",
                f"prompted: {due.prompt.kind.replace('_', ' ')}",
                prompt=due.prompt.kind,
            )
        sent.append(due)
    return sent


# --- the letters prompts offer ---------------------------------------------------------------


def addressing(request: FoiRequestRow) -> letters.Addressing:
    assert request.authority is not None
    return letters.Addressing(
        request.authority.name, request.owner.real_name or "", request.reference or "", request.title
    )


def authority_refs(session: Session, request_id: int) -> tuple[str, ...]:
    return tuple(
        session.scalars(
            select(AuthorityReference.reference)
            .where(AuthorityReference.request_id == request_id)
            .order_by(AuthorityReference.id)
        )
    )


def draft_chaser(session: Session, request: FoiRequestRow) -> letters.Letter:
    law = law_for(request.regime)
    sent_on = request.received_on or dt.date.today()
    due = request.promised_on or request.extended_due_on or request.reply_due_on or sent_on
    return letters.chaser(law, addressing(request), sent_on, due)


def draft_review(session: Session, request: FoiRequestRow, today: dt.date) -> letters.Letter:
    law = law_for(request.regime)
    grounds = letters.ReviewGrounds(
        tuple(unanswered_parts(session, request.id)), tuple(disputed_exemptions(session, request.id))
    )
    return letters.internal_review(
        law,
        addressing(request),
        requested_on=request.received_on or today,
        responded_on=request.responded_on or today,
        authority_refs=authority_refs(session, request.id),
        grounds=grounds,
        review_reply_due=deadlines.review_reply_due(law, today),
    )


def draft_requirement_for_review(session: Session, request: FoiRequestRow, today: dt.date) -> letters.Letter:
    law = law_for(request.regime)
    return letters.requirement_for_review_no_reply(
        law,
        addressing(request),
        requested_on=request.received_on or today,
        reply_due=request.reply_due_on or today,
        review_reply_due=deadlines.review_reply_due(law, today),
    )


def complaint_pack(session: Session, request: FoiRequestRow, today: dt.date) -> tuple[str, bytes, str]:
    """Return (file name, zip bytes, grounds) of the complaint pack: PDF plus the original emails."""
    law = law_for(request.regime)
    grounds = letters.ReviewGrounds(
        tuple(unanswered_parts(session, request.id)), tuple(disputed_exemptions(session, request.id))
    )
    no_reply = request.responded_on is None
    review_overdue = request.status == "review_requested"
    grounds_text = letters.complaint_grounds(
        law, addressing(request), grounds, no_reply=no_reply, review_overdue=review_overdue
    )
    rows = session.execute(
        select(MessageRow)
        .join(MessageLink, MessageLink.message_id == MessageRow.id)
        .where(MessageLink.request_id == request.id, MessageLink.status == "attached", MessageRow.raw.is_not(None))
        .order_by(MessageRow.id)
    ).scalars()
    messages = [PackMessage(m.direction, m.raw or b"", m.sent_date or m.stored_at) for m in rows if m.label is None]
    chronology = [(event.at.astimezone(deadlines.LONDON).date(), event.summary) for event in request.events]
    assert request.authority is not None
    contents = PackContents(
        title=request.title,
        reference=request.reference or "",
        requester=request.owner.real_name or "",
        authority=request.authority.name,
        authority_email=request.authority.foi_email,
        law_title=law.title,
        grounds=grounds_text,
        where_to_submit=letters.where_to_complain(law),
        chronology=chronology,
        messages=messages,
    )
    pdf = build_pdf(contents)
    return f"complaint-{request.reference}.zip", build_zip(contents, pdf), grounds_text


def send_letter(
    session: Session,
    request: FoiRequestRow,
    letter: letters.Letter,
    mailbox: Mailbox,
    now: dt.datetime,
    reply_to_message_id: int | None = None,
) -> outgoing.Queued:
    """Queue a follow-up in the request's thread and move the request on (review asked, clarification given)."""
    law = law_for(request.regime)
    today = now.astimezone(deadlines.LONDON).date()
    kind = letter.kind
    if kind == "reply" and request.status == "clarification_requested":
        kind = "clarification"
    queued = outgoing.queue_letter(
        session, request, letters.Letter(kind, letter.subject, letter.body), mailbox, now, reply_to=reply_to_message_id
    )
    if kind == "review" and can(request.status, Event.REQUEST_REVIEW):
        request.review_requested_on = today
        request.review_reply_due_on = deadlines.review_reply_due(law, today)
        request.review_reply_due_max_on = deadlines.review_reply_due_max(law, today)
        transition(session, request, Event.REQUEST_REVIEW, now, f"{law.review_name} requested")
    elif kind == "clarification" and can(request.status, Event.CLARIFY):
        request.clarification_sent_on = today
        transition(
            session, request, Event.CLARIFY, now, "clarification sent; a fresh 20 working days runs from its receipt"
        )
    return queued


def record_complaint(session: Session, request: FoiRequestRow, now: dt.datetime) -> bool:
    """Record that the requester complained to the regulator."""
    if not can(request.status, Event.COMPLAIN):
        return False
    request.complaint_made_on = now.astimezone(deadlines.LONDON).date()
    transition(session, request, Event.COMPLAIN, now, f"complaint made to the {law_for(request.regime).regulator_name}")
    return True
