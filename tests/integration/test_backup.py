"""`foibot backup` of a running instance in the middle of an ingest, `foibot restore`, and nothing missing."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading

from sqlalchemy import func, select

from mail.compose import Mailbox
from mail.watcher import MailboxWatcher
from service import outgoing
from service.ingest import InboxProcessor
from storage import outbox
from storage.db import open_database, upgrade
from storage.models import MessageRow
from tests.factories import MovableClock, make_draft
from tests.integration.test_cli import foibot
from tests.mail_fixtures import crlf
from tests.servers.imap_helpers import client_for, config_for

MAILBOX = Mailbox("foibot@example.org", "+")
NOW = dt.datetime(2024, 6, 4, 9, 0, tzinfo=dt.UTC)
REPLIES = 240


def _stored(db) -> int:  # type: ignore[no-untyped-def]
    with db.unit_of_work() as session:
        return session.scalar(select(func.count(MessageRow.id)).where(MessageRow.direction == "in")) or 0


def _digests(db) -> list[str]:  # type: ignore[no-untyped-def]
    with db.unit_of_work() as session:
        return sorted(session.scalars(select(MessageRow.raw_sha256).where(MessageRow.direction == "in")))


def test_a_backup_taken_mid_ingest_restores_and_catches_up_without_losing_or_doubling_a_message(tmp_path, dovecot):
    live_url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    upgrade(live_url)
    live = open_database(live_url)
    clock = MovableClock(NOW)
    with live.unit_of_work() as session:
        request = make_draft(session, email="foi@council.gov.uk")
        queued = outgoing.queue_request(session, request, MAILBOX, NOW)
        outgoing.mark_sent(session, outbox.claim(session, queued.outbox_id, NOW, dt.timedelta(minutes=1)), NOW)
    client = client_for(dovecot)
    sent = []
    for n in range(REPLIES):
        raw = crlf(f"""
            From: FOI Team <foi@council.gov.uk>
            To: foibot@example.org
            Subject: Re: [{queued.reference}] part {n}
            Message-ID: <backup-{n}@council.gov.uk>
            In-Reply-To: {queued.message_id}
            Date: Thu, 06 Jun 2024 10:00:00 +0100

            We hold the information. This is part {n} of our answer, with some words in it.
            """)  # fmt: skip
        client.append("INBOX", raw)
        sent.append(hashlib.sha256(raw).hexdigest())
    client.logout()

    processor = InboxProcessor(live, clock)
    first_batch_stored, copied = threading.Event(), threading.Event()

    def process_after_the_copy() -> None:
        # The watcher calls this after each stored FETCH batch: the first time, the ingest pauses here —
        # one batch stored and unprocessed, the cursor past it, the rest still in the mailbox — until the copy
        # is made. A fixed point in the middle, however fast the machine.
        first_batch_stored.set()
        copied.wait(60)
        processor.process_pending(batch=10)

    watcher = MailboxWatcher(config_for(dovecot), live, process_after_the_copy, clock)
    ingest = threading.Thread(target=watcher.sync_once)
    ingest.start()
    assert first_batch_stored.wait(30)
    copy = tmp_path / "copy.sqlite3"
    made = foibot("backup", str(copy), env={"DATABASE_URL": live_url})
    in_flight = ingest.is_alive()
    copied.set()
    ingest.join(timeout=120)
    assert made.returncode == 0, made.stderr
    assert "backed up to" in made.stdout
    assert in_flight, "the ingest had finished before the backup: the test proves nothing"
    assert _stored(live) == REPLIES

    restored_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    put_back = foibot("restore", str(copy), env={"DATABASE_URL": restored_url})
    assert put_back.returncode == 0, put_back.stderr
    restored = open_database(restored_url)
    at_copy = _stored(restored)
    assert 0 < at_copy < REPLIES  # a part of the mail, as the copy was taken mid-ingest
    # The copy is one consistent moment: each message in it whole, the cursor with them.
    with restored.unit_of_work() as session:
        for raw, digest in session.execute(select(MessageRow.raw, MessageRow.raw_sha256).where(
                MessageRow.direction == "in")):  # fmt: skip
            assert hashlib.sha256(raw).hexdigest() == digest
    MailboxWatcher(config_for(dovecot), restored, InboxProcessor(restored, clock).process_pending, clock).sync_once()
    assert _digests(restored) == sorted(sent)  # every message, once
    with restored.unit_of_work() as session:
        states = dict(session.execute(select(MessageRow.state, func.count()).where(
            MessageRow.direction == "in").group_by(MessageRow.state)).all())  # fmt: skip
    assert states == {"matched": REPLIES}
    live.dispose()
    restored.dispose()


def test_restore_refuses_to_replace_data_without_yes_and_refuses_a_file_that_is_not_a_backup(tmp_path):
    live_url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    upgrade(live_url)
    db = open_database(live_url)
    with db.unit_of_work() as session:
        make_draft(session)
    db.dispose()
    copy = tmp_path / "a-copy.sqlite3"
    assert foibot("backup", str(copy), env={"DATABASE_URL": live_url}).returncode == 0
    again = foibot("backup", str(copy), env={"DATABASE_URL": live_url})
    assert again.returncode == 2 and "exists already" in again.stderr

    refused = foibot("restore", str(copy), env={"DATABASE_URL": live_url})
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert foibot("restore", str(copy), "--yes", env={"DATABASE_URL": live_url}).returncode == 0
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    bad = foibot("restore", str(junk), env={"DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite3'}"})
    assert bad.returncode == 2 and "not a foibot database" in bad.stderr
    postgres = foibot("backup", str(tmp_path / "pg.dump"), env={"DATABASE_URL": "postgresql://u@127.0.0.1/foibot"})
    assert postgres.returncode == 2 and "pg_dump" in postgres.stderr
