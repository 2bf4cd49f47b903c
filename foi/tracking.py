"""Following many requests: the groups a list is filtered by, and each request's next date.

The groups are what a requester asks of a list ("what is overdue?", "what
was refused?"), not the state machine's states; "overdue" is derived from
the dates, never stored (foi/lifecycle.py's invariant).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from foi.deadlines import is_overdue
from foi.lifecycle import AWAITING_REPLY, Status


class StatusGroup(StrEnum):
    """What a list can be filtered by."""

    QUEUED = "queued"  # not yet delivered (a batch in its revoke window, or the outbox)
    WAITING = "waiting"  # waiting for the first substantive reply
    OVERDUE = "overdue"  # waiting, and past the date it was due
    ANSWERED = "answered"
    REFUSED = "refused"  # refused in part or in whole, or "not held"
    REVIEW = "review"  # an internal review asked for or decided
    COMPLAINT = "complaint"  # with the regulator
    CLOSED = "closed"  # closed or withdrawn


GROUP_STATUSES: dict[StatusGroup, frozenset[Status]] = {
    StatusGroup.QUEUED: frozenset({Status.QUEUED, Status.UNDELIVERED}),
    StatusGroup.WAITING: frozenset(AWAITING_REPLY),
    StatusGroup.OVERDUE: frozenset(AWAITING_REPLY),
    StatusGroup.ANSWERED: frozenset({Status.ANSWERED}),
    StatusGroup.REFUSED: frozenset({Status.PARTLY_ANSWERED, Status.REFUSED, Status.NOT_HELD}),
    StatusGroup.REVIEW: frozenset({Status.REVIEW_REQUESTED, Status.REVIEW_ANSWERED}),
    StatusGroup.COMPLAINT: frozenset({Status.COMPLAINT_MADE}),
    StatusGroup.CLOSED: frozenset({Status.CLOSED, Status.WITHDRAWN}),
}
GROUP_LABELS = {
    StatusGroup.QUEUED: "Queued",
    StatusGroup.WAITING: "Waiting",
    StatusGroup.OVERDUE: "Overdue",
    StatusGroup.ANSWERED: "Answered",
    StatusGroup.REFUSED: "Partial or refused",
    StatusGroup.REVIEW: "In review",
    StatusGroup.COMPLAINT: "Complaint",
    StatusGroup.CLOSED: "Closed",
}


@dataclass(frozen=True)
class Dates:
    """The stored dates a request's next date is read from."""

    status: str
    reply_due_on: dt.date | None = None
    extended_due_on: dt.date | None = None
    promised_on: dt.date | None = None
    review_request_by: dt.date | None = None
    review_reply_due_on: dt.date | None = None
    complaint_by: dt.date | None = None


def reply_due(dates: Dates) -> dt.date | None:
    """The date the reply is owed by: the authority's own promise, an extension, or the statutory date."""
    return dates.promised_on or dates.extended_due_on or dates.reply_due_on


def next_due(dates: Dates) -> dt.date | None:
    """The next date that matters for the request in its state (None when nothing is running)."""
    status = Status(dates.status)
    if status in AWAITING_REPLY:
        return reply_due(dates)
    if status in GROUP_STATUSES[StatusGroup.ANSWERED] | GROUP_STATUSES[StatusGroup.REFUSED]:
        return dates.review_request_by  # the window to ask for a review
    if status == Status.REVIEW_REQUESTED:
        return dates.review_reply_due_on
    if status == Status.REVIEW_ANSWERED:
        return dates.complaint_by
    return None


def is_overdue_now(dates: Dates, today: dt.date) -> bool:
    """Waiting for a reply that was due before today."""
    return Status(dates.status) in AWAITING_REPLY and is_overdue(reply_due(dates), today)


def groups_of(dates: Dates, today: dt.date) -> set[StatusGroup]:
    """Every group the request belongs to today."""
    status = Status(dates.status)
    found = {group for group, statuses in GROUP_STATUSES.items() if status in statuses}
    if not is_overdue_now(dates, today):
        found.discard(StatusGroup.OVERDUE)
    return found


class DeadlineKind(StrEnum):
    REPLY_DUE = "reply-due"
    REVIEW_WINDOW_CLOSES = "review-window-closes"
    REVIEW_REPLY_DUE = "review-reply-due"
    COMPLAINT_WINDOW_CLOSES = "complaint-window-closes"


DEADLINE_SUMMARIES = {
    DeadlineKind.REPLY_DUE: "reply due",
    DeadlineKind.REVIEW_WINDOW_CLOSES: "last day to ask for an internal review",
    DeadlineKind.REVIEW_REPLY_DUE: "internal review decision due",
    DeadlineKind.COMPLAINT_WINDOW_CLOSES: "last day to complain to the regulator",
}


@dataclass(frozen=True)
class DeadlineEvent:
    """One deadline of one request: a whole-day calendar event with a UID that never changes."""

    kind: DeadlineKind
    day: dt.date
    reference: str

    @property
    def uid(self) -> str:
        return f"{self.reference.lower()}-{self.kind.value}@foibot"


def deadline_events(reference: str, dates: Dates) -> list[DeadlineEvent]:
    """The deadlines a requester would put in a calendar, as they stand now (none once closed)."""
    status = Status(dates.status)
    if status in GROUP_STATUSES[StatusGroup.CLOSED] or status == Status.DRAFT:
        return []
    candidates = [
        (DeadlineKind.REPLY_DUE, reply_due(dates)),
        (DeadlineKind.REVIEW_WINDOW_CLOSES, dates.review_request_by),
        (DeadlineKind.REVIEW_REPLY_DUE, dates.review_reply_due_on),
        (DeadlineKind.COMPLAINT_WINDOW_CLOSES, dates.complaint_by),
    ]
    return [DeadlineEvent(kind, day, reference) for kind, day in candidates if day is not None]
