"""Requests and follow-ups through the outbox to a real SMTP server (aiosmtpd)."""

import datetime as dt

import pytest
from sqlalchemy import select

from foi import letters
from foi.laws import FOIA
from mail.compose import Mailbox
from mail.errors import AuthenticationFailure
from mail.smtp import SmtpConfig, SmtpTransport
from service import outgoing
from service.sender import OutboxSender, RetryPolicy
from storage import outbox
from storage.models import FoiRequestRow, MessageRow, OutboxMessage, TimelineEvent
from storage.requests import questions_of
from tests.factories import MovableClock, make_draft
from tests.servers.smtp import SmtpServer

MAILBOX = Mailbox("foibot@example.org", "+")
# Tuesday 4 June 2024, 10:00 in London.
START = dt.datetime(2024, 6, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    return MovableClock(START)


def sender_for(database, server, clock, **config):
    transport = SmtpTransport(SmtpConfig("127.0.0.1", server.port, security="plain", timeout=5, **config))
    return OutboxSender(database, transport, clock, policy=RetryPolicy(lease=dt.timedelta(seconds=60)))


def queue_one(database, clock, **draft):
    with database.unit_of_work() as session:
        request = make_draft(session, **draft)
        queued = outgoing.queue_request(session, request, MAILBOX, clock())
        return request.id, queued


def test_a_two_part_request_reaches_the_authority_with_its_headers_and_parts(database, smtp_server, clock):
    request_id, queued = queue_one(database, clock)
    with database.unit_of_work() as session:
        row = session.get(OutboxMessage, queued.outbox_id)
        assert row.status == "queued" and row.message_id_header == queued.message_id
        assert session.get(FoiRequestRow, request_id).status == "queued"

    report = sender_for(database, smtp_server, clock).run_once()

    assert report.sent == [queued.message_id]
    [delivery] = smtp_server.deliveries
    message = delivery.message
    assert delivery.mail_from == "foibot@example.org"
    assert delivery.rcpt_tos == ["foi@barnet.gov.uk"]
    assert message["Subject"] == f"Freedom of Information request - Remote working [{queued.reference}]"
    assert message["Message-ID"] == queued.message_id
    assert queued.reference.lower() in message["Message-ID"]
    assert message["Reply-To"].addresses[0].addr_spec == f"foibot+{queued.reference.lower()}@example.org"
    body = delivery.text
    assert (
        "1. Policies in place to enable remote working since 1 January 2020\n"
        "2. Number of new devices purchased:\n"
        "   a) Laptops\n"
        "   b) Tablet computers\n"
        "   c) Mobile phones\n"
    ) in body
    assert "section 1 of the Freedom of Information Act 2000" in body
    assert body.rstrip().endswith("Ada Lovelace")


def test_delivery_starts_the_clock_and_keeps_the_exact_bytes_sent(database, smtp_server, clock):
    request_id, queued = queue_one(database, clock)
    sender_for(database, smtp_server, clock).run_once()
    with database.unit_of_work() as session:
        request = session.get(FoiRequestRow, request_id)
        assert request.status == "sent"
        assert request.sent_at == START
        assert request.received_on == dt.date(2024, 6, 4)
        assert request.reply_due_on == dt.date(2024, 7, 2)
        assert request.reply_due_lenient_on == dt.date(2024, 7, 2)
        assert request.very_overdue_on == dt.date(2024, 7, 31)  # 12 July (NI) skipped
        row = session.get(OutboxMessage, queued.outbox_id)
        assert row.status == "sent" and row.attempts == 1
        assert row.raw == smtp_server.deliveries[0].raw
        stored = session.scalars(select(MessageRow).where(MessageRow.direction == "out")).one()
        assert stored.raw == row.raw and stored.message_id_header == queued.message_id
        kinds = [e.kind for e in session.scalars(select(TimelineEvent).order_by(TimelineEvent.id))]
        assert kinds == ["status", "sent", "status"]


def test_a_request_delivered_after_office_hours_gets_a_later_lenient_date(database, smtp_server, clock):
    clock.current = dt.datetime(2024, 6, 4, 17, 30, tzinfo=dt.UTC)  # 18:30 in London
    request_id, _ = queue_one(database, clock)
    sender_for(database, smtp_server, clock).run_once()
    with database.unit_of_work() as session:
        request = session.get(FoiRequestRow, request_id)
        assert request.reply_due_on == dt.date(2024, 7, 2)
        assert request.reply_due_lenient_on == dt.date(2024, 7, 3)


def test_smtp_auth_is_used_and_a_wrong_password_stops_loudly(database, clock):
    server = SmtpServer(credentials=("bot", "s3cret")).start()
    try:
        _, queued = queue_one(database, clock)
        with pytest.raises(AuthenticationFailure, match="refused"):
            sender_for(database, server, clock, username="bot", password="wrong").run_once()
        assert server.deliveries == []
        with database.unit_of_work() as session:
            row = session.get(OutboxMessage, queued.outbox_id)
            assert row.status == "queued" and row.attempts == 0
        report = sender_for(database, server, clock, username="bot", password="s3cret").run_once()
        assert report.sent == [queued.message_id]
        assert len(server.deliveries) == 1
        assert ("LOGIN", True) in server.auth_attempts or ("PLAIN", True) in server.auth_attempts
    finally:
        server.stop()


def test_451_is_retried_later_with_backoff_then_succeeds(database, smtp_server, clock):
    smtp_server.handler.replies = ["451 4.3.0 Try again later"]
    _, queued = queue_one(database, clock)
    sender = sender_for(database, smtp_server, clock)

    first = sender.run_once()
    assert first.retried == [queued.message_id] and smtp_server.deliveries == []
    with database.unit_of_work() as session:
        row = session.get(OutboxMessage, queued.outbox_id)
        assert row.status == "queued"
        assert row.last_error.startswith("451")
        assert START + dt.timedelta(seconds=15) <= row.next_attempt_at <= START + dt.timedelta(seconds=30)

    assert sender.run_once().sent == []  # not due yet
    clock.advance(seconds=31)
    assert sender.run_once().sent == [queued.message_id]
    assert len(smtp_server.deliveries) == 1
    assert smtp_server.deliveries[0].message_id == queued.message_id


def test_550_fails_for_good_with_the_servers_reply_kept(database, smtp_server, clock):
    smtp_server.handler.replies = ["550 5.1.1 <foi@barnet.gov.uk>: Recipient address rejected"]
    request_id, queued = queue_one(database, clock)
    report = sender_for(database, smtp_server, clock).run_once()
    assert report.failed == [queued.message_id]
    clock.advance(days=1)
    assert sender_for(database, smtp_server, clock).run_once().sent == []
    with database.unit_of_work() as session:
        row = session.get(OutboxMessage, queued.outbox_id)
        assert row.status == "failed"
        assert row.last_error == "550 5.1.1 <foi@barnet.gov.uk>: Recipient address rejected"
        request = session.get(FoiRequestRow, request_id)
        assert request.status == "undelivered"
        assert any("Recipient address rejected" in e.summary for e in request.events)


def test_server_down_then_up(database, clock):
    server = SmtpServer()  # not started: connection refused
    _, queued = queue_one(database, clock)
    sender = sender_for(database, server, clock)
    report = sender.run_once()
    assert report.retried == [queued.message_id]
    with database.unit_of_work() as session:
        assert "cannot reach SMTP server" in session.get(OutboxMessage, queued.outbox_id).last_error
    server.start()
    try:
        clock.advance(minutes=1)
        assert sender.run_once().sent == [queued.message_id]
        assert len(server.deliveries) == 1
    finally:
        server.stop()


def test_backoff_grows_exponentially_up_to_the_cap_and_then_gives_up(database, clock):
    server = SmtpServer()  # never started
    _, queued = queue_one(database, clock)
    policy = RetryPolicy(
        first_delay=dt.timedelta(seconds=30), max_delay=dt.timedelta(minutes=8), give_up_after=dt.timedelta(hours=2)
    )
    transport = SmtpTransport(SmtpConfig("127.0.0.1", server.port, security="plain", timeout=2))
    sender = OutboxSender(database, transport, clock, policy=policy)
    waits = []
    for _ in range(60):
        report = sender.run_once()
        if report.failed:
            break
        with database.unit_of_work() as session:
            row = session.get(OutboxMessage, queued.outbox_id)
            waits.append(row.next_attempt_at - clock())
            clock.current = row.next_attempt_at
    ceilings = [min(30 * 2**i, 480) for i in range(len(waits))]
    for wait, ceiling in zip(waits, ceilings, strict=True):
        assert dt.timedelta(seconds=ceiling / 2) <= wait <= dt.timedelta(seconds=ceiling)
    with database.unit_of_work() as session:
        row = session.get(OutboxMessage, queued.outbox_id)
        assert row.status == "failed" and row.last_error.startswith("gave up after")


def test_a_follow_up_is_threaded_to_the_request(database, smtp_server, clock):
    request_id, queued = queue_one(database, clock)
    sender = sender_for(database, smtp_server, clock)
    sender.run_once()
    with database.unit_of_work() as session:
        request = session.get(FoiRequestRow, request_id)
        to = letters.Addressing(request.authority.name, "Ada Lovelace", request.reference, request.title)
        chaser = letters.chaser(FOIA, to, request.received_on, request.reply_due_on)
        follow_up = outgoing.queue_letter(session, request, chaser, MAILBOX, clock())
        assert questions_of(request)  # the parts are untouched
    sender.run_once()
    chaser_message = smtp_server.deliveries[1].message
    assert chaser_message["In-Reply-To"] == queued.message_id
    assert chaser_message["References"] == queued.message_id
    assert chaser_message["Subject"].startswith("Re: Freedom of Information request")
    assert chaser_message["Message-ID"] == follow_up.message_id
    with database.unit_of_work() as session:
        assert session.get(FoiRequestRow, request_id).status == "sent"


def test_a_request_without_a_real_name_is_not_sent(database, clock):
    with database.unit_of_work() as session:
        request = make_draft(session, name="")
        with pytest.raises(outgoing.CannotSend, match="real name"):
            outgoing.queue_request(session, request, MAILBOX, clock())
        assert session.scalars(select(OutboxMessage)).all() == []


def test_two_senders_never_claim_the_same_message(database, clock):
    _, queued = queue_one(database, clock)
    lease = dt.timedelta(minutes=2)
    with database.unit_of_work() as session:
        assert outbox.claim(session, queued.outbox_id, clock(), lease) is not None
    with database.unit_of_work() as session:
        assert outbox.claim(session, queued.outbox_id, clock(), lease) is None
    clock.advance(minutes=3)  # the first sender died; its lease ran out
    with database.unit_of_work() as session:
        row = outbox.claim(session, queued.outbox_id, clock(), lease)
        assert row is not None and row.attempts == 2
