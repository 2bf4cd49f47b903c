"""Requests in the database: their parts, state changes, dates and timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import Any

from sqlalchemy import delete, event, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE, get_history

from foi.followup import RequestFacts
from foi.lifecycle import Event, next_status
from foi.questions import Question
from foi.references import new_reference
from storage.db import insert_later
from storage.models import FoiRequestRow, QuestionPart, TimelineEvent


class RequestNotFound(LookupError):
    """No request has that id or reference (or it belongs to someone else)."""


LOOK_NOW = dt.date(1970, 1, 1)  # next_check_on of a request the sweep must look at again
_NOT_FACTS = {"next_check_on", "updated_at", "title", "project_id", "project", "tag_rows", "conversation"}
_NOT_FACT_EVENTS = {"prompt"}  # telling a prompt changes nothing the rules read


@event.listens_for(Session, "before_flush")
def _look_again_at_changed_requests(session: Session, _context: object, _instances: object) -> None:
    """Any change to a request's state or dates, or a new timeline entry, makes the sweep look at it again.

    It runs in the transaction of the change itself, so the stored
    ``next_check_on`` can never be later than what the new facts need.
    """
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, FoiRequestRow):
            # Only an attribute set since the last flush has an old value kept: the others cannot have changed.
            # (get_history, not inspect(obj).attrs: that builds a view of every attribute first.)
            changed = obj in session.new or any(
                get_history(obj, key, PASSIVE_NO_INITIALIZE).has_changes()
                for key in inspect(obj).committed_state
                if key not in _NOT_FACTS
            )
            if changed:
                obj.next_check_on = LOOK_NOW
        elif isinstance(obj, TimelineEvent) and obj in session.new and obj.kind not in _NOT_FACT_EVENTS:
            with session.no_autoflush:
                request = obj.request or session.get(FoiRequestRow, obj.request_id)
            if request is not None:
                request.next_check_on = LOOK_NOW


def add_event(
    session: Session,
    request: FoiRequestRow,
    at: dt.datetime,
    kind: str,
    summary: str,
    message_id: int | None = None,
    **detail: Any,
) -> None:
    """Append an entry to the request's timeline."""
    values = {"request_id": request.id, "at": at, "kind": kind, "summary": summary, "detail": detail,
              "message_id": message_id}  # fmt: skip
    if not insert_later(session, TimelineEvent.__table__, [values]):
        session.add(TimelineEvent(**values))
        return
    if kind not in _NOT_FACT_EVENTS:
        request.next_check_on = LOOK_NOW  # what the flush hook below does for an entry added the ORM way


def transition(session: Session, request: FoiRequestRow, event: Event, at: dt.datetime, summary: str = "") -> None:
    """Move the request through the lifecycle and record the change on its timeline."""
    before = request.status
    request.status = next_status(before, event).value
    add_event(
        session, request, at, "status", summary or f"{before} → {request.status}", before=before, after=request.status
    )


_ROW_FACTS = [f.name for f in fields(RequestFacts) if f.name not in ("chased_on", "unanswered_parts")]


def facts_of_row(request: FoiRequestRow, chased_on: dt.date | None, unanswered_parts: int) -> RequestFacts:
    """The request as the escalation rules see it: its row's state and dates, by name, plus two facts
    kept elsewhere (the last chaser sent, the parts the latest reply left unanswered)."""
    return RequestFacts(
        **{name: getattr(request, name) for name in _ROW_FACTS},
        chased_on=chased_on,
        unanswered_parts=unanswered_parts,
    )


def questions_of(request: FoiRequestRow) -> list[Question]:
    """Return the request's questions and sub-items as domain objects, in order."""
    tops = sorted((p for p in request.parts if p.parent_id is None), key=lambda p: p.position)
    questions = []
    for top in tops:
        subs = sorted((p for p in request.parts if p.parent_id == top.id), key=lambda p: p.position)
        questions.append(Question(top.text, tuple(s.text for s in subs)))
    return questions


def questions_by_request(session: Session, request_ids: set[int]) -> dict[int, list[Question]]:
    """Return each request's questions as ``questions_of`` would, read in one query without loading the requests."""
    found: dict[int, list[Question]] = {request_id: [] for request_id in request_ids}
    wanted = sorted(request_ids)
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(QuestionPart.request_id, QuestionPart.id, QuestionPart.parent_id, QuestionPart.text)
            .where(QuestionPart.request_id.in_(wanted[start : start + 500]))
            .order_by(QuestionPart.request_id, QuestionPart.parent_id.is_not(None), QuestionPart.position)
        )
        tops: dict[int, tuple[int, str, list[str]]] = {}  # top part id -> (request, text, its sub-items)
        for request_id, part_id, parent_id, text in rows:
            if parent_id is None:
                tops[part_id] = (request_id, text, [])
            elif parent_id in tops:
                tops[parent_id][2].append(text)
        for request_id, text, subs in tops.values():  # in each request's order: ordered by position above
            found[request_id].append(Question(text, tuple(subs)))
    return found


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


def assign_references(session: Session, requests: list[FoiRequestRow]) -> None:
    """Give each request without one a fresh reference, checking them all against the table at once."""
    wanting = [r for r in requests if not r.reference]
    while wanting:
        candidates = list(dict.fromkeys(new_reference() for _ in wanting))
        taken = set(session.scalars(select(FoiRequestRow.reference).where(FoiRequestRow.reference.in_(candidates))))
        free = [c for c in candidates if c not in taken]
        for request, reference in zip(wanting, free, strict=False):
            request.reference = reference
        wanting = wanting[len(free) :]
    session.flush()
