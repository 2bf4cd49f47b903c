"""`foibot send-queued` killed with SIGKILL mid-batch, then restarted: nothing lost, nothing doubled."""

import datetime as dt
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from mail.compose import Mailbox
from service import outgoing
from storage.db import open_database, upgrade
from storage.models import OutboxMessage
from tests.factories import make_draft
from tests.servers.common import subprocess_env
from tests.servers.dovecot import PASSWORD, USER
from tests.servers.imap_helpers import append
from tests.servers.smtp import SmtpServer

BATCH = 50
MAILBOX = Mailbox("foibot@example.org", "+")


def queue_batch(url: str) -> dict[str, bytes]:
    """Queue BATCH requests and return their Message-IDs and bytes, committed before any attempt."""
    db = open_database(url)
    queued = {}
    try:
        with db.unit_of_work() as session:
            for n in range(BATCH):
                request = make_draft(session, telegram_id=None, email=f"foi{n}@council{n}.gov.uk", title=f"Request {n}")
                outgoing.queue_request(session, request, MAILBOX, dt.datetime.now(dt.UTC))
        with db.unit_of_work() as session:
            for row in session.scalars(select(OutboxMessage)):
                assert row.attempts == 0
                queued[row.message_id_header] = row.raw
    finally:
        db.dispose()
    return queued


def start_sender(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "foibot", "send-queued"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_after(process: subprocess.Popen, server: SmtpServer, deliveries: int) -> None:
    assert server.handler.wait_for(deliveries, timeout=60), "the sender made no progress"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL


def run_to_completion(env: dict[str, str]) -> str:
    time.sleep(1.2)  # let the killed sender's lease (1 s) run out
    result = subprocess.run(
        [sys.executable, "-m", "foibot", "send-queued"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def environment(tmp_path, server: SmtpServer, **extra: str) -> tuple[str, dict[str, str]]:
    url = f"sqlite:///{tmp_path / 'foibot.sqlite3'}"
    upgrade(url)
    env = subprocess_env(
        DATABASE_URL=url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(server.port),
        SMTP_SECURITY="plain",
        MAIL_ADDRESS="foibot@example.org",
        OUTBOX_LEASE_SECONDS="1",
        **extra,
    )
    return url, env


def settled(url: str) -> list[OutboxMessage]:
    db = open_database(url)
    try:
        with db.unit_of_work() as session:
            return list(session.scalars(select(OutboxMessage)))
    finally:
        db.dispose()


def test_killed_sender_with_a_filing_mail_service_delivers_every_message_exactly_once(tmp_path, dovecot):
    server = SmtpServer()
    # Like Gmail: what the server accepts is filed in the user's Sent folder.
    server.handler.on_accept = lambda raw: append(dovecot, "Sent", raw)
    server.start()
    try:
        url, env = environment(
            tmp_path,
            server,
            IMAP_HOST="127.0.0.1",
            IMAP_PORT=str(dovecot.port),
            IMAP_SECURITY="plain",
            IMAP_USERNAME=USER,
            IMAP_PASSWORD=PASSWORD,
            IMAP_SENT_FOLDER="Sent",
            IMAP_SENT_APPEND="false",
        )
        queued = queue_batch(url)
        kill_after(start_sender(env), server, 10)
        time.sleep(1.2)
        kill_after(start_sender(env), server, 30)
        run_to_completion(env)

        delivered = [d.message_id for d in server.deliveries]
        assert sorted(delivered) == sorted(queued), "each queued Message-ID delivered exactly once"
        for delivery in server.deliveries:
            assert delivery.raw == queued[delivery.message_id]
        assert {row.status for row in settled(url)} == {"sent"}
    finally:
        server.stop()


def test_killed_sender_without_a_sent_folder_loses_nothing_and_repeats_only_the_same_message(tmp_path):
    server = SmtpServer().start()
    kills = 3
    try:
        url, env = environment(tmp_path, server)
        queued = queue_batch(url)
        for target in (10, 25, 40)[:kills]:
            kill_after(start_sender(env), server, target)
            time.sleep(1.2)
        run_to_completion(env)

        delivered = [d.message_id for d in server.deliveries]
        assert set(delivered) == set(queued), "every message delivered"
        # SMTP alone cannot be exactly-once: a message accepted in the instant
        # before a kill is sent again — but only that one, byte for byte the same.
        assert len(delivered) - len(queued) <= kills
        for delivery in server.deliveries:
            assert delivery.raw == queued[delivery.message_id]
        assert {row.status for row in settled(url)} == {"sent"}
    finally:
        server.stop()


@pytest.mark.parametrize("flag", ["--limit"])
def test_send_queued_reports_what_it_did(tmp_path, flag):
    server = SmtpServer().start()
    try:
        url, env = environment(tmp_path, server)
        queue_batch(url)
        result = subprocess.run(
            [sys.executable, "-m", "foibot", "send-queued", flag, "5"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "sent 5, to retry 0, failed 0"
        assert len(server.deliveries) == 5
    finally:
        server.stop()
