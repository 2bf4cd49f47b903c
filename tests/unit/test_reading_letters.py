"""Real-shaped letters of our own: each reproduces a pattern real replies have, read as a careful reader would."""

import datetime as dt

from foi.analysis import analyse
from foi.analysis.facts import review_result
from foi.deadlines import late_promise, reply_due
from foi.laws import FOIA
from foi.questions import Question, parse_questions
from tests import letter_fixtures as letters


def status_of(result):
    return {c.part: c.status for c in result.coverage or []}


def test_a_partial_answer_under_the_requesters_own_numbering_names_what_it_left_out():
    result = analyse(letters.PARTIAL_REMOTE_WORKING, letters.REMOTE_WORKING)
    assert result.kind in ("partial", "information_provided")
    status = status_of(result)
    assert status["1"] == "answered"  # the unnumbered opening question is part 1 in the analysis too
    assert status["2c"] == "not_addressed"  # mobile phones: never mentioned
    assert status["3b"] != "answered"  # "all users have an account" is not a number purchased
    assert result.letter_date == dt.date(2020, 4, 9) and result.received_date == dt.date(2020, 4, 7)
    assert result.authority_refs == ["7730215"] and result.review_window == {"working_days": 40}


def test_a_whole_request_refusal_on_cost_is_a_refusal_not_a_partial_answer():
    result = analyse(letters.COST_REFUSAL, letters.REMOTE_WORKING[:1])
    assert result.kind == "refusal"
    assert result.exemptions == ["s.12"]  # the hedged "may be subject to an exemption" is no decision
    assert result.received_date == dt.date(2025, 3, 3)
    assert [c.status for c in result.coverage] == ["refused"]


def test_a_quoted_review_request_does_not_make_a_clarification():
    result = analyse(letters.REVIEW_OUTCOME)
    assert result.kind == "review_outcome"
    assert result.exemptions == ["s.43(2)"]


def test_a_scottish_page_with_labels_on_their_own_lines():
    result = analyse(letters.SCOTTISH_NOT_HELD)
    assert result.kind == "not_held"
    assert result.letter_date == dt.date(2024, 6, 28) and result.received_date == dt.date(2024, 6, 3)
    assert result.exemptions == []  # FOISA s.17, s.20 and s.21 are procedure, not exemptions
    assert result.authority_refs == ["FOI/202400411020"]


def test_an_acknowledgement_has_no_coverage_and_its_late_promise_is_caught():
    text = letters.LATE_ACKNOWLEDGEMENT.format(received="2 December 2026", promised="26 February 2027")
    result = analyse(text, letters.REMOTE_WORKING)
    assert result.kind == "acknowledgement" and result.coverage is None
    late = late_promise(FOIA, dt.date(2026, 12, 2), result.promised_date, extension=False)
    assert late is not None and late.allowed == reply_due(FOIA, dt.date(2026, 12, 2))
    assert "FOIA s.10(1)" in late.rule


def test_a_bilingual_welsh_letter_gives_its_dates_in_welsh_too():
    text = (
        "Dyddiad / Date: Dydd Iau, 9 Ebrill 2020\n\nDiolch am eich cais a dderbyniwyd / Thank you for your request "
        "received on 7 Ebrill 2020.\n\nPlease find attached the information you requested."
    )
    result = analyse(text)
    assert result.letter_date == dt.date(2020, 4, 9) and result.received_date == dt.date(2020, 4, 7)


def test_references_and_dates_in_the_layouts_letters_use():
    text = (
        "Case Reference Numbers: 2023-118\n"
        "Our ref: EIR/23/0456   12 March 2024\n"
        "Your reference: 99-1234\n\n"
        "FOI reference: FOI/24/00311\n27 March 2024\n\n"
        "Thank you for your request received by the Department for Transport (DfT) on the same date.\n\n"
        "Please find attached the information you requested."
    )
    result = analyse(text)
    assert {"2023-118", "EIR/23/0456", "FOI/24/00311"} <= set(result.authority_refs)
    assert "99-1234" not in result.authority_refs  # "your reference" is the requester's
    assert not any("27" in ref or "March" in ref for ref in result.authority_refs)  # a reference stops at the line end
    assert result.letter_date == dt.date(2024, 3, 12)  # the date beside the reference
    assert result.received_date == result.letter_date  # "on the same date"


def test_answers_grouped_by_number_are_aligned_with_their_questions():
    from foi.questions import parse_questions

    questions = parse_questions(
        "1. How many parking fines were issued in 2023?\n2. How many were appealed in 2023?\n"
        "3. How many appeals succeeded in 2023?\n4. Copies of the guidance given to wardens."
    )
    text = (
        "Dear Ms Lovelace,\n\nThank you for your request of 4 January 2024.\n\n"
        "With regards to questions 1, 2 and 3, the figures are in the table below:\n\n"
        "Fines issued 18,204\nAppealed 1,311\nAppeals upheld 402\n\n"
        "In relation to your fourth question, the guidance is withheld under section 31(1)(a), as its release "
        "would prejudice the enforcement of the law.\n\n"
        "If you are not content with the outcome, you may ask for an internal review within 40 working days.\n"
    )
    result = analyse(text, questions)
    assert status_of(result) == {"1": "answered", "2": "answered", "3": "answered", "4": "refused"}
    assert result.kind == "partial" and result.exemptions == ["s.31(1)(a)"]


def test_neither_confirming_nor_denying_is_a_refusal_citing_the_subsections_it_names():
    result = analyse(letters.NEITHER_CONFIRM_NOR_DENY)
    assert result.kind == "refusal" and result.is_confident  # the review is then prompted
    assert result.exemptions == ["s.23(5)", "s.24(2)", "s.31(3)"]  # "sections 24 and 31" again adds nothing
    assert result.letter_date == dt.date(2024, 4, 29) and result.received_date == dt.date(2024, 4, 2)
    assert result.review_window == {"working_days": 40} and result.regulator == "ICO"


def test_an_acknowledgement_saying_it_is_being_dealt_with_and_by_when():
    result = analyse(letters.BRIEF_ACKNOWLEDGEMENT, letters.REMOTE_WORKING)
    assert result.kind == "acknowledgement" and result.is_confident and result.coverage is None
    assert result.received_date == dt.date(2024, 11, 11) and result.promised_date == dt.date(2024, 12, 9)
    assert result.authority_refs == ["101004567"]


def test_the_eir_regulations_of_the_procedure_are_not_exceptions():
    result = analyse(letters.EIR_MANIFESTLY_UNREASONABLE)
    assert result.kind == "refusal"
    assert result.exemptions == ["reg 12(4)(b)"]  # not 12(1)(b), 12(2), 11 (reconsideration) or 6(1)(b)
    assert result.review_window == {"working_days": 40}


def test_pointing_to_where_the_information_is_published_answers_the_request():
    asked = [Question("Copies of the minutes of the Licensing Committee meetings held from January to June 2024")]
    result = analyse(letters.PUBLISHED_ELSEWHERE, asked)
    assert result.kind == "information_provided" and result.is_confident  # no review prompt for a link
    assert result.exemptions == ["s.21"]
    assert [c.status for c in result.coverage or []] == ["answered"]
    assert analyse(letters.PUBLISHED_ELSEWHERE).kind == "information_provided"  # its own words say so


def test_not_held_with_the_usual_closing_line_is_not_a_partial_answer():
    result = analyse(letters.NOT_HELD_ELSEWHERE)
    assert result.kind == "not_held" and result.is_confident
    assert result.received_date == dt.date(2024, 9, 2) and result.authority_refs == ["0912/24"]


def test_the_promised_date_is_not_the_date_the_request_was_received():
    late = analyse(letters.LATE_HOLDING_REPLY)
    assert late.kind == "acknowledgement"  # a holding reply: the reply is still to come
    assert late.received_date == dt.date(2025, 1, 6) and late.promised_date == dt.date(2025, 2, 21)
    review = analyse(letters.REVIEW_ACKNOWLEDGEMENT)
    assert review.kind == "review_acknowledgement"
    assert review.received_date == dt.date(2025, 2, 3) and review.promised_date == dt.date(2025, 3, 3)


def test_answers_given_on_the_line_that_restates_the_question_are_read():
    result = analyse(letters.ANSWERS_ON_THE_QUESTION_LINES, parse_questions(letters.LITTER_QUESTIONS))
    assert status_of(result) == {
        "1": "answered", "2": "answered",
        "3": "partly_answered",  # its company is named, the contract's value withheld
        "3a": "answered", "3b": "refused", "4": "answered",
    }  # fmt: skip
    assert result.kind == "partial" and result.exemptions == ["s.43(2)"]
    evidence = {c.part: c.evidence[0] for c in result.coverage or []}
    assert "Kingdom Environmental Services" in evidence["3a"]
    assert evidence["1"].startswith("The council issued 4,312")  # the answer, not a bare "1." or the question


def test_the_evidence_under_a_question_heading_is_the_answer_not_the_heading():
    result = analyse(letters.ANSWERS_UNDER_QUESTION_HEADINGS, parse_questions(letters.NOISE_QUESTIONS))
    assert status_of(result) == {"1": "answered", "2": "refused"} and result.kind == "partial"
    evidence = {c.part: c.evidence for c in result.coverage or []}
    assert evidence["1"][0] == "The council received 2,113 noise complaints in 2023."
    assert not any(e.startswith("Question") for e in evidence["1"] + evidence["2"])


def test_a_covering_note_attaching_our_response_is_no_sign_that_information_was_given():
    result = analyse(letters.COVERING_NOTE_AND_REFUSAL)
    assert result.kind == "refusal" and result.is_confident  # not a doubtful "partial": the review is prompted
    assert result.exemptions == ["s.43(2)"] and result.letter_date == dt.date(2024, 8, 14)
    # Attaching the information itself still counts.
    given = analyse("Dear Ms Taylor,\n\nPlease find attached the information you requested.\n\nKind regards")
    assert given.kind == "information_provided"


def test_a_review_that_upholds_the_complaint_in_part_is_a_review_outcome():
    result = analyse(letters.REVIEW_PARTLY_UPHELD)
    assert result.kind == "review_outcome" and result.is_confident  # the complaint window opens
    assert review_result(letters.REVIEW_PARTLY_UPHELD) == "partly"
    assert result.letter_date == dt.date(2024, 1, 22)


def test_a_review_acknowledged_with_the_date_of_its_answer():
    result = analyse(letters.REVIEW_ACKNOWLEDGED_WITH_A_DATE)
    assert result.kind == "review_acknowledgement" and result.is_confident
    assert result.promised_date == dt.date(2024, 10, 7)


def test_a_terse_email_sending_a_spreadsheet_gives_the_information():
    text = (
        "Hi,\n\nRe: FOI 5521 - Fleet vehicles\n\nThe attached spreadsheet lists every vehicle in the council's "
        "fleet with its fuel type and year of registration, as you asked.\n\nThanks,\nFleet Management"
    )
    result = analyse(text)
    assert result.kind == "information_provided" and result.authority_refs == ["FOI 5521"]


def test_not_held_as_asked_but_something_given_is_a_confident_partial_answer():
    result = analyse(letters.HELD_IN_ANOTHER_FORM)
    assert result.kind == "partial" and result.is_confident  # the request moves on; no question to the user
    assert 0.5 <= result.confidence <= 0.8


def test_figures_naming_the_questions_head_word_answer_it():
    result = analyse(letters.PLACEMENT_FIGURES, parse_questions(letters.PLACEMENTS_QUESTIONS))
    # "41 children" answers "the number of children placed…", though the letter repeats little else of it.
    assert status_of(result) == {"1": "answered", "2": "partly_answered", "3": "not_addressed"}
    assert result.kind == "partial"  # not a refusal of the whole request: part 1 was answered


def test_a_publication_date_is_no_promised_reply_and_a_release_gives_the_information():
    withheld = analyse(
        "Dear Mr Webb\n\nThe council holds this information. However, it is exempt under section 22, as it is "
        "intended for future publication. We expect to publish the review on our website by 30 June 2025.\n"
    )
    assert withheld.kind == "refusal" and withheld.exemptions == ["s.22"] and withheld.promised_date is None
    released = analyse(
        "Dear Ms Patel,\n\nBackground\nThe leisure contract was let in 2019 after an open procurement.\n\n"
        "Decision\nHaving considered your request, we have decided to release the contract in full. A copy is "
        "attached.\n\nKind regards"
    )
    assert released.kind == "information_provided" and released.is_confident
