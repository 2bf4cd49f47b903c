"""A request as its page shows it: each stored date named, with the rule that gives it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from foi.actions import Situation
from foi.laws import law_for
from storage.models import FoiRequestRow


@dataclass(frozen=True)
class NamedDate:
    label: str
    day: dt.date
    rule: str


def deadlines_of(request: FoiRequestRow) -> list[NamedDate]:
    """The request's dates so far, in the order they fall due, each with its rule and source."""
    law = law_for(request.regime)
    rows = [
        ("received_on", "Received by them", "day 0: the day the authority received the request"),
        ("reply_due_on", "Reply due", f"{law.reply.describe()} after receipt"),
        ("reply_due_lenient_on", "Chase after", "the reply date counted from the next working day if it came "
                                                "after hours; a chaser only after this"),
        ("extended_due_on", "Extended to", "the authority extended the time to consider the public interest"),
        ("promised_on", "They promised", "a date the authority itself gave"),
        ("very_overdue_on", "Very overdue", law.very_overdue.describe()),
        ("responded_on", "They replied", "the day their reply arrived"),
        ("review_request_by", f"Ask for an {law.review_name} by",
         f"within {law.review_window.describe()} of the reply"),
        ("review_requested_on", f"{law.review_name.capitalize()} asked", "the day you asked"),
        ("review_reply_due_on", f"{law.review_name.capitalize()} decision due", law.review_reply.describe()),
        ("review_decided_on", f"{law.review_name.capitalize()} decided", "the day the decision arrived"),
        ("complaint_by", "Complain by", f"to the {law.regulator_name}: {law.complaint_window.describe()}"),
        ("complaint_made_on", "Complained", f"the day you complained to the {law.regulator_name}"),
    ]  # fmt: skip
    found = [NamedDate(label, day, rule) for key, label, rule in rows if (day := getattr(request, key)) is not None]
    return sorted(found, key=lambda named: named.day)


def situation_of(request: FoiRequestRow) -> Situation:
    """What foi.actions needs to know to say which follow-ups are open."""
    return Situation(
        status=request.status,
        reply_due_on=request.reply_due_on,
        reply_due_lenient_on=request.reply_due_lenient_on,
        very_overdue_on=request.very_overdue_on,
        reminders_off=bool(request.reminders_off),
    )
