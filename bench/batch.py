"""How long a 500-body batch takes to make, preview and queue: the chat must stay responsive.

    .venv/bin/python bench/batch.py [--bodies 500] [--directory 5000] [--database-url URL]

Fills a database (SQLite in a temporary folder, or the given PostgreSQL URL,
emptied first) with a directory of D bodies, B of them tagged ``bench``, and
an instance already holding 20,000 requests (so nothing is measured on an
empty table). Then times, as the chat runs them, each in its own transaction:

- choose the bodies by tag and make the batch (one draft per body);
- preview every letter (each request gets its reference);
- queue them all (every letter composed and given its slot by the throttle).

and prints one line per step in seconds, with the goal (under 2 s each).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
warnings.filterwarnings("ignore")

from sqlalchemy import insert, text  # noqa: E402

from service import batches  # noqa: E402
from storage.db import open_database, upgrade  # noqa: E402
from storage.models import AuthorityRow, Base, FoiRequestRow, User  # noqa: E402
from tests.bot_harness import MAILBOX  # noqa: E402

QUESTIONS = """1. How much did {authority} spend on agency staff in each of the financial years 2022-23, 2023-24
   and 2024-25?
   a) in adult social care
   b) in children's services
   c) in total
2. How many agency workers did {authority} engage on 31 March 2025?
3. {note}
"""
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def fill(db, directory: int, tagged: int, existing: int) -> None:  # type: ignore[no-untyped-def]
    with db.unit_of_work() as session:
        session.execute(insert(User), [{"id": 1, "telegram_id": 1, "real_name": "Nellie Bly", "conversation": {}}])
        session.execute(
            insert(AuthorityRow),
            [
                {"id": a, "name": f"Council {a:05d}", "foi_email": f"foi@council{a}.gov.uk",
                 "tags": ["bench", "council"] if a <= tagged else ["council"]}
                for a in range(1, directory + 1)
            ],
        )  # fmt: skip
        rows = [
            {"owner_id": 1, "authority_id": (n % directory) + 1, "reference": f"FOI-X{n:07d}", "title": f"T{n}",
             "status": "sent", "regime": "foia"}
            for n in range(existing)
        ]  # fmt: skip
        for start in range(0, len(rows), 5000):
            session.execute(insert(FoiRequestRow), rows[start : start + 5000])


def timed(db, step):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    with db.unit_of_work() as session:
        result = step(session)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=500)
    parser.add_argument("--directory", type=int, default=5000)
    parser.add_argument("--existing", type=int, default=20000)
    parser.add_argument("--database-url")
    parser.add_argument("--profile", action="store_true", help="profile the queuing step")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/batch.sqlite3"
        if args.database_url:
            engine = open_database(url).engine
            Base.metadata.drop_all(engine)
            with engine.begin() as connection:
                connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
            engine.dispose()
        upgrade(url)
        db = open_database(url)
        fill(db, args.directory, args.bodies, args.existing)
        settings = batches.BatchSettings()

        def make(session):  # type: ignore[no-untyped-def]
            user = session.get(User, 1)
            chosen = batches.bodies_tagged(session, user, "bench")
            return batches.create(session, user, "Agency staff at {authority}", QUESTIONS, chosen.bodies, settings).id

        def preview(session):  # type: ignore[no-untyped-def]
            from storage.models import Project

            return len(batches.preview(session, session.get(Project, project_id)))

        def queue(session):  # type: ignore[no-untyped-def]
            from storage.models import Project

            return batches.queue(session, session.get(Project, project_id), MAILBOX, NOW, settings)

        made, project_id = timed(db, make)
        previewed, letters = timed(db, preview)
        if "--profile" in sys.argv:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.enable()
        queued, result = timed(db, queue)
        if "--profile" in sys.argv:
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        db.dispose()
    kind = "PostgreSQL" if args.database_url else "SQLite"
    held = f"{args.directory:,} in the directory, {args.existing:,} requests, {kind}"
    print(f"batch of {letters} bodies from a tag ({held}):")
    for name, seconds in (("choose and make", made), ("preview every letter", previewed), ("queue them all", queued)):
        print(f"  {name:<22} {seconds:6.2f} s   (goal < 2 s)")
    span = result.last_at - result.first_at
    print(f"  the throttle spreads them over {span} (first at +{result.first_at - NOW})")


if __name__ == "__main__":
    main()
