"""Reply appended in the mailbox → notice in the chat, through the whole program.

    .venv/bin/python bench/notice.py [--replies 20] [--database-url URL]

Starts `foibot run` as a process (or, with --split, one process per part,
woken across processes by PostgreSQL's LISTEN/NOTIFY) against Dovecot on loopback, aiosmtpd and the
project's Bot API stand-in (SQLite by default, or an empty PostgreSQL
database given by URL), with 20 requests already sent the way the product
sends them. Then, one at a time, it APPENDs an authority's reply to each
request and measures until the stand-in receives the `sendMessage` that
tells the user about it. Prints p50, p95 and the worst of the delays.
Needs Dovecot (dovecot-imapd).
"""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
warnings.filterwarnings("ignore")

from sqlalchemy import text  # noqa: E402

from service import outgoing  # noqa: E402
from storage import outbox  # noqa: E402
from storage.db import open_database, upgrade  # noqa: E402
from tests.bot_harness import MAILBOX  # noqa: E402
from tests.factories import make_draft  # noqa: E402
from tests.mail_fixtures import crlf  # noqa: E402
from tests.servers.botapi import BotApiServer  # noqa: E402
from tests.servers.common import subprocess_env  # noqa: E402
from tests.servers.dovecot import PASSWORD, USER, Dovecot, find_dovecot  # noqa: E402
from tests.servers.imap_helpers import client_for  # noqa: E402
from tests.servers.smtp import SmtpServer  # noqa: E402

TELEGRAM_ID = 4242


def sent_requests(url: str, count: int) -> list[tuple[str, str]]:
    """(reference, Message-ID) of ``count`` requests queued and marked sent, as the outbox would."""
    db = open_database(url)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    sent = []
    with db.unit_of_work() as session:
        for n in range(count):
            request = make_draft(session, telegram_id=TELEGRAM_ID, email=f"foi@council{n}.gov.uk", title=f"Topic {n}")
            queued = outgoing.queue_request(session, request, MAILBOX, now)
            outgoing.mark_sent(session, outbox.claim(session, queued.outbox_id, now, dt.timedelta(minutes=1)), now)
            sent.append((queued.reference, queued.message_id))
    db.dispose()
    return sent


def reply(n: int, reference: str, message_id: str) -> bytes:
    return crlf(
        f"""
        From: FOI Team <foi@council{n}.gov.uk>
        To: foibot@example.org
        Subject: RE: Freedom of Information request - Topic {n} [{reference}]
        Message-ID: <notice-bench-{n}-{time.time_ns()}@council{n}.gov.uk>
        In-Reply-To: {message_id}
        Date: {dt.datetime.now(dt.UTC):%a, %d %b %Y %H:%M:%S +0000}

        Dear requester,

        We hold the information. The answer to your question is 42 items in 2023.

        Yours sincerely,
        Information Governance
        """
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=20)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite in a temporary folder)")
    parser.add_argument(
        "--split", action="store_true", help="one process per part (`--only bot|watch|process|send`; PostgreSQL)"
    )
    args = parser.parse_args()
    binary = find_dovecot()
    if binary is None:
        print("notice: Dovecot is not installed; skipped")
        return
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/foibot.sqlite3"
        if args.database_url:
            with open_database(url).engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(url)
        sent = sent_requests(url, args.replies)
        dovecot = Dovecot(binary).start()
        bot_api = BotApiServer().start()
        smtp = SmtpServer().start()
        env = subprocess_env(
            DATABASE_URL=url, TELEGRAM_BOT_TOKEN=bot_api.token, TELEGRAM_BASE_URL=bot_api.base_url,
            TELEGRAM_POLL_TIMEOUT="1", MAIL_ADDRESS="foibot@example.org", MAIL_SUBADDRESS_SEPARATOR="+",
            SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp.port), SMTP_SECURITY="plain",
            IMAP_HOST="127.0.0.1", IMAP_PORT=str(dovecot.port), IMAP_SECURITY="plain",
            IMAP_USERNAME=USER, IMAP_PASSWORD=PASSWORD, IMAP_SENT_FOLDER="none", LOG_LEVEL="WARNING",
        )  # fmt: skip
        log = open(Path(folder) / "foibot.log", "wb")  # noqa: SIM115
        # NOTIFY_SECONDS is only the fallback poll: set long, so the figure is the wake-ups'.
        env["NOTIFY_SECONDS"] = "30"
        commands = (
            [["run", "--only", part] for part in ("bot", "watch", "process", "send")] if args.split else [["run"]]
        )
        processes = [
            subprocess.Popen([sys.executable, "-m", "foibot", *command], env=env, stdout=log, stderr=log)
            for command in commands
        ]
        delays = []
        try:
            bot_api.wait_for(lambda c: c.method == "deleteWebhook", timeout=30)
            time.sleep(2)  # the watcher has caught up and is idling
            client = client_for(dovecot)
            for n, (reference, message_id) in enumerate(sent):
                since = bot_api.mark()
                started = time.monotonic()
                client.append("INBOX", reply(n, reference, message_id))
                call = bot_api.wait_for(
                    lambda c, since=since, reference=reference: (
                        c in bot_api.calls[since:]
                        and c.method == "sendMessage"
                        and reference in (c.params.get("text") or "")
                    ),
                    timeout=30,
                )
                delays.append(call.at - started)
                time.sleep(0.2)
            client.logout()
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    log.flush()
                    print((Path(folder) / "foibot.log").read_text()[-3000:], file=sys.stderr)
                    raise
            bot_api.stop()
            smtp.stop()
            dovecot.stop()
    delays.sort()
    p95 = delays[min(len(delays) - 1, round(0.95 * (len(delays) - 1)))]
    backend = "PostgreSQL" if args.database_url else "SQLite"
    how = "four processes, one part each" if args.split else "`foibot run`"
    print(f"reply → notice over {len(delays)} replies ({backend}, {how}, Dovecot IDLE on 127.0.0.1):")
    print(f"  p50 {statistics.median(delays) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, worst {delays[-1] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
