"""Requests in the database: their parts, state changes, dates and timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from foi import deadlines
from foi.laws import law_for
from foi.lifecycle import Event, can, next_status
from foi.questions import Question
from foi.references import new_reference
from storage.models import FoiRequestRow, QuestionPart, TimelineEvent


class RequestNotFound(LookupError):
    """No request has that id or reference (or it belongs to someone else)."""


def add_event(
    session: Session,
    request: FoiRequestRow,
    at: dt.datetime,
    kind: str,
    summary: str,
    message_id: int | None = None,
    **detail: Any,
) -> TimelineEvent:
    """Append an entry to the request's timeline."""
    event = TimelineEvent(
        request_id=request.id, at=at, kind=kind, summary=summary, detail=detail, message_id=message_id
    )
    session.add(event)
    return event


def transition(session: Session, request: FoiRequestRow, event: Event, at: dt.datetime, summary: str = "") -> None:
    """Move the request through the lifecycle and record the change on its timeline."""
    before = request.status
    request.status = next_status(before, event).value
    add_event(
        session, request, at, "status", summary or f"{before} → {request.status}", before=before, after=request.status
    )


def questions_of(request: FoiRequestRow) -> list[Question]:
    """Return the request's questions and sub-items as domain objects, in order."""
    tops = sorted((p for p in request.parts if p.parent_id is None), key=lambda p: p.position)
    questions = []
    for top in tops:
        subs = sorted((p for p in request.parts if p.parent_id == top.id), key=lambda p: p.position)
        questions.append(Question(top.text, tuple(s.text for s in subs)))
    return questions


def replace_questions(session: Session, request: FoiRequestRow, questions: list[Question]) -> None:
    """Store ``questions`` as the request's parts, replacing what was there."""
    # One SQL delete: the database cascades to sub-items, the ORM is told to forget them.
    session.execute(delete(QuestionPart).where(QuestionPart.request_id == request.id))
    session.expire(request, ["parts"])
    for position, question in enumerate(questions, start=1):
        top = QuestionPart(request_id=request.id, position=position, text=question.text)
        session.add(top)
        session.flush()
        for sub_position, item in enumerate(question.sub_items, start=1):
            session.add(QuestionPart(request_id=request.id, parent_id=top.id, position=sub_position, text=item))
    session.flush()
    session.expire(request, ["parts"])


def assign_reference(session: Session, request: FoiRequestRow) -> str:
    """Give the request a fresh reference unless it has one; return it."""
    if request.reference:
        return request.reference
    while True:
        candidate = new_reference()
        taken = session.scalar(select(FoiRequestRow.id).where(FoiRequestRow.reference == candidate))
        if taken is None:
            request.reference = candidate
            session.flush()
            return candidate


def by_reference(session: Session, reference: str) -> FoiRequestRow:
    """Return the request with ``reference``, or raise RequestNotFound."""
    request = session.scalar(select(FoiRequestRow).where(FoiRequestRow.reference == reference))
    if request is None:
        raise RequestNotFound(f"no request {reference}")
    return request


def record_delivery(session: Session, request_id: int, kind: str, sent_at: dt.datetime, message_id: int) -> None:
    """Record that a message for the request was delivered; the first one starts the clock.

    The delivery time, in UK time, is the authority's receipt (LAW.md: day 0).
    """
    request = session.get(FoiRequestRow, request_id)
    if request is None:
        return
    if kind not in ("request", "clarification"):
        add_event(session, request, sent_at, "sent", f"{kind} sent", message_id=message_id)
        return
    law = law_for(request.regime)
    received = deadlines.receipt_day(sent_at)
    at = sent_at.astimezone(deadlines.LONDON).time()
    if kind == "clarification":
        # FOIA s.1(3): a fresh 20 working days from receipt of the clarification.
        request.reply_due_on = deadlines.reply_due_after_clarification(law, received)
        request.reply_due_lenient_on = deadlines.reply_due_lenient(law, received, at)
        request.very_overdue_on = deadlines.very_overdue(law, received)
        request.promised_on = None
        add_event(
            session, request, sent_at, "sent",
            f"clarification delivered; reply now due {request.reply_due_on:%d %b %Y}", message_id=message_id,
        )  # fmt: skip
        return
    request.sent_at = sent_at
    request.received_on = received
    request.reply_due_on = deadlines.reply_due(law, received)
    request.reply_due_lenient_on = deadlines.reply_due_lenient(law, received, at)
    request.very_overdue_on = deadlines.very_overdue(law, received)
    add_event(
        session,
        request,
        sent_at,
        "sent",
        f"request delivered; reply due {request.reply_due_on:%d %b %Y}",
        message_id=message_id,
        reply_due=request.reply_due_on.isoformat(),
        reply_due_lenient=request.reply_due_lenient_on.isoformat(),
    )
    if can(request.status, Event.DELIVER):
        transition(session, request, Event.DELIVER, sent_at)


def record_failed_delivery(session: Session, request_id: int, kind: str, error: str, at: dt.datetime) -> None:
    """Record that a message for the request could not be delivered, and why."""
    request = session.get(FoiRequestRow, request_id)
    if request is None:
        return
    add_event(session, request, at, "send_failed", f"{kind} could not be sent: {error}", error=error)
    if kind == "request" and can(request.status, Event.BOUNCE):
        transition(session, request, Event.BOUNCE, at, "the request could not be delivered")
