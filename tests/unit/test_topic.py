"""A request's own subject is not the authority's decision: "refused applications" in a request about refusals."""

import pytest

from foi.analysis import analyse
from foi.analysis.topic import is_topical, topic_of
from foi.questions import parse_questions
from tests import letter_fixtures as letters

REFUSALS = parse_questions(letters.REFUSALS_QUESTIONS)
EXEMPT_PROPERTIES = parse_questions(
    "1. How many properties are exempt from council tax?\n2. The addresses of the exempt properties."
)


def status_of(result):
    return {c.part: c.status for c in result.coverage or []}


def topical(sentence, word, questions):
    start = sentence.index(word)
    return is_topical(sentence, start, start + len(word), topic_of(questions))


@pytest.mark.parametrize(
    ("sentence", "word", "expected"),
    [
        ("The number of refused planning applications in 2023 was 214.", "refused", True),
        ("The council refused 214 applications in 2023.", "refused", True),  # a figure follows
        ("37 of those refusals were appealed.", "refus", True),  # a cue's match is read as the whole word
        ("Your request is refused under section 12.", "refused", False),
        ("We are refusing this request as vexatious.", "refusing", False),
        ("The information is exempt under section 21.", "exempt", False),  # not the request's word
    ],
)
def test_a_match_is_topical_only_where_it_names_the_subject(sentence, word, expected):
    assert topical(sentence, word, REFUSALS if "refus" in word else EXEMPT_PROPERTIES) is expected


def test_without_questions_nothing_is_topical():
    assert not is_topical("The council refused 214 applications.", 12, 19, frozenset())


def test_an_answer_about_refusals_is_an_answer():
    result = analyse(letters.REFUSED_APPLICATIONS_ANSWERED, REFUSALS)
    assert result.kind == "information_provided" and result.is_confident
    assert status_of(result) == {"1": "answered", "2": "answered"}


def test_a_request_about_refusals_can_still_be_refused():
    result = analyse("Dear Ms Rahman,\n\nYour request is refused under section 12, as it would exceed the cost "
                     "limit.\n\nRegards", REFUSALS)  # fmt: skip
    assert result.kind == "refusal" and status_of(result) == {"1": "refused", "2": "refused"}


def test_exempt_properties_counted_and_their_addresses_withheld_is_a_partial_answer():
    text = (
        "Dear Mr Kowalski,\n\n1. There are 1,203 properties exempt from council tax in the borough.\n\n"
        "2. The addresses of exempt properties are withheld under section 40(2), as they would identify the "
        "people living there.\n\nRegards,\nRevenues and Benefits"
    )
    result = analyse(text, EXEMPT_PROPERTIES)
    assert status_of(result) == {"1": "answered", "2": "refused"} and result.kind == "partial"
    assert result.exemptions == ["s.40(2)"]
    counted = analyse("Dear Mr Kowalski,\n\nThere are 1,203 properties exempt from council tax.", EXEMPT_PROPERTIES[:1])
    assert counted.kind == "information_provided" and status_of(counted) == {"1": "answered"}


def test_a_one_line_refusal_citing_an_exemption_is_a_refusal():
    result = analyse("Dear Mr Kowalski,\n\nThis information is exempt from disclosure under section 31.\n\nRegards")
    assert result.kind == "refusal" and result.exemptions == ["s.31"]
