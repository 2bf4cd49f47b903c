"""Our request references: short, typable, self-checking (``FOI-7K3M9Q``).

A reference is the prefix ``FOI-``, five random symbols and one check symbol
from an alphabet of 31 that has no look-alikes: no 0/O and no 1/I/L. Because
31 is prime, the weighted check symbol catches every single mistyped symbol
and every swap of two neighbours.

The parser is tolerant the way officers retype references: any case, spaces,
hyphens, dots or nothing between the parts, ``F0I``/``FO1``/``FOl`` for the
prefix, and one look-alike (0/O or 1/I/L) in the body when exactly one
reading of it passes the check. A string whose check symbol is wrong is not ours.
"""

from __future__ import annotations

import itertools
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterator

from foi.folding import finditer_from

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PREFIX = "FOI"
BODY_LENGTH = 5
_VALUE = {symbol: index for index, symbol in enumerate(ALPHABET)}
_MODULUS = len(ALPHABET)  # 31, prime

# What an officer may have typed for a symbol that is not in the alphabet.
_LOOK_ALIKES = {"0": "DQ", "O": "DQ", "1": "7JT", "I": "7JT", "L": "7JT"}

_SEPARATOR = r"[\s\-_.:/]{0,3}"
_SYMBOL = r"[0-9A-Z]"
_PATTERN = re.compile(
    rf"(?<![0-9A-Z])F[O0][I1L]{_SEPARATOR}((?:{_SYMBOL}[\s\-]?){{{BODY_LENGTH}}}{_SYMBOL})(?![0-9A-Z])",
    re.IGNORECASE | re.ASCII,
)


def check_symbol(body: str) -> str:
    """Return the check symbol for the five-symbol ``body``."""
    total = sum((position + 2) * _VALUE[symbol] for position, symbol in enumerate(body))
    return ALPHABET[(-total) % _MODULUS]


def is_valid(reference: str) -> bool:
    """Return True when ``reference`` is exactly a canonical reference with a correct check symbol."""
    if not reference.startswith(PREFIX + "-"):
        return False
    code = reference[len(PREFIX) + 1 :]
    if len(code) != BODY_LENGTH + 1 or any(symbol not in _VALUE for symbol in code):
        return False
    return check_symbol(code[:BODY_LENGTH]) == code[-1]


def new_reference(random_symbol: Callable[[str], str] = secrets.choice) -> str:
    """Return a fresh random reference such as ``FOI-7K3M9Q``."""
    body = "".join(random_symbol(ALPHABET) for _ in range(BODY_LENGTH))
    return f"{PREFIX}-{body}{check_symbol(body)}"


def _readings(code: str) -> Iterator[str]:
    options = [_LOOK_ALIKES.get(symbol, symbol) for symbol in code]
    for combination in itertools.product(*options):
        yield "".join(combination)


def _compatible(text: str) -> str:
    # NFKC folds look-alike compatibility characters (the Kelvin sign "K", fullwidth "ＦＯＩ") to ASCII.
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def normalize(candidate: str) -> str | None:
    """Return the canonical reference a retyped ``candidate`` stands for, or None."""
    match = _PATTERN.fullmatch(_compatible(candidate).strip())
    if match is None:
        return None
    return _resolve(match.group(1))


def _resolve(raw_code: str) -> str | None:
    code = re.sub(r"[\s\-]", "", raw_code).upper()
    # One retyped look-alike is a slip; several make a guess, and a guess
    # could turn someone else's number into one of ours.
    if sum(symbol in _LOOK_ALIKES for symbol in code) > 1:
        return None
    valid = {reading for reading in _readings(code) if check_symbol(reading[:BODY_LENGTH]) == reading[-1]}
    if len(valid) != 1:
        return None
    return f"{PREFIX}-{valid.pop()}"


def find_references(text: str) -> list[str]:
    """Return every valid reference in ``text``, canonical, in order of first appearance."""
    found: list[str] = []
    for match in finditer_from(_PATTERN, ("fo", "f0"), _compatible(text)):
        reference = _resolve(match.group(1))
        if reference is not None and reference not in found:
            found.append(reference)
    return found
