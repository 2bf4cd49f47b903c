"""What ``foibot deadline`` computes and how it prints it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from foi import deadlines as d
from foi.errors import InvalidDates
from foi.laws import Law


def schedule(
    law: Law,
    *,
    received: dt.date | None,
    at: dt.time | None,
    event: str | None,
    event_date: dt.date | None,
) -> list[d.Deadline]:
    """Return the named dates for a receipt and/or one later event."""
    cal = law.calendar()
    rows: list[d.Deadline] = d.reply_schedule(law, received, at, cal) if received else []
    if event is None or event_date is None:
        return rows
    if received is not None and event_date < received:
        raise InvalidDates(f"{event.replace('_', ' ')} ({event_date}) is before receipt ({received})")
    match event:
        case "responded":
            rows.append(
                d.Deadline(
                    "review_request_by",
                    d.review_request_by(law, event_date, cal),
                    f"ask for a {law.review_name} within {law.review_window.describe()} of the reply",
                )
            )
        case "review_requested":
            rows.append(
                d.Deadline(
                    "review_reply_due",
                    d.review_reply_due(law, event_date, cal),
                    f"the {law.review_name} answer is due in {law.review_reply.describe()}",
                )
            )
            rows.append(
                d.Deadline(
                    "review_reply_due_max",
                    d.review_reply_due_max(law, event_date, cal),
                    f"at the latest {law.review_reply_max.describe()}",
                )
            )
        case "review_decided":
            rows.append(
                d.Deadline(
                    "complaint_by",
                    d.complaint_by(law, event_date),
                    f"complain to the {law.regulator_name} within {law.complaint_window.describe()}",
                )
            )
        case "decision_notice_sent":
            rows.append(
                d.Deadline(
                    "tribunal_appeal_by",
                    d.tribunal_appeal_by(law, event_date, cal),
                    f"appeal to the {law.appeal_body} within {law.appeal_window.describe()} "
                    "of the day the decision notice was sent",
                )
            )
    return rows


def as_json(law: Law, rows: list[d.Deadline]) -> dict[str, Any]:
    """Return ``{"law": ..., key: ISO date, ...}``."""
    return {"law": law.regime.value, **{row.key: row.due_on.isoformat() for row in rows}}


def as_table(law: Law, rows: list[d.Deadline]) -> str:
    """Return a readable table naming each date and the rule behind it."""
    cal = law.calendar()
    lines = [f"{law.short_name} — {law.title}", f"Working days: {law.calendar_source}.", ""]
    width = max(len(row.key) for row in rows)
    for row in rows:
        lines.append(f"{row.key:<{width}}  {row.due_on:%a %d %b %Y}  {row.rule}")
    start = min(row.due_on for row in rows)
    end = max(row.due_on for row in rows)
    closed = cal.closed_days_between(start, end)
    if closed:
        lines.append("")
        lines.append(f"Not working days in this period ({cal.name}):")
        lines.extend(f"  {day:%a %d %b %Y}  {name}" for day, name in closed)
    return "\n".join(lines)
