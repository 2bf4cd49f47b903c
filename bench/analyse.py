"""Milliseconds to analyse a typical reply letter, after warm-up.

    .venv/bin/python bench/analyse.py [--runs 200]

Letters: the shared seed letter when it is beside the project, plus letters
of our own (an acknowledgement, a refusal, a restated multi-part answer), each
with and without the request's questions. Prints the median and the 95th
percentile per letter.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from foi.analysis import analyse  # noqa: E402
from foi.analysis.text import parse_date  # noqa: E402
from foi.questions import parse_questions  # noqa: E402
from tests.unit.test_analysis import LETTERS, RESTATED, SEED_PARTS  # noqa: E402

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "barnet-foi-response-2020.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    cases = {
        "acknowledgement": (LETTERS["acknowledgement"], None),
        "refusal (cost)": (LETTERS["refusal_cost"], None),
        "restated answer, 4 parts": (RESTATED, parse_questions("1. number of fixed penalty notices issued in 2023\n"
                                     "2. copies of the enforcement policy\n3. cost of the enforcement contract\n"
                                     "4. number of appeals against notices in 2023\n")),
    }  # fmt: skip
    if SEED.exists():
        seed = SEED.read_text()
        cases["seed letter"] = (seed, None)
        cases["seed letter with its 8 parts"] = (seed, parse_questions(SEED_PARTS))
    started = time.perf_counter()
    analyse(LETTERS["extension_pit"])  # warm-up: dateparser loads its English data once
    print(f"analysis benchmark: warm-up {1000 * (time.perf_counter() - started):.0f} ms, then {args.runs} runs each")
    for name, (text, questions) in cases.items():
        times = []
        for _ in range(args.runs):
            parse_date.cache_clear()  # measure each letter as if its dates were new
            t0 = time.perf_counter()
            analyse(text, questions)
            times.append(1000 * (time.perf_counter() - t0))
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"  {name:<30} median {statistics.median(times):6.2f} ms   p95 {p95:6.2f} ms   ({len(text):,} chars)")


if __name__ == "__main__":
    main()
