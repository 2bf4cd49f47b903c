"""Which questions a reply answered: one entry per part (1, 2, 2a, 2b…).

Authorities often restate each question before its answer (the seed letter
does). Where a part's wording is found restated, its answer is the text up to
the next restated part; sub-items listed together share the answer that
follows the last of them, and each must then be named in it. Where a part is
not restated, the sentences that name its key words are its answer. A part
that asks for a number and gets no figure is at best ``partly_answered``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from foi.analysis.cues import Cue
from foi.analysis.sections import HEDGE, is_rights, latest_letter, quoted_lines
from foi.analysis.text import clean, figures, gives_a_figure, keywords, keywords_in_order, sentences, text_cache
from foi.analysis.topic import decides, topic_of
from foi.folding import fold
from foi.questions import Part, Question, parts

ANSWERED, PARTLY, REFUSED, NOT_HELD, NOT_ADDRESSED = (
    "answered",
    "partly_answered",
    "refused",
    "not_held",
    "not_addressed",
)
_ASKS_NUMBER = re.compile(
    r"\b(number|how many|how much|total|count|figures?|amount|quantity|cost|spend|spent|breakdown)\b", re.I
)
_REFUSED = Cue.wrap(
    re.compile(
        r"\bexempt|\bwithh(e|o)ld|\brefus|\bsection \d|\bs\.\s?\d|\bcost limit|\bappropriate limit|\bnot (be )?disclos|"
        r"\bnot (be )?(possible|able) to (provide|source|locate)|\bunable to (provide|source|locate)",
        re.I,
    )
)
_NOT_HELD = Cue.wrap(
    re.compile(
        r"(does|do|did) not hold|not held|no (information|records?|data) (is |are )?held|holds? no|"
        r"(does|do) not have (the|this|that|any) (information|figure|record)|formal notice under section 17",
        re.I,
    )
)
_CONTINUES = re.compile(r"^(this|that|these|it|accurately|however|therefore)\b", re.I)
_COST = Cue.wrap(re.compile(r"(exceed|over) the (upper )?[‘'\"]?(cost|appropriate) limit|excessive cost", re.I))
_POINTER = Cue.wrap(re.compile(r"https?://|www\.|available (from|at|on)|published (at|on|in)", re.I))
_ACCESSIBLE = Cue.wrap(
    re.compile(r"reasonably accessible|otherwise accessible|section (21|25)\b|already (been )?published", re.I)
)
_TABLE_ROW = re.compile(r"(?:\d[\d,]*\s+){3,}|\|.*\||\t.*\t")
# Information given, with some details redacted: an answer, not a refusal of the part.
_GIVEN = Cue.wrap(
    re.compile(r"\b(are|is) (attached|enclosed|provided|below)\b|\bplease (find|see) attached|\b(i|we) enclose", re.I)
)
# Verbs and adjectives every question uses; an answer need not repeat them.
_GENERIC = {
    "new", "created", "create", "purchased", "purchase", "bought", "buy", "issued", "issue", "made", "make",
    "used", "use", "received", "receive", "provided", "spent", "spend", "current", "recent", "year", "month",
    "total", "annual", "organisation", "council", "authority", "department",
}  # fmt: skip
_BARE_MARKER = re.compile(r"^\W*(?:\d{1,3}|[a-z]|[ivx]{1,4})?\W*$", re.IGNORECASE)
_MARKER = re.compile(r"^\s*(\*|_|#|>|-|o\s|•|\d+[.)]|[a-z][.)]|\(?[a-z]\))", re.I)


@dataclass
class Coverage:
    part: str
    text: str
    status: str
    evidence: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"part": self.part, "text": self.text, "status": self.status, "evidence": self.evidence}


_LIST_PREFIX = re.compile(r"^\s*(?:[-*•>]+\s*|o\s+|\d+[.)]\s*|\(?[a-z]\)\s*|[a-z][.]\s+)+", re.I)


MAX_PARTS = 100  # a request with more parts is read for its first hundred
MAX_LINES = 5000  # and a letter for its first five thousand lines


def _restates(wanted: frozenset[str], words: frozenset[str]) -> bool:
    """Return True when ``words`` hold three quarters of a question's ``wanted`` words: its wording again."""
    return len(wanted & words) / len(wanted) >= 0.75


@dataclass(frozen=True)
class _Line:
    raw: str
    line: str
    body: str
    words: frozenset[str]


@text_cache(16384)  # an authority's letters share their boilerplate lines
def _read_line(raw: str) -> _Line:
    line = clean(raw).strip()
    body = _LIST_PREFIX.sub("", line.strip("*_ "))
    return _Line(raw, line, body, frozenset(keywords(body)))


def _is_restatement(read: _Line, part: Part, wanted: set[str]) -> bool:
    """Return True when the letter's line repeats the part's question (not an answer to it)."""
    if not wanted:
        return False
    raw, line, body = read.raw, read.line, read.body
    if not _restates(wanted, read.words):
        return False
    emphasised = "*" in raw or "_" in raw or line.endswith((":", "?"))
    if figures(body) - figures(part.text) and not emphasised:
        return False  # an answer with a figure in it, not the question again
    short = len(body.split()) <= 2 * len(part.text.split()) + 8
    return short or emphasised or bool(_MARKER.match(line))


def _find_restated(raw_lines: list[str], numbered: list[Part]) -> dict[str, int]:
    """Return, for each part label, the index of the last line that restates it."""
    read = [_read_line(raw) if raw.strip() else None for raw in raw_lines]
    wanted_by_part = [(part, keywords(part.text)) for part in numbered]
    asked = frozenset().union(*(wanted for _, wanted in wanted_by_part))
    by_word: dict[str, list[int]] = {}
    for index, line in enumerate(read):
        for word in line.words & asked if line else ():  # only the words some part asks about
            by_word.setdefault(word, []).append(index)
    found: dict[str, int] = {}
    for label_part, wanted in wanted_by_part:
        # Only lines that share a word with the part can restate it.
        near = sorted({i for word in wanted for i in by_word.get(word, ())}, reverse=True)
        for index in near:
            line = read[index]
            if line is not None and _is_restatement(line, label_part, wanted):
                found[label_part.label] = index
                break
    return found


@dataclass(frozen=True)
class _Asked:
    """What the whole request tells about reading one part's answer."""

    topic: frozenset[str] = frozenset()  # the request's own words (``foi.analysis.topic``): its subject, no decision
    heads: Mapping[str, str] = field(default_factory=dict)  # each part's first word that no other part uses


@lru_cache(maxsize=256)  # a request's letters ask for the same
def _heads(numbered: tuple[Part, ...]) -> Mapping[str, str]:
    """Each part's head: the first of its specific words that no other part of the request uses."""
    words = {part.label: keywords(part.text) for part in numbered}
    heads: dict[str, str] = {}
    for part in numbered:
        others = frozenset().union(*(w for label, w in words.items() if label != part.label))
        for word in keywords_in_order(part.text):
            if word not in _GENERIC and word not in others:
                heads[part.label] = word
                break
    return MappingProxyType(heads)


def _judge(
    answer: str, part: Part, asks_number: bool, require_mention: bool, asked: _Asked = _Asked()
) -> tuple[str, list[str]]:
    """The part's status in ``answer``."""
    topic = asked.topic
    wanted = keywords(part.text)
    pieces = sentences(answer)
    if require_mention:
        specific = {w for w in wanted if w not in _GENERIC} or wanted
        needed = 1 if len(specific) < 3 else -(-len(specific) // 2)  # half the specific words, at least one
        head = asked.heads.get(part.label)
        chosen: list[str] = []
        for index, words in enumerate(_words_of_sentences(answer)):
            found = len(specific & words)
            # Or its head and one more of its words: "the communications … on this matter are attached" answers
            # "any communications since March 2023 about the closed area at the station".
            if found >= needed or (found >= 2 and head in words):
                sentence = pieces[index]
                # "This is because…" explains the sentence before it, which holds the decision.
                if index and _CONTINUES.match(sentence) and pieces[index - 1] not in chosen:
                    chosen.append(pieces[index - 1])
                chosen.append(sentence)
        pieces = chosen
    pieces = [s for s in pieces if s.strip() and not _BARE_MARKER.match(s)]  # "1." split off "1. How many…"
    if not pieces:
        return NOT_ADDRESSED, []
    text = " ".join(pieces)
    evidence = [s[:300] for s in pieces[:2]]
    # What decides a part is a plain statement: not a table's column names, not "it may help if I explain…".
    stated = " ".join(s for s in pieces if _is_plain(s))
    folded, folded_stated = fold(text), fold(stated)
    if _POINTER.matches(text, folded) and _ACCESSIBLE.matches(text, folded):
        return ANSWERED, evidence  # FOIA s.21 / FOISA s.25: already published, and where
    if _COST.matches(stated, folded_stated):
        return REFUSED, evidence
    if _NOT_HELD.matches(stated, folded_stated) and decides(_NOT_HELD.pattern, stated, topic):
        return NOT_HELD, evidence
    if (
        _REFUSED.matches(stated, folded_stated)
        and decides(_REFUSED.pattern, stated, topic)
        and not (_GIVEN.matches(text, folded) and "redact" in folded)
    ):
        return REFUSED, evidence
    if asks_number and not gives_a_figure(text, figures(part.text)):
        return PARTLY, evidence
    return ANSWERED, evidence


@text_cache(64)  # each of a request's parts reads the same answer
def _words_of_sentences(answer: str) -> tuple[frozenset[str], ...]:
    """The content words of each of ``sentences(answer)``."""
    return tuple(keywords(sentence) for sentence in sentences(answer))


@text_cache(4096)  # each of a request's parts reads the same sentences
def _is_plain(sentence: str) -> bool:
    """Return True for a plain statement: not hedged, not a table's row."""
    return not HEDGE.search(sentence) and not _TABLE_ROW.search(sentence)


_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10,
}  # fmt: skip
_NUMS = r"\d{1,2}(?:\s*(?:,|and|&|/)\s*(?:(?:questions?|parts?|points?|q)\s*)?\d{1,2})*"
# "Question 1", "Questions 2 and 3", "Part 2 and Part 3", "With regards to questions 1, 3, 4 and 5",
# "In relation to your second question", "Q4:".
_ANCHOR = re.compile(
    rf"^\W*(?:(?:with regards? to|in relation to|regarding|in response to|turning to|as regards|as for|for)\s+)?"
    rf"(?:your\s+|the\s+)?(?:questions?|parts?|points?|q|items?)\s*(?P<nums>{_NUMS})\b",
    re.IGNORECASE,
)
_ORDINAL_ANCHOR = re.compile(
    r"^\W*(?:(?:with regards? to|in relation to|regarding|in response to|turning to|as regards|as for)\s+)?"
    r"(?:the\s+\w+\s+part\s+of\s+)?(?:your|the)\s+(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|"
    r"tenth)\s+(?:question|part|point|request)",
    re.IGNORECASE,
)
_NUMBERED_ANSWER = re.compile(r"^\s*\(?(?P<nums>\d{1,2})\s*[.):]\s+")


@text_cache(16384)
def _anchor_numbers(line: str) -> tuple[int, ...]:
    """Return the part numbers a line opens the answer to ("Questions 1, 3 and 4" → 1, 3, 4)."""
    for pattern in (_ANCHOR, _NUMBERED_ANSWER):
        match = pattern.match(line)
        if match:
            return tuple(int(n) for n in re.findall(r"\d{1,2}", match.group("nums")))
    match = _ORDINAL_ANCHOR.match(line)
    return (_ORDINALS[match.group("ord").lower()],) if match else ()


def _anchored(lines: list[str], quoted: set[int], questions: tuple[Question, ...]) -> dict[int, str]:
    """Return, for each question number, the answer the letter gives under its own number (the last one).

    A numbered line that restates another question's words belongs to that question: the letter may
    number the request as the requester first typed it, not as we sent it.
    """
    wanted = [keywords(q.text) for q in questions]
    anchors = []
    for index, line in enumerate(lines):
        numbers = [n for n in _anchor_numbers(line) if 1 <= n <= len(questions)]
        if index in quoted or not numbers:
            continue
        words = keywords(line)
        restates = [n for n, want in enumerate(wanted, 1) if want and _restates(want, words)]
        if len(numbers) == 1 and restates and numbers[0] not in restates:
            numbers = restates[:1]
        anchors.append((index, numbers))
    blocks: dict[int, str] = {}
    for position, (index, numbers) in enumerate(anchors):
        end = anchors[position + 1][0] if position + 1 < len(anchors) else len(lines)
        for stop in range(index + 1, end):
            if _CLOSING.match(lines[stop]) or is_rights(lines[stop]):
                end = stop
                break
        text = "\n".join(lines[index:end])
        for number in numbers:
            blocks[number] = text
    return blocks


def coverage(letter: str, questions: list[Question] | tuple[Question, ...]) -> list[Coverage]:
    """Return how the letter covers each question and sub-item.

    Aligned by the authority's own numbering first ("Question 2", "With regards to questions 1, 3 and
    4"), then by the question restated in its words, then by content.
    """
    letter = latest_letter(letter)
    raw_lines = letter.splitlines()[:MAX_LINES]
    lines = [clean(line) for line in raw_lines]
    questions = tuple(questions)[:MAX_PARTS]
    numbered = parts(questions)
    asked = _Asked(topic_of(questions), _heads(tuple(numbered)))
    restated = _find_restated(raw_lines, numbered)
    positions = sorted(restated.values())
    anchored = _anchored(lines, quoted_lines(lines), questions) if len(questions) > 1 else {}
    results: list[Coverage] = []
    for number, question in enumerate(questions, start=1):
        top = Part(str(number), question.text, 0)
        subs = [p for p in numbered if p.depth == 1 and p.label.rstrip("abcdefghijklmnopqrstuvwxyz") == str(number)]
        asks_number = _asks_number(top, lines, restated)
        if number in anchored:
            block = anchored[number]
            status, evidence = _judge(
                _without_restatement(block, top, *numbered), top, asks_number, require_mention=False, asked=asked
            )
            results.append(Coverage(top.label, top.text, status, evidence))
            for sub_part in subs:
                sub_asks = asks_number or _asks_number(sub_part, lines, restated)
                answer = _without_restatement(block, sub_part, *numbered)
                status, evidence = _judge(answer, sub_part, sub_asks, require_mention=True, asked=asked)
                results.append(Coverage(sub_part.label, sub_part.text, status, evidence))
            continue
        block = _block_after(lines, restated, positions, [top, *subs])
        results.append(_cover(lines, top, restated, positions, asks_number, block, False, asked))
        for sub in subs:
            sub_asks = asks_number or _asks_number(sub, lines, restated)
            results.append(_cover(lines, sub, restated, positions, sub_asks, block, True, asked))
    return _whole_from_parts(results)


def _whole_from_parts(results: list[Coverage]) -> list[Coverage]:
    """A question answered only in part on its own is answered when every one of its sub-items is; one refused
    (or not held) is answered in part when some of its sub-items are.

    The sub-items are usually the breakdown the question asks for ("How much was spent? a) on X
    b) in total"): a letter that answers each of them has answered the question. A question the
    letter does not touch at all stays unaddressed (its own ask may be more than its sub-items).
    """
    for index, entry in enumerate(results):
        if "." in entry.part or entry.part[-1:].isalpha() or entry.status not in (PARTLY, REFUSED, NOT_HELD):
            continue
        subs = [c for c in results[index + 1 :] if c.part[:-1] == entry.part and c.part[-1:].isalpha()]
        answered = [c for c in subs if c.status == ANSWERED]
        if entry.status == PARTLY and subs and len(answered) == len(subs):
            entry.status = ANSWERED
            entry.evidence = [*entry.evidence, f"each of its {len(subs)} sub-items is answered"][:3]
        elif entry.status != PARTLY and answered:
            # Refused (or not held) only in some of its sub-items: the rest were answered.
            entry.status = PARTLY
            entry.evidence = [*entry.evidence, f"{len(answered)} of its {len(subs)} sub-items answered"][:3]
    return results


def _without_restatement(block: str, part: Part, *others: Part) -> str:
    """Drop the sentences of an answer block that only repeat a question (this one, or any of the request's)."""

    def repeats(sentence: str, question: Part) -> bool:
        wanted = keywords(question.text)
        # The number of a "Question 1 –" heading is no figure of an answer.
        anchor = _ANCHOR.match(sentence) or _NUMBERED_ANSWER.match(sentence)
        if not wanted or figures(sentence[anchor.end() if anchor else 0 :]) - figures(question.text):
            return False
        return _restates(wanted, keywords(_LIST_PREFIX.sub("", clean(sentence).strip("*_ "))))

    # A sentence that repeats a question and then answers it on the same line ("a) the name – Kingdom Ltd") stays.
    kept = [
        s
        for s in sentences(block)
        if not _BARE_MARKER.match(s) and not any(repeats(s, q) and not _inline_answer(s, q) for q in (part, *others))
    ]
    return "\n\n".join(kept) or block


_INLINE_BREAK = re.compile(r"\s[–—-]+\s|[:?]\s")


def _inline_answer(line: str, part: Part) -> str:
    """The text after the question on a line that restates it ("Q: … – the answer"), or ""."""
    wanted = keywords(part.text)
    if not wanted:
        return ""
    for found in _INLINE_BREAK.finditer(line):
        after = line[found.end() :].strip()
        if after and _restates(wanted, keywords(line[: found.start()])):
            return after
    return ""


def _asks_number(part: Part, lines: list[str], restated: dict[str, int]) -> bool:
    """Return True when the part (as the user wrote it, or as the letter restates it) asks for a number."""
    if _ASKS_NUMBER.search(part.text):
        return True
    return part.label in restated and bool(_ASKS_NUMBER.search(lines[restated[part.label]]))


_CLOSING = re.compile(
    r"^\W*(further information|your rights|right to (request|ask)|advice and assistance|"
    r"if you are (unhappy|dissatisfied|not satisfied)|yours (sincerely|faithfully)|kind regards|"
    r"complaints? (and|&) (reviews?|appeals?)|re-?use of (public sector )?information)",
    re.IGNORECASE,
)


def _segment(lines: list[str], start: int, positions: list[int]) -> str:
    """Return the lines after ``start`` up to the next restated part or the letter's closing sections."""
    following = [p for p in positions if p > start]
    end = following[0] if following else len(lines)
    for index in range(start + 1, end):
        if _CLOSING.match(lines[index]):
            end = index
            break
    return "\n".join(lines[start + 1 : end])


def _block_after(lines: list[str], restated: dict[str, int], positions: list[int], group: list[Part]) -> str | None:
    """Return the answer that follows the last restated line of a question and its sub-items."""
    found = [restated[p.label] for p in group if p.label in restated]
    return _segment(lines, max(found), positions) if found else None


def _cover(
    lines: list[str],
    part: Part,
    restated: dict[str, int],
    positions: list[int],
    asks_number: bool,
    block: str | None,
    require_mention: bool,
    asked: _Asked,
) -> Coverage:
    if part.label in restated:
        # "a) the name of the company – Kingdom Ltd": the answer may follow the question on its own line.
        inline = _inline_answer(lines[restated[part.label]], part)
        own = "\n".join(filter(None, (inline, _segment(lines, restated[part.label], positions))))
        if not own.strip():
            # Questions restated one after another share the answer after the last of them.
            later = [p for p in positions if p > restated[part.label]]
            for position in later:
                own = _segment(lines, position, positions)
                if own.strip():
                    break
        if own.strip():
            status, evidence = _judge(own, part, asks_number, require_mention, asked)
        elif block is not None:
            status, evidence = _judge(block, part, asks_number, require_mention, asked)
        else:
            status, evidence = NOT_ADDRESSED, []
    else:
        # Not restated: look for the part's words after the first restatement (or anywhere),
        # leaving out the lines that restate other questions.
        start = positions[0] if positions else 0
        answer_lines = [line for index, line in enumerate(lines[start:], start) if index not in positions]
        status, evidence = _judge("\n".join(answer_lines), part, asks_number, True, asked)
    return Coverage(part.label, part.text, status, evidence)
