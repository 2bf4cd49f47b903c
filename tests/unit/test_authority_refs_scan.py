"""The labelled-reference scan reads only the lines around "ref" and "case", and finds what a full scan finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from foi import authority_refs, references
from foi.authority_refs import find_authority_refs, labelled_matches
from foi.folding import finditer_from
from tests import letter_fixtures

LETTERS = [value for value in vars(letter_fixtures).values() if isinstance(value, str) and len(value) > 200]


def _full(text: str) -> list[tuple[str, str]]:
    return [(m.group("label"), m.group("ref")) for m in authority_refs._LABELLED.finditer(text)]


def _quick(text: str) -> list[tuple[str, str]]:
    return [(m.group("label"), m.group("ref")) for m in labelled_matches(text)]


def test_the_letters_give_the_same_references_either_way() -> None:
    found = 0
    for letter in LETTERS:
        assert _quick(letter) == _full(letter)
        found += len(_full(letter))
    assert found >= 5  # the fixtures do print references


def test_a_label_split_over_lines_is_still_read() -> None:
    text = "Dear Sir,\n" + "filler line\n" * 20 + "Our\nReference:\n\n\nFOI/2024/0815\n" + "more\n" * 20
    assert _quick(text) == _full(text) == [("Our\nReference", "FOI/2024/0815")]
    assert "FOI/2024/0815" in find_authority_refs(text)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "our",
                "your",
                "Ref",
                "REF",
                "reference",
                "case",
                "Case No",
                "no.",
                "request",
                "information",
                ":",
                "-",
                "#",
                "2024/0815",
                "FOI",
                "123456",
                "EIR/23/0456",
                "\n",
                "\n",
                "\n\n",
                " ",
                "the",
                "refuse",
            ]
        ),  # fmt: skip
        max_size=40,
    ).map(" ".join)
)
def test_any_text_gives_the_same_matches_either_way(text: str) -> None:
    assert _quick(text) == _full(text)


_PIECES = ["FOI", "foi", "F0I", "FO1", "FOIA", "EIR", "eisr", "IR", "RFI", "REQ", "case", "for", "off", "their",
           "-", "/", ".", "_", " ", "2024", "23", "7K3M9Q", "AB", "0815", "x", "\n", "Ｆ", "İ", " request", "no.",
           "Information", ":", "#"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_references_tried_where_their_words_start_are_what_a_full_scan_finds(text: str) -> None:
    for pattern, words in (
        (authority_refs._PREFIXED, authority_refs._PREFIX_WORDS),
        (authority_refs._REQUEST_NUMBERED, authority_refs._REQUEST_WORDS),
        (references._PATTERN, ("fo", "f0")),
    ):
        spans = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in finditer_from(pattern, words, text)] == spans, pattern.pattern


def test_the_letters_give_the_same_prefixed_references_either_way() -> None:
    found = 0
    for letter in LETTERS:
        full = [m.span() for m in authority_refs._PREFIXED.finditer(letter)]
        quick = finditer_from(authority_refs._PREFIXED, authority_refs._PREFIX_WORDS, letter)
        assert [m.span() for m in quick] == full
        found += len(full)
    assert found >= 3
