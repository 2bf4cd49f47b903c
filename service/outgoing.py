"""Letters out: queue a request or a follow-up, and settle what the outbox sent — the legal clock starts here.

Day 0 is the delivery, in UK time (LAW.md "Receipt"); the reply is due on
working day 20 after it. A clarification starts a fresh 20 working days
(FOIA s.1(3)); any other follow-up only joins the timeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from foi import deadlines, letters
from foi.correspondence import LetterKind
from foi.laws import law_for
from foi.lifecycle import Event, can
from mail.compose import Mailbox, Thread, compose, new_message_id
from storage import outbox
from storage.models import FoiRequestRow, MessageLink, MessageRow, OutboxMessage
from storage.requests import add_event, assign_reference, questions_of, transition


class CannotSend(Exception):
    """The request is not ready to go; the message says what is missing."""


@dataclass(frozen=True)
class Queued:
    reference: str
    message_id: str
    outbox_id: int | None  # None until flushed (see queue_request)


def check_ready(request: FoiRequestRow) -> None:
    """Raise CannotSend naming what a valid request still lacks (FOIA s.8)."""
    law = law_for(request.regime)
    if request.authority is None:
        raise CannotSend("choose the authority first")
    if not request.authority.foi_email:
        raise CannotSend(f"{request.authority.name} has no FOI email address yet: pick it again to give one")
    if not request.title.strip():
        raise CannotSend("give the request a title")
    if not questions_of(request):
        raise CannotSend("add at least one question")
    if law.real_name_required and not (request.owner.real_name or "").strip():
        raise CannotSend(f"{law.short_name} needs your real name ({law.real_name_source}); set it with /settings")


def _addressing(request: FoiRequestRow, reference: str) -> letters.Addressing:
    assert request.authority is not None
    return letters.Addressing(
        authority_name=request.authority.name,
        requester_name=(request.owner.real_name or "").strip(),
        reference=reference,
        title=request.title.strip(),
    )


def queue_request(
    session: Session,
    request: FoiRequestRow,
    mailbox: Mailbox,
    now: dt.datetime,
    send_at: dt.datetime | None = None,
    flush: bool = True,
) -> Queued:
    """Write the request letter, queue its email (to go at ``send_at``, or now) and mark the request queued.

    ``flush=False`` (a batch, which flushes once for all its letters) leaves ``outbox_id`` None.
    """
    check_ready(request)
    law = law_for(request.regime)
    reference = assign_reference(session, request)
    letter = letters.initial_request(law, _addressing(request, reference), questions_of(request))
    return _queue_letter(
        session, request, letter, mailbox, now, thread=None, event=Event.QUEUE, send_at=send_at, flush=flush
    )


def queue_letter(
    session: Session,
    request: FoiRequestRow,
    letter: letters.Letter,
    mailbox: Mailbox,
    now: dt.datetime,
    reply_to: int | None = None,
) -> Queued:
    """Queue a follow-up ``letter`` (chaser, review, reply…) in the request's email thread.

    ``reply_to`` names the stored message being answered; otherwise the
    latest message from the authority (or our own last one) is.
    """
    if not request.reference:
        raise CannotSend("this request has not been sent yet")
    thread = thread_of(session, request, reply_to=reply_to)
    return _queue_letter(session, request, letter, mailbox, now, thread=thread, event=None)


def _queue_letter(
    session: Session,
    request: FoiRequestRow,
    letter: letters.Letter,
    mailbox: Mailbox,
    now: dt.datetime,
    thread: Thread | None,
    event: Event | None,
    send_at: dt.datetime | None = None,
    flush: bool = True,
) -> Queued:
    assert request.authority is not None and request.reference is not None
    message_id = new_message_id(request.reference, mailbox.domain)
    message = compose(
        letter,
        mailbox=mailbox,
        sender_name=(request.owner.real_name or "").strip() or "foibot",
        to_address=request.authority.foi_email,
        reference=request.reference,
        message_id=message_id,
        date=now,
        thread=thread,
    )
    row = outbox.queue(
        session,
        message,
        kind=letter.kind,
        request_id=request.id,
        mail_from=mailbox.address,
        recipients=[request.authority.foi_email],
        now=now,
        send_at=send_at,
        flush=flush,
    )
    if event is not None and can(request.status, event):
        transition(session, request, event, now, f"{letter.kind} queued for sending")
    else:
        add_event(session, request, now, "queued", f"{letter.kind} queued for sending", outbox_id=row.id)
    return Queued(request.reference, message_id, row.id)


def thread_of(session: Session, request: FoiRequestRow, limit: int = 20, reply_to: int | None = None) -> Thread | None:
    """Return the thread a follow-up joins: the message answered (or the latest) and those before it."""
    rows = session.execute(
        select(MessageRow.message_id_header, MessageRow.direction)
        .join(MessageLink, MessageLink.message_id == MessageRow.id)
        .where(
            MessageLink.request_id == request.id,
            MessageLink.status == "attached",
            MessageRow.message_id_header.is_not(None),
            MessageRow.label.is_(None),  # never answer a bounce or an auto-reply
        )
        .order_by(MessageRow.sent_date, MessageRow.id)
    ).all()
    ids = [message_id for message_id, _ in rows]
    if not ids:
        return None
    inbound = [message_id for message_id, direction in rows if direction == "in"]
    latest = inbound[-1] if inbound else ids[-1]
    if reply_to is not None:
        answered = session.get(MessageRow, reply_to)
        if answered is not None and answered.message_id_header in ids:
            latest = answered.message_id_header
    chain = ids[:1] + [i for i in ids[1:] if i != latest][-(limit - 2) :]
    return Thread(in_reply_to=latest, references=tuple(dict.fromkeys([*chain, latest])))


# --- what the outbox reports back -------------------------------------------------------------


def mark_sent(session: Session, row: OutboxMessage, sent_at: dt.datetime) -> MessageRow:
    """Settle ``row`` as sent, keep it as an outgoing message, and record its delivery on the request."""
    message = outbox.mark_sent(session, row, sent_at)
    if row.request_id is not None:
        record_delivery(session, row.request_id, row.kind, sent_at, message.id)
    return message


def mark_failed(session: Session, row: OutboxMessage, error: str, at: dt.datetime) -> None:
    """Give up on ``row`` for good and tell its request why."""
    outbox.mark_failed(session, row, error, at)
    if row.request_id is not None:
        record_failed_delivery(session, row.request_id, row.kind, error, at)


def record_delivery(session: Session, request_id: int, kind: str, sent_at: dt.datetime, message_id: int) -> None:
    """Record that a message for the request was delivered; the first one starts the clock.

    The delivery time, in UK time, is the authority's receipt (LAW.md: day 0).
    """
    request = session.get(FoiRequestRow, request_id)
    if request is None:
        return
    if kind not in (LetterKind.REQUEST, LetterKind.CLARIFICATION):
        add_event(session, request, sent_at, "sent", f"{kind} sent", message_id=message_id)
        return
    law = law_for(request.regime)
    received = deadlines.receipt_day(sent_at)
    at = sent_at.astimezone(deadlines.LONDON).time()
    if kind == LetterKind.CLARIFICATION:
        # FOIA s.1(3): a fresh 20 working days from receipt of the clarification.
        request.reply_due_on = deadlines.reply_due_after_clarification(law, received)
        request.reply_due_lenient_on = deadlines.reply_due_lenient(law, received, at)
        request.very_overdue_on = deadlines.very_overdue(law, received)
        request.promised_on = None
        add_event(
            session, request, sent_at, "sent",
            f"clarification delivered; reply now due {request.reply_due_on:%d %b %Y}", message_id=message_id,
        )  # fmt: skip
        return
    request.sent_at = sent_at
    request.received_on = received
    request.reply_due_on = deadlines.reply_due(law, received)
    request.reply_due_lenient_on = deadlines.reply_due_lenient(law, received, at)
    request.very_overdue_on = deadlines.very_overdue(law, received)
    add_event(
        session,
        request,
        sent_at,
        "sent",
        f"request delivered; reply due {request.reply_due_on:%d %b %Y}",
        message_id=message_id,
        reply_due=request.reply_due_on.isoformat(),
        reply_due_lenient=request.reply_due_lenient_on.isoformat(),
    )
    if can(request.status, Event.DELIVER):
        transition(session, request, Event.DELIVER, sent_at)


def record_failed_delivery(session: Session, request_id: int, kind: str, error: str, at: dt.datetime) -> None:
    """Record that a message for the request could not be delivered, and why."""
    request = session.get(FoiRequestRow, request_id)
    if request is None:
        return
    add_event(session, request, at, "send_failed", f"{kind} could not be sent: {error}", error=error)
    if kind == "request" and can(request.status, Event.BOUNCE):
        transition(session, request, Event.BOUNCE, at, "the request could not be delivered")
