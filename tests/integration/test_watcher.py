"""The IMAP watcher against a real Dovecot on 127.0.0.1."""

import datetime as dt
import threading
import time

import pytest
from sqlalchemy import func, select

from mail.watcher import MailboxWatcher
from service.ingest import InboxProcessor
from storage.models import MailboxSync, MailboxUid, MessageRow
from tests.mail_fixtures import crlf
from tests.servers.imap_helpers import append, client_for, config_for


def now():
    return dt.datetime.now(dt.UTC)


def mail(n: int, subject: str = "Reply") -> bytes:
    return crlf(f"""
        From: FOI Team <foi@council.gov.uk>
        To: foibot@example.org
        Subject: {subject} {n}
        Message-ID: <watch-{n}-{subject.replace(" ", "-")}@council.gov.uk>
        Date: Thu, 06 Jun 2024 10:00:00 +0100

        Message number {n}.
        """)


def count_messages(database) -> int:
    with database.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(MessageRow).where(MessageRow.direction == "in"))


def wait_for_count(database, expected: int, timeout: float) -> float | None:
    """Return seconds until ``expected`` messages are stored, or None on timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if count_messages(database) >= expected:
            return time.monotonic() - started
        time.sleep(0.02)
    return None


@pytest.fixture
def watching(database, dovecot):
    """A watcher running in a thread; yields it and stops it afterwards."""
    watcher = MailboxWatcher(
        config_for(dovecot), database, InboxProcessor(database, now).process_pending, now, idle_renew=60,
        max_backoff=2.0,  # a restarted server is tried again within seconds, however often it refused
    )  # fmt: skip
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield watcher
    finally:
        stop.set()
        thread.join(timeout=30)
        assert not thread.is_alive(), "the watcher did not stop"


def test_mail_already_waiting_is_caught_up_at_start(database, dovecot):
    for n in range(3):
        append(dovecot, "INBOX", mail(n))
    watcher = MailboxWatcher(config_for(dovecot), database, InboxProcessor(database, now).process_pending, now)
    assert watcher.sync_once() == 3
    assert watcher.sync_once() == 0
    with database.unit_of_work() as session:
        sync = session.scalars(select(MailboxSync)).one()
        assert sync.last_uid == 3
        states = set(session.scalars(select(MessageRow.state)))
        assert states == {"held"}  # parsed and matched (nothing to match here)


def test_live_idle_delivery_reaches_the_database_within_two_seconds(database, dovecot, watching):
    assert wait_for_count(database, 0, 1) is not None
    time.sleep(0.5)  # the watcher is idling
    latencies = []
    for n in range(3):
        append(dovecot, "INBOX", mail(n, "Live"))
        latency = wait_for_count(database, n + 1, 5)
        assert latency is not None, "the message never arrived"
        latencies.append(latency)
    assert max(latencies) < 2.0, latencies
    assert watching.connections == 1  # IDLE, not reconnect-polling


def test_server_restarted_under_the_watcher(database, dovecot, watching):
    append(dovecot, "INBOX", mail(1, "Before"))
    assert wait_for_count(database, 1, 5) is not None
    dovecot.restart()
    append(dovecot, "INBOX", mail(2, "After"))
    assert wait_for_count(database, 2, 30) is not None
    assert watching.connections >= 2
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(MailboxUid)) == 2


def test_mail_marked_seen_by_another_client_is_still_processed_and_flags_are_untouched(database, dovecot):
    append(dovecot, "INBOX", mail(1, "Seen"))
    append(dovecot, "INBOX", mail(2, "Unseen"))
    other = client_for(dovecot)
    other.select_folder("INBOX")
    other.add_flags([1], [b"\\Seen"])  # a person read it in their mail app
    MailboxWatcher(config_for(dovecot), database, InboxProcessor(database, now).process_pending, now).sync_once()
    assert count_messages(database) == 2
    flags = other.get_flags([1, 2])
    other.logout()
    assert b"\\Seen" in flags[1]
    assert b"\\Seen" not in flags[2]  # BODY.PEEK: the watcher never marks mail read


def test_uidvalidity_change_starts_a_new_epoch_without_duplicates(database, dovecot):
    config = config_for(dovecot, folder="FOI")
    append(dovecot, "FOI", mail(1, "Epoch"))
    append(dovecot, "FOI", mail(2, "Epoch"))
    watcher = MailboxWatcher(config, database, InboxProcessor(database, now).process_pending, now)
    assert watcher.sync_once() == 2
    with database.unit_of_work() as session:
        first_epoch = session.scalars(select(MailboxSync)).one().uidvalidity

    # The folder is rebuilt (a migration, a restore): same messages, new UIDVALIDITY, one new message.
    other = client_for(dovecot)
    other.rename_folder("FOI", "FOI-old")
    other.logout()
    for n in (1, 2, 3):
        append(dovecot, "FOI", mail(n, "Epoch"))

    assert watcher.sync_once() == 1  # only the new one is stored
    assert count_messages(database) == 3
    with database.unit_of_work() as session:
        sync = session.scalars(select(MailboxSync)).one()
        assert sync.uidvalidity != first_epoch and sync.last_uid == 3
        epochs = session.execute(select(MailboxUid.uidvalidity, func.count()).group_by(MailboxUid.uidvalidity)).all()
        assert sorted(count for _, count in epochs) == [2, 3]


def test_cursor_only_moves_forward_past_stored_messages(database, dovecot):
    append(dovecot, "INBOX", mail(1, "Cursor"))
    watcher = MailboxWatcher(config_for(dovecot), database, InboxProcessor(database, now).process_pending, now)
    watcher.sync_once()
    # "UID 2:*" on a mailbox whose highest UID is 1 returns UID 1 again; it must not be re-stored.
    assert watcher.sync_once() == 0
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(MailboxUid)) == 1


def test_fetch_batches_are_bounded_by_count_and_by_bytes_and_each_commits_its_cursor(database, dovecot, monkeypatch):
    import mail.watcher as watcher_module

    big = crlf(f"""
        From: FOI Team <foi@council.gov.uk>
        To: foibot@example.org
        Subject: Big one
        Message-ID: <watch-big@council.gov.uk>

        {"x" * 5000}
        """)
    client = client_for(dovecot)
    for n in range(3):
        client.append("INBOX", mail(n, "Batched"))
    client.append("INBOX", big)
    for n in range(3, 5):
        client.append("INBOX", mail(n, "Batched"))
    client.logout()
    monkeypatch.setattr(watcher_module, "FETCH_BATCH", 2)
    monkeypatch.setattr(watcher_module, "FETCH_BYTES", 3000)
    cursors = []

    def after_each_batch():
        with database.unit_of_work() as session:
            cursors.append(session.scalar(select(MailboxSync.last_uid)))

    stored = MailboxWatcher(config_for(dovecot), database, after_each_batch, now).sync_once()
    assert stored == 6 == count_messages(database)
    # two by count, the big one alone by bytes, then two more: the cursor moved after each batch
    assert cursors == [2, 3, 4, 6]
