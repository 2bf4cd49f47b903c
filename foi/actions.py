"""What a requester can do with a request now: the one rule the chat's buttons and the web's forms share.

Pure: the request's status, law and dates, and today, in; the open actions out,
in the order they are offered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from foi.deadlines import is_overdue
from foi.laws import Law
from foi.lifecycle import Event, can

WAITING = ("sent", "acknowledged", "extended")
REPLIED = ("answered", "partly_answered", "refused", "not_held")


class Action(StrEnum):
    CORRECT_ADDRESS = "correct_address"  # it bounced: fix the address and send it again
    CHASER = "chaser"
    REQUIRE_REVIEW = "require_review"  # Scotland: a requirement for review when no reply came
    REVIEW = "review"
    COMPLAINT_PACK = "complaint_pack"
    SNOOZE = "snooze"
    STOP_REMINDERS = "stop_reminders"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class Situation:
    status: str
    reply_due_on: dt.date | None = None
    reply_due_lenient_on: dt.date | None = None
    very_overdue_on: dt.date | None = None
    reminders_off: bool = False


def open_actions(situation: Situation, law: Law, today: dt.date) -> list[Action]:
    """Return what can be done with the request today, in the order to offer it."""
    status = situation.status
    found: list[Action] = []
    waiting = status in WAITING
    if status == "undelivered":
        found.append(Action.CORRECT_ADDRESS)
    if waiting and is_overdue(situation.reply_due_lenient_on or situation.reply_due_on, today):
        found.append(Action.CHASER)
        if law.is_scottish:
            found.append(Action.REQUIRE_REVIEW)
    if status in REPLIED:
        found.append(Action.REVIEW)
    late = waiting and is_overdue(situation.very_overdue_on, today)
    if status in ("review_requested", "review_answered") or (late and not law.is_scottish):
        found.append(Action.COMPLAINT_PACK)
    if status not in ("draft", "closed", "withdrawn"):
        found.append(Action.SNOOZE)
        if not situation.reminders_off:
            found.append(Action.STOP_REMINDERS)
    if status != "draft" and can(status, Event.WITHDRAW):
        found.append(Action.WITHDRAW)
    return found
