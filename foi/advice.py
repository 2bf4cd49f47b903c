"""Advice while a request is written: catch what makes requests fail.

Pure functions from the question text to short pieces of advice, each with a
code (for tests and analytics) and a sentence for the user. Sources: FOIA s.1
and s.8 (recorded information, a description of it), s.12 and the Fees
Regulations (cost limit), s.40(1) and UK GDPR art. 15 (your own data),
ICO guidance on "all information" and "the first N records" requests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from foi.laws import Law
from foi.questions import Question, parts


@dataclass(frozen=True)
class Advice:
    code: str
    message: str


_OPINION = re.compile(
    r"^\s*(why\b|how come\b|do you (think|believe|agree)|in your (view|opinion)|what is your (view|opinion|position)|"
    r"(can|could|would) you (explain|justify|comment)|explain why|justify)",
    re.IGNORECASE,
)
_PERIOD = re.compile(
    r"\b(19|20)\d{2}\b|\b(since|between|from|during|in the (last|past)|over the (last|past)|per (year|month)|"
    r"each (year|month)|financial year|calendar year|to date|this year|last year|quarter|month)\b|"
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b",
    re.IGNORECASE,
)
_BROAD = re.compile(
    r"\b(all|any|every)\s+(the\s+)?(information|documents?|records?|correspondence|emails?|data|files?|papers?)\b|"
    r"\beverything\b|\banything\b",
    re.IGNORECASE,
)
_PERSONAL = re.compile(
    r"\b(about me|my (own )?(personal )?(data|information|records?|file|case|details|account|application|"
    r"complaint|medical|health|employment|hr)|held (on|about) me|relating to me|concerning me)\b",
    re.IGNORECASE,
)
_FIRST_N = re.compile(
    r"\b(the )?(first|last) \d+ (records|documents|emails|items|entries)\b|\bup to the cost limit\b", re.IGNORECASE
)
_ENVIRONMENT = re.compile(
    r"\b(pollution|emissions?|air quality|water quality|flood(ing)?|waste|recycling|landfill|planning|"
    r"land use|trees?|biodiversity|wildlife|noise|contaminat\w*|sewage|energy|climate|carbon|pesticides?|"
    r"fracking|incinerat\w*|fly-?tipping|green belt|traffic|road building|radiation|nuclear)\b",
    re.IGNORECASE,
)

# FOIA s.12; Freedom of Information and Data Protection (Appropriate Limit and Fees) Regulations 2004.
MANY_PARTS = 8


def advise_question(text: str) -> list[Advice]:
    """Return advice about one question or sub-item."""
    advice: list[Advice] = []
    if _PERSONAL.search(text):
        advice.append(
            Advice(
                "personal_data",
                "This seems to ask for information about you. That is a subject access request under "
                "UK GDPR (art. 15), not FOI: FOI answers are public, so your own data is exempt "
                "(FOIA s.40(1)). Ask the body's data protection officer instead.",
            )
        )
    if _OPINION.search(text):
        advice.append(
            Advice(
                "opinion",
                "FOI gives access to recorded information, not explanations or opinions. Instead of "
                "asking why, ask for the records that show it, e.g. \u201cthe minutes, reports or emails "
                "recording the decision to …\u201d.",
            )
        )
    if _BROAD.search(text):
        advice.append(
            Advice(
                "too_broad",
                "\u201cAll information about …\u201d is likely to be refused as too costly (s.12). Name the "
                "documents you want (reports, minutes, contracts, spending figures) and a date range.",
            )
        )
    if _FIRST_N.search(text):
        advice.append(
            Advice(
                "first_n",
                "\u201cThe first N records\u201d or \u201cup to the cost limit\u201d does not describe "
                "information, so it can be refused as invalid (s.8). Describe what you want and narrow it by dates.",
            )
        )
    return advice


def advise_period(questions: list[Question] | tuple[Question, ...]) -> Advice | None:
    """Return advice when no question names a time period."""
    text = " ".join(f"{q.text} {' '.join(q.sub_items)}" for q in questions)
    if text.strip() and not _PERIOD.search(text):
        return Advice(
            "no_period",
            "No time period is given. Add one (e.g. \u201cfrom 1 April 2023 to 31 March 2024\u201d) so the "
            "search stays within the cost limit.",
        )
    return None


def advise_size(questions: list[Question] | tuple[Question, ...], central_government: bool = False) -> Advice | None:
    """Return advice when a request has so many parts that the cost limit may bite (s.12)."""
    count = len(parts(questions))
    if count <= MANY_PARTS:
        return None
    limit, hours = ("£600", 24) if central_government else ("£450", 18)
    return Advice(
        "many_parts",
        f"This request has {count} parts. Parts of one request are added up against the cost limit "
        f"({limit}, about {hours} hours of work, FOIA s.12), and a refusal covers the whole request. "
        "Consider sending the less important parts later as a separate request.",
    )


def looks_environmental(text: str) -> bool:
    """Return True when the subject looks like environmental information (EIR/EISR)."""
    return bool(_ENVIRONMENT.search(text))


def advise_regime(law: Law, title: str, questions: list[Question] | tuple[Question, ...]) -> Advice | None:
    """Suggest the environmental regulations when the request is about the environment."""
    text = f"{title} " + " ".join(f"{q.text} {' '.join(q.sub_items)}" for q in questions)
    if not law.is_environmental and looks_environmental(text):
        other = "EISR" if law.is_scottish else "EIR"
        return Advice(
            "environmental",
            f"This looks like environmental information, which falls under the {other} rather than "
            f"{law.short_name}: fewer exemptions and no cost limit refusal. You can switch the law below.",
        )
    return None


def advise_request(
    law: Law, title: str, questions: list[Question] | tuple[Question, ...], central_government: bool = False
) -> list[Advice]:
    """Return all advice for a whole request, question by question first."""
    advice: list[Advice] = []
    seen: set[str] = set()
    for question in questions:
        for text in (question.text, *question.sub_items):
            for item in advise_question(text):
                if item.code not in seen:
                    seen.add(item.code)
                    advice.append(item)
    for item in (
        advise_period(questions),
        advise_size(questions, central_government),
        advise_regime(law, title, questions),
    ):
        if item is not None:
            advice.append(item)
    return advice


def nation_regime(nation: str, environmental: bool = False) -> str:
    """Return the regime for a body in ``nation``: FOISA/EISR in Scotland, FOIA/EIR elsewhere."""
    scottish = nation.strip().lower() == "scotland"
    if environmental:
        return "eisr" if scottish else "eir"
    return "foisa" if scottish else "foia"


_NAME_OK = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*\.?$")
_PSEUDONYMS = {"anonymous", "anon", "test", "user", "citizen", "concerned citizen", "a citizen", "mr x", "john doe"}


def problem_with_name(name: str) -> str | None:
    """Return why ``name`` cannot be used as a requester's real name, or None (FOIA s.8(1)(b))."""
    cleaned = " ".join(name.split())
    if not cleaned:
        return "Please type your name."
    if len(cleaned) > 100:
        return "That is too long for a name (100 characters at most)."
    if cleaned.lower() in _PSEUDONYMS:
        return "That looks like a pseudonym. FOIA s.8 needs your real name, or the request is invalid."
    if not _NAME_OK.match(cleaned):
        return "A name has letters only (and spaces, hyphens or apostrophes), e.g. “Ada Lovelace”."
    if len(cleaned.split()) < 2:
        return "Please give your first name and surname, e.g. “Ada Lovelace”."
    return None
