"""Working-day calendars: which days count under which law (shared/LAW.md)."""

import datetime as dt

import pytest

from foi.calendar import WorkingDayCalendar, scotland_calendar, uk_calendar
from foi.laws import LAWS, Regime

D = dt.date

# One-off bank holidays, each proclaimed for a single year (LAW.md keeps a test for each).
IRREGULAR_UK_HOLIDAYS = [
    (D(2020, 5, 8), "early May holiday moved to VE Day 75"),
    (D(2022, 6, 2), "Spring bank holiday moved for the Platinum Jubilee"),
    (D(2022, 6, 3), "Platinum Jubilee"),
    (D(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
    (D(2023, 5, 8), "Coronation of King Charles III"),
]


@pytest.mark.parametrize("regime", list(Regime))
@pytest.mark.parametrize(("day", "why"), IRREGULAR_UK_HOLIDAYS)
def test_irregular_bank_holiday_is_not_a_working_day_under_every_regime(regime, day, why):
    calendar = LAWS[regime].calendar()
    assert day.weekday() < 5, "the test day must be a weekday to prove anything"
    assert not calendar.is_working_day(day), why


def test_ordinary_monday_of_2020_may_is_a_working_day_when_the_holiday_moved():
    # 4 May 2020 would have been the early-May holiday; it moved to Friday 8 May.
    assert uk_calendar().is_working_day(D(2020, 5, 4))


SCOTLAND_ONLY = [
    (D(2023, 11, 30), "St Andrew's Day"),
    (D(2023, 8, 7), "Scottish summer bank holiday, first Monday of August"),
    (D(2024, 1, 2), "2 January"),
]
NORTHERN_IRELAND_ONLY = [
    (D(2023, 3, 17), "St Patrick's Day"),
    (D(2023, 7, 12), "Battle of the Boyne"),
]
NOT_IN_SCOTLAND = [
    (D(2023, 4, 10), "Easter Monday"),
    (D(2023, 8, 28), "late-August Monday"),
]


@pytest.mark.parametrize(("day", "why"), SCOTLAND_ONLY + NORTHERN_IRELAND_ONLY + NOT_IN_SCOTLAND)
@pytest.mark.parametrize("regime", [Regime.FOIA, Regime.EIR])
def test_holiday_in_any_uk_nation_is_closed_for_foia_and_eir(regime, day, why):
    # FOIA s.10(6): a bank holiday "in any part of the United Kingdom".
    assert not LAWS[regime].calendar().is_working_day(day), why


@pytest.mark.parametrize(("day", "why"), SCOTLAND_ONLY)
@pytest.mark.parametrize("regime", [Regime.FOISA, Regime.EISR])
def test_scottish_holiday_is_closed_for_foisa_and_eisr(regime, day, why):
    assert not LAWS[regime].calendar().is_working_day(day), why


@pytest.mark.parametrize(("day", "why"), NORTHERN_IRELAND_ONLY + NOT_IN_SCOTLAND)
@pytest.mark.parametrize("regime", [Regime.FOISA, Regime.EISR])
def test_holiday_outside_scotland_is_a_working_day_for_foisa_and_eisr(regime, day, why):
    # FOISA s.73: only bank holidays in Scotland.
    assert LAWS[regime].calendar().is_working_day(day), why


def test_good_friday_and_christmas_are_closed_everywhere():
    for calendar in (uk_calendar(), scotland_calendar()):
        assert not calendar.is_working_day(D(2024, 3, 29))  # Good Friday
        assert not calendar.is_working_day(D(2024, 12, 25))


def test_weekends_are_never_working_days():
    calendar = uk_calendar()
    assert calendar.why_closed(D(2024, 6, 1)) == "Saturday"
    assert calendar.why_closed(D(2024, 6, 2)) == "Sunday"
    assert calendar.why_closed(D(2024, 6, 3)) is None


def test_why_closed_names_the_nation_of_a_regional_holiday():
    assert uk_calendar().why_closed(D(2023, 3, 17)) == "Saint Patrick's Day (NIR)"
    assert uk_calendar().why_closed(D(2022, 9, 19)) == "State Funeral of Queen Elizabeth II"
    assert scotland_calendar().why_closed(D(2023, 11, 30)) == "Saint Andrew's Day"


def test_add_working_days_counts_from_day_zero():
    calendar = uk_calendar()
    assert calendar.add_working_days(D(2024, 6, 3), 0) == D(2024, 6, 3)
    assert calendar.add_working_days(D(2024, 6, 7), 1) == D(2024, 6, 10)  # Friday → Monday
    with pytest.raises(ValueError):
        calendar.add_working_days(D(2024, 6, 7), -1)


def test_calendar_can_be_injected_for_a_made_up_holiday():
    closed = {D(2024, 6, 4): "Test Day"}
    calendar = WorkingDayCalendar("test", closed.get)
    assert calendar.add_working_days(D(2024, 6, 3), 1) == D(2024, 6, 5)
    assert calendar.working_days_between(D(2024, 6, 3), D(2024, 6, 10)) == 4
    assert calendar.closed_days_between(D(2024, 6, 3), D(2024, 6, 10)) == [(D(2024, 6, 4), "Test Day")]


def test_counts_kept_for_reuse_give_the_same_days_and_stay_bounded():
    calendar = WorkingDayCalendar("test", {D(2024, 6, 4): "Test Day"}.get)
    first = [calendar.add_working_days(D(2024, 1, 1) + dt.timedelta(days=n), 20) for n in range(300)]
    again = [calendar.add_working_days(D(2024, 1, 1) + dt.timedelta(days=n), 20) for n in range(300)]
    assert first == again
    assert all(calendar.working_days_between(D(2024, 1, 1) + dt.timedelta(days=n), day) == 20
               for n, day in enumerate(first))  # fmt: skip
    for n in range(5000):
        calendar.add_working_days(D(2000, 1, 1) + dt.timedelta(days=n), 1)
    assert len(calendar._counted) <= 4096
