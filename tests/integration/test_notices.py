"""Notices as data: each channel claims its own requesters' notices, by lease, and marks them told itself."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from mailchannel import notices as email_channel
from service import notices
from service.ingest import InboxProcessor
from service.outgoing import queue_request
from storage import outbox
from storage.models import FoiRequestRow, OutboxMessage
from tests.bot_harness import MAILBOX
from tests.factories import MovableClock, make_draft
from tests.integration.test_ingest import reply, sent_request

START = dt.datetime(2024, 6, 3, 9, 0, tzinfo=dt.UTC)


def _failed_request(database, clock, **owner) -> int:  # type: ignore[no-untyped-def]
    """A request whose letter the mail server refused for good; returns the outbox id."""
    with database.unit_of_work() as session:
        request = make_draft(session, email="foi@nowhere.gov.uk", **owner)
        queued = queue_request(session, request, MAILBOX, clock())
        row = outbox.claim(session, queued.outbox_id, clock(), dt.timedelta(minutes=1))
        outbox.mark_failed(session, row, "550 5.1.1 <foi@nowhere.gov.uk>: no such user", clock())
        return queued.outbox_id


def _claim(database, now, audience=notices.TELEGRAM, lease=notices.LEASE):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as session:
        return notices.claim(session, now, audience, lease=lease)


def test_a_reply_notice_is_told_only_when_the_channel_says_so(database):
    clock = MovableClock(START)
    _, reference, message_id = sent_request(database, clock, telegram_id=77, email="foi@council.gov.uk")
    delivered = _claim(database, clock())
    assert [(n.kind, n.telegram_id) for n in delivered] == [(notices.NoticeKind.DELIVERED, 77)]
    with database.unit_of_work() as session:
        notices.told(session, delivered[0], clock())
    InboxProcessor(database, clock).ingest(reply(subject=f"Re: [{reference}]", headers=f"In-Reply-To: {message_id}"))

    [first] = _claim(database, clock())
    assert first.kind == notices.NoticeKind.REPLY and first.message_id is not None
    assert _claim(database, clock()) == []  # claimed: no second sender takes it
    # The sender died before Telegram took it: once the lease runs out it is claimed again, never lost.
    clock.advance(seconds=notices.LEASE.total_seconds() + 1)
    [again] = _claim(database, clock())
    assert again == first
    with database.unit_of_work() as session:
        notices.give_back(session, again)  # Telegram refused it: the next round tells it
    [third] = _claim(database, clock())
    with database.unit_of_work() as session:
        notices.told(session, third, clock())
    clock.advance(hours=1)
    assert _claim(database, clock()) == []


def test_a_failed_letter_is_leased_like_a_reply_and_goes_to_its_owners_channel(database):
    clock = MovableClock(START)
    outbox_id = _failed_request(database, clock, telegram_id=88)
    [failed] = _claim(database, clock())
    assert failed.kind == notices.NoticeKind.SEND_FAILED and failed.outbox_id == outbox_id
    assert failed.letter_kind == "request" and "no such user" in (failed.error or "")
    assert _claim(database, clock(), notices.EMAIL) == []  # not the email channel's
    clock.advance(minutes=2)
    assert _claim(database, clock()) == [failed]  # not told yet: claimed again after the lease
    with database.unit_of_work() as session:
        notices.told(session, failed, clock())
        assert session.get(OutboxMessage, outbox_id).failure_notified_at is not None
    clock.advance(minutes=2)
    assert _claim(database, clock()) == []


def test_a_requester_without_telegram_is_emailed_that_a_letter_failed(database):
    clock = MovableClock(START)
    _failed_request(database, clock, telegram_id=None, name="Nellie Bly")
    with database.unit_of_work() as session:
        request = session.scalars(select(FoiRequestRow)).one()
        request.owner.email = "nellie@example.net"
    assert _claim(database, clock()) == []  # the chat has nobody to tell
    assert email_channel.deliver(database, MAILBOX, clock()) == 1
    assert email_channel.deliver(database, MAILBOX, clock()) == 0  # told with the queuing: once
    with database.unit_of_work() as session:
        [email] = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "notice")).all()
        assert email.recipients == ["nellie@example.net"]
        assert b"could not be delivered" in email.raw and b"no such user" in email.raw


def test_mail_nobody_can_be_told_of_is_marked_told_not_kept_waiting(database):
    clock = MovableClock(START)
    sent_request(database, clock, telegram_id=None)  # made from the command line, no address of the owner
    _failed_request(database, clock, telegram_id=None)
    assert _claim(database, clock()) == []
    clock.advance(hours=1)
    assert _claim(database, clock()) == [] and _claim(database, clock(), notices.EMAIL) == []
