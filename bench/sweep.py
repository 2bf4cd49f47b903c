"""How long the follow-up sweep takes as the instance grows: the first sweep, and a steady one.

    .venv/bin/python bench/sweep.py [--sizes 1000 10000 100000] [--database-url URL]

For each size N, a fresh database (SQLite in a temporary folder, or the
given PostgreSQL URL, emptied first) is filled with N open requests spread
over 1,000 users, in the states and with the dates the product writes:
waiting at every point of their 20 working days, overdue, chased, extended,
partly answered with parts unanswered, refused, in review, reviewed.
Some are snoozed, some have reminders off. Then it times

- the first sweep: every request is looked at (as after the migration), and
  the prompts due are claimed and "told" (to nobody);
- a steady sweep: the same day again, when nothing has changed (the median
  of five; on PostgreSQL after a VACUUM ANALYZE, as autovacuum would run
  after the first sweep moved every request on at once).

and prints ``sweep N requests: first X s (P prompts), steady Y s``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
warnings.filterwarnings("ignore")

from sqlalchemy import insert, text  # noqa: E402

from foi import deadlines  # noqa: E402
from foi.laws import law_for  # noqa: E402
from service import prompts  # noqa: E402
from storage.db import open_database, upgrade  # noqa: E402
from storage.models import (  # noqa: E402
    AuthorityRow,
    FoiRequestRow,
    MessageLink,
    MessageRow,
    OutboxMessage,
    User,
)

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
TODAY = NOW.date()
USERS = 1000
STEADY_RUNS = 5  # the steady figure is their median
CHUNK = 5000


def _request(n: int, rng: random.Random, owner_id: int, authority_id: int) -> tuple[dict, str]:
    """One request row as the product would have written it, and what else it has (chased, partial)."""
    regime = "foisa" if n % 10 == 0 else "foia"
    law = law_for(regime)
    received = TODAY - dt.timedelta(days=rng.randint(0, 150))
    row = {
        "owner_id": owner_id,
        "authority_id": authority_id,
        "reference": f"FOI-B{n:07d}",
        "title": f"Request {n}",
        "regime": regime,
        "sent_at": dt.datetime.combine(received, dt.time(10), tzinfo=dt.UTC),
        "received_on": received,
        "reply_due_on": deadlines.reply_due(law, received),
        "reply_due_lenient_on": deadlines.reply_due_lenient(law, received, dt.time(10)),
        "very_overdue_on": deadlines.very_overdue(law, received),
        "status": "sent",
        "reminders_off": rng.random() < 0.03,
        "snoozed_until": TODAY + dt.timedelta(days=rng.randint(1, 20)) if rng.random() < 0.03 else None,
    }
    extra = ""
    roll = rng.random()
    if roll < 0.40:
        row["status"] = rng.choice(["sent", "acknowledged"])
        if received < TODAY - dt.timedelta(days=40) and rng.random() < 0.5:
            extra = "chased"
    elif roll < 0.45:
        row["status"] = "extended"
        row["extended_due_on"] = deadlines.extended_reply_due(law, received)
    elif roll < 0.70:
        responded = min(TODAY, row["reply_due_on"] - dt.timedelta(days=rng.randint(-10, 10)))
        row["status"] = rng.choice(["partly_answered", "refused", "answered"])
        row["responded_on"] = responded
        row["review_request_by"] = deadlines.review_request_by(law, responded)
        extra = "partial" if row["status"] != "refused" else ""
    elif roll < 0.80:
        asked = TODAY - dt.timedelta(days=rng.randint(0, 60))
        row["status"] = "review_requested"
        row["responded_on"] = asked - dt.timedelta(days=5)
        row["review_requested_on"] = asked
        row["review_reply_due_on"] = deadlines.review_reply_due(law, asked)
        row["review_reply_due_max_on"] = deadlines.review_reply_due_max(law, asked)
    elif roll < 0.85:
        decided = TODAY - dt.timedelta(days=rng.randint(0, 60))
        row["status"] = "review_answered"
        row["review_decided_on"] = decided
        row["complaint_by"] = deadlines.complaint_by(law, decided)
    else:
        row["status"] = rng.choice(["closed", "withdrawn"])  # not open: never read
    return row, extra


def seed(db, size: int) -> int:  # type: ignore[no-untyped-def]
    rng = random.Random(size)
    with db.unit_of_work() as session:
        session.execute(insert(User), [{"telegram_id": 10_000 + u, "conversation": {}} for u in range(USERS)])
        session.execute(
            insert(AuthorityRow),
            [{"name": f"Council {a}", "foi_email": f"foi@council{a}.gov.uk", "tags": []} for a in range(200)],
        )
        user_ids = [row[0] for row in session.execute(text("SELECT id FROM users ORDER BY id"))]
        authority_ids = [row[0] for row in session.execute(text("SELECT id FROM authorities ORDER BY id"))]
    coverage = [
        {"part": "1", "text": "How many", "status": "answered"},
        {"part": "2", "text": "What did it cost", "status": "not_answered"},
    ]
    for start in range(0, size, CHUNK):
        rows, extras = [], []
        for n in range(start, min(size, start + CHUNK)):
            row, extra = _request(n, rng, user_ids[n % USERS], authority_ids[n % len(authority_ids)])
            rows.append(row)
            extras.append(extra)
        with db.unit_of_work() as session:
            ids = session.execute(insert(FoiRequestRow).returning(FoiRequestRow.id), rows).scalars().all()
            chasers = [
                {
                    "request_id": request_id, "kind": "chaser", "status": "sent", "raw": b"x",
                    "message_id_header": f"<chaser-{request_id}@bench>", "mail_from": "foibot@example.org",
                    "recipients": ["foi@council.gov.uk"], "attempts": 1,
                    "created_at": NOW - dt.timedelta(days=5), "sent_at": NOW - dt.timedelta(days=rng.randint(1, 20)),
                }
                for request_id, extra in zip(ids, extras, strict=True) if extra == "chased"
            ]  # fmt: skip
            if chasers:
                session.execute(insert(OutboxMessage), chasers)
            partial = [request_id for request_id, extra in zip(ids, extras, strict=True) if extra == "partial"]
            if partial:
                message_ids = session.execute(
                    insert(MessageRow).returning(MessageRow.id),
                    [
                        {
                            "direction": "in", "raw": b"reply", "raw_sha256": f"{request_id:064d}", "size": 5,
                            "state": "matched", "stored_at": NOW - dt.timedelta(days=3), "to_addresses": [],
                            "parse_notes": [], "analysis": {"kind": "partial", "coverage": coverage},
                        }
                        for request_id in partial
                    ],
                ).scalars().all()  # fmt: skip
                session.execute(
                    insert(MessageLink),
                    [
                        {"message_id": m, "request_id": r, "reason": "our_reference", "status": "attached"}
                        for m, r in zip(message_ids, partial, strict=True)
                    ],
                )
    return size


def fresh_database(url: str | None, folder: str, size: int):  # type: ignore[no-untyped-def]
    if url is None:
        url = f"sqlite:///{folder}/sweep-{size}.sqlite3"
    else:
        with open_database(url).engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(url)
    return open_database(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--database-url", help="a PostgreSQL database to empty and use (default: SQLite)")
    args = parser.parse_args()
    prompts.rules_fingerprint()  # computed once per process: not part of any one sweep
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"sweep benchmark on {backend}, {USERS:,} users")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            db = fresh_database(args.database_url, folder, size)
            seed(db, size)
            started = time.perf_counter()
            told = prompts.sweep(db, NOW, lambda due: None)
            first = time.perf_counter() - started
            if args.database_url:
                # What autovacuum does after a mass change (here: every request moved on at once): without it
                # the index still holds an entry for each old "look now" row, and every steady sweep walks them.
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    connection.execute(text("VACUUM ANALYZE requests"))
            steadies = []
            for _ in range(STEADY_RUNS):
                started = time.perf_counter()
                again = prompts.sweep(db, NOW, lambda due: None)
                steadies.append(time.perf_counter() - started)
                assert again == [], "a steady sweep prompted again"
            steady = statistics.median(steadies)
            print(f"sweep {size} requests: first {first:.2f} s ({len(told)} prompts), steady {steady:.3f} s")
            db.dispose()


if __name__ == "__main__":
    main()
