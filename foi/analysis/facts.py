"""Facts a reply states: its date, when they received the request, dates promised,
exemptions cited, the review window and address, and the regulator named."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from foi.analysis.cues import Cue
from foi.analysis.text import DATE, DATE_BODY, DATE_NO_YEAR_BODY, MONTHS, clean, parse_date
from foi.folding import finditer_from, fold

# FOIA Part II exemptions (ss.21–44) with s.12 (cost) and s.14 (vexatious). FOISA's exemptions are
# ss.25–41 with s.12 (excessive cost) and s.14 (vexatious); its s.17 is the "not held" notice and
# s.21 the review, neither an exemption.
FOIA_SECTIONS = {"12", "14", *(str(n) for n in range(21, 45)), "22A"}
FOISA_SECTIONS = {"12", "14", *(str(n) for n in range(25, 42))}
_DETAIL = r"(?:\s?\(\d+\)|\s\d\b)*(?:\([a-z]\))*(?:\((?:i|ii|iii|iv|v|vi)\))*"
# "sections 30(b)(i) (free and frank provision of advice), 38(1)(a) and 38(1)(b)": descriptions between items.
_ITEM = rf"\d{{1,2}}A?{_DETAIL}(?:\s*\([a-z][a-z ,'-]{{3,80}}\))?"
_SECTION = re.compile(
    rf"\b(?:section|sections|s\.|ss\.|s)\s?(?P<list>{_ITEM}(?:\s*(?:,|and|&)\s*(?:(?:section|s\.?)\s?)?{_ITEM})*)",
    re.IGNORECASE,
)
_SCOTTISH = Cue.of(r"\(Scotland\) Act|\bFOISA\b|Scottish Information Commissioner|\bEISR\b")
# A cost-limit refusal often names no section: FOIA/FOISA s.12 all the same.
_COST_LIMIT = Cue.of(
    r"(?:would|will)\s+exceed\s+the\s+(?:upper\s+)?(?:cost\s+limit|appropriate\s+limit|[‘'\"]appropriate\s+limit)|"
    r"exceed(?:s|ing)?\s+the\s+(?:upper\s+)?cost\s+limit|excessive\s+cost"
)
_REGULATION = re.compile(
    r"\b(?:regulations?|regs?\.?|r\.)\s?(?P<list>1[0-3](?:\(\d+\))*(?:\([a-z]\))*(?:\s*(?:,|and|&)\s*(?:reg\.?\s?)?1[0-3](?:\(\d+\))*(?:\([a-z]\))*)*)",
    re.IGNORECASE,
)
_ONE = re.compile(r"(\d{1,2}A?)((?:\s?\(\d+\)|\s\d\b)*(?:\([a-z]\))*(?:\((?:i|ii|iii|iv|v|vi)\))*)", re.IGNORECASE)
# The exceptions, by the paragraph that sets them out: EIR reg 12(3)–(6) (12(6): neither confirm nor deny)
# and 13 (personal data); EISR reg 10(4)–(6) and 11. The rest of those regulations is procedure: EIR 12(1)–(2)
# are the public interest test and the presumption in favour of disclosure, reg 10 is transfer and reg 11 the
# reconsideration; EISR reg 16 is the review.
EIR_EXCEPTIONS = {"12": ("(3)", "(4)", "(5)", "(6)"), "13": ("",)}
EISR_EXCEPTIONS = {"10": ("(4)", "(5)", "(6)"), "11": ("",)}

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
    # The lookahead is implied by the rest (a date's first digit comes before any full stop): it only fails fast.
    # Not the date something was received or written ("our response to your request, received on 3 May"),
    # nor when something will be published ("we expect to publish the review by 30 June").
    rf"(?:respond|reply|response|answer|decision|outcome|provide|extend\w*|until|deadline|expect)(?=[^.\d]*\d)"
    rf"(?:(?!receiv|dated\b|publish)[^.]){{0,80}}?"
    rf"(?:by|before|no later than|until|on or before|on)\s+"
    rf"(?P<date>(?:\w+day,?\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\.?,?\s+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{4}})",
    re.IGNORECASE,
)
_PROMISE_WORDS = (
    "respon", "reply", "answer", "decision", "outcome", "provide", "extend", "until", "deadline", "expect",
)  # fmt: skip
# "received by Transport for London (TfL) on 4 October 2023", "your request dated 7 March 2018",
# "your email of 21 April 2018": a few words (an acronym in brackets among them) before the date.
_RECEIVED = re.compile(
    rf"(?:received|receipt\s+of|your\s+(?:request|e-?mail|letter|information\s+request)(?:\s+dated|\s+of))"
    rf"(?:\s+[\w,()&'.]+){{0,7}}?\s+(?:on\s+|dated\s+)?(?P<date>{DATE_BODY}\b|{DATE_NO_YEAR_BODY}|the\s+same\s+(?:date|day))",
    re.IGNORECASE,
)

# What every match of each starts with (see foi.folding.finditer_from).
_RECEIVED_WORDS = ("received", "receipt", "your")
_SECTION_WORDS = ("s",)
_REGULATION_WORDS = ("reg", "r.")


def is_scottish(text: str) -> bool:
    """Return True when the letter is written under FOISA/EISR (the section numbers mean other things)."""
    return bool(_SCOTTISH.matches(text, fold(text)))


def exemptions(text: str, scottish: bool | None = None) -> list[str]:
    """Return FOIA/FOISA sections (``s.40(2)``) and EIR/EISR regulations (``reg 12(4)(b)``) cited.

    Sections are read per regime; a refusal on cost that names no section is ``s.12``.
    """
    scottish = is_scottish(text) if scottish is None else scottish
    allowed = FOISA_SECTIONS if scottish else FOIA_SECTIONS
    found: list[str] = []
    for match in finditer_from(_SECTION, _SECTION_WORDS, text):
        listed = re.sub(r"\s*\([a-z][a-z ,'-]{3,80}\)", "", match.group("list"), flags=re.IGNORECASE)
        for one in _ONE.finditer(listed):
            number, detail = one.group(1).upper(), re.sub(r"\s+(\d)", r"(\1)", one.group(2).lower())
            if number in allowed:
                _add(found, f"s.{number}{detail.replace(' ', '')}")
    if _COST_LIMIT.matches(text, fold(text)) and not any(item.startswith("s.12") for item in found):
        found.append("s.12")
    exceptions = EISR_EXCEPTIONS if scottish else EIR_EXCEPTIONS
    for match in finditer_from(_REGULATION, _REGULATION_WORDS, text):
        for one in _ONE.finditer(match.group("list")):
            number, detail = one.group(1), one.group(2).lower()
            if detail.startswith(exceptions.get(number, ("-",))):  # "" (any detail) for 13 and EISR's 11
                _add(found, f"reg {number}{detail}")
    # "Sections 24 and 31 are qualified exemptions" after "section 24(2)" and "section 31(3)" cites nothing more.
    return [item for item in found if not any(other.startswith(f"{item}(") for other in found)]


def _add(found: list[str], item: str) -> None:
    if item not in found:
        found.append(item)


# Labelled fields as letters and web pages print them: "Date received: 30 October 2018",
# "- Date responded" then "- 27 January 2021" on the next line, "Our ref: 6234788   9 April 2020".
_LABELS = {
    "responded": re.compile(
        r"^(?:date\s+(?:responded|of\s+(?:response|reply|letter)|sent)|response\s+date|"
        r"responded(?:\s+on)?|date\s+of\s+this\s+letter)\b",
        re.IGNORECASE,
    ),
    "received": re.compile(
        r"^(?:date\s+(?:received|of\s+(?:request|receipt))|request\s+received|received(?:\s+on)?)\b", re.IGNORECASE
    ),
    "published": re.compile(r"^(?:date\s+)?published\b", re.IGNORECASE),
    "dated": re.compile(
        r"^(?:dyddiad\s*/\s*date|dyddiad|date|dated)\b(?!\s+(?:received|responded|published|of))", re.IGNORECASE
    ),
}
_REF_LABEL = re.compile(r"\b(?:our|your|case|foi|request)?\s*ref(?:erence)?\b", re.IGNORECASE)


@lru_cache(maxsize=8)  # each reading of a letter asks for its lines several times
def _lines(text: str) -> tuple[str, ...]:
    # str.strip, not a regex: "[\s*_|]+$" would retry every position of a long blank run (quadratic).
    return tuple(clean(line).strip().lstrip("*_>|•·- \t").rstrip("*_| \t") for line in text.splitlines()[:400])


# How every label above starts ("date", "dated", "dyddiad", "response", "received", "request", "published").
_LABEL_STARTS = frozenset({"dat", "dyd", "res", "rec", "req", "pub"})


@lru_cache(maxsize=8)  # the letter's date and its date received both read them
def labelled_dates(text: str) -> Mapping[str, dt.date]:
    """Return the dates the letter labels: responded, received, published, dated (first of each)."""
    lines = _lines(text)
    found: dict[str, dt.date] = {}
    for index, line in enumerate(lines):
        if fold(line[:3]) not in _LABEL_STARTS:
            continue
        for key, label in _LABELS.items():
            match = label.match(line)
            if not match or key in found:
                continue
            rest = line[match.end() :].strip(" :-–—\t")
            following = next((candidate for candidate in lines[index + 1 : index + 3] if candidate), "")
            for value in (rest, following if not rest else ""):
                date = DATE.search(value)
                if date and (day := parse_date(date.group(0))):
                    found[key] = day
                    break
    return MappingProxyType(found)


def letter_date(text: str, fallback: dt.date | None = None) -> dt.date | None:
    """Return the date the letter is dated: "Date responded", "Date:", or a date alone on a line near the top."""
    labelled = labelled_dates(text)
    if "responded" in labelled:
        return labelled["responded"]
    if "dated" in labelled:
        return labelled["dated"]
    others = set(labelled.values())
    for line in _lines(text)[:40]:
        candidate = line.rstrip(".,")
        if "ref" in candidate.lower() and _REF_LABEL.search(candidate):  # "Our ref: 6234788   9 April 2020"
            candidate = DATE.search(candidate).group(0) if DATE.search(candidate) else ""
        match = DATE.fullmatch(candidate)
        if match and (found := parse_date(match.group(0))) and found not in others:
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
    labelled = labelled_dates(text).get("received")
    if labelled and (letter is None or labelled <= letter):  # a request is never received after the reply
        return labelled
    for match in finditer_from(_RECEIVED, _RECEIVED_WORDS, clean(text)):
        date_text = match.group("date")
        if date_text.lower().startswith("the same"):
            if letter:
                return letter
            continue
        found = parse_date(date_text) if DATE.fullmatch(date_text) else _with_year(date_text, letter)
        if found:
            return found
    return None


def promised_date(text: str, letter: dt.date | None = None) -> dt.date | None:
    """Return a date by which a reply is promised ("we will respond by 4 June 2020")."""
    for match in finditer_from(_PROMISE, _PROMISE_WORDS, clean(text)):
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


@lru_cache(maxsize=8)  # the review window and the review address both read them
def _review_sentences(text: str) -> tuple[str, ...]:
    paragraphs = [" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(clean(text))]
    return tuple(p for p in paragraphs if _REVIEW.matches(p, fold(p)))


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_REVIEW = Cue.of(r"\breview\b|\breconsider")


def regulator(text: str) -> str | None:
    """Return "SIC" or "ICO" for the regulator the letter names."""
    folded = fold(text)
    if _SIC.matches(text, folded):
        return "SIC"
    if _ICO.matches(text, folded):
        return "ICO"
    return None


_SIC = Cue.of(r"scottish information commissioner|itspublicknowledge")
_ICO = Cue.of(r"information commissioner|\bICO\b|ico\.org\.uk")


# What an internal review decided, read in this order (the first that matches wins). "Upheld" is ambiguous
# on its own: upholding the *decision* is the authority's win, upholding *your complaint* the requester's.
_COMPLAINT = r"(?:your |the )?(?:complaint|appeal|request for (?:an? )?(?:internal )?review)"
_REVIEW_RESULTS = (
    ("partly", re.compile(r"\b(?:partly|partially|in part)\s+(?:upheld|uphold)|\buph[eo]ld\w*\s+(?:\w+\s+){0,4}in part"
                          r"|partially overturn", re.IGNORECASE)),
    ("upheld", re.compile(rf"\b(?:(?:do|did|have|has|will) not|cannot|can't) uph[eo]ld\w* {_COMPLAINT}"
                          rf"|{_COMPLAINT} (?:is|was|has) (?:been )?not (?:been )?upheld", re.IGNORECASE)),
    ("overturned", re.compile(rf"\buph[eo]ld\w* {_COMPLAINT}|{_COMPLAINT} (?:is|was|has been) upheld"
                              r"|\b(?:overturn(?:ed)?|revers(?:e|ed|ing))\b"
                              r"|(?:original |initial )?(?:decision|response) (?:is|was|has been) not upheld"
                              r"|(?:we|i) (?:will|shall) now (?:release|disclose|provide)"
                              r"|should have been (?:released|disclosed|provided)", re.IGNORECASE)),
    ("upheld", re.compile(r"\b(?:upheld|uphold(?:ing)?|(?:maintain|confirm)(?:ed|s)? (?:the|our) (?:original |"
                          r"initial )?(?:decision|response|refusal))", re.IGNORECASE)),
)  # fmt: skip


def review_result(text: str) -> str | None:
    """Return "partly", "overturned" or "upheld" (the original decision stands) for a review's outcome letter."""
    head = text[:20000]
    for result, pattern in _REVIEW_RESULTS:
        if pattern.search(head):
            return result
    return None
