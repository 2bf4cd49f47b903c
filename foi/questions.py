"""The questions of a request: numbered parts with one level of sub-items.

A request reads like the seed letter's: "1. …", "2. …" with "a) …", "b) …"
beneath a question. Labels ("1", "2a") are derived from the order, never
stored, so reordering cannot leave a gap.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Question:
    """One numbered question and its sub-items, in the user's words."""

    text: str
    sub_items: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Part:
    """A question or sub-item with its label ("1", "2a") and its depth (0 or 1)."""

    label: str
    text: str
    depth: int


def sub_label(index: int) -> str:
    """Return "a", "b", … "z", "aa", "ab"… for the 0-based ``index``."""
    letters = string.ascii_lowercase
    label = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        label = letters[remainder] + label
    return label


def parts(questions: list[Question] | tuple[Question, ...]) -> list[Part]:
    """Return every question and sub-item with its label, in letter order."""
    numbered: list[Part] = []
    for number, question in enumerate(questions, start=1):
        numbered.append(Part(str(number), question.text, 0))
        for index, item in enumerate(question.sub_items):
            numbered.append(Part(f"{number}{sub_label(index)}", item, 1))
    return numbered


_NUMBERED = re.compile(r"^\s*(\d{1,3})\s*[.)]\s+(.*)$")
_LETTERED = re.compile(r"^\s*\(?([a-z]{1,2})\s*[.)]\s+(.*)$")
_BULLET = re.compile(r"^\s*(?:[-*•◦o])\s+(.*)$")


def parse_questions(text: str) -> list[Question]:
    """Read numbered questions with lettered or bulleted sub-items back from text.

    Accepts what ``foi.letters.render_questions`` prints ("1. …", "   a) …")
    and the usual variants ("1)", "(a)", "- item"). A line that starts no
    part continues the one before it.
    """
    questions: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if match := _NUMBERED.match(line):
            questions.append((match.group(2).strip(), []))
        elif questions and ((match := _LETTERED.match(line)) or (match := _BULLET.match(line))):
            questions[-1][1].append(match.group(match.lastindex or 1).strip())
        elif questions:
            top, subs = questions[-1]
            if subs:
                subs[-1] = f"{subs[-1]} {line.strip()}"
            else:
                questions[-1] = (f"{top} {line.strip()}", subs)
        else:
            questions.append((line.strip(), []))
    return [Question(top, tuple(subs)) for top, subs in questions]
