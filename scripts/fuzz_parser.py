#!/usr/bin/env python3
"""Fuzz the inbound path: mutate real-shaped emails and run each through parse → label → match → analyse.

    .venv/bin/python scripts/fuzz_parser.py [--cases 100000] [--seed 1] [--seconds 30] [FOLDER...]

Seeds are the project's own fixtures (tests/mail_fixtures.py) and, when
present, the real-world emails in ../shared/fixtures/mail. Each case is a
seed with random byte flips, cuts, duplications, inserted hostile runs
(NULs, "=?", "[", "ref   ", "begin 644", deep nesting) or swapped charset
names. Prints how many cases ran, every unhandled exception class with one
example, and the slowest cases; exit code 1 when anything raised or a case
ran past --seconds.
"""

from __future__ import annotations

import argparse
import collections
import random
import signal
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from foi.analysis import analyse  # noqa: E402
from foi.authority_refs import find_authority_refs, reference_tokens  # noqa: E402
from foi.references import find_references  # noqa: E402
from mail.authresults import read_authentication  # noqa: E402
from mail.autoreply import label_for  # noqa: E402
from mail.matching import quoted_message_ids  # noqa: E402
from mail.parse import parse_message  # noqa: E402
from tests.mail_fixtures import FIXTURES  # noqa: E402

HOSTILE = [
    b"\x00" * 64,
    b"=?utf-8?q?" * 400,
    b"[" * 4000,
    b"ref" + b" " * 4000,
    b"begin 644 " + b" " * 4000,
    b"_" * 8000,
    b"<http://" * 500,
    b"=?utf-7?q?+2D0-?=",
    b'charset="utf-8\x00x"',
    b"Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\n" * 200,
    "FOI-7\u212a3M9Q \u0130".encode(),
    b"xn--zz@xn--.com",
]


class Overrun(Exception):
    pass


def _alarm(*_: object) -> None:
    raise Overrun


def seeds(folders: list[Path]) -> list[tuple[str, bytes]]:
    found = [(name, build()) for name, build in sorted(FIXTURES.items())]
    for folder in folders:
        for path in sorted(folder.rglob("*.eml")):
            found.append((str(path.relative_to(folder)), path.read_bytes()))
    return found


def mutate(raw: bytes, rng: random.Random) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        position = rng.randrange(len(data) + 1) if data else 0
        if choice < 0.35 and data:
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif choice < 0.5:
            data = data[:position]
        elif choice < 0.6:
            data = data[:position] + data + data[position:]
        elif choice < 0.9:
            data[position:position] = rng.choice(HOSTILE) * rng.randint(1, 5)
        else:
            data = data.replace(b"utf-8", rng.choice([b"utf-7", b"x-bogus\x00", b"idna", b"punycode"]))
    return bytes(data)


def run_case(raw: bytes) -> None:
    parsed = parse_message(raw)
    label_for(parsed)
    read_authentication(parsed.headers)
    quoted_message_ids(parsed)
    text = f"{parsed.subject}\n{parsed.full_text()}"
    find_references(text)
    find_authority_refs(text)
    reference_tokens(text)
    analyse(parsed.full_text(), subject=parsed.subject, label=None)
    for value in (parsed.subject, parsed.text, *(a.filename or "" for a in parsed.attachments)):
        value.encode("utf-8")  # printable and storable, or this raises


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, help="more folders of .eml files")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=30.0, help="a case running longer counts as a failure")
    args = parser.parse_args()
    shared = ROOT.parent / "shared" / "fixtures" / "mail"
    folders = args.folders or ([shared] if shared.is_dir() else [])
    corpus = seeds(folders)
    rng = random.Random(args.seed)
    errors: dict[str, tuple[int, str, str]] = {}
    counts: collections.Counter[str] = collections.Counter()
    slowest: list[tuple[float, str]] = []
    signal.signal(signal.SIGALRM, _alarm)
    started = time.monotonic()
    for case in range(args.cases):
        name, raw = rng.choice(corpus)
        mutated = mutate(raw, rng)
        began = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, args.seconds)
        try:
            run_case(mutated)
        except Overrun:
            counts["overrun"] += 1
            errors.setdefault("overrun", (case, name, f"ran past {args.seconds:g} s"))
        except Exception as exc:  # what the fuzzer is looking for
            kind = exc.__class__.__name__
            counts[kind] += 1
            errors.setdefault(kind, (case, name, traceback.format_exc(limit=-3)))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        elapsed = time.perf_counter() - began
        slowest = sorted([*slowest, (elapsed, f"case {case} from {name} ({len(mutated):,} bytes)")], reverse=True)[:5]
        if (case + 1) % 1000 == 0:
            print(
                f"{case + 1:,} cases, {sum(counts.values())} failures, {time.monotonic() - started:.0f} s", flush=True
            )
    print(f"\n{args.cases:,} cases from {len(corpus)} seeds in {time.monotonic() - started:.1f} s")
    for kind, (case, name, detail) in sorted(errors.items()):
        print(f"\n{kind}: {counts[kind]} case(s); first: case {case} from {name}\n{detail}")
    print("\nslowest:")
    for elapsed, what in slowest:
        print(f"  {elapsed * 1000:8.1f} ms  {what}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
