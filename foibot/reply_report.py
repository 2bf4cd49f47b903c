"""What ``foibot analyse`` reads from a reply and how it prints it."""

from __future__ import annotations

import re
from typing import Any

from foi.analysis import analyse
from foi.questions import parse_questions

_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:[ \t]")


class NoQuestions(ValueError):
    """The --parts file holds no numbered questions."""


def looks_like_email(path: str, raw: bytes) -> bool:
    """Return True for an .eml file, or text that starts with mail headers."""
    if path.lower().endswith((".eml", ".msg.eml", ".mbox")):
        return True
    first = raw.lstrip()[:200].split(b"\n", 1)[0]
    return bool(_HEADER_LINE.match(first)) and b"\n\n" in raw.replace(b"\r\n", b"\n")[:65536]


def analyse_file(
    path: str, raw: bytes, questions_text: str | None, max_bytes: int, explain: bool = False
) -> dict[str, Any]:
    """Return the analysis of the letter in ``raw`` as plain data."""
    questions = None
    if questions_text is not None:
        questions = parse_questions(questions_text)
        if not questions:
            raise NoQuestions("--parts holds no questions: write them as '1. …' with sub-items as '   a) …'")
    if looks_like_email(path, raw):
        from mail.autoreply import label_for
        from mail.parse import parse_message

        parsed = parse_message(raw, max_bytes)
        text = parsed.full_text()
        result = analyse(
            text,
            questions,
            subject=parsed.subject,
            label=label_for(parsed),
            sent_on=parsed.date.date() if parsed.date else None,
        )
    else:
        text = raw.decode("utf-8", "replace")
        result = analyse(text, questions)
    report = result.as_dict()
    if explain:
        report["explain"] = {"sections": [list(s) for s in result.sections], "scores": result.scores,
                             "notes": result.notes}  # fmt: skip
    return report


def as_text(report: dict[str, Any]) -> str:
    """Return a short readable summary of an analysis."""
    lines = [f"Kind: {report['kind']} (confidence {report['confidence']})"]
    for label, key in (
        ("Their references", "authority_refs"),
        ("Letter dated", "letter_date"),
        ("They received the request", "received_date"),
        ("Reply promised by", "promised_date"),
        ("Exemptions", "exemptions"),
        ("Review", "review_window"),
        ("Ask for a review at", "review_address"),
        ("Regulator", "regulator"),
    ):
        value = report.get(key)
        if value:
            shown = ", ".join(value) if isinstance(value, list) else (
                ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in value.items()) if isinstance(value, dict) else value
            )  # fmt: skip
            lines.append(f"{label}: {shown}")
    for sentence in report.get("evidence", []):
        lines.append(f"  because: “{sentence}”")
    for entry in report.get("coverage", []) or []:
        lines.append(f"{entry['part']:>4}  {entry['status']:<16} {entry['text']}")
    explain = report.get("explain")
    if explain:
        lines.append("\nSections (only 'decision' ones decide the kind):")
        lines.extend(f"  {kind:<9} {text}" for kind, text in explain["sections"])
        scores = ", ".join(
            f"{kind} {score:g}" for kind, score in sorted(explain["scores"].items(), key=lambda i: -i[1])
        )
        lines.append(f"Cue scores: {scores or 'none'}")
        lines.extend(f"Note: {note}" for note in explain["notes"])
    return "\n".join(lines)
