"""Reading an authority's reply: its kind, the facts it states, the questions it covers.

``analyse(text, questions=…)`` is pure: text in, an ``Analysis`` out. It uses
dateparser (restricted to English, day-first, full dates) for the dates, and
nothing that touches the network, a database or the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from foi.analysis import facts
from foi.analysis.coverage import ANSWERED, Coverage, coverage
from foi.analysis.kinds import KINDS, classify
from foi.analysis.sections import decision_text
from foi.analysis.text import clean, sentences
from foi.authority_refs import find_authority_refs
from foi.questions import Question

__all__ = ["KINDS", "Analysis", "analyse"]

MAX_SENTENCES = 1500
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
    deciding = clean(decision_text(text))
    verdict = classify(sentences(f"{subject}\n\n{deciding}")[:MAX_SENTENCES], label, unanswered, answered)
    return Analysis(
        kind=verdict.kind,
        confidence=verdict.confidence,
        evidence=verdict.evidence,
        authority_refs=find_authority_refs(f"{subject}\n{letter}"),
        letter_date=letter_date,
        received_date=facts.received_date(letter, letter_date),
        promised_date=facts.promised_date(letter, letter_date),
        exemptions=facts.exemptions(letter),
        review_window=facts.review_window(letter),
        review_address=facts.review_address(text),
        regulator=facts.regulator(letter),
        coverage=covered,
        notes=notes,
    )
