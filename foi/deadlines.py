"""Deadline arithmetic for the four regimes.

Every function is pure: the law, the dates and (optionally) the calendar come
in, a date goes out. The wall clock is never read here.

Counting (shared/LAW.md, "Counting days"):
- Day 0 is the day the authority received the request — the day our email
  was delivered, in Europe/London time — whatever day of the week it is.
  Day 1 is the next working day; the reply is due on working day 20.
- The lenient reading (s.45 Code 2018 and some authorities) treats a request
  arriving on a non-working day or after office hours as received on the
  next working day. Policy: show the statutory date, chase only after the
  lenient one.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from foi.calendar import WorkingDayCalendar
from foi.errors import InvalidDates
from foi.laws import Law, Period, Unit

LONDON = ZoneInfo("Europe/London")

# Policy, not law: a request delivered at or after this local time counts,
# on the lenient reading, as received on the next working day.
OFFICE_CLOSES = dt.time(17, 0)


def receipt_day(delivered_at: dt.datetime) -> dt.date:
    """Return the UK date on which an email delivered at ``delivered_at`` was received."""
    if delivered_at.tzinfo is None:
        raise InvalidDates("delivery time must carry a time zone")
    return delivered_at.astimezone(LONDON).date()


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the same day ``months`` later, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = _stdlib_calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def apply_period(period: Period, start: dt.date, calendar: WorkingDayCalendar) -> dt.date:
    """Return the date ``period`` after ``start``, counted in ``calendar``."""
    match period.unit:
        case Unit.WORKING_DAYS:
            return calendar.add_working_days(start, period.amount)
        case Unit.DAYS:
            return start + dt.timedelta(days=period.amount)
        case Unit.WEEKS:
            return start + dt.timedelta(weeks=period.amount)
        case Unit.MONTHS:
            return add_months(start, period.amount)
    raise AssertionError(f"unhandled unit {period.unit}")  # pragma: no cover


def _cal(law: Law, calendar: WorkingDayCalendar | None) -> WorkingDayCalendar:
    return calendar if calendar is not None else law.calendar()


def _not_before(later: dt.date, earlier: dt.date, what: str, since: str) -> None:
    if later < earlier:
        raise InvalidDates(f"{what} ({later.isoformat()}) is before {since} ({earlier.isoformat()})")


# --- the reply ---------------------------------------------------------------


def day_one(law: Law, received: dt.date, calendar: WorkingDayCalendar | None = None) -> dt.date:
    """Return the first working day after receipt (day 1 of the count)."""
    return _cal(law, calendar).next_working_day(received)


def reply_due(law: Law, received: dt.date, calendar: WorkingDayCalendar | None = None) -> dt.date:
    """Return the statutory reply date: working day 20 counted from receipt as day 0."""
    return apply_period(law.reply, received, _cal(law, calendar))


def lenient_receipt(
    law: Law,
    received: dt.date,
    at: dt.time | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> dt.date:
    """Return the receipt day on the lenient reading (next working day if closed or late)."""
    cal = _cal(law, calendar)
    if not cal.is_working_day(received) or (at is not None and at >= OFFICE_CLOSES):
        return cal.next_working_day(received)
    return received


def reply_due_lenient(
    law: Law,
    received: dt.date,
    at: dt.time | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> dt.date:
    """Return the reply date when a late or non-working-day arrival counts from the next working day."""
    cal = _cal(law, calendar)
    return apply_period(law.reply, lenient_receipt(law, received, at, cal), cal)


def very_overdue(law: Law, received: dt.date, calendar: WorkingDayCalendar | None = None) -> dt.date:
    """Return the day after which a missing reply is very overdue (40 working days)."""
    return apply_period(law.very_overdue, received, _cal(law, calendar))


def extended_reply_due(law: Law, received: dt.date, calendar: WorkingDayCalendar | None = None) -> dt.date | None:
    """Return the latest date an extended reply may come, or None when the law allows none.

    FOIA s.10(3): a public-interest extension for a "reasonable" time, which
    the ICO caps at 20 more working days. EIR/EISR reg 7: complex and
    voluminous, to 40 working days. FOISA: no extension.
    """
    if law.extension is None:
        return None
    return apply_period(law.extension, received, _cal(law, calendar))


def reply_due_after_clarification(
    law: Law,
    clarification_received: dt.date,
    calendar: WorkingDayCalendar | None = None,
) -> dt.date:
    """Return the reply date after a clarification: a fresh 20 working days (FOIA s.1(3))."""
    return reply_due(law, clarification_received, calendar)


def reply_due_with_fee_pause(
    law: Law,
    received: dt.date,
    fee_notice_on: dt.date,
    fee_paid_on: dt.date,
    calendar: WorkingDayCalendar | None = None,
) -> dt.date:
    """Return the reply date when a fees notice paused the clock (FOIA s.10(2)).

    The working days from the day the notice is given to the day the fee is
    received are disregarded: the count stops before the notice and resumes
    after the payment.
    """
    _not_before(fee_notice_on, received, "the fees notice", "receipt")
    _not_before(fee_paid_on, fee_notice_on, "the payment", "the fees notice")
    cal = _cal(law, calendar)
    used = cal.working_days_between(received, fee_notice_on - dt.timedelta(days=1))
    remaining = max(law.reply.amount - used, 0)
    return cal.add_working_days(fee_paid_on, remaining)


def fee_lapses_on(law: Law, fee_notice_on: dt.date) -> dt.date | None:
    """Return the day an unpaid fees notice lapses (FOIA s.9(2): three months), if it does."""
    if law.fee_lapses_after is None:
        return None
    return apply_period(law.fee_lapses_after, fee_notice_on, law.calendar())


def is_overdue(due: dt.date | None, today: dt.date) -> bool:
    """Return True when ``due`` has passed by ``today``."""
    return due is not None and today > due


# --- review, regulator, appeal ---------------------------------------------


def review_request_by(law: Law, responded_on: dt.date, calendar: WorkingDayCalendar | None = None) -> dt.date:
    """Return the last day to ask for a review of a reply sent on ``responded_on``."""
    return apply_period(law.review_window, responded_on, _cal(law, calendar))


def review_request_by_if_no_reply(
    law: Law, received: dt.date, calendar: WorkingDayCalendar | None = None
) -> dt.date | None:
    """Return the last day to require a review of a missing reply (FOISA s.20(5), EISR reg 16(2)).

    Under FOIA and EIR a missing reply goes straight to the ICO, so None.
    """
    if not law.review_window_runs_from_due_date_if_no_reply:
        return None
    cal = _cal(law, calendar)
    return apply_period(law.review_window, reply_due(law, received, cal), cal)


def review_reply_due(law: Law, review_requested_on: dt.date, calendar: WorkingDayCalendar | None = None) -> dt.date:
    """Return when the review answer is due in the normal case."""
    return apply_period(law.review_reply, review_requested_on, _cal(law, calendar))


def review_reply_due_max(law: Law, review_requested_on: dt.date, calendar: WorkingDayCalendar | None = None) -> dt.date:
    """Return the latest date the review answer may come."""
    return apply_period(law.review_reply_max, review_requested_on, _cal(law, calendar))


def complaint_by(law: Law, review_decided_on: dt.date) -> dt.date:
    """Return the last day to complain to the regulator (ICO six weeks, SIC six months)."""
    return apply_period(law.complaint_window, review_decided_on, law.calendar())


def tribunal_appeal_by(
    law: Law, decision_notice_sent_on: dt.date, calendar: WorkingDayCalendar | None = None
) -> dt.date:
    """Return the last day to appeal a regulator's decision notice.

    GRC Rules r.12(2): a time limit ending on a non-working day runs to the
    next working day; the same courtesy is applied to the Court of Session.
    """
    cal = _cal(law, calendar)
    return cal.on_or_after(apply_period(law.appeal_window, decision_notice_sent_on, cal))


# --- a readable schedule -------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """One named date in a request's life and the rule that gives it."""

    key: str
    due_on: dt.date
    rule: str


def reply_schedule(
    law: Law,
    received: dt.date,
    at: dt.time | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> list[Deadline]:
    """Return the dates that follow from receipt of a request, each with its rule."""
    cal = _cal(law, calendar)
    lenient_from = lenient_receipt(law, received, at, cal)
    lenient_rule = f"{law.reply.describe()}, counted from {lenient_from:%a %d %b %Y}"
    if lenient_from != received:
        why = "after office hours" if cal.is_working_day(received) else "on a non-working day"
        lenient_rule += f" because the request arrived {why}; chase only after this date"
    else:
        lenient_rule += "; same as the statutory date"
    schedule = [
        Deadline("received", received, "day 0: the day the authority received the request"),
        Deadline("day_one", day_one(law, received, cal), "day 1: the first working day after receipt"),
        Deadline("reply_due", reply_due(law, received, cal), f"{law.reply.describe()} after receipt"),
        Deadline("reply_due_lenient", reply_due_lenient(law, received, at, cal), lenient_rule),
        Deadline("very_overdue", very_overdue(law, received, cal), law.very_overdue.describe()),
    ]
    no_reply_review = review_request_by_if_no_reply(law, received, cal)
    if no_reply_review is not None:
        schedule.append(
            Deadline(
                "review_request_by_if_no_reply",
                no_reply_review,
                f"{law.review_window.describe()} after the reply was due, if none came",
            )
        )
    return schedule


@dataclass(frozen=True)
class LatePromise:
    """An authority's promised date later than the law allows, with the date that does apply."""

    promised: dt.date
    allowed: dt.date
    rule: str  # the period and its source, for the user ("20 working days (FOIA s.10(1))")


def late_promise(
    law: Law,
    received: dt.date | None,
    promised: dt.date | None,
    extension: bool,
    calendar: WorkingDayCalendar | None = None,
) -> LatePromise | None:
    """Return the promise when it is later than the law allows, else None.

    An acknowledgement may not promise past the reply date (20 working days). An extension may not
    go past the regime's outer limit: FOIA's public-interest extension is "reasonable", which the ICO
    reads as at most 20 more working days; EIR reg 7 allows 40 working days in all; FOISA none.
    """
    if received is None or promised is None:
        return None
    if extension and law.extension is not None:
        allowed, rule = apply_period(law.extension, received, _cal(law, calendar)), law.extension.describe()
    else:
        allowed, rule = reply_due(law, received, calendar), law.reply.describe()
    return LatePromise(promised, allowed, rule) if promised > allowed else None
