"""Follow-ups: the letters prompts offer (chaser, review, requirement for review, complaint pack),
sending one in the request's thread, and recording a complaint. The prompts themselves: service/prompts.py.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from foi import deadlines, letters
from foi.correspondence import LetterKind
from foi.laws import law_for
from foi.lifecycle import Event, can
from mail.compose import Mailbox
from service import outgoing
from service.complaint_pack import PackContents, PackMessage, build_pdf, build_zip
from service.prompts import latest_analyses, unanswered_in
from storage.models import AuthorityReference, FoiRequestRow, MessageLink, MessageRow
from storage.requests import transition

log = logging.getLogger(__name__)


def unanswered_parts(session: Session, request_id: int) -> list[tuple[str, str, str]]:
    """Return (label, text, status) of the parts the latest reply did not fully answer."""
    return unanswered_in(latest_analyses(session, [request_id]).get(request_id))


def review_grounds(session: Session, request_id: int) -> letters.ReviewGrounds:
    """The parts left unanswered and the exemptions cited by the latest reply, read once."""
    analysis = latest_analyses(session, [request_id]).get(request_id) or {}
    return letters.ReviewGrounds(tuple(unanswered_in(analysis)), tuple(analysis.get("exemptions") or []))


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
    grounds = review_grounds(session, request.id)
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
    grounds = review_grounds(session, request.id)
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
    if kind == LetterKind.REPLY and request.status == "clarification_requested":
        kind = LetterKind.CLARIFICATION
    queued = outgoing.queue_letter(
        session, request, letters.Letter(kind, letter.subject, letter.body), mailbox, now, reply_to=reply_to_message_id
    )
    if kind == LetterKind.REVIEW and can(request.status, Event.REQUEST_REVIEW):
        request.review_requested_on = today
        request.review_reply_due_on = deadlines.review_reply_due(law, today)
        request.review_reply_due_max_on = deadlines.review_reply_due_max(law, today)
        transition(session, request, Event.REQUEST_REVIEW, now, f"{law.review_name} requested")
    elif kind == LetterKind.CLARIFICATION and can(request.status, Event.CLARIFY):
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


SNOOZE = dt.timedelta(days=7)


def snooze(request: FoiRequestRow, today: dt.date) -> dt.date:
    """No reminders about the request for a week; return the day they may come again."""
    request.snoozed_until = today + SNOOZE
    return request.snoozed_until


def stop_reminders(request: FoiRequestRow) -> None:
    """No more reminders about the request (its page still shows the deadlines)."""
    request.reminders_off = True
