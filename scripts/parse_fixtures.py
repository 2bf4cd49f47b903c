"""Run the mail parser over a folder of real-world emails and report any crash.

    .venv/bin/python scripts/parse_fixtures.py [FOLDER ...]

Defaults to ../shared/fixtures/mail when it exists (it is not part of the
project). Prints one line per file: size, label, attachments, notes; exits 1
if the parser raised on any file.
"""

from __future__ import annotations

import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mail.autoreply import label_for  # noqa: E402
from mail.parse import parse_message  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "mail"


def main(folders: list[str]) -> int:
    roots = [Path(f) for f in folders] or ([DEFAULT] if DEFAULT.exists() else [])
    if not roots:
        print("no folder given and ../shared/fixtures/mail is not here; nothing to do")
        return 0
    files = sorted(p for root in roots for p in root.rglob("*.eml"))
    crashed = 0
    started = time.perf_counter()
    for path in files:
        raw = path.read_bytes()
        try:
            parsed = parse_message(raw)
            label = label_for(parsed)
        except Exception:
            crashed += 1
            print(f"CRASH {path}")
            traceback.print_exc()
            continue
        names = ", ".join(
            f"{a.filename or '?'} ({a.content_type}, {a.size:,} B, text {len(a.text or '')})"
            for a in parsed.attachments
        )
        print(
            f"ok {path.parent.name}/{path.name}: {len(raw):,} B, label={label}, text {len(parsed.text):,} chars, "
            f"subject={parsed.subject[:60]!r}"
        )
        if names:
            print(f"     attachments: {names}")
        if parsed.notes:
            print(f"     notes: {'; '.join(parsed.notes)}")
    elapsed = time.perf_counter() - started
    print(f"{len(files)} files, {crashed} crashed, {elapsed:.2f} s")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
