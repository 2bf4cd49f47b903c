"""When a reply is attached to a request: read it, keep the analysis, and move the request on.

The analysis is stored with the message; the request's state and dates follow
the kind of letter: an acknowledgement (its reference is learned by the
matching step), a clarification (the clock stops), a fees notice (the clock
pauses), an extension (a new promised date), a substantive reply (the review
window opens), a review outcome (the complaint window opens).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from foi import deadlines
from foi.analysis import Analysis, analyse
from foi.analysis.kinds import Kind
from foi.laws import law_for
from foi.lifecycle import Event, can
from foi.questions import Question
from mail.parse import ParsedMessage
from storage.models import FoiRequestRow, MessageRow
from storage.requests import add_event, questions_of, transition

_REPLY_EVENTS = {
    Kind.INFORMATION_PROVIDED: Event.ANSWER,
    Kind.PARTIAL: Event.ANSWER_PARTLY,
    Kind.REFUSAL: Event.REFUSE,
    Kind.NOT_HELD: Event.REPORT_NOT_HELD,
}
_REPLY_TO_COME = {Kind.ACKNOWLEDGEMENT, Kind.EXTENSION, Kind.CLARIFICATION, Kind.FEE_NOTICE, Kind.OTHER}
KIND_WORDS = {
    Kind.ACKNOWLEDGEMENT: "an acknowledgement",
    Kind.CLARIFICATION: "a request to clarify",
    Kind.FEE_NOTICE: "a fees notice",
    Kind.EXTENSION: "an extension",
    Kind.INFORMATION_PROVIDED: "an answer",
    Kind.PARTIAL: "a partial answer",
    Kind.REFUSAL: "a refusal",
    Kind.NOT_HELD: "a 'not held' reply",
    Kind.REVIEW_ACKNOWLEDGEMENT: "an acknowledgement of your review request",
    Kind.REVIEW_OUTCOME: "the outcome of the review",
    Kind.OTHER: "a message",
}


def analyse_reply(questions: list[Question], parsed: ParsedMessage, label: str | None) -> Analysis:
    """Read the reply against the request's own questions (pure: no session needed)."""
    return analyse(
        parsed.full_text(),
        questions,
        subject=parsed.subject,
        label=label,
        sent_on=parsed.date.astimezone(deadlines.LONDON).date() if parsed.date else None,
    )


def on_reply_attached(
    session: Session,
    request: FoiRequestRow,
    row: MessageRow,
    parsed: ParsedMessage,
    now: dt.datetime,
    analysis: Analysis | None = None,
) -> None:
    """Store the analysis on the message and let the request's state follow it.

    The legal dates run from the day the letter reached us; the timeline entry
    carries ``now``, the moment the request changed.
    """
    result = analysis or analyse_reply(questions_of(request), parsed, row.label)
    row.analysis = stored = result.as_dict()
    row.classification = result.kind
    if row.label is not None:
        return  # bounces and automatic replies never move the request
    if not result.is_confident:
        return  # the owner is asked what kind of letter it is; their answer moves the request
    apply_kind(session, request, result.kind, stored, _day_of(row), at=now)


def correct_kind(session: Session, request: FoiRequestRow, row: MessageRow, kind: str, now: dt.datetime) -> None:
    """The owner says what kind of letter ``row`` is: their word is kept, and the request follows it."""
    row.classification_by_user = kind
    apply_kind(session, request, kind, row.analysis or {}, _day_of(row), at=now)


def arrival_of(row: MessageRow) -> dt.datetime:
    """Return when a message reached us: when it was stored (its Date header is the sender's word).

    A letter that came by post reached the requester on the day they gave.
    """
    if row.arrived_on is not None:
        return dt.datetime.combine(row.arrived_on, dt.time(12), deadlines.LONDON)
    stored = row.stored_at or dt.datetime.now(dt.UTC)
    sent = row.sent_date
    # The Date header is kept when it is plausible: not after we stored it, and not a week before.
    if sent is not None and stored - dt.timedelta(days=7) <= sent <= stored + dt.timedelta(minutes=5):
        return sent
    return stored


def _day_of(row: MessageRow) -> dt.date:
    return arrival_of(row).astimezone(deadlines.LONDON).date()


def _date(value: object) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else None


def apply_kind(
    session: Session,
    request: FoiRequestRow,
    kind: str,
    analysis: dict,
    arrived: dt.date,
    at: dt.datetime,
) -> None:
    """Move the request on according to the kind of letter (also when the user corrects the kind).

    ``analysis`` is the stored analysis (``Analysis.as_dict()``) of the letter, ``arrived`` the day it
    reached us (legal dates run from it) and ``at`` the moment of this change (the timeline's order).
    """
    law = law_for(request.regime)
    stated = _date(analysis.get("letter_date"))
    # Only a letter that leaves the reply to come promises it: a refusal's "we expect to publish it by 30 June"
    # or a review's "the outcome by 3 March" is no date for the reply.
    promised = _date(analysis.get("promised_date")) if kind in _REPLY_TO_COME else None
    # A letter dated before our request reached them, or after it reached us, is not trusted for deadlines.
    trusted = (
        stated is not None and stated <= arrived and (request.received_on is None or stated >= request.received_on)
    )
    letter_day = stated if trusted and stated is not None else arrived
    summary = f"{KIND_WORDS.get(kind, kind)} arrived"
    late = deadlines.late_promise(law, request.received_on, promised, extension=kind == "extension")
    if promised and late is None:
        request.promised_on = promised
        summary += f"; reply promised by {promised:%d %b %Y}"
    elif late is not None:
        summary += (
            f"; they promise a reply by {promised:%d %b %Y}, later than the law allows: "
            f"due by {late.allowed:%d %b %Y} ({late.rule})"
        )
    if kind == "acknowledgement" and can(request.status, Event.ACKNOWLEDGE) and request.status != "review_requested":
        transition(session, request, Event.ACKNOWLEDGE, at, summary)
    elif kind == "clarification" and can(request.status, Event.ASK_CLARIFICATION):
        request.clarification_asked_on = letter_day
        transition(session, request, Event.ASK_CLARIFICATION, at, summary + "; the clock stops until you clarify")
    elif kind == "fee_notice" and can(request.status, Event.REQUEST_FEE):
        request.fee_notice_on = letter_day
        transition(session, request, Event.REQUEST_FEE, at, summary + "; the clock pauses until the fee is paid")
    elif kind == "extension" and can(request.status, Event.EXTEND):
        outer = deadlines.extended_reply_due(law, request.received_on) if request.received_on else None
        request.extended_due_on = (promised if late is None else None) or outer
        transition(session, request, Event.EXTEND, at, summary)
    elif kind in _REPLY_EVENTS and can(request.status, _REPLY_EVENTS[kind]):
        request.responded_on = letter_day
        request.review_request_by = review_deadline(law, letter_day, analysis.get("review_window"))
        unanswered = [c["part"] for c in analysis.get("coverage") or [] if c["status"] != "answered"]
        if unanswered:
            summary += f"; not fully answered: part{'s' if len(unanswered) > 1 else ''} {', '.join(unanswered)}"
        transition(session, request, _REPLY_EVENTS[kind], at, summary)
    elif kind == "review_outcome" and can(request.status, Event.ANSWER_REVIEW):
        request.review_decided_on = letter_day
        request.complaint_by = deadlines.complaint_by(law, letter_day)
        transition(session, request, Event.ANSWER_REVIEW, at, summary)
    else:
        add_event(session, request, at, "reply", summary, letter_kind=kind)


def review_deadline(law, responded_on: dt.date, stated: dict[str, int] | None) -> dt.date:  # type: ignore[no-untyped-def]
    """Return the last day to ask for a review: the law's window, or the authority's own when longer."""
    statutory = deadlines.review_request_by(law, responded_on)
    if not stated:
        return statutory
    if "months" in stated:
        theirs = deadlines.add_months(responded_on, stated["months"])
    elif "working_days" in stated:
        theirs = law.calendar().add_working_days(responded_on, stated["working_days"])
    elif "weeks" in stated:
        theirs = responded_on + dt.timedelta(weeks=stated["weeks"])
    else:
        theirs = responded_on + dt.timedelta(days=stated.get("days", 0))
    return max(statutory, theirs)
