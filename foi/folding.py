"""Finding words quickly: the letter case needles are compared in, and a regex tried only where its words start."""

from __future__ import annotations

import re

# Under IGNORECASE these ASCII letters also match a non-ASCII one that lower() keeps apart
# (lower() already turns the Kelvin sign into "k").
_FOLD = (("ı", "i"), ("ſ", "s"))


def fold(text: str) -> str:
    """Return ``text`` in the form the needles are compared with."""
    # Not str.translate: on text holding any non-ASCII character (a curly quote, "£") it looks up
    # every character in a dict, some twenty times slower than lower() and a replace or two.
    folded = text.lower()
    for odd, plain in _FOLD:
        if odd in folded:
            folded = folded.replace(odd, plain)
    return folded


_ASCII_LOWER = str.maketrans(
    {**{chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)}, "ı": "i", "ſ": "s", "K": "k"}
)


def ascii_lower(text: str) -> str:
    """``text`` folded for ASCII words, each character at its own offset.

    Every ASCII capital is lowered, and so are the letters a case-blind
    pattern also takes for ASCII ones (ı, ſ, the Kelvin sign). ``fold`` does
    that, and more, when the length stays the same (a capital such as "İ"
    lowers to two characters); only then is the slower character-by-character
    table needed.
    """
    folded = fold(text)
    return folded if len(folded) == len(text) else text.translate(_ASCII_LOWER)


def finditer_from(pattern: re.Pattern[str], words: tuple[str, ...], text: str) -> list[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern every match of which starts with one of ``words`` (ASCII, lower case).

    The starts are found with ``str.find``, which is far quicker than the
    regex engine trying every position of a long letter; the pattern is then
    tried at each start in order, without overlaps, as ``finditer`` would.
    """
    lowered = ascii_lower(text)
    starts: set[int] = set()
    for word in words:
        at = lowered.find(word)
        while at >= 0:
            starts.add(at)
            at = lowered.find(word, at + 1)
    found: list[re.Match[str]] = []
    end = 0
    for at in sorted(starts):
        if at < end:
            continue
        match = pattern.match(text, at)
        if match:
            found.append(match)
            end = max(match.end(), at + 1)
    return found
