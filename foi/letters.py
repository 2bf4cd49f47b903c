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

from foi.correspondence import LetterKind
from foi.laws import Law
from foi.questions import Question, parts


@dataclass(frozen=True)
class Letter:
    kind: str  # a LetterKind (foi/correspondence.py)
    subject: str
    body: str


@dataclass(frozen=True)
class Addressing:
    """Who writes to whom, about which request."""

    authority_name: str
    requester_name: str
    reference: str
    title: str


def _fill(text: str, width: int = 78) -> str:
    """Wrap a paragraph without ever breaking a word: a reference (FOI-7K3M9Q), an address or a URL stays whole."""
    return textwrap.fill(text, width=width, break_long_words=False, break_on_hyphens=False)


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
    return Letter(LetterKind.REQUEST, request_subject(law, to.title, to.reference), body)


def chaser(law: Law, to: Addressing, sent_on: dt.date, reply_due: dt.date) -> Letter:
    """Return the polite reminder for a reply that is overdue, citing the duty to answer."""
    body = _paragraphs(
        _greeting(to.authority_name),
        _fill(
            f"On {long_date(sent_on)} I made a request for information (our reference "
            f"{to.reference}). Under {law.reply_provision} you should have replied by "
            f"{long_date(reply_due)}, and I have not yet received a response.",
            width=78,
        ),
        _fill(
            "Please reply without further delay, or tell me when I can expect a reply. "
            f"If I do not hear from you, I will {_next_step_for_silence(law)}.",
            width=78,
        ),
        _keep_reference(to.reference),
        _sign_off(to.requester_name),
    )
    return Letter(LetterKind.CHASER, reply_subject(request_subject(law, to.title, to.reference)), body)


@dataclass(frozen=True)
class ReviewGrounds:
    """What the requester disputes: parts left unanswered and exemptions applied."""

    unanswered: tuple[tuple[str, str, str], ...] = ()  # (label, question text, status)
    exemptions: tuple[str, ...] = ()


_STATUS_WORDS = {
    "not_addressed": "was not answered",
    "partly_answered": "was only partly answered (no figure was given)",
    "refused": "was refused",
    "not_held": "was said not to be held",
}


def _grounds_paragraphs(grounds: ReviewGrounds) -> list[str]:
    paragraphs = []
    if grounds.unanswered:
        lines = ["The response does not deal fully with every part of my request:"]
        for label, text, status in grounds.unanswered:
            lines.append(f"- part {label} ({text}) {_STATUS_WORDS.get(status, 'was not answered')};")
        paragraphs.append("\n".join(lines))
    if grounds.exemptions:
        cited = ", ".join(grounds.exemptions)
        paragraphs.append(
            _fill(
                f"I dispute the application of {cited}. Please reconsider whether each exemption or "
                "exception is engaged and, where it is qualified, whether the public interest in "
                "withholding the information really outweighs the public interest in its disclosure.",
                width=78,
            )
        )
    if not paragraphs:
        paragraphs.append("I am not satisfied with the response, for the reasons below.")
    return paragraphs


def internal_review(
    law: Law,
    to: Addressing,
    *,
    requested_on: dt.date,
    responded_on: dt.date,
    authority_refs: tuple[str, ...],
    grounds: ReviewGrounds,
    review_reply_due: dt.date,
) -> Letter:
    """Return the request for an internal review (s.45 Code / EIR reg 11 / FOISA s.20 / EISR reg 16)."""
    refs = f"our reference {to.reference}" + (f", your reference {', '.join(authority_refs)}" if authority_refs else "")
    body = _paragraphs(
        _greeting(to.authority_name),
        _fill(
            f"I am writing to request an {law.review_name} under {law.review_provision} of your "
            f"response of {long_date(responded_on)} to my request for information made on "
            f"{long_date(requested_on)} ({refs}), titled \u201c{to.title}\u201d.",
            width=78,
        ),
        *_grounds_paragraphs(grounds),
        _fill(
            f"Please carry out the review and let me have your decision by {long_date(review_reply_due)}, "
            f"within {law.review_reply.describe()}.",
            width=78,
        ),
        _keep_reference(to.reference),
        _sign_off(to.requester_name),
    )
    return Letter(
        LetterKind.REVIEW, reply_subject(f"{law.review_name.capitalize()} - {to.title} [{to.reference}]"), body
    )


def requirement_for_review_no_reply(
    law: Law, to: Addressing, *, requested_on: dt.date, reply_due: dt.date, review_reply_due: dt.date
) -> Letter:
    """Return the requirement for review of a failure to reply (FOISA s.20 / EISR reg 16)."""
    body = _paragraphs(
        _greeting(to.authority_name),
        _fill(
            f"I made a request for information on {long_date(requested_on)} (reference {to.reference}). "
            f"You were required to respond by {long_date(reply_due)} under {law.reply_provision}, and "
            "I have received no response.",
            width=78,
        ),
        _fill(
            f"I therefore require you to review your failure to respond, under {law.review_provision}. "
            "I am dissatisfied because no response has been given. Please respond to this requirement "
            f"for review by {long_date(review_reply_due)}, and provide the information I asked for.",
            width=78,
        ),
        _keep_reference(to.reference),
        _sign_off(to.requester_name),
    )
    return Letter(LetterKind.REVIEW, reply_subject(f"Requirement for review - {to.title} [{to.reference}]"), body)


MAX_GROUNDS = 2000  # the ICO's limit for the grounds of a complaint


def complaint_grounds(law: Law, to: Addressing, grounds: ReviewGrounds, *, no_reply: bool, review_overdue: bool) -> str:
    """Return the grounds of a complaint to the regulator, at most 2,000 characters."""
    if no_reply:
        text = (
            f"{to.authority_name} has not responded to my request {to.reference} within the time allowed by "
            f"{law.reply_provision}, despite a reminder."
        )
    elif review_overdue:
        text = (
            f"{to.authority_name} has not completed the {law.review_name} I asked for on request "
            f"{to.reference} within the time allowed."
        )
    else:
        text = f"I am dissatisfied with {to.authority_name}'s handling of my request {to.reference}."
    parts = [text]
    for label, question, status in grounds.unanswered:
        parts.append(f"Part {label} ({question}) {_STATUS_WORDS.get(status, 'was not answered')}.")
    if grounds.exemptions:
        parts.append(
            f"I dispute the use of {', '.join(grounds.exemptions)}: I ask the Commissioner to decide whether "
            "they are engaged and where the public interest lies."
        )
    parts.append("I ask the Commissioner to require the authority to respond in full.")
    grounds_text = " ".join(parts)
    if len(grounds_text) > MAX_GROUNDS:
        grounds_text = grounds_text[: MAX_GROUNDS - 1].rsplit(" ", 1)[0] + "…"
    return grounds_text


def where_to_complain(law: Law) -> str:
    """Return where and how to submit a complaint to the regulator."""
    if law.regulator.value == "SIC":
        return (
            "Apply to the Scottish Information Commissioner online at itspublicknowledge.info/appeal, "
            "or by post to Kinburn Castle, Doubledykes Road, St Andrews, Fife KY16 9DS, within six months "
            "of the review response (or of the day it was due). Enclose this pack."
        )
    return (
        "Complain to the Information Commissioner's Office with its online form at ico.org.uk/make-a-complaint "
        "(official information and FOI), or by post to Wycliffe House, Water Lane, Wilmslow, Cheshire "
        "SK9 5AF (helpline 0303 123 1113), within six weeks of the final response. Attach this pack: it "
        "holds the grounds, a chronology and unedited copies of every message, with full dates and addresses."
    )
