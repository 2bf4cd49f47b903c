"""Messages per second through queue → SMTP → mark, against a local aiosmtpd.

    .venv/bin/python bench/outbox.py [--messages 200] [--runs 5] [--database-url URL]

Each run starts from an empty, migrated SQLite database (or the given URL's
fresh schema), queues N requests, then times one sender pass until every
message is accepted by aiosmtpd on 127.0.0.1 and marked sent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
warnings.filterwarnings("ignore")

from mail.compose import Mailbox  # noqa: E402
from mail.smtp import SmtpConfig, SmtpTransport  # noqa: E402
from service import outgoing  # noqa: E402
from service.sender import OutboxSender  # noqa: E402
from storage.db import open_database, upgrade  # noqa: E402
from tests.factories import make_draft  # noqa: E402
from tests.servers.smtp import SmtpServer  # noqa: E402


def one_run(messages: int, server: SmtpServer) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        upgrade(url)
        db = open_database(url)
        mailbox = Mailbox("foibot@example.org", "+")
        now = dt.datetime.now(dt.UTC)
        started = time.perf_counter()
        with db.unit_of_work() as session:
            for n in range(messages):
                request = make_draft(session, telegram_id=None, email=f"foi@council{n}.gov.uk", title=f"Bench {n}")
                outgoing.queue_request(session, request, mailbox, now)
        queued = time.perf_counter()
        before = len(server.deliveries)
        transport = SmtpTransport(SmtpConfig("127.0.0.1", server.port, security="plain"))
        report = OutboxSender(db, transport, lambda: dt.datetime.now(dt.UTC)).run_once()
        finished = time.perf_counter()
        db.dispose()
        assert len(report.sent) == messages and len(server.deliveries) - before == messages
        return messages / (queued - started), messages / (finished - queued)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    server = SmtpServer().start()
    try:
        results = [one_run(args.messages, server) for _ in range(args.runs)]
    finally:
        server.stop()
    queue_rates = [q for q, _ in results]
    send_rates = [s for _, s in results]
    print(f"outbox benchmark: {args.messages} messages per run, {args.runs} runs, SQLite, aiosmtpd on 127.0.0.1")
    print(f"  queue (letter + compose + commit): median {statistics.median(queue_rates):8.1f} msg/s")
    print(f"  send  (claim + SMTP + mark sent):  median {statistics.median(send_rates):8.1f} msg/s")
    print(f"  send runs: {', '.join(f'{r:.1f}' for r in send_rates)} msg/s")


if __name__ == "__main__":
    main()
