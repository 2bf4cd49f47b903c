"""Notices, prompts and digests by email, for a requester without Telegram (a request made with the CLI and
``--notify-email``).

Each pass claims what the chat would have told — replies and held mail on the requester's requests,
and the follow-up prompts due — and queues one plain-text email per item in the durable outbox (to
the requester's own address, never linked to the request's correspondence with the authority). The
queuing and the "told" mark are one transaction: a crash before the commit tells it again, after it
the outbox sends it; nothing is lost and nothing is told twice that can be avoided. A prompt's email
carries the drafted letter (chaser, internal review) ready to copy, with the request's dates.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from foi import letters
from mail.compose import Mailbox
from service import digests, followups, instructions, notices, prompts
from service.replies import KIND_WORDS
from storage.db import Database
from storage.models import FoiRequestRow, MessageRow, User

LEASE = dt.timedelta(minutes=5)  # the queue and the "told" mark share a transaction: a lease only guards a crash
LIMIT = 50


def deliver(db: Database, mailbox: Mailbox, now: dt.datetime) -> int:
    """Queue an email for every notice and prompt due to email-channel requesters; return how many."""
    queued = 0
    with db.unit_of_work() as session:
        queued += _replies(session, mailbox, now)
    claimed = prompts.claim(db, now, audience=prompts.EMAIL)
    for due in digests.hold_for_digest(db, claimed):  # those who read digests get them there
        with db.unit_of_work() as session:
            request = session.get(FoiRequestRow, due.request_id)
            if request is not None and request.owner.email:
                _queue(session, mailbox, request.owner.email, *_prompt_text(session, request, due, now), now)
                queued += 1
        prompts.record_told(db, due, now)
    for digest in digests.take_due(db, now, audience=prompts.EMAIL):
        if digest.is_empty:
            continue
        with db.unit_of_work() as session:
            user = session.get(User, digest.user_id)
            if user is None or not user.email:
                continue
            _queue(session, mailbox, user.email, *_digest_text(digest), now)
        digests.digest_told(db, digest, now)  # after the queue's commit: a crash in between repeats, never loses
        queued += 1
    return queued


def _digest_text(digest: digests.Digest) -> tuple[str, str]:
    sections = [f"Your FOI digest: {digest.open_requests} open requests."]
    for title, items in (
        ("Needs your action", digest.actions),
        ("Arrived", digest.arrived),
        ("Overdue", digest.overdue),
        ("Falling due in the next 7 days", digest.coming),
    ):
        if items:
            lines = [f"{title} ({len(items)}):"]
            lines += [
                f"  {item.reference} {item.authority}: {item.what}" + (f" — {item.day:%d %b %Y}" if item.day else "")
                for item in items[:30]
            ]
            sections.append("\n".join(lines))
    count = len(digest.actions)
    subject = f"Your FOI digest: {count} to act on" if count else "Your FOI digest"
    return subject, "\n\n".join(sections)


def _replies(session: Session, mailbox: Mailbox, now: dt.datetime) -> int:
    """Queue an email for each reply, held letter and failed letter not yet told; mark each told with it."""
    told = 0
    for pending in notices.claim(session, now, notices.EMAIL, LIMIT, LEASE):
        text = _notice_text(session, pending)
        if text is not None and pending.email:
            _queue(session, mailbox, pending.email, *text, now)
            told += 1
        notices.told(session, pending, now)  # in the queue's transaction: both happen, or neither
    return told


def _notice_text(session: Session, pending: notices.PendingNotice) -> tuple[str, str] | None:
    request = session.get(FoiRequestRow, pending.request_id)
    if request is None or pending.kind == notices.NoticeKind.DELIVERED:
        return None  # our own letters going out are not news to their writer
    if pending.kind == notices.NoticeKind.SEND_FAILED:
        return _failed_text(request, pending)
    message = session.get(MessageRow, pending.message_id) if pending.message_id is not None else None
    return None if message is None else _reply_text(request, message, pending.kind == notices.NoticeKind.REPLY)


def _failed_text(request: FoiRequestRow, pending: notices.PendingNotice) -> tuple[str, str]:
    address = request.authority.foi_email if request.authority else "the authority"
    subject = f"[{request.reference or ''}] Your {pending.letter_kind or 'letter'} could not be delivered"
    body = [
        f"{request.reference or ''}: {request.title}",
        f"Your {pending.letter_kind or 'letter'} could not be delivered to {address}.",
        f"The mail server said: {pending.error or 'no reason given'}",
        "Check the address on the authority's website and tell the operator of this foibot: the letter is "
        "kept, and can be sent again once the address is corrected.",
    ]
    return subject, "\n\n".join(body)


def _reply_text(request: FoiRequestRow, message: MessageRow, attached: bool) -> tuple[str, str]:
    authority = request.authority.name if request.authority else (message.from_address or "the authority")
    reference = request.reference or ""
    if not attached:
        subject = f"[{reference}] A message that may belong to your request"
        body = [
            f"A message from {message.from_address or 'an unknown sender'} may belong to {reference} "
            f"({request.title}), but it does not come from {authority}'s known addresses, so it was not attached.",
            f"Subject: {message.subject or '(no subject)'}",
            "Ask the operator of this foibot to attach it (`foibot held assign`) if it is yours.",
        ]
        return subject, "\n\n".join(body)
    analysis = message.analysis or {}
    kind = message.classification_by_user or message.classification or "other"
    words = {"bounce": "your email bounced", "auto_reply": "an automatic reply"}.get(
        message.label or "", KIND_WORDS.get(kind, kind.replace("_", " "))
    )
    subject = f"[{reference}] {words[:1].upper()}{words[1:]} from {authority}"
    body = [f"{reference}: {request.title}", f"From {authority}: {words}.", f"Subject: {message.subject or ''}"]
    unanswered = [c for c in analysis.get("coverage") or [] if c.get("status") != "answered"]
    if unanswered:
        body.append(
            "Not fully answered:\n"
            + "\n".join(f"  part {c['part']}: {c['text']} — {c['status'].replace('_', ' ')}" for c in unanswered)
        )
    if analysis.get("exemptions"):
        body.append("Exemptions cited: " + ", ".join(analysis["exemptions"]))
    if request.review_request_by:
        body.append(f"You can ask for an internal review until {request.review_request_by:%d %B %Y}.")
    text = (message.parsed_text or "").strip()
    if text:
        body.append("The letter begins:\n\n" + "\n".join(f"> {line}" for line in text.splitlines()[:25]))
    return subject, "\n\n".join(body)


def _prompt_text(session: Session, request: FoiRequestRow, due: prompts.DuePrompt, now: dt.datetime) -> tuple[str, str]:
    kind = due.prompt.kind.value
    reference = request.reference or ""
    today = now.date()
    draft: letters.Letter | None = None
    if kind == "chaser":
        headline, draft = (
            f"No reply yet: it was due on {due.prompt.due_on:%d %B %Y}",
            followups.draft_chaser(session, request),
        )
    elif kind in ("review", "review_reminder"):
        window = f" (until {request.review_request_by:%d %B %Y})" if request.review_request_by else ""
        headline = f"You can ask for an internal review{window}"
        draft = followups.draft_review(session, request, today)
    elif kind == "review_no_reply":
        headline = "No reply: you can require a review"
        draft = followups.draft_requirement_for_review(session, request, today)
    elif kind == "reply_due_soon":
        headline = f"The reply is due on {due.prompt.due_on:%d %B %Y}"
    else:
        headline = "You can complain to the regulator"
    body = [f"{reference}: {request.title}", headline + "."]
    subject = f"[{reference}] {headline}"
    if draft is not None:
        token = instructions.offer(session, request.owner, request, draft, now)
        subject += f" [do:{token}]"
        body.append(
            "A letter is ready below. To send it as it is, in the thread with the authority, reply to this "
            "email with the single word SEND (keep the subject). To change it, write to the authority "
            f"yourself, keeping the reference {reference} in the subject.\n\n"
            f"Subject: {draft.subject}\n\n{draft.body}"
        )
    return subject, "\n\n".join(body)


def _queue(session: Session, mailbox: Mailbox, to: str, subject: str, body: str, now: dt.datetime) -> None:
    instructions.note(session, mailbox, to, subject, body, now)
