"""The life of an FOI request as an explicit state machine.

States::

    draft ──queue──▶ queued ──deliver──▶ sent ──acknowledge──▶ acknowledged
      ▲                │                  │
      └────revoke──────┤ (taken back before it went)
                       └──bounce──▶ undelivered ──queue──▶ queued
    sent / acknowledged / extended / clarification_requested / fee_requested
        ──ask_clarification──▶ clarification_requested ──clarify──▶ acknowledged
        ──request_fee──▶ fee_requested ──pay_fee──▶ acknowledged
        ──extend──▶ extended
        ──answer / answer_partly / refuse / report_not_held──▶
              answered | partly_answered | refused | not_held
    a reply, or a missing one (overdue is derived, see below)
        ──request_review──▶ review_requested ──answer_review──▶ review_answered
    review_requested / review_answered / a reply / sent…  ──complain──▶ complaint_made
    any open state ──close──▶ closed;  any state before a reply ──withdraw──▶ withdrawn

Invariants:
- ``closed`` and ``withdrawn`` are final: no event leaves them.
- Overdue and very overdue are never states; they are derived from the
  stored dates and today's date (``foi.deadlines.is_overdue``), so a late
  reply needs no state repair.
- A reply can arrive in any waiting state, including after a chaser, an
  extension or a complaint about a missing reply.
"""

from __future__ import annotations

from enum import StrEnum

from foi.errors import InvalidTransition


class Status(StrEnum):
    DRAFT = "draft"
    QUEUED = "queued"
    SENT = "sent"
    UNDELIVERED = "undelivered"
    ACKNOWLEDGED = "acknowledged"
    CLARIFICATION_REQUESTED = "clarification_requested"
    FEE_REQUESTED = "fee_requested"
    EXTENDED = "extended"
    ANSWERED = "answered"
    PARTLY_ANSWERED = "partly_answered"
    REFUSED = "refused"
    NOT_HELD = "not_held"
    REVIEW_REQUESTED = "review_requested"
    REVIEW_ANSWERED = "review_answered"
    COMPLAINT_MADE = "complaint_made"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Event(StrEnum):
    QUEUE = "queue"
    REVOKE = "revoke"
    DELIVER = "deliver"
    BOUNCE = "bounce"
    ACKNOWLEDGE = "acknowledge"
    ASK_CLARIFICATION = "ask_clarification"
    CLARIFY = "clarify"
    REQUEST_FEE = "request_fee"
    PAY_FEE = "pay_fee"
    EXTEND = "extend"
    ANSWER = "answer"
    ANSWER_PARTLY = "answer_partly"
    REFUSE = "refuse"
    REPORT_NOT_HELD = "report_not_held"
    REQUEST_REVIEW = "request_review"
    ANSWER_REVIEW = "answer_review"
    COMPLAIN = "complain"
    CLOSE = "close"
    WITHDRAW = "withdraw"


S = Status
E = Event

# Waiting for the authority's first substantive reply.
AWAITING_REPLY = frozenset({S.SENT, S.ACKNOWLEDGED, S.CLARIFICATION_REQUESTED, S.FEE_REQUESTED, S.EXTENDED})
# A substantive reply has come.
REPLIED = frozenset({S.ANSWERED, S.PARTLY_ANSWERED, S.REFUSED, S.NOT_HELD})
FINAL = frozenset({S.CLOSED, S.WITHDRAWN})
# The request is with an authority or regulator and the bot keeps watching it.
OPEN = frozenset(Status) - FINAL - {S.DRAFT}

_REPLY_EVENTS = {
    E.ANSWER: S.ANSWERED,
    E.ANSWER_PARTLY: S.PARTLY_ANSWERED,
    E.REFUSE: S.REFUSED,
    E.REPORT_NOT_HELD: S.NOT_HELD,
}


def _build_table() -> dict[tuple[Status, Event], Status]:
    table: dict[tuple[Status, Event], Status] = {
        (S.DRAFT, E.QUEUE): S.QUEUED,
        (S.UNDELIVERED, E.QUEUE): S.QUEUED,
        (S.QUEUED, E.DELIVER): S.SENT,
        (S.QUEUED, E.REVOKE): S.DRAFT,
        (S.QUEUED, E.BOUNCE): S.UNDELIVERED,
        (S.SENT, E.BOUNCE): S.UNDELIVERED,
        (S.REVIEW_ANSWERED, E.CLOSE): S.CLOSED,
    }
    for state in AWAITING_REPLY:
        table[(state, E.ACKNOWLEDGE)] = S.ACKNOWLEDGED if state != S.EXTENDED else S.EXTENDED
        table[(state, E.ASK_CLARIFICATION)] = S.CLARIFICATION_REQUESTED
        table[(state, E.REQUEST_FEE)] = S.FEE_REQUESTED
        table[(state, E.EXTEND)] = S.EXTENDED
        # FOISA s.20: a missing reply can itself be put to review.
        table[(state, E.REQUEST_REVIEW)] = S.REVIEW_REQUESTED
        # FOIA/EIR: the ICO takes a complaint about a missing reply directly.
        table[(state, E.COMPLAIN)] = S.COMPLAINT_MADE
        for event, reply_state in _REPLY_EVENTS.items():
            table[(state, event)] = reply_state
    table[(S.CLARIFICATION_REQUESTED, E.CLARIFY)] = S.ACKNOWLEDGED
    table[(S.FEE_REQUESTED, E.PAY_FEE)] = S.ACKNOWLEDGED
    for state in REPLIED:
        table[(state, E.REQUEST_REVIEW)] = S.REVIEW_REQUESTED
        table[(state, E.COMPLAIN)] = S.COMPLAINT_MADE
        # A further reply can supersede the first (more information sent later).
        for event, reply_state in _REPLY_EVENTS.items():
            table[(state, event)] = reply_state
    table[(S.REVIEW_REQUESTED, E.ACKNOWLEDGE)] = S.REVIEW_REQUESTED
    table[(S.REVIEW_REQUESTED, E.ANSWER_REVIEW)] = S.REVIEW_ANSWERED
    table[(S.REVIEW_REQUESTED, E.COMPLAIN)] = S.COMPLAINT_MADE
    table[(S.REVIEW_ANSWERED, E.COMPLAIN)] = S.COMPLAINT_MADE
    # A reply that arrives after a review was asked for a missing reply.
    for event, reply_state in _REPLY_EVENTS.items():
        table[(S.REVIEW_REQUESTED, event)] = reply_state
        table[(S.COMPLAINT_MADE, event)] = reply_state
    for state in OPEN:
        table[(state, E.CLOSE)] = S.CLOSED
    for state in {S.DRAFT, S.QUEUED, S.UNDELIVERED} | AWAITING_REPLY:
        table[(state, E.WITHDRAW)] = S.WITHDRAWN
    return table


TRANSITIONS: dict[tuple[Status, Event], Status] = _build_table()


def next_status(current: Status | str, event: Event | str) -> Status:
    """Return the state ``event`` leads to from ``current``, or raise InvalidTransition."""
    state, happening = Status(current), Event(event)
    try:
        return TRANSITIONS[(state, happening)]
    except KeyError:
        raise InvalidTransition(f"cannot {happening.value.replace('_', ' ')} a request that is {state.value}") from None


def can(current: Status | str, event: Event | str) -> bool:
    """Return True when ``event`` is allowed from ``current``."""
    return (Status(current), Event(event)) in TRANSITIONS


def is_open(status: Status | str) -> bool:
    """Return True while the bot still watches the request."""
    return Status(status) in OPEN


def is_awaiting_reply(status: Status | str) -> bool:
    """Return True while the first substantive reply is still awaited."""
    return Status(status) in AWAITING_REPLY
