"""Cue patterns that skip the regex engine when a letter cannot match them.

Reading a letter runs about fifty cue patterns over each of its sentences;
most of them find nothing, and the engine scans every sentence to be sure.
A pattern such as ``(received|acknowledge)[^.]{0,60}(request for an? |your )review``
cannot match text that lacks the word "review", and a substring test is
far cheaper than a search. :func:`needles` reads the pattern's syntax tree
(the standard library's own parser) for the literals that any match must
contain; a :class:`Cue` searches only text that contains one of them. The
test is a necessary condition only — the regex still decides — so a cue
finds exactly what its pattern finds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from foi.folding import ascii_lower

try:  # the standard library's regex parser (``sre_parse`` before 3.11)
    from re import _parser as _sre  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - a Python without it reads every sentence
    _sre = None


def needles(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Return literals one of which every match of ``pattern`` contains (lower case), or None if none is known."""
    if _sre is None:
        return None
    try:
        tree = _sre.parse(pattern, flags)
    except Exception:  # pragma: no cover - re.compile would have raised first
        return None
    found = _required(list(tree))
    return frozenset(found) if found else None


def _required(items: list) -> set[str] | None:  # type: ignore[type-arg]
    """The most selective requirement of a sequence of parsed items: a set of alternatives, one of which appears."""
    options: list[set[str]] = []
    run: list[str] = []

    def end_run() -> None:
        if run:
            options.append({"".join(run)})
            run.clear()

    for op, argument in items:
        name = str(op)
        if name == "LITERAL" and argument < 128:
            run.append(chr(argument).lower())
            continue
        if name == "AT":  # \b, ^, $: take no characters, so the literals either side still touch
            continue
        end_run()
        if name == "SUBPATTERN":
            inner = _required(list(argument[-1]))
        elif name == "BRANCH":
            inner = _branch(argument[1])
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, body = argument
            inner = _required(list(body)) if low >= 1 else None
        elif name == "ATOMIC_GROUP":
            inner = _required(list(argument))
        else:  # a class, any character, a lookaround, a back-reference: nothing certain
            inner = None
        if inner:
            options.append(inner)
    end_run()
    if not options:
        return None
    # Prefer the longest shortest literal (the rarest), then the fewest alternatives.
    return max(options, key=lambda option: (min(len(n) for n in option), -len(option)))


def _branch(alternatives: list) -> set[str] | None:  # type: ignore[type-arg]
    union: set[str] = set()
    for alternative in alternatives:
        found = _required(list(alternative))
        if not found:
            return None  # one way through needs nothing
        union |= found
    return union


@dataclass(frozen=True)
class Cue:
    """A compiled pattern with the literals that must be present for it to match."""

    pattern: re.Pattern[str]
    needles: frozenset[str] | None = field(default=None)

    @classmethod
    def of(cls, pattern: str, flags: int = re.IGNORECASE) -> Cue:
        return cls(re.compile(pattern, flags), needles(pattern, flags))

    @classmethod
    def wrap(cls, compiled: re.Pattern[str]) -> Cue:
        return cls(compiled, needles(compiled.pattern, compiled.flags))

    def may_match(self, folded: str) -> bool:
        """Return False when ``folded`` (see :func:`fold`) certainly holds no match."""
        return self.needles is None or any(needle in folded for needle in self.needles)

    def search(self, text: str, folded: str) -> re.Match[str] | None:
        """``pattern.search(text)``, skipped when the needles are absent from ``folded`` (``fold(text)``)."""
        return self.pattern.search(text) if self.may_match(folded) else None


def finditer_from(pattern: re.Pattern[str], words: tuple[str, ...], text: str) -> list[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern every match of which starts with one of ``words`` (ASCII, any case).

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
