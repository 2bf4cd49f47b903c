"""Updates per second through the compose flow: python-telegram-bot over HTTP, Bot API stand-in, SQLite.

    .venv/bin/python bench/bot.py [--users 20] [--runs 3]

Each simulated user runs the whole compose flow (11 updates: /start, name,
/new, search, pick, title, three questions, a sub-item button and text,
preview) at the same time as the others; the figure is updates handled per
second of wall time, median of the runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.directory import import_directory  # noqa: E402
from storage.db import open_database, upgrade  # noqa: E402
from tests.bot_harness import RunningBot  # noqa: E402
from tests.integration.test_bot import Chat  # noqa: E402
from tests.servers.botapi import BotApiServer  # noqa: E402


def user_flow(server: BotApiServer, user_id: int, counter: list[int]) -> None:
    chat = Chat(server, user_id, settle=0.05)
    steps = [
        lambda: chat.say("/start"),
        lambda: chat.say("Ada Lovelace"),
        lambda: chat.say("/new"),
        lambda: chat.say("barnet"),
        lambda: chat.press(chat.button("London Borough of Barnet")),
        lambda: chat.say("Remote working 2020"),
        lambda: chat.say("Policies for remote working since January 2020"),
        lambda: chat.say("Number of laptops bought in 2020"),
        lambda: chat.press(chat.button("➕ Sub-item to 2")),
        lambda: chat.say("Tablets"),
        lambda: chat.press("pv"),
    ]
    for step in steps:
        step()
        counter[0] += 1


def one_run(users: int, rate_limit: bool) -> float:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        upgrade(url)
        db = open_database(url)
        with db.unit_of_work() as session:
            import_directory(session, [{"name": "London Borough of Barnet", "foi_email": "foi@barnet.gov.uk"}])
        server = BotApiServer().start()
        bot = RunningBot(server, db, lambda: dt.datetime.now(dt.UTC), rate_limit=rate_limit).start()
        counter = [0]
        threads = [threading.Thread(target=user_flow, args=(server, 10_000 + n, counter)) for n in range(users)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        bot.stop()
        server.stop()
        db.dispose()
        return counter[0] / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"bot benchmark: {args.users} users at once, 11 updates each, {args.runs} runs (Bot API stand-in, SQLite)")
    for rate_limit, label in ((True, "with Telegram's 30 msg/s limiter"), (False, "handlers alone, no limiter")):
        rates = [one_run(args.users, rate_limit) for _ in range(args.runs)]
        runs = ", ".join(f"{r:.1f}" for r in rates)
        print(f"  {label:<34} median {statistics.median(rates):6.1f} updates/s  runs: {runs}")
    print("  (the simulated client waits for each reply plus a 0.05 s quiet spell before its next step)")


if __name__ == "__main__":
    main()
