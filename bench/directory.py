"""Importing a directory of 30,000 bodies, importing it again, and searching it.

    .venv/bin/python bench/directory.py [--bodies 30000] [--searches 200] [--database-url URL]

Writes a CSV in our format (name, foi_email, nation, tags; a tenth with
extra domains) and one in WhatDoTheyKnow's (no addresses), runs
`foibot authorities import` on each as a user would, imports ours again
(nothing changes), then times searches with and without typos through the
same function the chat uses. Goals: import ≤ 10 s, search p95 ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.directory import find_authorities  # noqa: E402
from storage.db import open_database, upgrade  # noqa: E402

PLACES = ["Barnet", "Camden", "Leeds", "York", "Hull", "Bristol", "Cardiff", "Dundee", "Belfast", "Norwich",
          "Exeter", "Durham", "Salford", "Stirling", "Wrexham", "Newry", "Oxford", "Reading", "Luton",
          "Derby"]  # fmt: skip
KINDS = ["Council", "Borough Council", "City Council", "Police", "NHS Trust", "Fire and Rescue Service",
         "Academy Trust", "Primary School", "Parish Council", "University", "Clinical Commissioning Group"]  # fmt: skip


def names(count: int) -> list[str]:
    rng = random.Random(3)
    made: list[str] = []
    seen: set[str] = set()
    while len(made) < count:
        name = f"{rng.choice(PLACES)} {rng.choice(['', 'North ', 'South ', 'East ', 'West '])}{rng.choice(KINDS)}"
        name = f"{name} {len(made)}" if name in seen else name
        seen.add(name)
        made.append(" ".join(name.split()))
    return made


def write_ours(path: Path, bodies: list[str]) -> None:
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "foi_email", "nation", "domains", "tags"])
        for n, name in enumerate(bodies):
            domain = f"body{n}.gov.uk"
            extra = f"*.{domain}" if n % 10 == 0 else ""
            writer.writerow([name, f"foi@{domain}", "scotland" if "Dundee" in name else "england", extra, "local"])


def write_wdtk(path: Path, bodies: list[str]) -> None:
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Name", "Short name", "URL name", "Tags", "Home page", "Publication scheme",
                         "Disclosure log", "Notes", "Created at", "Updated at", "Version"])  # fmt: skip
        for n, name in enumerate(bodies):
            tags = "local_council" + (" scotland" if "Dundee" in name else "") + (" defunct" if n % 97 == 0 else "")
            writer.writerow([f"WDTK {name}", "", f"wdtk_{n}", tags, "", "", "", "", "2020-01-01", "2024-01-01", "3"])


def run_import(env: dict[str, str], path: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "foibot", "authorities", "import", str(path)],
                          env=env, capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return seconds, done.stdout.splitlines()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=30000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/directory.sqlite3"
        upgrade(url)
        env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
        bodies = names(args.bodies)
        ours, wdtk = Path(folder, "bodies.csv"), Path(folder, "all-authorities.csv")
        write_ours(ours, bodies)
        write_wdtk(wdtk, bodies)
        print(f"directory: {args.bodies:,} bodies, {open_database(url).engine.dialect.name}, "
              "`foibot authorities import` as a process (start-up included)")  # fmt: skip
        for label, path in (("import (ours)", ours), ("import again (ours)", ours), ("import (WhatDoTheyKnow)", wdtk)):
            seconds, said = run_import(env, path)
            print(f"  {label:<26} {seconds:6.2f} s   {said}")
        db = open_database(url)
        rng = random.Random(5)
        queries = []
        for _ in range(args.searches):
            name = rng.choice(bodies)
            word = rng.choice(name.split()[:2])
            typo = word[:2] + word[3:] if len(word) > 4 and rng.random() < 0.5 else word
            queries.append(f"{typo} {rng.choice(['council', 'police', 'school', ''])}".strip())
        times, found = [], 0
        for query in queries:
            with db.unit_of_work() as session:
                started = time.perf_counter()
                hits = find_authorities(session, query, user_id=None)
                times.append((time.perf_counter() - started) * 1000)
                found += bool(hits)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"  search ({args.searches} queries, half with a typo): p50 {statistics.median(times):.1f} ms, "
              f"p95 {p95:.1f} ms; {found} of {len(queries)} found something")  # fmt: skip
        db.dispose()


if __name__ == "__main__":
    main()
