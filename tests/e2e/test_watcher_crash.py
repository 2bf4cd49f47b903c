"""`foibot run --only watch` killed with SIGKILL in the middle of 200 messages, then restarted."""

import signal
import subprocess
import sys
import time

from sqlalchemy import func, select

from storage.db import open_database, upgrade
from storage.models import MailboxUid, MessageRow
from tests.mail_fixtures import crlf
from tests.servers.common import subprocess_env
from tests.servers.dovecot import PASSWORD, USER
from tests.servers.imap_helpers import client_for

TOTAL = 3000  # the watcher stores 200 a transaction: enough of them to be killed in the middle


def mail(n: int) -> bytes:
    return crlf(f"""
        From: FOI Team <foi@council.gov.uk>
        To: foibot@example.org
        Subject: Bulk reply {n}
        Message-ID: <bulk-{n}@council.gov.uk>

        Message {n}.
        """)


def counts(url: str) -> tuple[int, int, int]:
    db = open_database(url)
    try:
        with db.unit_of_work() as session:
            messages = session.scalar(select(func.count()).select_from(MessageRow))
            distinct = session.scalar(select(func.count(func.distinct(MessageRow.message_id_header))))
            uids = session.scalar(select(func.count()).select_from(MailboxUid))
            return messages, distinct, uids
    finally:
        db.dispose()


def start_watcher(env):
    return subprocess.Popen(
        [sys.executable, "-m", "foibot", "run", "--only", "watch"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_until(url, at_least, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if counts(url)[0] >= at_least:
            return True
        time.sleep(0.05)
    return False


def test_watcher_killed_mid_batch_stores_every_message_exactly_once(tmp_path, dovecot):
    client = client_for(dovecot)
    for n in range(TOTAL):
        client.append("INBOX", mail(n))
    client.logout()
    url = f"sqlite:///{tmp_path / 'foibot.sqlite3'}"
    upgrade(url)
    env = subprocess_env(
        DATABASE_URL=url,
        IMAP_HOST="127.0.0.1",
        IMAP_PORT=str(dovecot.port),
        IMAP_SECURITY="plain",
        IMAP_USERNAME=USER,
        IMAP_PASSWORD=PASSWORD,
        LOG_LEVEL="WARNING",
    )
    for kill_at in (400, 1400):
        process = start_watcher(env)
        try:
            assert wait_until(url, kill_at, 60), "the watcher made no progress"
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        messages, distinct, uids = counts(url)
        assert messages == distinct == uids  # never a half-stored message
        assert messages < TOTAL, "killed too late to prove anything"

    process = start_watcher(env)
    try:
        assert wait_until(url, TOTAL, 60)
        time.sleep(1)  # nothing more may arrive
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output
    assert counts(url) == (TOTAL, TOTAL, TOTAL)
