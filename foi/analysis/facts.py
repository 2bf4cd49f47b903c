"""Facts a reply states: its date, when they received the request, dates promised,
exemptions cited, the review window and address, and the regulator named."""

from __future__ import annotations

import datetime as dt
import re

from foi.analysis.text import DATE, DATE_BODY, DATE_NO_YEAR_BODY, MONTHS, clean, parse_date

# FOIA Part II exemptions (ss.21–44) with s.12 (cost) and s.14 (vexatious); FOISA ss.25–41.
FOIA_SECTIONS = {"12", "14", *(str(n) for n in range(21, 45)), "22A"}
_SECTION = re.compile(
    r"\b(?:section|sections|s\.|s)\s?(?P<list>\d{1,2}A?(?:\(\d+\))*(?:\([a-z]\))*(?:\s*(?:,|and|&)\s*(?:s\.?\s?)?\d{1,2}A?(?:\(\d+\))*(?:\([a-z]\))*)*)",
    re.IGNORECASE,
)
_REGULATION = re.compile(
    r"\b(?:regulations?|regs?\.?|r\.)\s?(?P<list>1[0-3](?:\(\d+\))*(?:\([a-z]\))*(?:\s*(?:,|and|&)\s*(?:reg\.?\s?)?1[0-3](?:\(\d+\))*(?:\([a-z]\))*)*)",
    re.IGNORECASE,
)
_ONE = re.compile(r"(\d{1,2}A?)((?:\(\d+\))*(?:\([a-z]\))*)", re.IGNORECASE)
# EIR reg 12 (exceptions) and 13 (personal data); EISR reg 10 and 11.
EIR_REGULATIONS = {"10", "11", "12", "13"}

_WORD_NUMBERS = {
    "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "sixty": 60,
    "one": 1, "two": 2, "three": 3, "four": 4, "six": 6,
}  # fmt: skip
_WINDOW = re.compile(
    r"within\s+(?:the\s+next\s+|a\s+period\s+of\s+)?(?P<n>\d{1,3}|[a-z]+)(?:\s*\(\d+\))?\s+(?P<unit>working\s+days|calendar\s+months|months|days|weeks)",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_PROMISE = re.compile(
    rf"(?:respond|reply|response|answer|decision|provide|extend\w*|until|deadline|expect)[^.]{{0,80}}?"
    rf"(?:by|before|no later than|until|on or before|on)\s+"
    rf"(?P<date>(?:\w+day,?\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\.?,?\s+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{4}})",
    re.IGNORECASE,
)
_RECEIVED = re.compile(
    rf"(?:received|receipt\s+of)(?:\s+[\w,]+){{0,6}}?\s+(?:on\s+|dated\s+)?(?P<date>{DATE_BODY}\b|{DATE_NO_YEAR_BODY})",
    re.IGNORECASE,
)


def exemptions(text: str) -> list[str]:
    """Return FOIA/FOISA sections (``s.40(2)``) and EIR/EISR regulations (``reg 12(4)(b)``) cited."""
    found: list[str] = []
    for match in _SECTION.finditer(text):
        for one in _ONE.finditer(match.group("list")):
            number, detail = one.group(1).upper(), one.group(2).lower()
            if number in FOIA_SECTIONS:
                _add(found, f"s.{number}{detail}")
    for match in _REGULATION.finditer(text):
        for one in _ONE.finditer(match.group("list")):
            number, detail = one.group(1), one.group(2).lower()
            if number in EIR_REGULATIONS and (detail or number in ("13", "11")):
                _add(found, f"reg {number}{detail}")
    return found


def _add(found: list[str], item: str) -> None:
    if item not in found:
        found.append(item)


def letter_date(text: str, fallback: dt.date | None = None) -> dt.date | None:
    """Return the date the letter is dated: a date on a line of its own near the top, or 'Date: …'."""
    lines = [clean(line).strip(" *_-") for line in text.splitlines()]
    for line in lines[:40]:
        stripped = re.sub(r"^(date|dated)\s*:?\s*", "", line, flags=re.IGNORECASE).strip()
        match = DATE.fullmatch(stripped.rstrip(".,"))
        if match:
            found = parse_date(match.group(0))
            if found:
                return found
    return fallback


def _with_year(day_text: str, letter: dt.date | None) -> dt.date | None:
    if letter is None:
        return None
    candidate = parse_date(f"{day_text} {letter.year}")
    if candidate and candidate > letter:
        candidate = parse_date(f"{day_text} {letter.year - 1}")
    return candidate


def received_date(text: str, letter: dt.date | None) -> dt.date | None:
    """Return when they say they received the request; a date without a year takes the letter's."""
    for match in _RECEIVED.finditer(clean(text)):
        date_text = match.group("date")
        found = parse_date(date_text) if DATE.fullmatch(date_text) else _with_year(date_text, letter)
        if found:
            return found
    return None


def promised_date(text: str, letter: dt.date | None = None) -> dt.date | None:
    """Return a date by which a reply is promised ("we will respond by 4 June 2020")."""
    for match in _PROMISE.finditer(clean(text)):
        found = parse_date(match.group("date"))
        if found and (letter is None or found >= letter):
            return found
    return None


def review_window(text: str) -> dict[str, int] | None:
    """Return the stated window for asking a review: ``{"working_days": 40}`` or ``{"months": 2}``."""
    for sentence in _review_sentences(text):
        match = _WINDOW.search(sentence)
        if match:
            raw = match.group("n").lower()
            amount = int(raw) if raw.isdigit() else _WORD_NUMBERS.get(raw)
            if amount is None:
                continue
            unit = match.group("unit").lower()
            key = (
                "working_days"
                if "working" in unit
                else "months"
                if "month" in unit
                else "weeks"
                if "week" in unit
                else "days"
            )
            return {key: amount}
    return None


def review_address(text: str) -> str | None:
    """Return the email address given for asking a review."""
    for sentence in _review_sentences(text):
        emails = _EMAIL.findall(sentence)
        if emails:
            return emails[0].lower().rstrip(".")
    return None


def _review_sentences(text: str) -> list[str]:
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", clean(text))]
    return [p for p in paragraphs if re.search(r"\breview\b|\breconsider", p, re.IGNORECASE)]


def regulator(text: str) -> str | None:
    """Return "SIC" or "ICO" for the regulator the letter names."""
    if re.search(r"scottish information commissioner|itspublicknowledge", text, re.IGNORECASE):
        return "SIC"
    if re.search(r"information commissioner|\bICO\b|ico\.org\.uk", text, re.IGNORECASE):
        return "ICO"
    return None
