"""The letters foibot writes to authorities, as plain text.

Every letter is a ``Letter`` (kind, subject, body) made by a pure function
from the facts of a request; the user previews and may edit it before it is
sent. The initial request is here; the chaser, the internal review and the
complaint are its siblings and follow the same shape: greeting, the legal
basis, what is asked, our reference, the requester's real name.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass

from foi.laws import Law
from foi.questions import Question, parts


@dataclass(frozen=True)
class Letter:
    kind: str  # request, chaser, review, complaint, reply
    subject: str
    body: str


@dataclass(frozen=True)
class Addressing:
    """Who writes to whom, about which request."""

    authority_name: str
    requester_name: str
    reference: str
    title: str


def long_date(day: dt.date) -> str:
    """Return a date as letters print it: "7 April 2020"."""
    return f"{day.day} {day:%B %Y}"


def request_subject(law: Law, title: str, reference: str) -> str:
    """Return the subject of a new request: "Freedom of Information request - TITLE [REF]"."""
    return f"{law.request_subject} - {title} [{reference}]"


def reply_subject(subject: str) -> str:
    """Return ``subject`` with one "Re: " in front."""
    return subject if subject[:3].lower() == "re:" else f"Re: {subject}"


def render_questions(questions: list[Question] | tuple[Question, ...]) -> str:
    """Return the numbered questions and sub-items exactly as the user wrote them."""
    lines: list[str] = []
    for part in parts(questions):
        marker = f"{part.label}. " if part.depth == 0 else f"   {part.label.lstrip('0123456789')}) "
        text_lines = part.text.strip().splitlines() or [""]
        lines.append(marker + text_lines[0])
        lines.extend(" " * len(marker) + line for line in text_lines[1:])
    return "\n".join(lines)


def _greeting(authority_name: str) -> str:
    return f"Dear {authority_name},"


def _sign_off(requester_name: str) -> str:
    return f"Yours faithfully,\n\n{requester_name}"


def _keep_reference(reference: str) -> str:
    return f"Please keep the reference {reference} in the subject line of any reply, so that it reaches me."


def _next_step_for_silence(law: Law) -> str:
    # FOISA s.20 / EISR reg 16: the SIC hears a missing reply only after a
    # requirement for review; the ICO takes the complaint directly.
    if law.is_scottish:
        return f"require a review of your failure to respond under {law.review_provision}"
    return f"complain to the {law.regulator_name}"


def _paragraphs(*paragraphs: str) -> str:
    return "\n\n".join(p for p in paragraphs if p) + "\n"


def initial_request(law: Law, to: Addressing, questions: list[Question] | tuple[Question, ...]) -> Letter:
    """Return the letter that makes a new request."""
    body = _paragraphs(
        _greeting(to.authority_name),
        f"I am writing to request information under {law.request_provision}.",
        "Please provide the following information:",
        render_questions(questions),
        "I would like to receive the information electronically, by reply to this email.",
        _keep_reference(to.reference),
        _sign_off(to.requester_name),
    )
    return Letter("request", request_subject(law, to.title, to.reference), body)


def chaser(law: Law, to: Addressing, sent_on: dt.date, reply_due: dt.date) -> Letter:
    """Return the polite reminder for a reply that is overdue, citing the duty to answer."""
    body = _paragraphs(
        _greeting(to.authority_name),
        textwrap.fill(
            f"On {long_date(sent_on)} I made a request for information (our reference "
            f"{to.reference}). Under {law.reply_provision} you should have replied by "
            f"{long_date(reply_due)}, and I have not yet received a response.",
            width=78,
        ),
        textwrap.fill(
            "Please reply without further delay, or tell me when I can expect a reply. "
            f"If I do not hear from you, I will {_next_step_for_silence(law)}.",
            width=78,
        ),
        _keep_reference(to.reference),
        _sign_off(to.requester_name),
    )
    return Letter("chaser", reply_subject(request_subject(law, to.title, to.reference)), body)
