"""A cue skips the regex only when its pattern could not have matched: same answers, fewer searches."""

from __future__ import annotations

import importlib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from foi.analysis import facts, kinds, sections
from foi.analysis.cues import Cue, needles
from foi.analysis.text import sentences, text_cache
from foi.folding import ascii_lower, finditer_from, fold
from tests import letter_fixtures

coverage = importlib.import_module("foi.analysis.coverage")  # the package exports a function of that name
ALL_CUES = [
    *(cue for cues in kinds._COMPILED.values() for cue, _ in cues),
    kinds._RIGHTS_SECTION,
    kinds._WHOLE_REFUSAL,
    kinds._HEDGE,
    sections._RIGHTS_CUE,
    sections._STATUTE_CUE,
    sections._ADVICE_CUE,
    *(getattr(coverage, name) for name in ("_REFUSED", "_NOT_HELD", "_COST", "_POINTER", "_ACCESSIBLE", "_GIVEN")),
    facts._SCOTTISH,
    facts._COST_LIMIT,
    facts._SIC,
    facts._ICO,
]
LETTERS = [value for value in vars(letter_fixtures).values() if isinstance(value, str) and len(value) > 200]


def _phrases(words: list[str], max_size: int, min_size: int = 0) -> st.SearchStrategy[str]:
    """Texts made of ``words`` (the literals a scan looks for, mixed with others), space-joined."""
    return st.lists(st.sampled_from(words), min_size=min_size, max_size=max_size).map(" ".join)


def test_needles_are_the_literals_every_match_contains() -> None:
    assert needles(r"(received|acknowledge)[^.]{0,60}(request for an? |your )review", re.I) == {
        "received",
        "acknowledge",
    }
    assert needles(r"\bClarif(y|ication)\b", re.I) == {"clarif"}  # \b takes no characters; lower case
    assert needles(r"fees? notice|section 9\b", re.I) == {" notice", "section 9"}
    assert needles(r"(?:ab)+c") == {"ab"}  # a repeat taken at least once
    # Nothing certain: an optional part, a class, a branch with a way through that needs no literal.
    assert needles(r"(?:abc)?\d+") is None
    assert needles(r"[a-z]+") is None
    assert needles(r"abc|\d") is None


def test_every_cue_finds_in_the_letters_exactly_what_its_pattern_finds() -> None:
    skipped = 0
    tried = 0
    for letter in LETTERS:
        for sentence in sentences(letter):
            folded = fold(sentence)
            for cue in ALL_CUES:
                tried += 1
                plain = cue.pattern.search(sentence)
                assert bool(plain) == cue.matches(sentence, folded), (cue.pattern.pattern, sentence)
                if cue.lowered is not None and plain:  # found where the case-blind pattern finds it
                    assert cue.lowered.search(folded).span() == plain.span(), (cue.pattern.pattern, sentence)
                skipped += not cue.may_match(folded)
    assert skipped > tried / 2  # and most searches are skipped: the point of it


# Words from the cues, so that random text matches them often, with case and the letters
# IGNORECASE folds to ASCII (the dotless ı and long ſ) mixed in.
_WORDS = sorted({word for cue in ALL_CUES for needle in cue.needles or () for word in needle.split()})


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_WORDS),
            st.sampled_from(_WORDS).map(str.upper),
            st.sampled_from(
                ["ſection", "revıew", "KEEP", "İnternal", "weeK", "(1)", "£5", ",", ".", "20", "we", "the", "your"]
            ),
        ),
        max_size=25,
    ).map(" ".join)
)
def test_a_cue_never_misses_a_match(text: str) -> None:
    folded = fold(text)
    for cue in ALL_CUES:
        assert bool(cue.pattern.search(text)) == bool(cue.matches(text, folded)), (cue.pattern.pattern, text)


def test_a_pattern_of_any_shape_compiles_to_a_cue() -> None:
    cue = Cue.of(r"(?i)(?=x)y|z{2,}")  # a lookahead and a repeat: no needle to rely on for the first
    assert cue.matches("zz", fold("zz"))
    assert not cue.matches("y", fold("y"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ ’£İıſKé\nR"), max_size=40))
def test_ascii_lower_keeps_every_offset_and_lowers_every_ascii_capital(text: str) -> None:
    lowered = ascii_lower(text)
    assert len(lowered) == len(text)
    for original, low in zip(text, lowered, strict=True):
        if original.isascii():
            assert low == original.lower()


def test_a_promise_is_found_beside_a_capital_that_lowers_to_two_characters() -> None:
    text = "İstanbul office. We will respond by 4 June 2024. RESPOND BY 5 June 2024."
    spans = [m.span() for m in facts._PROMISE.finditer(text)]
    assert len(spans) == 2
    assert [m.span() for m in finditer_from(facts._PROMISE, facts._PROMISE_WORDS, text)] == spans


def test_a_case_blind_cue_runs_in_lower_case_on_the_folded_text() -> None:
    assert sum(cue.lowered is not None for cue in ALL_CUES) >= len(ALL_CUES) - 2
    cue = Cue.of(r"Your Rights\b|[A-C]\d")
    assert cue.lowered is not None and cue.lowered.pattern == r"your rights\b|[a-c]\d"
    assert cue.matches("YOUR RIGHTS", fold("YOUR RIGHTS")) and cue.matches("b7", "b7")
    assert not cue.matches("your rightsx", "your rightsx")


def test_a_pattern_it_cannot_lower_safely_is_searched_as_it_is() -> None:
    assert Cue.of(r"\x41bc").lowered is None  # an escaped capital
    assert Cue.of(r"(?-i:Abc)|xyz").lowered is None  # flags set inline
    assert Cue.of("abc", flags=0).lowered is None  # not case-blind: case matters
    assert Cue.of(r"\x41bc").matches("abc", "abc")


def test_a_text_cache_keeps_many_short_texts_and_only_a_few_long_ones() -> None:
    read: list[str] = []

    @text_cache(100)
    def length(text: str) -> int:
        read.append(text)
        return len(text)

    short = [f"line {n}" for n in range(50)]
    assert [length(t) for t in short * 2] == [len(t) for t in short * 2]
    assert len(read) == 50  # each short text read once
    long = [f"{n:04d}" * 1000 for n in range(20)]  # 4,000 characters each
    assert [length(t) for t in long] == [4000] * 20
    assert length(long[-1]) == 4000 and len(read) == 70  # the latest long one is kept...
    length(long[0])
    assert len(read) == 71  # ...but not twenty of them


_FACT_SCANS = [
    (facts._RECEIVED, facts._RECEIVED_WORDS),
    (facts._SECTION, facts._SECTION_WORDS),
    (facts._REGULATION, facts._REGULATION_WORDS),
    (facts._PROMISE, facts._PROMISE_WORDS),
]


_FACT_WORDS = [
    "We",
    "received",
    "RECEIVED",
    "receıved",
    "receipt of",
    "your request",
    "Your email of",
    "dated",
    "on",
    "4 June 2024",
    "7 March",
    "the same day",
    "section",
    "Sections",
    "ſection",
    "s.",
    "ss.",
    "S",
    "40(2)",
    "12",
    "and",
    "&",
    ",",
    "regulation",
    "Reg.",
    "r.",
    "12(4)(b)",
    "13",
    "(a)",
    "İ",
    "\n",
    " ",
    "will",
    "respond",
    "RESPONSE",
    "reply",
    "provide",
    "extended",
    "until",
    "Deadline",
    "expect",
    "by",
    "before",
    "no later than",
    "4",
    "14th",
    "June",
    "Jan.",
    "2024",
    "3/7/2025",
    "Friday,",
    ".",
    "the",
    "decision",
    "answer",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(_phrases(_FACT_WORDS, max_size=30))
def test_facts_found_from_their_words_are_what_a_full_scan_finds(text: str) -> None:
    for pattern, words in _FACT_SCANS:
        spans = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in finditer_from(pattern, words, text)] == spans, pattern.pattern


def test_the_letters_give_the_same_facts_either_way() -> None:
    found = 0
    for letter in LETTERS:
        for pattern, words in _FACT_SCANS:
            spans = [m.span() for m in pattern.finditer(letter)]
            assert [m.span() for m in finditer_from(pattern, words, letter)] == spans, pattern.pattern
            found += len(spans)
    assert found >= 5


def _hits_by_search(cue: Cue, pieces: list[str]) -> set[int]:
    return {i for i, sentence in enumerate(pieces) if cue.pattern.search(sentence)}


def test_a_letter_read_in_one_pass_gives_each_cue_the_sentences_its_pattern_matches() -> None:
    foreign = Cue.of(r"freedom of information|\bwidgets?\b")  # not among the needles of the one pass
    assert not foreign.needles <= kinds._KNOWN
    matched = 0
    for letter in LETTERS:
        pieces = sentences(letter)
        reading = kinds._Reading(pieces)
        for cue in [*kinds._READ_IN_ONE_PASS, foreign]:
            assert reading.hits(cue) == _hits_by_search(cue, pieces), cue.pattern.pattern
            matched += len(reading.hits(cue))
    assert matched > 20


@settings(max_examples=200, deadline=None)
@given(_phrases([*_WORDS, "ſection", "revıew", "İ", "We.", "Yes.", "\n\n"], max_size=60))
def test_any_text_read_in_one_pass_gives_what_searching_each_sentence_gives(text: str) -> None:
    pieces = sentences(text)
    reading = kinds._Reading(pieces)
    for cue in kinds._READ_IN_ONE_PASS:
        assert reading.hits(cue) == _hits_by_search(cue, pieces), cue.pattern.pattern


_LABEL_WORDS = [
    "Date",
    "DATE",
    "dated",
    "Dyddiad",
    "/",
    "received",
    "Received",
    "of",
    "request",
    "receipt",
    "responded",
    "Response",
    "reſponse",
    "reply",
    "letter",
    "sent",
    "published",
    "Published",
    "this",
    "on",
    ":",
    "-",
    "4 June 2024",
    "Paragraph",
    "Our ref",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(_phrases(_LABEL_WORDS, max_size=6, min_size=1))
def test_a_line_a_date_label_matches_starts_as_the_labels_do(line: str) -> None:
    if any(label.match(line) for label in facts._LABELS.values()):
        assert fold(line[:3]) in facts._LABEL_STARTS
