"""``next_check``: the sweep may skip a request until then without missing any prompt."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from foi.followup import NEVER, RequestFacts, next_check, prompts_due
from foi.lifecycle import OPEN

START = dt.date(2026, 1, 1)
days = st.integers(min_value=0, max_value=400).map(lambda n: START + dt.timedelta(days=n))
maybe_day = st.none() | days


facts_strategy = st.builds(
    RequestFacts,
    regime=st.sampled_from(["foia", "eir", "foisa", "eisr"]),
    status=st.sampled_from(sorted(status.value for status in OPEN)),
    received_on=maybe_day,
    reply_due_on=maybe_day,
    reply_due_lenient_on=maybe_day,
    very_overdue_on=maybe_day,
    extended_due_on=maybe_day,
    promised_on=maybe_day,
    chased_on=maybe_day,
    responded_on=days,
    unanswered_parts=st.integers(min_value=0, max_value=3),
    review_request_by=maybe_day,
    review_requested_on=maybe_day,
    review_reply_due_on=maybe_day,
    review_reply_due_max_on=maybe_day,
    review_decided_on=days,
    complaint_by=maybe_day,
    snoozed_until=maybe_day,
    reminders_off=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(facts=facts_strategy, today=days)
def test_no_prompt_falls_due_before_the_next_check(facts, today):
    check = next_check(facts, today)
    assert check > today
    due_today = set(prompts_due(facts, today))
    day = today + dt.timedelta(days=1)
    while day < min(check, today + dt.timedelta(days=500)):
        assert set(prompts_due(facts, day)) <= due_today, f"a prompt fell due on {day}, before {check}"
        day += dt.timedelta(days=1)


def test_the_next_check_is_the_day_the_reply_due_note_starts():
    facts = RequestFacts("foia", "sent", received_on=dt.date(2026, 3, 2), reply_due_on=dt.date(2026, 3, 30),
                         reply_due_lenient_on=dt.date(2026, 3, 31))  # fmt: skip
    check = next_check(facts, dt.date(2026, 3, 10))
    assert check == dt.date(2026, 3, 25)  # three working days before the 30th
    assert [p.kind for p in prompts_due(facts, check)] == ["reply_due_soon"]
    assert prompts_due(facts, check - dt.timedelta(days=1)) == []


def test_a_request_with_every_date_behind_it_is_never_checked_again():
    facts = RequestFacts("foia", "closed", received_on=dt.date(2026, 1, 5), reply_due_on=dt.date(2026, 2, 2))
    assert next_check(facts, dt.date(2026, 6, 1)) == NEVER
