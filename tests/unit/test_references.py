"""Our request references survive retyping and reject typos."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foi.references import ALPHABET, check_symbol, find_references, is_valid, new_reference, normalize

bodies = st.text(alphabet=ALPHABET, min_size=5, max_size=5)


def test_a_new_reference_has_the_prefix_five_symbols_and_a_check_symbol():
    reference = new_reference()
    assert reference.startswith("FOI-") and len(reference) == 10
    assert is_valid(reference)
    assert not set("0O1IL") & set(reference[4:])


def test_references_are_random():
    assert len({new_reference() for _ in range(200)}) == 200


@given(bodies)
def test_every_single_mistyped_symbol_is_caught(body):
    reference = body + check_symbol(body)
    for position in range(6):
        for symbol in ALPHABET:
            if symbol != reference[position]:
                typo = reference[:position] + symbol + reference[position + 1 :]
                assert not is_valid("FOI-" + typo)


@given(bodies)
def test_every_swap_of_neighbours_is_caught(body):
    reference = body + check_symbol(body)
    for position in range(5):
        a, b = reference[position], reference[position + 1]
        if a != b:
            swapped = reference[:position] + b + a + reference[position + 2 :]
            assert not is_valid("FOI-" + swapped)


@pytest.fixture
def reference():
    rng = random.Random(7)
    return new_reference(rng.choice)


@pytest.mark.parametrize(
    "retype",
    [
        lambda r: r,
        lambda r: r.lower(),
        lambda r: r.replace("-", ""),
        lambda r: r.replace("-", " "),
        lambda r: r.replace("-", " - "),
        lambda r: r[:4] + r[4:7] + " " + r[7:],
        lambda r: "F0I-" + r[4:],
        lambda r: "FO1" + r[3:],
        lambda r: "fol " + r[4:].lower(),
    ],
    ids=["exact", "lower", "joined", "spaced", "spaced-hyphen", "split-body", "zero", "one", "ell"],
)
def test_retyped_reference_is_found_in_free_text(reference, retype):
    text = f"Dear requester, re your request {retype(reference)}, please find attached."
    assert find_references(text) == [reference]
    assert normalize(retype(reference)) == reference


def test_a_look_alike_in_the_body_is_resolved_by_the_check_symbol():
    # Find a reference whose body holds a D; an officer may type 0 for it.
    rng = random.Random(3)
    for _ in range(2000):
        reference = new_reference(rng.choice)
        if reference[4:].count("D") == 1 and "Q" not in reference[4:]:
            break
    retyped = reference.replace("D", "0")
    assert find_references(f"Your ref {retyped}") in ([reference], [])  # resolved, or refused as ambiguous
    # It is never resolved to some other reference.
    assert all(found == reference for found in find_references(retyped))


def test_a_wrong_check_symbol_is_not_a_reference(reference):
    last = reference[-1]
    wrong = reference[:-1] + ("A" if last != "A" else "B")
    assert find_references(f"Subject: {wrong}") == []
    assert normalize(wrong) is None


def test_several_references_in_one_reply_are_all_found_once():
    rng = random.Random(11)
    first, second = new_reference(rng.choice), new_reference(rng.choice)
    text = f"Re: {first} and {second.lower()} (also {first})"
    assert find_references(text) == [first, second]


def test_longer_codes_and_embedded_strings_are_not_references(reference):
    assert find_references(f"x{reference}") == []
    assert find_references(f"{reference}7") == []
    assert find_references("FOI 2020/123456 and FOI-2020-1234") == []
