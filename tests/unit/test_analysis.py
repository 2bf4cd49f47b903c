"""Reading replies: kinds, references, dates, exemptions and coverage, on letters of our own."""

import datetime as dt
from pathlib import Path

import pytest

from foi.analysis import analyse
from foi.analysis.facts import exemptions, labelled_dates, received_date
from foi.authority_refs import find_authority_refs
from foi.questions import parse_questions

LETTERS = {
    "acknowledgement": """
        Dear Ms Lovelace,
        Thank you for your email. We acknowledge receipt of your request for information, which has been
        logged under reference FOI2024/01234. We will respond within 20 working days.
        Information Governance Team""",
    "acknowledgement_auto": """
        Your request has been received and has been passed to the relevant service.
        You should receive a response by 3 July 2024.""",
    "clarification": """
        Dear requester,
        We need to clarify your request before we can process it. Could you please confirm which
        financial years you are interested in? Under section 1(3) of the Act the 20 working days will
        restart when we receive your clarification.""",
    "fee_notice": """
        Your request can be answered, but a fee of £120.50 applies. This is a fees notice under
        section 9. Please pay the fee within three months; we will send the information on receipt.""",
    "extension_pit": """
        We hold information relevant to your request, but we need to consider the public interest test
        under section 10(3). We therefore need to extend the time for our reply and aim to respond by
        4 July 2024.""",
    "extension_eir": """
        Because your request is complex and voluminous we are extending the time for reply to 40
        working days under regulation 7 of the EIR. We will respond by 31 July 2024.""",
    "information_provided": """
        Dear Mr Babbage,
        Please find attached the information you requested. The council holds the information and the
        answers to your questions are below.
        1. The number of parking fines issued in 2023 was 4,512.""",
    "partial": """
        Some of the information you asked for is attached. The remaining information has been withheld
        under section 43(2) (commercial interests) as its release would prejudice our contractor.""",
    "refusal_exemption": """
        I am writing to inform you that your request is refused. The information is exempt under
        section 31(1)(a) and section 40(2) of the Freedom of Information Act.""",
    "refusal_cost": """
        We estimate that answering your request would exceed the appropriate limit of £450 under
        section 12, and we are therefore refusing it. You may wish to narrow your request.""",
    "refusal_vexatious": """
        We consider this request vexatious under section 14(1) and will not be responding further.""",
    "refusal_invalid": """
        Your request is not a valid request because it does not meet the requirements of section 8:
        we need your real name. We therefore refuse to process it.""",
    "refusal_eir": """
        Your request is refused under the exception in regulation 12(4)(b) as manifestly unreasonable.""",
    "not_held": """
        Dear Ms Lovelace,
        Having searched our records, I can confirm that the council does not hold the information you
        requested, as no such survey was ever commissioned.""",
    "review_acknowledgement": """
        We have received your request for an internal review of our response to FOI 2024/0456. A senior
        officer not involved in the original decision will respond within 20 working days.""",
    "review_outcome": """
        I have now completed the internal review of our handling of your request. I have decided to
        uphold the original decision: the information remains exempt under section 36.""",
    "other": """
        Please note that our offices will be closed over the bank holiday weekend.""",
}
EXPECTED = {
    "acknowledgement": "acknowledgement",
    "acknowledgement_auto": "acknowledgement",
    "clarification": "clarification",
    "fee_notice": "fee_notice",
    "extension_pit": "extension",
    "extension_eir": "extension",
    "information_provided": "information_provided",
    "partial": "partial",
    "refusal_exemption": "refusal",
    "refusal_cost": "refusal",
    "refusal_vexatious": "refusal",
    "refusal_invalid": "refusal",
    "refusal_eir": "refusal",
    "not_held": "not_held",
    "review_acknowledgement": "review_acknowledgement",
    "review_outcome": "review_outcome",
    "other": "other",
}
RIGHTS = """

Your rights
If you are unhappy with the way your request has been handled, you can request an internal review
within 40 working days by writing to foi@council.gov.uk. If you remain dissatisfied, you may complain
to the Information Commissioner's Office.
"""


@pytest.mark.parametrize("name", sorted(LETTERS))
def test_each_kind_of_letter_is_recognised(name):
    result = analyse(LETTERS[name])
    assert result.kind == EXPECTED[name], (result.kind, result.evidence)
    if result.kind != "other":
        assert result.evidence, "the sentences that decided it are given"
        assert 0 < result.confidence <= 1


@pytest.mark.parametrize("name", sorted(LETTERS))
def test_the_standard_rights_paragraph_does_not_change_the_kind(name):
    assert analyse(LETTERS[name] + RIGHTS).kind == EXPECTED[name]


@pytest.mark.parametrize("label", ["bounce", "auto_reply"])
def test_mail_labels_give_the_kind(label):
    assert analyse("Anything at all", label=label).kind == label


REFERENCE_SHAPES = [
    ("Our ref: 6234788", ["6234788"]),
    ("Our Reference: FOI2023/07335", ["FOI2023/07335"]),
    ("Request reference - EIR/23/0456", ["EIR/23/0456"]),
    ("Case Ref: HC0226-2781", ["HC0226-2781"]),
    ("RE: FOI 34960 - your request", ["FOI 34960"]),
    ("Reference number: IR-2023-0045", ["IR-2023-0045"]),
    ("Our ref: ABC/123/XY", ["ABC/123/XY"]),
    ("Your ref: 555123\nOur ref: 777888", ["777888"]),
    ("Our refs: FOI/2023/1234 and FOI/2023/1235", ["FOI/2023/1234", "FOI/2023/1235"]),
    ("Reference: 09/04/2020", []),
    ("EIR request 2024/311 – contaminated land reports", ["2024/311"]),
    ("Freedom of Information request no. 12345", ["12345"]),
    ("Information request: 2024-1103", ["2024-1103"]),
    ("Thank you for your FOI request of 3 May 2024", []),  # a date, not a number of theirs
    ("Re: Freedom of Information request - Parking [FOI-7K3M9Q]", []),  # our own
]


@pytest.mark.parametrize(("text", "expected"), REFERENCE_SHAPES)
def test_authority_reference_shapes(text, expected):
    assert find_authority_refs(text) == expected
    assert analyse(text).authority_refs == expected


def test_our_own_reference_is_not_theirs():
    assert find_authority_refs("Re: Freedom of Information request - Parking [FOI-7K3M9Q] Our ref: 12345") == ["12345"]


def test_exemptions_are_normalised():
    text = "withheld under sections 31 and 38(1)(a), s.40(2), s12 and section 14(1); reg 12(5)(e) and regulation 13"
    assert exemptions(text) == ["s.31", "s.38(1)(a)", "s.40(2)", "s.12", "s.14(1)", "reg 12(5)(e)", "reg 13"]


def test_regulations_are_read_as_each_regime_numbers_its_exceptions():
    eir = "regulation 12(4)(b) and reg 12(5)(e); regulation 12(2); regulation 11; regulation 10; reg 13(1)"
    assert exemptions(eir, scottish=False) == ["reg 12(4)(b)", "reg 12(5)(e)", "reg 13(1)"]
    eisr = "regulation 10(4)(a), regulation 10(5)(f) and regulation 11(2); a review under regulation 16"
    assert exemptions(eisr, scottish=True) == ["reg 10(4)(a)", "reg 10(5)(f)", "reg 11(2)"]
    assert exemptions("regulation 12(6) and 13", scottish=False) == ["reg 12(6)", "reg 13"]  # 12(6): NCND


def test_procedural_sections_are_not_exemptions():
    assert exemptions("under section 1 of the Act, section 10, section 17 and section 50") == []


def test_dates_review_rights_and_regulator():
    letter = """
    Council Offices
    Friday 3 May 2024
    Our ref: FOI/1234

    Thank you for your request, which we received on 2 April. We will respond by 7 May 2024.

    If you are dissatisfied you may ask for an internal review within two months by emailing
    reviews@council.gov.uk. You may then apply to the Scottish Information Commissioner.
    """
    result = analyse(letter)
    assert result.letter_date == dt.date(2024, 5, 3)
    assert result.received_date == dt.date(2024, 4, 2)
    assert result.promised_date == dt.date(2024, 5, 7)
    assert result.review_window == {"months": 2}
    assert result.review_address == "reviews@council.gov.uk"
    assert result.regulator == "SIC"
    assert result.authority_refs == ["FOI/1234"]


def test_a_received_date_without_a_year_before_new_year_takes_the_previous_year():
    result = analyse("5 January 2021\n\nWe received your request on 30 December and will reply soon.")
    assert result.received_date == dt.date(2020, 12, 30)


def test_absent_facts_are_empty():
    result = analyse("Thank you.")
    assert result.as_dict() | {} == {
        "kind": "other", "confidence": 0.3, "evidence": [], "authority_refs": [], "letter_date": None,
        "received_date": None, "promised_date": None, "exemptions": [], "review_window": None,
        "review_address": None, "regulator": None,
    }  # fmt: skip


SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "barnet-foi-response-2020.txt"
SEED_PARTS = """1. policies for remote working
2. new devices purchased:
   a) laptops
   b) tablet computers
   c) mobile phones
3. remote working software/licences:
   a) Zoom accounts created
   b) new Office 365 accounts purchased
"""


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed letter is not beside the project")
def test_the_seed_letter():
    result = analyse(SEED.read_text(), parse_questions(SEED_PARTS))
    assert "6234788" in result.authority_refs
    assert result.letter_date == dt.date(2020, 4, 9)
    assert result.received_date == dt.date(2020, 4, 7)
    assert result.review_window == {"working_days": 40}
    assert result.review_address == "foi@barnet.gov.uk"
    assert result.regulator == "ICO"
    assert result.kind in ("partial", "information_provided")
    status = {c.part: c.status for c in result.coverage}
    assert status["2c"] == "not_addressed"
    assert status["3b"] != "answered"
    assert status["2b"] == "answered" and status["1"] == "answered"


RESTATED = """Dear Ms Lovelace,

Our ref: 4455

1. The number of fixed penalty notices issued in 2023
We issued 1,204 notices.

2. Copies of the enforcement policy
Please see the attached policy.

3. The cost of the enforcement contract
This information is withheld under section 43(2).
"""


def test_restated_questions_are_judged_one_by_one():
    questions = parse_questions(
        "1. number of fixed penalty notices issued in 2023\n2. copies of the enforcement policy\n"
        "3. cost of the enforcement contract\n4. number of appeals against notices in 2023\n"
    )
    status = {c.part: c.status for c in analyse(RESTATED, questions).coverage}
    assert status == {"1": "answered", "2": "answered", "3": "refused", "4": "not_addressed"}
    assert analyse(RESTATED, questions).kind == "partial"


def test_a_number_question_without_a_figure_is_partly_answered():
    letter = "Our ref: 99\n\nWe did buy laptops for staff working from home during the year."
    result = analyse(letter, parse_questions("1. Number of laptops bought in 2020"))
    assert result.coverage[0].status == "partly_answered"


def test_not_held_part_is_reported():
    letter = "1. Minutes of the 2019 meeting on trees\nThe council does not hold these minutes."
    result = analyse(letter, parse_questions("1. minutes of the 2019 meeting on trees"))
    assert result.coverage[0].status == "not_held"


def test_a_terse_letter_answering_every_question_is_an_answer():
    result = analyse("We refilled 212 grit bins in 2023.", parse_questions("1. Number of grit bins refilled in 2023"))
    assert result.coverage[0].status == "answered"
    assert result.kind == "information_provided"
    assert analyse("We refilled 212 grit bins in 2023.").kind == "other"  # without the questions, no way to tell


def test_a_question_whose_every_sub_item_is_answered_is_answered():
    questions = parse_questions(
        "1. How many parking penalty notices did the council issue in 2023?\n"
        "   a) issued by civil enforcement officers\n   b) issued by camera\n"
        "2. How much income did they raise?\n"
    )
    letter = """
        Dear Mr Jones,

        Freedom of Information request FOI-2024-311

        Thank you for your request, which we received on 4 March 2024. Our answers follow.

        1. Penalty charge notices in 2023:
           a) civil enforcement officers issued 41,220 notices
           b) cameras issued 18,904 notices

        2. The income raised was £2,310,455.

        If you are unhappy with this response you may ask for an internal review within 40 working days.
        Yours sincerely,
        Parking Services"""
    analysis = analyse(letter, questions)
    assert [(c.part, c.status) for c in analysis.coverage or []] == [
        ("1", "answered"), ("1a", "answered"), ("1b", "answered"), ("2", "answered"),
    ]  # fmt: skip
    assert analysis.kind == "information_provided" and analysis.is_confident
    # …but with one sub-item left out, the letter is partial.
    analysis = analyse(letter.replace("           b) cameras issued 18,904 notices\n", ""), questions)
    assert [(c.part, c.status) for c in analysis.coverage or []][1:3] == [("1a", "answered"), ("1b", "not_addressed")]
    assert analysis.kind == "partial"


def test_numbers_that_only_look_like_dates_are_not_dates():
    # A bounce quoting mail headers: an IP address is no date, nor is a month 56.
    headers = "Received: from unknown (HELO mx.example) ([10.56.10.5])\n  by proxy.example with SMTP\n"
    assert received_date(headers, dt.date(2012, 4, 28)) is None
    assert labelled_dates("Date received: 31/13/2020\nDate: 10.5.10.5") == {}
    assert labelled_dates("Date received: 31/12/2020\nDated: 1.2.21.")["received"] == dt.date(2020, 12, 31)


def test_a_request_received_after_the_reply_was_written_is_not_taken():
    text = "Date received: 3 May 2024\n\nThank you for your request received on 2 April 2024."
    assert received_date(text, dt.date(2024, 4, 20)) == dt.date(2024, 4, 2)  # the label's date is after the letter
    assert received_date(text, dt.date(2024, 5, 20)) == dt.date(2024, 5, 3)
