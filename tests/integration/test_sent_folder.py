"""The Sent folder on a real IMAP server: a copy of what we send, and no resend after a crash."""

import datetime as dt

from mail.compose import Mailbox
from mail.sent_folder import ImapSentFolder
from mail.smtp import SmtpConfig, SmtpTransport
from service import outgoing
from service.sender import OutboxSender, RetryPolicy
from storage import outbox
from storage.models import FoiRequestRow, OutboxMessage
from tests.factories import MovableClock, make_draft
from tests.servers.imap_helpers import append, config_for, message_ids_in

MAILBOX = Mailbox("foibot@example.org")
START = dt.datetime(2024, 6, 4, 9, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(seconds=60)


def make_sender(database, smtp_server, dovecot, clock, copy=True):
    transport = SmtpTransport(SmtpConfig("127.0.0.1", smtp_server.port, security="plain", timeout=5))
    return OutboxSender(
        database,
        transport,
        clock,
        sent_folder=ImapSentFolder(config_for(dovecot), "Sent"),
        policy=RetryPolicy(lease=LEASE),
        copy_to_sent_folder=copy,
    )


def queue(database, clock):
    with database.unit_of_work() as session:
        request = make_draft(session)
        return request.id, outgoing.queue_request(session, request, MAILBOX, clock())


def test_a_sent_message_is_copied_to_the_sent_folder(database, smtp_server, dovecot):
    clock = MovableClock(START)
    _, queued = queue(database, clock)
    make_sender(database, smtp_server, dovecot, clock).run_once()
    assert message_ids_in(dovecot, "Sent") == [queued.message_id]


def test_a_message_sent_before_a_crash_is_found_in_sent_and_not_sent_again(database, smtp_server, dovecot):
    clock = MovableClock(START)
    request_id, queued = queue(database, clock)
    # A sender claimed the row and the server accepted (and filed) the message,
    # then the sender died before it could record the delivery.
    with database.unit_of_work() as session:
        row = outbox.claim(session, queued.outbox_id, clock(), LEASE)
        raw = row.raw
    append(dovecot, "Sent", raw)
    smtp_server.deliveries.clear()

    clock.advance(seconds=61)  # the dead sender's lease runs out
    report = make_sender(database, smtp_server, dovecot, clock).run_once()

    assert report.found_in_sent_folder == [queued.message_id]
    assert report.sent == []
    assert smtp_server.deliveries == []
    with database.unit_of_work() as session:
        row = session.get(OutboxMessage, queued.outbox_id)
        assert row.status == "sent"
        assert "found in the Sent folder" in row.last_error
        assert session.get(FoiRequestRow, request_id).status == "sent"


def test_a_claimed_message_missing_from_sent_is_sent_with_the_same_message_id(database, smtp_server, dovecot):
    clock = MovableClock(START)
    _, queued = queue(database, clock)
    with database.unit_of_work() as session:
        outbox.claim(session, queued.outbox_id, clock(), LEASE)  # died before SMTP
    clock.advance(seconds=61)
    report = make_sender(database, smtp_server, dovecot, clock).run_once()
    assert report.sent == [queued.message_id]
    assert [d.message_id for d in smtp_server.deliveries] == [queued.message_id]


def test_by_default_the_servers_special_use_sent_folder_is_checked(database, smtp_server, dovecot, tmp_path):
    """With no IMAP_SENT_FOLDER set, the sender wired from settings finds \\Sent and does not send twice."""
    from foibot import wiring
    from foibot.settings import Settings

    settings = Settings(
        _env_file=None,
        mail_address="foibot@example.org",
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        smtp_security="plain",
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
        imap_security="plain",
        imap_username=config_for(dovecot).username,
        imap_password=config_for(dovecot).password,
    )
    clock = MovableClock(START)
    _, queued = queue(database, clock)
    with database.unit_of_work() as session:
        raw = outbox.claim(session, queued.outbox_id, clock(), LEASE).raw
    append(dovecot, "Sent", raw)  # delivered and filed, then the sender died
    clock.advance(minutes=5)
    sender = wiring.sender(settings, database)
    sender.clock = clock
    report = sender.run_once()
    assert report.found_in_sent_folder == [queued.message_id] and smtp_server.deliveries == []
    off = wiring.sender(settings.model_copy(update={"imap_sent_folder": "none"}), database)
    assert off.sent_folder is None
