"""Text helpers for reading letters: sentences, words, dates, figures."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

T = TypeVar("T")

SHORT = 2000  # characters: a line or a sentence, cached in number; a longer text only in a few places


def text_cache(maxsize: int) -> Callable[[Callable[[str], T]], Callable[[str], T]]:
    """``lru_cache`` for a function of one text, bounded in memory as well as in entries.

    Up to ``maxsize`` texts of at most ``SHORT`` characters are kept, and only
    the last few longer ones: a letter of long lines cannot fill the memory.
    """

    def decorate(function: Callable[[str], T]) -> Callable[[str], T]:
        short, long = lru_cache(maxsize)(function), lru_cache(8)(function)

        @wraps(function)
        def cached(text: str) -> T:
            return short(text) if len(text) <= SHORT else long(text)

        return cached

    return decorate


MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    # Welsh bodies write bilingual letters (Welsh Language Act 1993): dateparser reads these too.
    "ionawr|chwefror|mawrth|ebrill|mai|mehefin|gorffennaf|awst|medi|hydref|tachwedd|rhagfyr"
)
_DAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|dydd (?:llun|mawrth|mercher|iau|gwener|sadwrn|sul)),?\s+"
# "9 April 2020", "Thursday 9th April 2020", "April 9, 2020", "09/04/2020", "9.4.2020"
DATE_BODY = (
    rf"(?:{_DAY})?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\.?,?\s+\d{{4}}"
    rf"|(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    # Day and month in range, and not a piece of an address or a version ("[10.56.10.5]", "v2.10.24.1").
    rf"|(?<!\d\.)(?:0?[1-9]|[12]\d|3[01])[/.\-](?:0?[1-9]|1[0-2])[/.\-](?:\d{{4}}|\d{{2}})(?!\.\d))"
)
# "7 April" or "April 7" without a year
DATE_NO_YEAR_BODY = (
    rf"(?:{_DAY})?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})|(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?)"
    rf"\b(?!,?\s+\d{{4}})"
)
DATE = re.compile(rf"\b{DATE_BODY}\b", re.IGNORECASE)
_SETTINGS = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"]}


@lru_cache(maxsize=4096)
def parse_date(text: str) -> dt.date | None:
    """Return the date written in ``text`` (UK order), or None; dateparser restricted as TESTING.md says."""
    import dateparser

    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip(), flags=re.IGNORECASE)
    parsed = dateparser.parse(cleaned, languages=["en", "cy"], settings=_SETTINGS)  # type: ignore[arg-type]
    return parsed.date() if parsed else None


# Bounded, and neither part may hold its own opening bracket: every try stops at the next one (linear).
_LINK = re.compile(r"\[([^\[\]\n]{1,500})\]\((?:mailto:)?[^()\[\]\s]{1,2000}\)")
_ANGLE_LINK = re.compile(r"<((?:https?://|mailto:)[^<>\s]{1,2000})>")


_SUPERSCRIPT = re.compile(r"(\d)\^(st|nd|rd|th)\b", re.IGNORECASE)
_FOOTNOTE = re.compile(r"\[\d{1,3}\](?=\S)")


def clean(text: str) -> str:
    """Strip markdown emphasis and link syntax that letters converted from HTML carry."""
    # What every pattern below starts from. Most lines carry none of it: four substitutions saved
    # (and five `in` tests are quicker than one regex search).
    if not ("[" in text or "<" in text or "^" in text or "**" in text or "__" in text):
        return text
    text = _LINK.sub(r"\1", text)
    text = _ANGLE_LINK.sub(r"\1", text)
    text = _FOOTNOTE.sub("", _SUPERSCRIPT.sub(r"\1", text))  # WhatDoTheyKnow's "26^th" and "[1]http…"
    return text.replace("**", "").replace("__", "")


def sentences(text: str) -> list[str]:
    """Split text into sentences and list items, keeping each short enough to quote."""
    return list(_sentences(text))


@lru_cache(maxsize=64)
def _sentences(text: str) -> tuple[str, ...]:
    pieces: list[str] = []
    # Blank lines and list items end a piece; so does a short line followed by a capital, which is a
    # line of its own ("We use Skype for Business" / "All users have…"), not a line wrapped at 72 columns.
    lines = text.split("\n")
    for index in range(len(lines) - 1):
        line = lines[index].rstrip()
        if 0 < len(line) <= 60 and line[-1] not in ",;:(-" and lines[index + 1].lstrip()[:1].isupper():
            lines[index] = line + "\n"
    for block in _BLOCK_BREAK.split("\n".join(lines)):
        block = " ".join(block.split())
        if block:  # single-spaced and stripped: the pieces need no stripping
            pieces.extend(filter(None, _SENTENCE_END.split(block)))
    return tuple(pieces)


_BLOCK_BREAK = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*•o]\s|\d+[.)]\s|[a-z][.)]\s))")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")


_STOP = set(
    """a an and are as at be by for from have how i in into is it its me my of on or our please provide
    the their them there these this those to was we were what when where which who why will with you your
    any all each per number numbers breakdown detail details information data list copy copies
    since during between within held hold holds against about regarding relating""".split()
)


def stem(word: str) -> str:
    word = word.lower()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@text_cache(65536)
def keywords(text: str) -> frozenset[str]:
    """Return the content words of ``text``, stemmed (the words a reply must mention)."""
    return frozenset(keywords_in_order(text))


def keywords_in_order(text: str) -> list[str]:
    """``keywords`` in the order ``text`` uses them (repeats kept)."""
    words = _KEYWORD.findall(clean(text).lower())
    return [stem(w) for w in words if w not in _STOP and len(w) > 1]


_KEYWORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


_FIGURE = re.compile(r"(?<![A-Za-z])\d[\d,]*(?:\.\d+)?")


@text_cache(4096)  # a request's parts are compared with the same lines and sentences many times
def figures(text: str) -> frozenset[str]:
    """Return the numbers written in ``text`` (digits only)."""
    return frozenset(n.replace(",", "") for n in _FIGURE.findall(text))


_NUMBER_WORDS = re.compile(
    r"\b(none|nil|zero|no\s+\w+|not\s+(supported|used|held|purchased|bought|created)|do(es)? not (use|have|hold|own)|"
    r"did not|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundred|thousand|million|dozen|half)\b",
    re.IGNORECASE,
)


def gives_a_figure(text: str, own_numbers: frozenset[str]) -> bool:
    """Return True when ``text`` states a quantity (a number not taken from the question, or "none")."""
    if figures(text) - own_numbers:
        return True
    return bool(_NUMBER_WORDS.search(text))
