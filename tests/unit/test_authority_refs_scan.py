"""The labelled-reference scan reads only the lines around "ref" and "case", and finds what a full scan finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from foi import authority_refs
from foi.authority_refs import find_authority_refs, labelled_matches
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
