"""The dashboard's requests page for a user with many requests, over real HTTP (uvicorn on 127.0.0.1).

    .venv/bin/python bench/web.py [--requests 5000] [--others 20000] [--runs 40] [--database-url URL]

Seeds one user with --requests requests in realistic states and dates (and
other users with --others more, so the page must not read what is not its
user's), signs in through a one-time link, then times each kind of list page
--runs times and prints p50 and p95. Goal: p95 under 300 ms at 5,000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import random
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select  # noqa: E402

from foi.lifecycle import Status  # noqa: E402
from mail.compose import Mailbox  # noqa: E402
from service import web_access  # noqa: E402
from storage.db import open_database, upgrade  # noqa: E402
from storage.models import AuthorityRow, FoiRequestRow, Project, RequestTag, User  # noqa: E402
from tests.servers.web import WebServer  # noqa: E402
from web.app import Dashboard, create_app  # noqa: E402

TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
STATES = [  # (status, share)
    (Status.SENT, 0.25), (Status.ACKNOWLEDGED, 0.2), (Status.EXTENDED, 0.05), (Status.ANSWERED, 0.2),
    (Status.PARTLY_ANSWERED, 0.1), (Status.REFUSED, 0.08), (Status.REVIEW_REQUESTED, 0.07),
    (Status.COMPLAINT_MADE, 0.03), (Status.CLOSED, 0.02),
]  # fmt: skip


def seed(db, mine: int, others: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(7)
    with db.unit_of_work() as session:
        session.execute(insert(User), [{"id": u, "telegram_id": 9000 + u, "real_name": f"User {u}", "conversation": {}}
                                       for u in range(1, 52)])  # fmt: skip
        session.execute(insert(AuthorityRow), [{"id": a, "name": f"Council {a:03d}", "foi_email": f"foi@c{a}.gov.uk",
                                                "tags": []} for a in range(1, 401)])  # fmt: skip
        session.execute(insert(Project), [{"id": p, "owner_id": 1, "name": f"Project {p}"} for p in range(1, 21)])
        rows, tags = [], []
        statuses = [s for s, _ in STATES]
        weights = [w for _, w in STATES]
        for i in range(1, mine + others + 1):
            owner = 1 if i <= mine else 2 + i % 50
            sent = TODAY - dt.timedelta(days=rng.randint(1, 400))
            status = rng.choices(statuses, weights)[0]
            row = {
                "id": i, "reference": f"FOI-{i:07d}", "owner_id": owner, "authority_id": 1 + i % 400,
                "title": f"Request {i} about {rng.choice(['parking', 'schools', 'housing', 'roads', 'libraries'])}",
                "status": status.value, "received_on": sent, "reply_due_on": sent + dt.timedelta(days=28),
                "reply_due_lenient_on": sent + dt.timedelta(days=28), "very_overdue_on": sent + dt.timedelta(days=56),
                "project_id": (1 + i % 20) if owner == 1 and i % 3 == 0 else None,
            }  # fmt: skip
            if status in (Status.ANSWERED, Status.PARTLY_ANSWERED, Status.REFUSED, Status.REVIEW_REQUESTED):
                row["responded_on"] = sent + dt.timedelta(days=rng.randint(5, 40))
                row["review_request_by"] = row["responded_on"] + dt.timedelta(days=56)
            if status == Status.REVIEW_REQUESTED:
                row["review_reply_due_on"] = row["responded_on"] + dt.timedelta(days=40)
            rows.append(row)
            if owner == 1 and i % 4 == 0:
                tags.append({"request_id": i, "tag": rng.choice(["housing", "budget", "audit"])})
        for start in range(0, len(rows), 5000):
            session.execute(insert(FoiRequestRow), rows[start : start + 5000])
        session.execute(insert(RequestTag), tags)


def timed(opener, url: str, runs: int) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    times = []
    size = 0
    for _ in range(runs):
        started = time.perf_counter()
        with opener.open(url) as response:
            size = len(response.read())
            assert response.status == 200
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--others", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/web.sqlite3"
        upgrade(url)
        db = open_database(url)
        started = time.perf_counter()
        seed(db, args.requests, args.others)
        print(f"seeded {args.requests:,} requests for one user and {args.others:,} for 50 others "
              f"in {time.perf_counter() - started:.1f} s ({db.engine.dialect.name})")  # fmt: skip
        web = WebServer(
            create_app(Dashboard(db, Mailbox("foibot@example.org"), lambda: NOW, "http://127.0.0.1"))
        ).start()
        try:
            with db.unit_of_work() as session:
                user = session.scalar(select(User).where(User.id == 1))
                token = web_access.new_sign_in(session, user, NOW)
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            opener.open(urllib.request.Request(f"{web.url}/sign-in/{token}", data=b"", method="POST")).read()
            pages = {
                "all, next date first": "/requests",
                "overdue": "/requests?status=overdue",
                "sorted by body": "/requests?sort=authority",
                "text search": "/requests?q=housing",
                "tag and project": "/requests?tag=budget&project=Project+3",
                "page 50": "/requests?page=50",
            }
            print(f"requests page, {args.runs} runs each, over HTTP:")
            worst = 0.0
            for name, path in pages.items():
                p50, p95, size = timed(opener, web.url + path, args.runs)
                worst = max(worst, p95)
                print(f"  {name:<22} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  ({size // 1024} KB)")
            print(f"worst p95 {worst:.1f} ms (goal < 300 ms)")
        finally:
            web.stop()
            db.dispose()


if __name__ == "__main__":
    main()
