"""Working-day calendars for counting FOI deadlines.

A calendar answers one question — is this date a working day? — and counts
working days from it. The law decides which calendar applies
(see ``foi.laws``); callers pass the calendar in, nothing here is global.

- FOIA 2000 s.10(6) and EIR 2004 reg 2(1): a working day is any day other
  than a Saturday, a Sunday, Christmas Day, Good Friday or a bank holiday in
  *any* part of the United Kingdom. The calendar is the union of the England,
  Wales, Scotland and Northern Ireland holidays.
- FOISA 2002 s.73 and EISR 2004 reg 2(1): a bank holiday *in Scotland*.

``holidays.country_holidays("GB")`` without a subdivision gives only the days
common to every nation, so the UK calendar is built from each subdivision.
Days proclaimed after the fact (19 Sep 2022) are in the library and count as
non-working days whenever a request was received (conservative for the
requester).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

import holidays

UK_NATIONS = ("ENG", "WLS", "SCT", "NIR")
SCOTLAND = ("SCT",)

# Christmas Day and Good Friday are named in FOIA s.10(6) / FOISA s.73 in
# their own right; they are also bank or common-law holidays in every nation.
_ALWAYS_CLOSED = ("Christmas Day", "Good Friday")

HolidayLookup = Callable[[dt.date], str | None]
_COUNTS_KEPT = 4096


@dataclass(frozen=True)
class WorkingDayCalendar:
    """A calendar of working days: weekdays that are not holidays."""

    name: str
    holiday_name: HolidayLookup = field(compare=False, repr=False)
    # Counts already made: a day's letters all ask for the same deadlines. Bounded; cleared when full.
    _counted: dict[tuple[dt.date, int], dt.date] = field(default_factory=dict, compare=False, repr=False)

    def is_working_day(self, day: dt.date) -> bool:
        """Return True when ``day`` is a working day in this calendar."""
        return day.weekday() < 5 and self.holiday_name(day) is None

    def why_closed(self, day: dt.date) -> str | None:
        """Return why ``day`` is not a working day, or None when it is one."""
        if day.weekday() == 5:
            return "Saturday"
        if day.weekday() == 6:
            return "Sunday"
        return self.holiday_name(day)

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """Return the ``count``-th working day after ``start`` (``start`` is day 0)."""
        if count < 0:
            raise ValueError(f"count must not be negative, got {count}")
        found = self._counted.get((start, count))
        if found is not None:
            return found
        day = start
        remaining = count
        while remaining:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        if len(self._counted) >= _COUNTS_KEPT:
            self._counted.clear()
        self._counted[(start, count)] = day
        return day

    def next_working_day(self, day: dt.date) -> dt.date:
        """Return the first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def on_or_after(self, day: dt.date) -> dt.date:
        """Return ``day`` when it is a working day, else the next one."""
        return day if self.is_working_day(day) else self.next_working_day(day)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Count working days after ``start`` up to and including ``end``."""
        if end <= start:
            return 0
        return sum(1 for day in _days(start, end) if self.is_working_day(day))

    def closed_days_between(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
        """List the weekday holidays after ``start`` up to and including ``end``."""
        closed = []
        for day in _days(start, end):
            if day.weekday() < 5 and (name := self.holiday_name(day)) is not None:
                closed.append((day, name))
        return closed


def _days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start + dt.timedelta(days=1)
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


class _NationsHolidays:
    """Holidays of several UK nations, looked up year by year and cached."""

    def __init__(self, nations: Iterable[str]) -> None:
        self._nations = tuple(nations)
        self._years: dict[int, dict[dt.date, str]] = {}

    def __call__(self, day: dt.date) -> str | None:
        year = self._years.get(day.year)
        if year is None:
            year = self._years[day.year] = self._load(day.year)
        return year.get(day)

    def _load(self, year: int) -> dict[dt.date, str]:
        days: dict[dt.date, list[str]] = {}
        for nation in self._nations:
            for day, name in holidays.country_holidays("GB", subdiv=nation, years=year).items():
                names = days.setdefault(day, [])
                for part in name.split("; "):
                    everywhere = part in _ALWAYS_CLOSED or len(self._nations) == 1
                    label = part if everywhere else f"{part} ({nation})"
                    if label not in names:
                        names.append(label)
        return {day: _merge_names(names, len(self._nations)) for day, names in days.items()}


def _merge_names(names: list[str], nation_count: int) -> str:
    """Collapse "X (ENG)", "X (WLS)"… into "X" when every nation keeps it."""
    by_base: dict[str, list[str]] = {}
    for label in names:
        base, _, rest = label.partition(" (")
        by_base.setdefault(base, []).append(rest.rstrip(")"))
    parts = []
    for base, nations in by_base.items():
        nations = [n for n in nations if n]
        if not nations or len(nations) == nation_count:
            parts.append(base)
        else:
            parts.append(f"{base} ({', '.join(nations)})")
    return "; ".join(parts)


@cache
def uk_calendar() -> WorkingDayCalendar:
    """Return the FOIA/EIR calendar: a bank holiday anywhere in the UK is closed."""
    return WorkingDayCalendar("United Kingdom (all nations)", _NationsHolidays(UK_NATIONS))


@cache
def scotland_calendar() -> WorkingDayCalendar:
    """Return the FOISA/EISR calendar: Scottish bank holidays only."""
    return WorkingDayCalendar("Scotland", _NationsHolidays(SCOTLAND))
