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

import ahocorasick

from foi.folding import fold

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
    """A compiled pattern with the literals that must be present for it to match.

    A case-blind pattern is also kept in lower case without IGNORECASE, to be
    run on the folded text: the engine compares characters as they are,
    which is about twice as quick, and finds a match exactly where the
    case-blind pattern finds one in the original (same offsets).
    """

    pattern: re.Pattern[str]
    needles: frozenset[str] | None = field(default=None)
    lowered: re.Pattern[str] | None = field(default=None)
    finder: ahocorasick.Automaton | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, pattern: str, flags: int = re.IGNORECASE) -> Cue:
        return cls.wrap(re.compile(pattern, flags))

    @classmethod
    def wrap(cls, compiled: re.Pattern[str]) -> Cue:
        found = needles(compiled.pattern, compiled.flags)
        return cls(compiled, found, lowered(compiled), word_finder(found) if found and len(found) > 2 else None)

    def may_match(self, folded: str) -> bool:
        """Return False when ``folded`` (see :func:`fold`) certainly holds no match."""
        if self.needles is None:
            return True
        if self.finder is not None and len(folded) < _SHORT:
            # A line or a paragraph: one pass for all the needles beats a scan for each.
            for _ in self.finder.iter(folded):
                return True
            return False
        return any(needle in folded for needle in self.needles)

    def matches(self, text: str, folded: str) -> bool:
        """Return ``bool(pattern.search(text))``; ``folded`` is ``fold(text)``."""
        return self.may_match(folded) and self.holds(text, folded)

    def holds(self, text: str, folded: str) -> bool:
        """``matches`` without the needle test, for text already known to hold a needle."""
        if self.lowered is not None and len(folded) == len(text):
            return self.lowered.search(folded) is not None
        return self.pattern.search(text) is not None


_SHORT = 500  # characters; over a longer text a scan per needle is quicker than the automaton


def word_finder(words: frozenset[str]) -> ahocorasick.Automaton:
    """An Aho-Corasick automaton finding every one of ``words`` in one pass; each is its own value."""
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


_INLINE_FLAGS = re.compile(r"\(\?[a-zA-OQ-Z-]")  # "(?i)", "(?-i:…)"; not "(?:", "(?=", "(?<!", "(?P<name>"


def lowered(compiled: re.Pattern[str]) -> re.Pattern[str] | None:
    """``compiled`` (case-blind) as a case-sensitive pattern for folded text, or None when that is not sure.

    Each character outside an escape is put in lower case; the result is
    refused if any literal or range it holds is still a capital (an escape
    such as ``\\x41``), or if the pattern sets flags inline.
    """
    if not compiled.flags & re.IGNORECASE or _sre is None or _INLINE_FLAGS.search(compiled.pattern):
        return None
    source, out, index = compiled.pattern, [], 0
    while index < len(source):
        if source[index] == "\\" or source.startswith("(?P", index):
            step = 3 if source[index] == "(" else 2
            out.append(source[index : index + step])
            index += step
        else:
            out.append(source[index].lower())
            index += 1
    text = "".join(out)
    flags = compiled.flags & ~re.IGNORECASE
    if _has_capital(list(_sre.parse(text, flags))):
        return None
    return re.compile(text, flags)


def _has_capital(items: list) -> bool:  # type: ignore[type-arg]
    for op, argument in items:
        name = str(op)
        if name in ("LITERAL", "NOT_LITERAL"):
            if chr(argument) != fold(chr(argument)):
                return True
        elif name == "RANGE":
            low, high = argument
            if any(chr(c) != fold(chr(c)) for c in range(low, min(high, 0x24F) + 1)):
                return True
        elif name == "IN":
            if _has_capital(argument):
                return True
        elif name == "SUBPATTERN":
            if _has_capital(list(argument[-1])):
                return True
        elif name == "BRANCH":
            if any(_has_capital(list(branch)) for branch in argument[1]):
                return True
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            if _has_capital(list(argument[2])):
                return True
        elif name in ("ASSERT", "ASSERT_NOT"):
            if _has_capital(list(argument[1])):
                return True
        elif name == "ATOMIC_GROUP":
            if _has_capital(list(argument)):
                return True
    return False
