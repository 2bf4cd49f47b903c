"""Ingest throughput from a real Dovecot mailbox, and matching time at scale.

    .venv/bin/python bench/ingest.py [--messages 2000] [--requests 1000 100000]

1. Sends 200 requests the way the product does (queued, marked sent), appends
   N replies to them to a private Dovecot, then in the same run times a bare
   imapclient FETCH of all of them, foibot's store (FETCH → one insert per
   batch → cursor) and the whole path: the watcher storing while --workers
   processing workers process, as deployed with `foibot run --only process`
   (long-running, so they are started and warmed up before the clock: claim,
   parse, match, attach, analyse; SQLite). Each is the best of three runs
   taken in turns (the store and the whole path each on a fresh copy of the
   seeded database); it prints each rate with its ratio to the bare FETCH.
2. Fills a database with R requests (references, authority references, sent
   messages) and times matching one reply by thread, by our reference, by an
   authority reference and by nothing at all (median of 25 runs each).
Needs Dovecot (dovecot-imapd) installed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from foi.references import new_reference  # noqa: E402
from mail.imap import connect, logout  # noqa: E402
from mail.matching import match  # noqa: E402
from mail.parse import parse_message  # noqa: E402
from mail.watcher import (
    FETCH_BATCH,  # noqa: E402
    MailboxWatcher,  # noqa: E402
)
from service import outgoing  # noqa: E402
from service.ingest import InboxProcessor  # noqa: E402
from storage import outbox  # noqa: E402
from storage.db import Database, open_database, upgrade  # noqa: E402
from storage.inbox import SqlMatchLookup  # noqa: E402
from storage.models import (  # noqa: E402
    AuthorityDomain,
    AuthorityReference,
    AuthorityRow,
    FoiRequestRow,
    MessageLink,
    MessageRow,
    User,
)
from tests.bot_harness import MAILBOX  # noqa: E402
from tests.factories import make_draft  # noqa: E402
from tests.mail_fixtures import crlf  # noqa: E402
from tests.servers.dovecot import Dovecot, find_dovecot  # noqa: E402
from tests.servers.imap_helpers import client_for, config_for  # noqa: E402


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


REPLIED_REQUESTS = 200  # the replies answer these requests, sent the way the product sends them


def sent_requests(db, count: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Queue ``count`` requests and mark them sent, as the outbox does; return (reference, Message-ID) of each."""
    sent = []
    when = now() - dt.timedelta(days=3)
    with db.unit_of_work() as session:
        for n in range(count):
            request = make_draft(session, telegram_id=1, email=f"foi@council{n}.gov.uk", title=f"Topic {n}")
            queued = outgoing.queue_request(session, request, MAILBOX, when)
            outgoing.mark_sent(session, outbox.claim(session, queued.outbox_id, when, dt.timedelta(minutes=1)), when)
            sent.append((queued.reference, queued.message_id))
    return sent


def sample_mail(n: int, sent: list[tuple[str, str]]) -> bytes:
    reference, message_id = sent[n % len(sent)]
    council = n % len(sent)
    return crlf(
        f"""
        From: FOI Team <foi@council{council}.gov.uk>
        To: foibot@example.org
        Subject: Re: Freedom of Information request - Topic {council} [{reference}]
        Message-ID: <bench-{n}@council{council}.gov.uk>
        In-Reply-To: {message_id}
        Date: Thu, 06 Jun 2024 10:00:00 +0100
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        Dear requester,

        Our ref: {100000 + n}

        Thank you for your request for information about topic {n}. The council holds
        the information requested and the answers to your questions are below.
        """
        + "\n        Paragraph of a typical reply letter with some words in it." * 30
    )


def process_worker(url: str, name: str, ready, go, stored_all, results) -> None:  # type: ignore[no-untyped-def]
    """One processing worker, as `foibot run --only process`: reports (processed, attached) once all is done.

    It is started and warmed up (Python and its imports loaded, the database
    opened, ``warm_up`` run, the heap frozen) before the clock runs, as a
    long-running worker is. It then processes while the watcher stores, as
    deployed: where the watcher would wake it, it looks again every few
    milliseconds, and it stops after a pass begun once everything was stored.
    """
    db = open_database(url)
    processor = InboxProcessor(db, now, worker=name)
    processor.warm_up()  # as `foibot run` does at start
    gc.freeze()
    ready.put(name)
    go.wait()
    done = []
    while True:
        last_pass = stored_all.is_set()  # set before this pass began: it finds whatever is left
        found = processor.process_pending()
        done.extend(found)
        if last_pass:
            break
        if not found:
            time.sleep(0.002)
    db.dispose()
    results.put((len(done), sum(1 for result in done if result.state == "matched")))


def bare_fetch(server: Dovecot) -> tuple[float, int]:
    """Fetch every message in FETCH_BATCH batches with imapclient alone; return (seconds, messages)."""
    started = time.perf_counter()
    bare = connect(config_for(server))
    bare.select_folder("INBOX", readonly=True)
    uids = bare.search(["ALL"])
    fetched = 0
    for start in range(0, len(uids), FETCH_BATCH):
        fetched += len(bare.fetch(uids[start : start + FETCH_BATCH], ["BODY.PEEK[]"]))
    logout(bare)
    return time.perf_counter() - started, fetched


def fresh_copy(seeded: Path, url: str) -> Database:
    """Replace the bench database with the seeded one (requests sent, nothing received) and open it."""
    target = Path(url.removeprefix("sqlite:///"))
    for stale in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(seeded, target)
    return open_database(url)


def store_only(server: Dovecot, seeded: Path, url: str) -> tuple[float, int]:
    """The watcher's catch-up alone, nothing processed; return (seconds, messages stored)."""
    db = fresh_copy(seeded, url)
    watcher = MailboxWatcher(config_for(server), db, lambda: None, now)
    started = time.perf_counter()
    stored = watcher.sync_once()
    seconds = time.perf_counter() - started
    db.dispose()
    return seconds, stored


def whole_path(server: Dovecot, seeded: Path, url: str, workers: int) -> tuple[float, int, int, int]:
    """Store with the watcher while ``workers`` processes process; return (seconds, stored, processed, attached)."""
    db = fresh_copy(seeded, url)
    context = multiprocessing.get_context("spawn")
    results, ready, go, stored_all = context.Queue(), context.Queue(), context.Event(), context.Event()
    pool = [
        context.Process(target=process_worker, args=(url, f"w{i}", ready, go, stored_all, results))
        for i in range(workers)
    ]
    for process in pool:
        process.start()
    for _ in pool:
        ready.get(timeout=120)
    watcher = MailboxWatcher(config_for(server), db, lambda: None, now)  # the workers look for themselves
    started = time.perf_counter()
    go.set()
    stored = watcher.sync_once()
    stored_all.set()
    counts = [results.get(timeout=600) for _ in pool]
    seconds = time.perf_counter() - started
    for process in pool:
        process.join()
    db.dispose()
    return seconds, stored, sum(total for total, _ in counts), sum(matched for _, matched in counts)


RUNS = 3  # each figure is the best of three, taken in turns: a slow moment of the machine must not move a ratio


def bench_ingest(messages: int, workers: int) -> None:
    binary = find_dovecot()
    if binary is None:
        print("ingest: Dovecot is not installed; skipped")
        return
    server = Dovecot(binary).start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            seeded = Path(folder) / "seeded.sqlite3"
            upgrade(f"sqlite:///{seeded}")
            db = open_database(f"sqlite:///{seeded}")
            sent = sent_requests(db, REPLIED_REQUESTS)
            db.dispose()  # the seeded file is whole (no WAL beside it) for each run's copy
            client = client_for(server)
            for n in range(messages):
                client.append("INBOX", sample_mail(n, sent))
            client.logout()
            url = f"sqlite:///{folder}/bench.sqlite3"

            # In turns (bare, store, whole; three times): each figure's runs span the same minutes of the machine.
            bare, store, whole = [], [], []
            for _ in range(RUNS):
                bare.append(bare_fetch(server))
                store.append(store_only(server, seeded, url))
                whole.append(whole_path(server, seeded, url, workers))
        assert all(fetched == messages for _, fetched in bare), bare
        assert all(stored == messages for _, stored in store), store
        assert all(stored == done == attached == messages for _, stored, done, attached in whole), whole
        bare_rate = messages / min(seconds for seconds, *_ in bare)
        print(f"ingest: {messages} messages from Dovecot on 127.0.0.1, SQLite, {workers} processing workers")
        print(f"  each figure is the best of {RUNS} runs (all runs' seconds in brackets)")
        for name, runs in (
            ("bare imapclient FETCH", bare),
            ("store (fetch, one insert per batch, cursor)", store),
            ("whole path (store, parse, match, analyse)", whole),
        ):
            times = [seconds for seconds, *_ in runs]
            rate = messages / min(times)
            spread = ", ".join(f"{t:.2f}" for t in times)
            print(f"  {name:<45} {rate:8.1f} msg/s ({spread} s)  {rate / bare_rate:5.2f}× bare")
        print(f"  attached to their requests and analysed: {whole[0][3]} of {messages}, in each run")
    finally:
        server.destroy()


def fill(db, requests: int) -> dict[str, str]:
    """Insert ``requests`` sent requests; return sample keys to match on."""
    rng = random.Random(1)
    with db.unit_of_work() as session:
        session.execute(insert(User), [{"id": 1, "telegram_id": 1, "real_name": "Bench", "conversation": {}}])
        session.execute(
            insert(AuthorityRow),
            [
                {"id": a, "name": f"Council {a}", "foi_email": f"foi@council{a}.gov.uk", "tags": []}
                for a in range(1, 501)
            ],
        )
        session.execute(
            insert(AuthorityDomain), [{"authority_id": a, "domain": f"council{a}.gov.uk"} for a in range(1, 501)]
        )
        references = set()
        while len(references) < requests:
            references.add(new_reference(rng.choice))
        references_list = sorted(references)
        rows, refs, messages, links = [], [], [], []
        for i, reference in enumerate(references_list, start=1):
            rows.append(
                {"id": i, "reference": reference, "owner_id": 1, "authority_id": (i % 500) + 1, "title": f"T{i}",
                 "status": "sent"}
            )  # fmt: skip
            refs.append({"request_id": i, "reference": f"Our ref {900000 + i}", "normalized": str(900000 + i)})
            messages.append(
                {"id": i, "direction": "out", "raw_sha256": f"{i:064x}", "size": 1,
                 "message_id_header": f"<{reference.lower()}.bench@example.org>", "to_addresses": [], "parse_notes": []}
            )  # fmt: skip
            links.append({"message_id": i, "request_id": i, "reason": "sent", "status": "attached"})
        for table, data in (
            (FoiRequestRow, rows),
            (AuthorityReference, refs),
            (MessageRow, messages),
            (MessageLink, links),
        ):
            for start in range(0, len(data), 5000):
                session.execute(insert(table), data[start : start + 5000])
    middle = requests // 2
    return {
        "reference": references_list[middle - 1],
        "authority_ref": str(900000 + middle),
        "thread": f"<{references_list[middle - 1].lower()}.bench@example.org>",
    }


def timed(db, raw: bytes, runs: int = 25) -> float:
    parsed = parse_message(raw)
    times = []
    for _ in range(runs):
        with db.unit_of_work() as session:
            started = time.perf_counter()
            match(parsed, SqlMatchLookup(session))
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def bench_matching(sizes: list[int]) -> None:
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/match.sqlite3"
            upgrade(url)
            db = open_database(url)
            keys = fill(db, size)
            sender = "From: foi@council7.gov.uk\r\nTo: foibot@example.org\r\n"
            cases = {
                "thread (In-Reply-To)": f"{sender}In-Reply-To: {keys['thread']}\r\nSubject: Re\r\n\r\nHi\r\n",
                "our reference": f"{sender}Subject: Re: [{keys['reference']}]\r\n\r\nHi\r\n",
                "authority reference": f"{sender}Subject: Your request {keys['authority_ref']}\r\n\r\nHi\r\n",
                "no match (holding pen)": f"{sender}Subject: Newsletter 2024\r\n\r\nSpring edition, issue 12.\r\n",
            }
            print(f"matching with {size:,} requests in the database (SQLite), median of 25:")
            for name, raw in cases.items():
                print(f"  {name:<24} {timed(db, raw.encode()):7.2f} ms")
            db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--requests", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1), help="processing workers")
    args = parser.parse_args()
    bench_ingest(args.messages, args.workers)
    bench_matching(args.requests)


if __name__ == "__main__":
    main()
