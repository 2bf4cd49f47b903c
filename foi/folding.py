"""Letter case for finding words quickly: the forms literal needles are compared with."""

from __future__ import annotations

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


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """``text`` with every ASCII capital in lower case and each character at its own offset.

    lower() does that, and more, when the length stays the same (a capital
    such as "İ" lowers to two characters); only then is the slower
    character-by-character table needed.
    """
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)
