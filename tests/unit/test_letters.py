"""The request letter and its siblings."""

import datetime as dt

import pytest

from foi import letters
from foi.laws import EIR, EISR, FOIA, FOISA
from foi.questions import Question, parse_questions

QUESTIONS = [
    Question("Policies for remote working since 1 January 2020"),
    Question("Number of new devices purchased:", ("Laptops", "Tablet computers", "Mobile phones")),
]
TO = letters.Addressing("London Borough of Barnet", "Ada Lovelace", "FOI-7K3M9Q", "Remote working")


def test_request_letter_lists_the_parts_exactly_as_written():
    letter = letters.initial_request(FOIA, TO, QUESTIONS)
    assert (
        "1. Policies for remote working since 1 January 2020\n"
        "2. Number of new devices purchased:\n"
        "   a) Laptops\n"
        "   b) Tablet computers\n"
        "   c) Mobile phones\n"
    ) in letter.body
    assert letter.body.startswith("Dear London Borough of Barnet,\n")
    assert letter.body.rstrip().endswith("Yours faithfully,\n\nAda Lovelace")
    assert "electronically" in letter.body
    assert "FOI-7K3M9Q in the subject line" in letter.body


@pytest.mark.parametrize(
    ("law", "basis", "subject"),
    [
        (FOIA, "section 1 of the Freedom of Information Act 2000", "Freedom of Information request"),
        (EIR, "regulation 5(1) of the Environmental Information Regulations 2004", "Environmental Information request"),
        (
            FOISA,
            "section 1 of the Freedom of Information (Scotland) Act 2002",
            "Freedom of Information (Scotland) request",
        ),
        (EISR, "Environmental Information (Scotland) Regulations 2004", "Environmental Information (Scotland) request"),
    ],
)
def test_each_regime_cites_its_own_basis_and_subject(law, basis, subject):
    letter = letters.initial_request(law, TO, QUESTIONS)
    assert basis in letter.body
    assert letter.subject == f"{subject} - Remote working [FOI-7K3M9Q]"


def test_a_multi_line_question_keeps_its_lines_under_its_number():
    letter = letters.initial_request(FOIA, TO, [Question("First line\nsecond line"), Question("Next")])
    assert "1. First line\n   second line\n2. Next" in letter.body


def test_rendered_questions_read_back_as_the_same_questions():
    assert parse_questions(letters.render_questions(QUESTIONS)) == QUESTIONS


def test_chaser_cites_the_due_date_and_the_duty_and_threads_the_subject():
    letter = letters.chaser(FOIA, TO, dt.date(2020, 4, 7), dt.date(2020, 5, 7))
    assert letter.subject == "Re: Freedom of Information request - Remote working [FOI-7K3M9Q]"
    assert "7 May 2020" in letter.body and "7 April 2020" in letter.body
    assert "section 10(1) of the Freedom of Information Act 2000" in letter.body
    assert "Information Commissioner" in letter.body


def test_scottish_chaser_points_to_a_requirement_for_review_not_the_commissioner():
    letter = letters.chaser(FOISA, TO, dt.date(2020, 4, 7), dt.date(2020, 5, 6))
    assert "require a review" in letter.body
    assert "section 20" in letter.body


def _broken(body: str, token: str) -> bool:
    """True when an occurrence of ``token`` in the letter is split over two lines."""
    return body.replace("\n", "").count(token) > body.count(token)


@pytest.mark.parametrize("day", range(0, 360, 7))
def test_letters_never_break_a_reference_an_address_or_a_url_across_lines(day):
    from foi.references import new_reference

    reference = new_reference()
    sent = dt.date(2024, 1, 1) + dt.timedelta(days=day)
    url = "https://open.example.gov.uk/dataset/23d3v-csg-contract-2020-remote-working"
    title = "x" * (day % 50) + f" remote-working devices {url}"
    to = letters.Addressing("A" * (day % 40) + " Council", "Ada Lovelace", reference, title)
    grounds = letters.ReviewGrounds((("2c", "mobile-phones purchased", "not_addressed"),), ("s.40(2)",))
    later = sent + dt.timedelta(days=30)
    bodies = [
        letters.chaser(FOIA, to, sent, later).body,
        letters.internal_review(
            FOIA,
            to,
            requested_on=sent,
            responded_on=later,
            authority_refs=("FOI/2024-00123",),
            grounds=grounds,
            review_reply_due=later,
        ).body,  # fmt: skip
        letters.requirement_for_review_no_reply(
            FOISA, to, requested_on=sent, reply_due=later, review_reply_due=later
        ).body,  # fmt: skip
    ]
    for body in bodies:
        for token in (reference, url, "FOI/2024-00123"):
            assert not _broken(body, token), (token, body)
