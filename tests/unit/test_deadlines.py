"""Deadline arithmetic under each regime (shared/LAW.md)."""

import datetime as dt

import pytest

from foi import deadlines as d
from foi.calendar import WorkingDayCalendar
from foi.errors import InvalidDates
from foi.laws import EIR, EISR, FOIA, FOISA, LAWS, Regime

D = dt.date


def test_seed_request_received_7_april_2020_is_due_7_may_2020():
    # Good Friday 10 Apr, Easter Monday 13 Apr and the moved holiday of 8 May skipped.
    assert d.reply_due(FOIA, D(2020, 4, 7)) == D(2020, 5, 7)
    assert d.reply_due_lenient(FOIA, D(2020, 4, 7)) == D(2020, 5, 7)
    assert d.day_one(FOIA, D(2020, 4, 7)) == D(2020, 4, 8)


def test_scottish_request_over_easter_is_due_a_day_earlier_than_in_england():
    # Easter Monday (13 Apr 2020) is a working day in Scotland.
    assert d.reply_due(FOISA, D(2020, 4, 7)) == D(2020, 5, 6)
    assert d.reply_due(EISR, D(2020, 4, 7)) == D(2020, 5, 6)
    assert d.reply_due(EIR, D(2020, 4, 7)) == D(2020, 5, 7)


@pytest.mark.parametrize("regime", list(Regime))
def test_northern_ireland_holiday_moves_only_the_uk_wide_deadlines(regime):
    # St Patrick's Day, Fri 17 Mar 2023, lies inside the 20 days.
    due = d.reply_due(LAWS[regime], D(2023, 3, 1))
    expected = D(2023, 3, 29) if LAWS[regime].is_scottish else D(2023, 3, 30)
    assert due == expected


@pytest.mark.parametrize("regime", list(Regime))
def test_scotland_only_holiday_moves_every_deadline(regime):
    # St Andrew's Day, Thu 30 Nov 2023: a Scottish bank holiday, so closed
    # under FOISA/EISR and, being in a part of the UK, under FOIA/EIR too.
    assert d.reply_due(LAWS[regime], D(2023, 11, 20)) == D(2023, 12, 19)


def test_request_received_on_saturday_counts_from_monday_on_the_lenient_reading():
    received = D(2024, 6, 1)  # Saturday
    assert d.reply_due(FOIA, received) == D(2024, 6, 28)  # day 1 is Monday 3 June
    assert d.reply_due_lenient(FOIA, received) == D(2024, 7, 1)  # one working day later


def test_request_received_on_a_bank_holiday_is_lenient_from_the_next_working_day():
    received = D(2024, 5, 27)  # Spring bank holiday, Monday
    assert d.lenient_receipt(FOIA, received) == D(2024, 5, 28)
    assert d.reply_due_lenient(FOIA, received) == d.reply_due(FOIA, D(2024, 5, 28))


def test_request_received_after_office_hours_counts_from_the_next_day_on_the_lenient_reading():
    received = D(2024, 6, 4)  # Tuesday
    assert d.reply_due(FOIA, received) == D(2024, 7, 2)
    assert d.reply_due_lenient(FOIA, received, dt.time(16, 59)) == D(2024, 7, 2)
    assert d.reply_due_lenient(FOIA, received, dt.time(17, 0)) == D(2024, 7, 3)
    assert d.reply_due_lenient(FOISA, received, dt.time(23, 30)) == D(2024, 7, 3)


def test_receipt_day_is_the_uk_date_of_delivery():
    late_utc_in_summer = dt.datetime(2024, 6, 4, 23, 30, tzinfo=dt.UTC)  # 00:30 BST on the 5th
    assert d.receipt_day(late_utc_in_summer) == D(2024, 6, 5)
    late_utc_in_winter = dt.datetime(2024, 1, 9, 23, 30, tzinfo=dt.UTC)  # GMT
    assert d.receipt_day(late_utc_in_winter) == D(2024, 1, 9)
    with pytest.raises(InvalidDates):
        d.receipt_day(dt.datetime(2024, 1, 9, 12, 0))


def test_very_overdue_is_forty_working_days_after_receipt():
    # 20 more working days after 7 May 2020, skipping the spring holiday of 25 May.
    assert d.very_overdue(FOIA, D(2020, 4, 7)) == D(2020, 6, 8)


def test_clarification_restarts_a_fresh_twenty_working_days():
    # Asked to clarify on 20 May 2024; clarification reached them Mon 3 June.
    assert d.reply_due_after_clarification(FOIA, D(2024, 6, 3)) == D(2024, 7, 1)
    original = d.reply_due(FOIA, D(2024, 5, 1))
    assert d.reply_due_after_clarification(FOIA, D(2024, 6, 3)) > original


def test_fee_notice_pauses_the_clock_until_the_fee_is_received():
    received = D(2024, 6, 3)  # Monday; unpaused due date Mon 1 July
    assert d.reply_due(FOIA, received) == D(2024, 7, 1)
    # Notice on Mon 10 June (working days 4 Jun..7 Jun used: 4), paid Fri 14 June:
    # 16 working days remain, counted after the payment day.
    due = d.reply_due_with_fee_pause(FOIA, received, D(2024, 6, 10), D(2024, 6, 14))
    assert due == D(2024, 7, 8)
    assert (
        FOIA.calendar().working_days_between(received, D(2024, 6, 7))
        + FOIA.calendar().working_days_between(D(2024, 6, 14), due)
        == 20
    )


def test_fee_paid_the_day_it_was_asked_only_loses_that_day():
    due = d.reply_due_with_fee_pause(FOIA, D(2024, 6, 3), D(2024, 6, 10), D(2024, 6, 10))
    assert due == D(2024, 7, 2)


def test_fee_notice_before_receipt_is_refused():
    with pytest.raises(InvalidDates):
        d.reply_due_with_fee_pause(FOIA, D(2024, 6, 3), D(2024, 6, 1), D(2024, 6, 5))
    with pytest.raises(InvalidDates):
        d.reply_due_with_fee_pause(FOIA, D(2024, 6, 3), D(2024, 6, 10), D(2024, 6, 5))


def test_unpaid_fee_lapses_after_three_months():
    assert d.fee_lapses_on(FOIA, D(2024, 11, 30)) == D(2025, 2, 28)
    assert d.fee_lapses_on(EIR, D(2024, 11, 30)) is None


def test_public_interest_and_eir_extensions_reach_forty_working_days_but_foisa_has_none():
    assert d.extended_reply_due(FOIA, D(2020, 4, 7)) == D(2020, 6, 8)
    assert d.extended_reply_due(EIR, D(2020, 4, 7)) == D(2020, 6, 8)
    assert d.extended_reply_due(EISR, D(2020, 4, 7)) is not None
    assert d.extended_reply_due(FOISA, D(2020, 4, 7)) is None


def test_review_window_is_forty_working_days_from_the_reply():
    # The seed reply of 9 April 2020: Easter Monday, 8 May and 25 May skipped.
    assert d.review_request_by(FOIA, D(2020, 4, 9)) == D(2020, 6, 10)


def test_foisa_review_can_be_required_forty_working_days_after_a_missing_reply_was_due():
    due = d.reply_due(FOISA, D(2020, 4, 7))
    assert d.review_request_by_if_no_reply(FOISA, D(2020, 4, 7)) == FOISA.calendar().add_working_days(due, 40)
    assert d.review_request_by_if_no_reply(FOIA, D(2020, 4, 7)) is None


@pytest.mark.parametrize(
    ("law", "normal", "maximum"),
    [
        # 12 July 2024 (Battle of the Boyne, NI) counts for the UK-wide laws.
        (FOIA, D(2024, 7, 2), D(2024, 7, 31)),  # s.45 Code: 20, at most 40
        (EIR, D(2024, 7, 31), D(2024, 7, 31)),  # reg 11(4): 40
        (FOISA, D(2024, 7, 2), D(2024, 7, 2)),  # s.21(1): 20
        (EISR, D(2024, 7, 2), D(2024, 7, 2)),  # reg 16(4): 20
    ],
)
def test_review_reply_due(law, normal, maximum):
    assert d.review_reply_due(law, D(2024, 6, 4)) == normal
    assert d.review_reply_due_max(law, D(2024, 6, 4)) == maximum


def test_complaint_window_is_six_weeks_for_the_ico_and_six_months_for_the_sic():
    assert d.complaint_by(FOIA, D(2024, 6, 4)) == D(2024, 7, 16)
    assert d.complaint_by(EIR, D(2024, 6, 4)) == D(2024, 7, 16)
    assert d.complaint_by(FOISA, D(2024, 8, 31)) == D(2025, 2, 28)
    assert d.complaint_by(EISR, D(2024, 6, 4)) == D(2024, 12, 4)


def test_tribunal_appeal_is_28_days_from_the_notice_moved_off_a_weekend():
    assert d.tribunal_appeal_by(FOIA, D(2024, 6, 4)) == D(2024, 7, 2)
    # 28 days after Sat 1 June 2024 is Sat 29 June → Monday 1 July.
    assert d.tribunal_appeal_by(FOIA, D(2024, 6, 1)) == D(2024, 7, 1)


def test_every_deadline_uses_the_calendar_passed_in():
    everything_open = WorkingDayCalendar("no holidays", lambda day: None)
    # Without holidays, 7 April 2020 + 20 working days is 5 May.
    assert d.reply_due(FOIA, D(2020, 4, 7), everything_open) == D(2020, 5, 5)
    assert d.reply_due(FOIA, D(2020, 4, 7)) == D(2020, 5, 7)


def test_is_overdue_is_derived_from_the_date():
    assert not d.is_overdue(D(2020, 5, 7), D(2020, 5, 7))
    assert d.is_overdue(D(2020, 5, 7), D(2020, 5, 8))
    assert not d.is_overdue(None, D(2020, 5, 8))


def test_add_months_clamps_to_the_end_of_the_month():
    assert d.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert d.add_months(D(2024, 11, 15), 3) == D(2025, 2, 15)
