"""How each body has answered this instance's requests, with the counts behind every share.

A share without its sample misleads: "100% late" from one request is not a
finding (MuckRock's users asked for exactly this warning). Every share here
is a ``Share(count, of)`` and prints as "3 of 4"; a median says how many
replies it is the median of.

Definitions (each a choice, stated so a reader can check it):

- **replied**: a first substantive reply came (answered, answered in part,
  refused, not held — or a review or complaint followed one);
- **working days to reply**: from the day of receipt (day 0) to the reply,
  counted on the request's own calendar (England & Wales or Scotland);
- **late**: the reply came after the date it was due — the statutory date,
  or a lawful extended date where one was given (EIR reg 7, FOIA s.10(3));
- **overdue now**: still waiting, and the due date has passed (these are
  late too, but not yet in the median);
- **refused or partial**: replies that withheld something (refused, partly
  answered, not held);
- exemptions are those the replies cited, most cited first;
- a review's outcome is read from its letter: the original decision upheld, overturned, or partly
  upheld (``foi.analysis.facts.review_result``); a letter that says neither is counted as decided only.
"""

from __future__ import annotations

import datetime as dt
import statistics as stats
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from foi.deadlines import is_overdue
from foi.laws import law_for
from foi.lifecycle import AWAITING_REPLY, REPLIED, Status

_WITHHELD = frozenset({Status.PARTLY_ANSWERED, Status.REFUSED, Status.NOT_HELD})
# States that follow a substantive reply (a review or complaint of a missing reply has no responded_on).
_AFTER_REPLY = frozenset({Status.REVIEW_REQUESTED, Status.REVIEW_ANSWERED, Status.COMPLAINT_MADE, Status.CLOSED})


@dataclass(frozen=True)
class Record:
    """One request as the statistics see it."""

    authority: str
    regime: str
    status: str
    received_on: dt.date | None
    responded_on: dt.date | None
    reply_due_on: dt.date | None
    extended_due_on: dt.date | None = None
    outcome: str | None = None  # the kind of the first substantive reply, when the status no longer says
    exemptions: tuple[str, ...] = ()
    review_requested_on: dt.date | None = None
    review_decided_on: dt.date | None = None
    review_result: str | None = None  # "upheld" (the decision stands), "overturned", "partly"; None: unread


@dataclass(frozen=True)
class Share:
    count: int
    of: int

    @property
    def fraction(self) -> float | None:
        return self.count / self.of if self.of else None

    def __str__(self) -> str:
        return f"{self.count} of {self.of}"


@dataclass
class AuthorityStats:
    authority: str
    requests: int = 0
    replied: int = 0
    median_working_days: float | None = None
    late: Share = field(default_factory=lambda: Share(0, 0))
    overdue_now: Share = field(default_factory=lambda: Share(0, 0))
    withheld: Share = field(default_factory=lambda: Share(0, 0))
    exemptions: list[tuple[str, int]] = field(default_factory=list)
    reviews_requested: int = 0
    reviews_decided: int = 0
    review_results: dict[str, int] = field(default_factory=dict)  # upheld / overturned / partly, as read


def _replied(record: Record) -> bool:
    status = Status(record.status)
    return record.responded_on is not None and (status in REPLIED or status in _AFTER_REPLY)


def _withheld(record: Record) -> bool:
    if Status(record.status) in _WITHHELD:
        return True
    return record.outcome in ("partial", "refusal", "not_held")


def for_authority(name: str, records: Iterable[Record], today: dt.date) -> AuthorityStats:
    """Return one body's figures from its requests (drafts and queued requests count for nothing)."""
    result = AuthorityStats(name)
    days: list[int] = []
    late = waiting = overdue = withheld = 0
    cited: Counter[str] = Counter()
    for record in records:
        status = Status(record.status)
        if status in (Status.DRAFT, Status.QUEUED, Status.UNDELIVERED) or record.received_on is None:
            continue
        result.requests += 1
        due = record.extended_due_on or record.reply_due_on
        if _replied(record):
            assert record.responded_on is not None
            result.replied += 1
            days.append(law_for(record.regime).calendar().working_days_between(record.received_on, record.responded_on))
            late += bool(due and record.responded_on > due)
            withheld += _withheld(record)
            cited.update(dict.fromkeys(record.exemptions, 1))
        elif status in AWAITING_REPLY:
            waiting += 1
            overdue += is_overdue(due, today)
        if record.review_requested_on:
            result.reviews_requested += 1
            result.reviews_decided += record.review_decided_on is not None
            if record.review_decided_on is not None and record.review_result:
                result.review_results[record.review_result] = result.review_results.get(record.review_result, 0) + 1
    result.median_working_days = stats.median(days) if days else None
    result.late = Share(late, result.replied)
    result.overdue_now = Share(overdue, waiting)
    result.withheld = Share(withheld, result.replied)
    result.exemptions = sorted(cited.items(), key=lambda item: (-item[1], item[0]))
    return result


def by_authority(records: Iterable[Record], today: dt.date) -> list[AuthorityStats]:
    """Return each body's figures, the bodies with most requests first."""
    grouped: dict[str, list[Record]] = {}
    for record in records:
        grouped.setdefault(record.authority, []).append(record)
    found = [for_authority(name, rows, today) for name, rows in grouped.items()]
    return sorted((s for s in found if s.requests), key=lambda s: (-s.requests, s.authority))
