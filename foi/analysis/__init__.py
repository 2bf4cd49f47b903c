"""Reading an authority's reply: its kind, the facts it states, the questions it covers.

``analyse(text, questions=…)`` is pure: text in, an ``Analysis`` out. It uses
dateparser (restricted to English, day-first, full dates) for the dates, and
nothing that touches the network, a database or the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from foi.analysis import facts
from foi.analysis.coverage import ANSWERED, NOT_ADDRESSED, NOT_HELD, REFUSED, Coverage, coverage
from foi.analysis.kinds import KINDS, classify
from foi.analysis.sections import Section, authority_text, decision_text, latest_letter, segment
from foi.analysis.text import clean, sentences
from foi.analysis.topic import topic_of
from foi.authority_refs import find_authority_refs
from foi.questions import Question

__all__ = ["KINDS", "Analysis", "analyse"]

MAX_SENTENCES = 1500
_WHOLE = {"refusal": REFUSED, "not_held": NOT_HELD}
CONFIDENT = 0.5  # below this the user is asked what kind of letter it is
# Letters that can answer (or refuse) the questions; only they get coverage.
SUBSTANTIVE = frozenset({"information_provided", "partial", "refusal", "not_held", "review_outcome"})
MAX_ANALYSED = 300_000


@dataclass
class Analysis:
    kind: str
    confidence: float
    evidence: list[str]
    authority_refs: list[str]
    letter_date: dt.date | None
    received_date: dt.date | None
    promised_date: dt.date | None
    exemptions: list[str]
    review_window: dict[str, int] | None
    review_address: str | None
    regulator: str | None
    coverage: list[Coverage] | None = None
    notes: list[str] = field(default_factory=list)
    # How it was decided (``foibot analyse --explain``): the sections found and each kind's score.
    scores: dict[str, float] = field(default_factory=dict)
    parts_of_letter: list[Section] = field(default_factory=list, repr=False)

    @property
    def sections(self) -> list[tuple[str, str]]:
        """The letter's sections as ``--explain`` shows them: (kind, its opening words), the first sixty."""
        return [(s.kind, " ".join(s.text[:300].split())[:100]) for s in self.parts_of_letter[:60]]

    @property
    def is_confident(self) -> bool:
        """Return True when the kind is sure enough to act on without asking the user."""
        return self.confidence >= CONFIDENT

    @property
    def unanswered(self) -> list[Coverage]:
        """Return the parts not fully answered."""
        return [c for c in self.coverage or [] if c.status != ANSWERED]

    def as_dict(self) -> dict[str, Any]:
        """Return plain data (dates as ISO strings) for JSON and for storage."""
        data: dict[str, Any] = {
            "kind": self.kind,
            "confidence": self.confidence,
            "evidence": self.evidence,
            "authority_refs": self.authority_refs,
            "letter_date": _iso(self.letter_date),
            "received_date": _iso(self.received_date),
            "promised_date": _iso(self.promised_date),
            "exemptions": self.exemptions,
            "review_window": self.review_window,
            "review_address": self.review_address,
            "regulator": self.regulator,
        }
        if self.coverage is not None:
            data["coverage"] = [c.as_dict() for c in self.coverage]
        return data


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def analyse(
    text: str,
    questions: list[Question] | tuple[Question, ...] | None = None,
    subject: str = "",
    label: str | None = None,
    sent_on: dt.date | None = None,
) -> Analysis:
    """Read a reply letter (body and attachment text) and return what it says and leaves out."""
    notes = []
    if len(text) > MAX_ANALYSED:
        # A letter is a few thousand characters; a longer text is attachments, read for their start only.
        text = text[:MAX_ANALYSED]
        notes.append(f"only the first {MAX_ANALYSED:,} characters were read")
    letter = clean(text)
    letter_date = facts.letter_date(text, fallback=sent_on)
    covered = coverage(text, questions) if questions else None
    unanswered = sum(1 for c in covered or [] if c.status != ANSWERED)
    answered = sum(1 for c in covered or [] if c.status == ANSWERED)
    # The decision is in the letter, not in page 40 of an attachment: a bounded number of sentences.
    parts_of_letter = segment(latest_letter(text))
    deciding = clean(decision_text(parts_of_letter))
    own = clean(authority_text(parts_of_letter))  # all but the requester's words quoted back
    topic = topic_of(questions or ())
    verdict = classify(sentences(f"{subject}\n\n{deciding}")[:MAX_SENTENCES], label, unanswered, answered, topic)
    touched = sum(1 for c in covered or [] if c.status != NOT_ADDRESSED)
    if verdict.kind == "other" and touched:
        # No cue words, but it speaks to the questions: a terse answer (in part).
        verdict = replace(verdict, kind="partial" if unanswered else "information_provided", confidence=0.6)
    if verdict.kind not in SUBSTANTIVE:
        covered = None  # an acknowledgement or an out-of-office answers no question
    elif covered and verdict.kind in _WHOLE:
        # A refusal or "not held" of the whole request is the answer to every part it did not single out.
        for entry in covered:
            if entry.status == NOT_ADDRESSED:
                entry.status = _WHOLE[verdict.kind]
    return Analysis(
        kind=verdict.kind,
        confidence=verdict.confidence,
        evidence=verdict.evidence,
        authority_refs=find_authority_refs(f"{subject}\n{own}"),
        letter_date=letter_date,
        received_date=facts.received_date(letter, letter_date),
        promised_date=facts.promised_date(letter, letter_date),
        exemptions=facts.exemptions(own),
        review_window=facts.review_window(letter),
        review_address=facts.review_address(text),
        regulator=facts.regulator(letter),
        coverage=covered,
        notes=notes,
        scores={k: round(v, 2) for k, v in verdict.scores.items() if v},
        parts_of_letter=parts_of_letter,
    )
