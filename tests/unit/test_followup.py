"""The escalation ladder: which prompt is due when."""

import datetime as dt

from foi.followup import RequestFacts, prompts_due

D = dt.date
SENT = dict(
    regime="foia",
    status="sent",
    received_on=D(2024, 6, 4),
    reply_due_on=D(2024, 7, 2),
    reply_due_lenient_on=D(2024, 7, 2),
    very_overdue_on=D(2024, 7, 31),
)


def kinds(facts, today):
    return [(p.kind, p.due_on) for p in prompts_due(facts, today)]


def test_nothing_is_due_early_on():
    assert kinds(RequestFacts(**SENT), D(2024, 6, 10)) == []


def test_a_note_three_working_days_before_the_reply_is_due():
    assert kinds(RequestFacts(**SENT), D(2024, 6, 27)) == [("reply_due_soon", D(2024, 7, 2))]


def test_a_chaser_once_the_lenient_date_has_passed():
    assert kinds(RequestFacts(**SENT), D(2024, 7, 2)) == [("reply_due_soon", D(2024, 7, 2))]
    assert kinds(RequestFacts(**SENT), D(2024, 7, 3)) == [("chaser", D(2024, 7, 2))]


def test_a_promised_date_moves_the_chaser():
    facts = RequestFacts(**SENT | {"status": "extended", "promised_on": D(2024, 7, 20)})
    assert kinds(facts, D(2024, 7, 10)) == []
    assert ("chaser", D(2024, 7, 20)) in kinds(facts, D(2024, 7, 22))


def test_chased_and_silent_leads_to_an_ico_complaint_ten_working_days_later():
    facts = RequestFacts(**SENT | {"chased_on": D(2024, 7, 3)})
    assert kinds(facts, D(2024, 7, 18)) == []
    assert kinds(facts, D(2024, 7, 19)) == [("complaint_no_reply", D(2024, 7, 18))]  # 12 July (NI) skipped


def test_very_overdue_without_a_chaser_also_leads_to_the_regulator():
    assert ("complaint_no_reply", D(2024, 7, 31)) in kinds(RequestFacts(**SENT), D(2024, 8, 1))


def test_scotland_asks_for_a_requirement_for_review_instead():
    facts = RequestFacts(**SENT | {"regime": "foisa", "chased_on": D(2024, 7, 3)})
    # 12 July is a working day in Scotland, so the ten days end a day earlier.
    assert ("review_no_reply", D(2024, 7, 17)) in kinds(facts, D(2024, 7, 18))


def test_a_partial_reply_offers_a_review_and_a_reminder_before_the_window_closes():
    facts = RequestFacts(
        **SENT | {"status": "partly_answered", "responded_on": D(2024, 6, 20), "review_request_by": D(2024, 8, 16)}
    )
    assert kinds(facts, D(2024, 6, 21)) == [("review", D(2024, 6, 20))]
    assert kinds(facts, D(2024, 8, 12)) == [("review", D(2024, 6, 20)), ("review_reminder", D(2024, 8, 16))]
    assert kinds(facts, D(2024, 8, 17)) == []  # too late


def test_an_answer_with_unanswered_parts_also_offers_a_review():
    facts = RequestFacts(
        **SENT | {"status": "answered", "responded_on": D(2024, 6, 20), "review_request_by": D(2024, 8, 16),
                  "unanswered_parts": 1}
    )  # fmt: skip
    assert kinds(facts, D(2024, 6, 21)) == [("review", D(2024, 6, 20))]
    assert (
        kinds(RequestFacts(**SENT | {"status": "answered", "review_request_by": D(2024, 8, 16)}), D(2024, 6, 21)) == []
    )


def test_an_overdue_review_leads_to_a_complaint():
    facts = RequestFacts(
        **SENT
        | {
            "status": "review_requested",
            "review_reply_due_on": D(2024, 7, 30),
            "review_reply_due_max_on": D(2024, 8, 28),
        }
    )
    assert kinds(facts, D(2024, 8, 28)) == []
    assert kinds(facts, D(2024, 8, 29)) == [("complaint_review_overdue", D(2024, 8, 28))]


def test_a_review_outcome_offers_a_complaint_with_a_reminder():
    facts = RequestFacts(
        **SENT | {"status": "review_answered", "review_decided_on": D(2024, 9, 2), "complaint_by": D(2024, 10, 14)}
    )
    assert kinds(facts, D(2024, 9, 3)) == [("complaint_after_review", D(2024, 9, 2))]
    assert ("complaint_reminder", D(2024, 10, 14)) in kinds(facts, D(2024, 10, 8))


def test_snooze_and_stop_reminders_and_closing_silence_everything():
    overdue = D(2024, 7, 10)
    assert kinds(RequestFacts(**SENT | {"snoozed_until": D(2024, 7, 12)}), overdue) == []
    assert kinds(RequestFacts(**SENT | {"snoozed_until": D(2024, 7, 9)}), overdue) == [("chaser", D(2024, 7, 2))]
    assert kinds(RequestFacts(**SENT | {"reminders_off": True}), overdue) == []
    assert kinds(RequestFacts(**SENT | {"status": "withdrawn"}), overdue) == []
    assert kinds(RequestFacts(**SENT | {"status": "closed"}), overdue) == []


def test_clarification_stops_the_chasing():
    assert kinds(RequestFacts(**SENT | {"status": "clarification_requested"}), D(2024, 7, 10)) == []
