"""The request lifecycle state machine."""

import pytest

from foi.errors import InvalidTransition
from foi.lifecycle import (
    AWAITING_REPLY,
    FINAL,
    TRANSITIONS,
    Event,
    Status,
    can,
    is_awaiting_reply,
    is_open,
    next_status,
)


def walk(*events: Event, start: Status = Status.DRAFT) -> Status:
    state = start
    for event in events:
        state = next_status(state, event)
    return state


def test_a_request_travels_from_draft_to_complaint():
    assert (
        walk(
            Event.QUEUE,
            Event.DELIVER,
            Event.ACKNOWLEDGE,
            Event.ANSWER_PARTLY,
            Event.REQUEST_REVIEW,
            Event.ANSWER_REVIEW,
            Event.COMPLAIN,
            Event.CLOSE,
        )
        == Status.CLOSED
    )


def test_clarification_stops_and_restarts_the_wait():
    state = walk(Event.QUEUE, Event.DELIVER, Event.ASK_CLARIFICATION)
    assert state == Status.CLARIFICATION_REQUESTED
    assert is_awaiting_reply(state)
    assert next_status(state, Event.CLARIFY) == Status.ACKNOWLEDGED


def test_fee_notice_then_payment_returns_to_waiting():
    assert walk(Event.QUEUE, Event.DELIVER, Event.REQUEST_FEE, Event.PAY_FEE) == Status.ACKNOWLEDGED


def test_a_bounced_request_can_be_queued_again():
    assert walk(Event.QUEUE, Event.DELIVER, Event.BOUNCE) == Status.UNDELIVERED
    assert walk(Event.QUEUE, Event.DELIVER, Event.BOUNCE, Event.QUEUE) == Status.QUEUED


def test_missing_reply_can_go_to_the_regulator_or_to_review():
    # FOIA/EIR: the ICO takes a complaint about silence; FOISA: review first.
    assert walk(Event.QUEUE, Event.DELIVER, Event.COMPLAIN) == Status.COMPLAINT_MADE
    assert walk(Event.QUEUE, Event.DELIVER, Event.REQUEST_REVIEW) == Status.REVIEW_REQUESTED


def test_a_late_reply_after_a_complaint_is_still_recorded():
    state = walk(Event.QUEUE, Event.DELIVER, Event.COMPLAIN, Event.REFUSE)
    assert state == Status.REFUSED


@pytest.mark.parametrize("final", sorted(FINAL))
def test_final_states_have_no_way_out(final):
    assert not any(state == final for state, _ in TRANSITIONS)
    for event in Event:
        assert not can(final, event)
    assert not is_open(final)


def test_a_draft_cannot_be_answered():
    with pytest.raises(InvalidTransition, match="cannot answer a request that is draft"):
        next_status(Status.DRAFT, Event.ANSWER)


def test_withdrawal_is_only_possible_before_a_reply():
    for state in AWAITING_REPLY:
        assert next_status(state, Event.WITHDRAW) == Status.WITHDRAWN
    assert not can(Status.ANSWERED, Event.WITHDRAW)


def test_every_state_except_draft_can_be_reached_from_draft():
    reachable = {Status.DRAFT}
    frontier = [Status.DRAFT]
    while frontier:
        state = frontier.pop()
        for (source, _), target in TRANSITIONS.items():
            if source == state and target not in reachable:
                reachable.add(target)
                frontier.append(target)
    assert reachable == set(Status)


def test_overdue_is_not_a_state():
    assert "overdue" not in {s.value for s in Status}
