"""What a request is about, so that its subject is not taken for the authority's decision.

A request about "planning applications the council refused" gets an answer
full of "refused"; one about "properties exempt from council tax" an answer
full of "exempt". There those words name the subject, not a refusal. A cue's
match is *topical* when its own words are the request's, a word beside it is
the request's too or a figure follows it ("refused 214 planning
applications", "exempt properties"), and nothing around it speaks of the
request or the law ("your request is refused under section 12" decides).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from foi.questions import Question

_WORD = re.compile(r"[a-z]+")
# Words every request and every letter use: they say nothing of what a request is about.
_FUNCTION = frozenset(
    """the and for you your our are was were this that these those there with from has have had been any all its
    their them they which who what how many much number total please provide copy copies information""".split()
)
# Beside a match, these make it a decision about the request ("refused under section 12", "exempt from disclosure"),
# unless the request uses them itself.
_DECISION_STARTS = ("under", "section", "regulat", "disclos", "request", "notice", "ground", "virtue")
_DECISION_WORDS = frozenset({"apply", "applies", "applied"})
AROUND = 3  # words read either side of a match
_FIGURE_AFTER = re.compile(r"\W{0,3}\d")


def _stem(word: str) -> str:
    return word[:5]  # "refused", "refusals", "refuse" → "refus"; "exemption", "exempt" → "exemp"


def _content(words: Iterable[str]) -> list[str]:
    return [word for word in words if len(word) >= 3 and word not in _FUNCTION]


def topic_of(questions: Iterable[Question]) -> frozenset[str]:
    """The stems of the words a request's questions and sub-items use."""
    return _topic(tuple(questions))


@lru_cache(maxsize=256)  # a request's letters, and the kind and the coverage of each, ask for the same
def _topic(questions: tuple[Question, ...]) -> frozenset[str]:
    stems: set[str] = set()
    for question in questions:
        for text in (question.text, *question.sub_items):
            stems.update(_stem(word) for word in _content(_WORD.findall(text.lower())))
    return frozenset(stems)


def is_topical(text: str, start: int, end: int, topic: frozenset[str]) -> bool:
    """Return True when ``text[start:end]`` (a cue's match) names the request's subject rather than deciding it."""
    if not topic:
        return False
    while start > 0 and text[start - 1].isalpha():  # whole words: a cue may match "refus" of "refusals"
        start -= 1
    while end < len(text) and text[end].isalpha():
        end += 1
    own = _content(_WORD.findall(text[start:end].lower()))
    if not own or any(_stem(word) not in topic for word in own):
        return False
    before = _WORD.findall(text[max(0, start - 60) : start].lower())[-AROUND:]
    after = _WORD.findall(text[end : end + 60].lower())[:AROUND]
    for word in (*before, *after):
        if (word.startswith(_DECISION_STARTS) or word in _DECISION_WORDS) and _stem(word) not in topic:
            return False
    nearest = [*_content(before)[-1:], *_content(after)[:1]]  # the closest content word on each side
    return bool(_FIGURE_AFTER.match(text, end)) or any(_stem(word) in topic for word in nearest)


def decides(pattern: re.Pattern[str], text: str, topic: frozenset[str]) -> bool:
    """Return True when ``pattern`` matches ``text`` somewhere other than in naming the request's subject."""
    return any(not is_topical(text, m.start(), m.end(), topic) for m in pattern.finditer(text))
