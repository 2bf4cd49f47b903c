"""When to prompt the requester, and to do what: the escalation ladder as rules over dates.

Pure: the request's facts and today's date in, the prompts due out. Each prompt
has a ``kind`` and the ``due_on`` date that triggered it; storage records
(request, kind, due_on) once, so a prompt is never repeated.

Ladder (shared/LAW.md "Escalation ladder"):
1. reply due soon → a note, three working days before;
2. lenient reply date passed, no reply → offer a chaser citing s.10 / reg 5;
3. chased and silent ten working days, or very overdue → ICO complaint
   (FOIA/EIR) or a requirement for review (FOISA/EISR: the SIC needs one);
4. refused, partly answered or parts unanswered → internal review, with a
   reminder five working days before the window closes;
5. review reply overdue → complaint to the regulator;
6. review outcome → complaint (if not satisfied), reminded five working days
   before six weeks (ICO) or six months (SIC) run out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from enum import StrEnum

from foi import deadlines
from foi.laws import law_for
from foi.lifecycle import AWAITING_REPLY, Status

SOON = 3  # working days before the reply is due
CHASER_GRACE = 10  # working days after a chaser before a complaint is offered
REMINDER = 5  # working days before a window closes


@dataclass(frozen=True)
class RequestFacts:
    regime: str
    status: str
    received_on: dt.date | None = None
    reply_due_on: dt.date | None = None
    reply_due_lenient_on: dt.date | None = None
    very_overdue_on: dt.date | None = None
    extended_due_on: dt.date | None = None
    promised_on: dt.date | None = None
    chased_on: dt.date | None = None
    responded_on: dt.date | None = None
    unanswered_parts: int = 0
    review_request_by: dt.date | None = None
    review_requested_on: dt.date | None = None
    review_reply_due_on: dt.date | None = None
    review_reply_due_max_on: dt.date | None = None
    review_decided_on: dt.date | None = None
    complaint_by: dt.date | None = None
    snoozed_until: dt.date | None = None
    reminders_off: bool = False


class PromptKind(StrEnum):
    REPLY_DUE_SOON = "reply_due_soon"
    CHASER = "chaser"
    COMPLAINT_NO_REPLY = "complaint_no_reply"
    REVIEW_NO_REPLY = "review_no_reply"  # FOISA/EISR: a requirement for review of a missing reply
    REVIEW = "review"
    REVIEW_REMINDER = "review_reminder"
    COMPLAINT_REVIEW_OVERDUE = "complaint_review_overdue"
    COMPLAINT_AFTER_REVIEW = "complaint_after_review"
    COMPLAINT_REMINDER = "complaint_reminder"


@dataclass(frozen=True)
class Prompt:
    kind: PromptKind
    due_on: dt.date


def _chase_after(facts: RequestFacts) -> dt.date | None:
    """The date after which silence is worth chasing: a promise or extension, else the lenient due date."""
    return facts.promised_on or facts.extended_due_on or facts.reply_due_lenient_on or facts.reply_due_on


def prompts_due(facts: RequestFacts, today: dt.date) -> list[Prompt]:
    """Return every prompt whose moment has come for this request (storage drops repeats)."""
    if facts.reminders_off or (facts.snoozed_until and today <= facts.snoozed_until):
        return []
    status = Status(facts.status)
    law = law_for(facts.regime)
    cal = law.calendar()
    due: list[Prompt] = []
    if status in AWAITING_REPLY and status != Status.CLARIFICATION_REQUESTED and status != Status.FEE_REQUESTED:
        chase_after = _chase_after(facts)
        if facts.reply_due_on and chase_after and not deadlines.is_overdue(chase_after, today):
            soon = _working_days_before(cal, facts.reply_due_on, SOON)
            if soon <= today <= facts.reply_due_on:
                due.append(Prompt(PromptKind.REPLY_DUE_SOON, facts.reply_due_on))
        if chase_after and today > chase_after and facts.chased_on is None:
            due.append(Prompt(PromptKind.CHASER, chase_after))
        escalate_on = None
        if facts.chased_on:
            escalate_on = cal.add_working_days(facts.chased_on, CHASER_GRACE)
        if facts.very_overdue_on and (escalate_on is None or facts.very_overdue_on < escalate_on):
            escalate_on = facts.very_overdue_on
        if escalate_on and today > escalate_on:
            kind = PromptKind.REVIEW_NO_REPLY if law.is_scottish else PromptKind.COMPLAINT_NO_REPLY
            due.append(Prompt(kind, escalate_on))
    if status in (Status.PARTLY_ANSWERED, Status.REFUSED, Status.NOT_HELD) or (
        status == Status.ANSWERED and facts.unanswered_parts
    ):
        if facts.review_request_by and today <= facts.review_request_by:
            due.append(Prompt(PromptKind.REVIEW, facts.responded_on or today))
            if today >= _working_days_before(cal, facts.review_request_by, REMINDER):
                due.append(Prompt(PromptKind.REVIEW_REMINDER, facts.review_request_by))
    if status == Status.REVIEW_REQUESTED:
        overdue_after = facts.review_reply_due_max_on or facts.review_reply_due_on
        if overdue_after and today > overdue_after:
            due.append(Prompt(PromptKind.COMPLAINT_REVIEW_OVERDUE, overdue_after))
    if status == Status.REVIEW_ANSWERED and facts.complaint_by and today <= facts.complaint_by:
        due.append(Prompt(PromptKind.COMPLAINT_AFTER_REVIEW, facts.review_decided_on or today))
        if today >= _working_days_before(cal, facts.complaint_by, REMINDER):
            due.append(Prompt(PromptKind.COMPLAINT_REMINDER, facts.complaint_by))
    return due


NEVER = dt.date(9999, 12, 31)  # nothing will fall due unless the request changes


def next_check(facts: RequestFacts, today: dt.date) -> dt.date:
    """Return the first day after ``today`` on which ``prompts_due`` may hold a prompt it does not hold today.

    ``prompts_due`` compares today with the request's dates and with a few
    days derived from them; it can only change on one of those days or the
    day after. So a request need not be looked at again before the earliest
    of them still to come (or before it changes): this is what lets the
    sweep read only what is due. ``NEVER`` when no date is left.
    """
    cal = law_for(facts.regime).calendar()
    days: set[dt.date] = set()
    for field in fields(facts):
        value = getattr(facts, field.name)
        if isinstance(value, dt.date):
            days.update((value, value + dt.timedelta(days=1)))
    if facts.reply_due_on:
        days.add(_working_days_before(cal, facts.reply_due_on, SOON))
    if facts.review_request_by:
        days.add(_working_days_before(cal, facts.review_request_by, REMINDER))
    if facts.complaint_by:
        days.add(_working_days_before(cal, facts.complaint_by, REMINDER))
    if facts.chased_on:
        escalate_on = cal.add_working_days(facts.chased_on, CHASER_GRACE)
        days.update((escalate_on, escalate_on + dt.timedelta(days=1)))
    later = [day for day in days if day > today]
    return min(later) if later else NEVER


def _working_days_before(cal, day: dt.date, count: int) -> dt.date:  # type: ignore[no-untyped-def]
    current = day
    remaining = count
    while remaining:
        current -= dt.timedelta(days=1)
        if cal.is_working_day(current):
            remaining -= 1
    return current
