"""Properties every reply deadline must have, whatever the receipt day."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from foi import deadlines as d
from foi.laws import LAWS, Regime

receipts = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31))
laws = st.sampled_from([LAWS[r] for r in Regime])
times = st.none() | st.times()


@settings(max_examples=300, deadline=None)
@given(law=laws, received=receipts, at=times)
def test_due_dates_are_working_days(law, received, at):
    calendar = law.calendar()
    assert calendar.is_working_day(d.reply_due(law, received))
    assert calendar.is_working_day(d.reply_due_lenient(law, received, at))
    assert calendar.is_working_day(d.very_overdue(law, received))


@settings(max_examples=300, deadline=None)
@given(law=laws, received=receipts)
def test_exactly_twenty_working_days_lie_between_receipt_and_the_due_date(law, received):
    calendar = law.calendar()
    due = d.reply_due(law, received)
    assert calendar.working_days_between(received, due) == 20
    # …and the day before the due date leaves only 19.
    assert calendar.working_days_between(received, due - dt.timedelta(days=1)) == 19


@settings(max_examples=300, deadline=None)
@given(law=laws, first=receipts, gap=st.integers(min_value=0, max_value=60), at=times)
def test_a_later_receipt_never_gives_an_earlier_due_date(law, first, gap, at):
    later = first + dt.timedelta(days=gap)
    assert d.reply_due(law, later) >= d.reply_due(law, first)
    assert d.reply_due_lenient(law, later, at) >= d.reply_due_lenient(law, first, at)


@settings(max_examples=200, deadline=None)
@given(law=laws, received=receipts, at=times)
def test_lenient_date_is_the_statutory_date_or_one_working_day_later(law, received, at):
    calendar = law.calendar()
    statutory = d.reply_due(law, received)
    lenient = d.reply_due_lenient(law, received, at)
    assert lenient in (statutory, calendar.next_working_day(statutory))
    if calendar.is_working_day(received) and (at is None or at < d.OFFICE_CLOSES):
        assert lenient == statutory


@settings(max_examples=200, deadline=None)
@given(
    law=laws,
    received=receipts,
    notice_after=st.integers(min_value=0, max_value=30),
    pause=st.integers(min_value=0, max_value=60),
)
def test_a_fee_pause_never_shortens_the_deadline(law, received, notice_after, pause):
    notice = received + dt.timedelta(days=notice_after)
    paid = notice + dt.timedelta(days=pause)
    assert d.reply_due_with_fee_pause(law, received, notice, paid) >= d.reply_due(law, received)
