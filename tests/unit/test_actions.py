"""Which follow-ups are open: the one rule behind the chat's buttons and the web's forms."""

import datetime as dt

import pytest

from foi.actions import Action, Situation, open_actions
from foi.laws import law_for

TODAY = dt.date(2026, 3, 20)
PAST, FUTURE = TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=5)


def actions(status, regime="foia", **dates):
    return open_actions(Situation(status, **dates), law_for(regime), TODAY)


def test_a_request_waiting_within_its_time_can_only_be_quietened_or_withdrawn():
    assert actions("sent", reply_due_on=FUTURE) == [Action.SNOOZE, Action.STOP_REMINDERS, Action.WITHDRAW]


def test_past_the_lenient_date_a_chaser_is_open_and_in_scotland_a_requirement_for_review():
    assert Action.CHASER in actions("acknowledged", reply_due_on=PAST, reply_due_lenient_on=PAST)
    assert Action.CHASER not in actions("acknowledged", reply_due_on=PAST, reply_due_lenient_on=FUTURE)
    scottish = actions("sent", "foisa", reply_due_on=PAST)
    assert Action.REQUIRE_REVIEW in scottish and Action.REQUIRE_REVIEW not in actions("sent", reply_due_on=PAST)


def test_very_overdue_opens_the_complaint_pack_except_in_scotland_where_a_review_comes_first():
    assert Action.COMPLAINT_PACK in actions("sent", reply_due_on=PAST, very_overdue_on=PAST)
    assert Action.COMPLAINT_PACK not in actions("sent", "foisa", reply_due_on=PAST, very_overdue_on=PAST)


@pytest.mark.parametrize("status", ["answered", "partly_answered", "refused", "not_held"])
def test_any_reply_opens_the_internal_review(status):
    assert actions(status)[0] == Action.REVIEW


def test_after_a_review_the_complaint_pack_and_nothing_for_drafts_or_closed_requests():
    assert Action.COMPLAINT_PACK in actions("review_answered")
    assert actions("draft") == []
    assert actions("closed") == []
    assert Action.STOP_REMINDERS not in actions("sent", reply_due_on=FUTURE, reminders_off=True)
    assert actions("undelivered")[0] == Action.CORRECT_ADDRESS
