"""One letter to many bodies: merge fields, and send times that keep the throttle."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foi.batches import MergeError, Throttle, merge, merge_fields_in, send_times

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
MINUTE, TEN_S = dt.timedelta(minutes=1), dt.timedelta(seconds=10)


def test_merge_fills_the_body_name_and_its_note_and_leaves_literal_braces():
    text = "How many {authority} staff? {note} (see {{annex}})"
    assert merge_fields_in(text) == ["authority", "note"]
    assert merge(text, {"authority": "Barnet Council", "note": "  since   2020 "}) == (
        "How many Barnet Council staff? since 2020 (see {annex})"
    )
    assert merge("{note}", {}) == ""  # no note for this body


@pytest.mark.parametrize(
    ("text", "says"),
    [("Dear {council}", "unknown merge field {council}"), ("a { b", "stray brace"), ("{authority!r}", "unknown")],
)
def test_a_wrong_merge_field_is_named_with_the_ones_that_exist(text, says):
    with pytest.raises(MergeError, match=says) as raised:
        merge_fields_in(text)
    assert "{authority}" in str(raised.value) or "brace" in str(raised.value)


def test_one_message_per_domain_per_minute_and_the_mailbox_spaced_by_its_gap():
    domains = ["a.gov.uk", "a.gov.uk", "b.gov.uk", "A.GOV.UK", "c.gov.uk"]
    times = send_times(domains, T0, Throttle(MINUTE, TEN_S))
    assert times == [
        T0,  # a
        T0 + MINUTE,  # a again: a minute after the first
        T0 + TEN_S,  # b goes meanwhile
        T0 + 2 * MINUTE,  # a a third time (any letter case is the same domain)
        T0 + 2 * TEN_S,  # c
    ]


def test_mail_already_waiting_keeps_its_slots():
    times = send_times(
        ["a.gov.uk", "b.gov.uk"], T0, Throttle(MINUTE, TEN_S),
        last_to_domain={"a.gov.uk": T0 + dt.timedelta(seconds=30)}, last_from_mailbox=T0 + dt.timedelta(seconds=30),
    )  # fmt: skip
    assert times == [T0 + dt.timedelta(seconds=90), T0 + dt.timedelta(seconds=40)]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["a.org", "b.org", "c.org", "d.org"]), min_size=1, max_size=40),
    st.integers(0, 120),
    st.integers(0, 30),
)
def test_no_two_messages_break_either_gap_and_none_goes_early(domains, per_domain, per_mailbox):
    throttle = Throttle(dt.timedelta(seconds=per_domain), dt.timedelta(seconds=per_mailbox))
    times = send_times(domains, T0, throttle)
    assert min(times) >= T0
    ordered = sorted(times)
    assert all(b - a >= throttle.per_mailbox for a, b in zip(ordered, ordered[1:], strict=False))
    for domain in set(domains):
        mine = sorted(t for t, d in zip(times, domains, strict=True) if d == domain)
        assert all(b - a >= throttle.per_domain for a, b in zip(mine, mine[1:], strict=False))
    # and nothing waits without need: the whole batch is done as soon as the tighter limit allows
    busiest = max(domains.count(d) for d in set(domains))
    assert max(times) - T0 <= max((busiest - 1) * throttle.per_domain, (len(domains) - 1) * throttle.per_mailbox) + (
        throttle.per_mailbox * len(domains)
    )
