"""Lists and calendars: the groups a request is in, its next date, its deadlines."""

from __future__ import annotations

import datetime as dt

from foi.lifecycle import Status
from foi.tracking import Dates, DeadlineKind, StatusGroup, deadline_events, groups_of, next_due

TODAY = dt.date(2026, 3, 10)
D = dt.date


def test_overdue_is_derived_from_the_date_owed_and_today():
    waiting = Dates("acknowledged", reply_due_on=D(2026, 3, 9))
    assert groups_of(waiting, TODAY) == {StatusGroup.WAITING, StatusGroup.OVERDUE}
    assert groups_of(waiting, D(2026, 3, 9)) == {StatusGroup.WAITING}  # due today is not late
    # The authority's own later promise, or an extension, is the date owed.
    extended = Dates("extended", reply_due_on=D(2026, 3, 9), extended_due_on=D(2026, 4, 6))
    assert groups_of(extended, TODAY) == {StatusGroup.WAITING}
    assert groups_of(Dates("refused", reply_due_on=D(2026, 1, 1)), TODAY) == {StatusGroup.REFUSED}


def test_the_next_date_is_the_one_that_matters_in_each_state():
    dates = dict(
        reply_due_on=D(2026, 3, 1), review_request_by=D(2026, 5, 1), review_reply_due_on=D(2026, 6, 1),
        complaint_by=D(2026, 12, 1),
    )  # fmt: skip
    assert next_due(Dates("sent", **dates)) == D(2026, 3, 1)
    assert next_due(Dates("partly_answered", **dates)) == D(2026, 5, 1)
    assert next_due(Dates("review_requested", **dates)) == D(2026, 6, 1)
    assert next_due(Dates("review_answered", **dates)) == D(2026, 12, 1)
    assert next_due(Dates("complaint_made", **dates)) is None
    assert next_due(Dates("closed", **dates)) is None


def test_each_deadline_is_one_event_whose_uid_does_not_change_with_its_date():
    before = deadline_events(
        "FOI-7K3M9Q", Dates("refused", reply_due_on=D(2026, 3, 1), review_request_by=D(2026, 5, 1))
    )
    after = deadline_events("FOI-7K3M9Q", Dates("refused", reply_due_on=D(2026, 3, 1), review_request_by=D(2026, 5, 8)))
    assert [e.kind for e in before] == [DeadlineKind.REPLY_DUE, DeadlineKind.REVIEW_WINDOW_CLOSES]
    assert [e.uid for e in before] == [e.uid for e in after]
    assert len({e.uid for e in before}) == 2
    assert after[1].day == D(2026, 5, 8)
    assert deadline_events("FOI-7K3M9Q", Dates(Status.WITHDRAWN.value, reply_due_on=D(2026, 3, 1))) == []


def test_a_digest_is_the_users_choice_or_weekly_for_many_requests_and_goes_once_a_day_after_eight():
    from foi.digests import DigestChoice, effective, is_due

    assert effective(None, 9) == DigestChoice.OFF and effective(None, 10) == DigestChoice.WEEKLY
    assert effective("daily", 1) == DigestChoice.DAILY and effective("off", 50) == DigestChoice.OFF
    monday = dt.datetime(2026, 3, 16, 8, 5)
    assert not is_due(DigestChoice.WEEKLY, None, monday.replace(hour=7, minute=59))  # not before eight
    assert is_due(DigestChoice.WEEKLY, None, monday)
    assert not is_due(DigestChoice.WEEKLY, monday, monday + dt.timedelta(hours=3))  # once a day
    assert not is_due(DigestChoice.WEEKLY, monday, monday + dt.timedelta(days=2))  # weekly: not on Wednesday…
    assert is_due(DigestChoice.WEEKLY, monday - dt.timedelta(days=9), monday + dt.timedelta(days=2))  # …unless late
    assert is_due(DigestChoice.DAILY, monday, monday + dt.timedelta(days=1))
    assert not is_due(DigestChoice.OFF, None, monday)
