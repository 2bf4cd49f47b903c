"""Notices at least once, shown once: a bot killed while telling five replies tells every one after a restart."""

import datetime as dt
import signal
import subprocess
import sys
import time

from sqlalchemy import update

from service import outgoing
from service.ingest import InboxProcessor
from storage import outbox
from storage.db import open_database, upgrade
from storage.models import MessageLink
from tests.bot_harness import MAILBOX
from tests.factories import MovableClock, make_draft
from tests.mail_fixtures import crlf
from tests.servers.common import subprocess_env

ALICE = 1001


def reply(our_id: str, n: int) -> bytes:
    return crlf(f"""
        From: FOI Team <foi@barnet.gov.uk>
        To: foibot@example.org
        Subject: Reply number {n}
        Message-ID: <crash-{n}@barnet.gov.uk>
        In-Reply-To: {our_id}
        Date: Tue, 01 Dec 2026 10:0{n}:00 +0000

        Please find attached the information you requested, part {n}.
        """)


def told(server, n: int) -> int:
    return sum(1 for c in server.sent(ALICE) if f"Reply number {n}" in c.params.get("text", ""))


def test_a_bot_killed_while_telling_five_replies_tells_each_after_a_restart(tmp_path, server):
    url = f"sqlite:///{tmp_path / 'foibot.sqlite3'}"
    upgrade(url)
    db = open_database(url)
    clock = MovableClock(dt.datetime.now(dt.UTC))
    with db.unit_of_work() as session:
        request = make_draft(session, telegram_id=ALICE)
        queued = outgoing.queue_request(session, request, MAILBOX, clock())
        outgoing.mark_sent(session, outbox.claim(session, queued.outbox_id, clock(), dt.timedelta(minutes=1)), clock())
    processor = InboxProcessor(db, clock)
    for n in range(1, 6):
        processor.ingest(reply(queued.message_id, n))
    with db.unit_of_work() as session:  # the delivery notice is old news here
        session.execute(update(MessageLink).where(MessageLink.reason == "sent").values(notified_at=clock()))
    db.dispose()

    env = subprocess_env(DATABASE_URL=url, TELEGRAM_BOT_TOKEN=server.token, TELEGRAM_BASE_URL=server.base_url,
                         TELEGRAM_POLL_TIMEOUT="1", MAIL_ADDRESS="foibot@example.org", NOTICE_LEASE_SECONDS="3",
                         LOG_LEVEL="WARNING")  # fmt: skip
    server.delay["sendMessage"] = 2.0  # Telegram is slow to answer: the bot is killed mid-way
    first = subprocess.Popen([sys.executable, "-m", "foibot", "run", "--only", "bot"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        server.wait_for(lambda c: c.method == "sendMessage" and "Reply number" in c.params.get("text", ""), 30)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    server.delay.clear()

    second = subprocess.Popen([sys.executable, "-m", "foibot", "run", "--only", "bot"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not all(told(server, n) for n in range(1, 6)):
            time.sleep(0.2)
        counts = [told(server, n) for n in range(1, 6)]
        assert all(counts), counts  # every reply told…
        assert sum(counts) <= 6, counts  # …and at most the one in flight told twice
        time.sleep(4)  # past another lease: nothing told again once Telegram accepted it
        assert [told(server, n) for n in range(1, 6)] == counts
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(20)
