"""Copies of the database: SQLite's online backup while foibot runs, and putting a copy back.

PostgreSQL has its own tools (pg_dump, pg_restore); ``backup`` says so rather
than pretending. A SQLite copy is taken page by page by SQLite itself, so
writers carry on meanwhile and the copy is one consistent moment of the
database: each stored message is whole, with the watcher's cursor where it
stood then (a restore catches up on the rest from the mailbox).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.db import normalize_url


class BackupError(Exception):
    """The copy cannot be made or used; the message says why and what to do."""


@dataclass(frozen=True)
class Summary:
    revision: str | None
    requests: int
    messages: int


def sqlite_path(url: str) -> Path:
    """The file of a SQLite URL; BackupError for any other database."""
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(
            "this database is PostgreSQL: back it up with `pg_dump --format=custom --file FILE DATABASE_URL` "
            "and restore with `pg_restore --clean --dbname DATABASE_URL FILE` (foibot can stay running for pg_dump)"
        )
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory database has nothing to back up")
    return Path(parsed.database)


def summary(path: Path) -> Summary:
    """What a foibot SQLite file holds; BackupError when it is not one."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"{path}: the file is damaged (SQLite's check failed)")
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            requests = connection.execute("SELECT count(*) FROM requests").fetchone()[0]
            messages = connection.execute("SELECT count(*) FROM messages").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a foibot database ({exc})") from None
    return Summary(revision[0] if revision else None, requests, messages)


def _copy(source: Path, target: Path, progress: Callable[[int, int], None] | None) -> None:
    def report(_status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(total - remaining, total)

    src, dst = sqlite3.connect(source, timeout=30), sqlite3.connect(target, timeout=30)
    try:
        # SQLite's online backup, in one step: one consistent moment; in WAL mode writers carry on meanwhile.
        src.backup(dst, pages=-1, progress=report)
    finally:
        dst.close()
        src.close()


def backup(url: str, target: Path, progress: Callable[[int, int], None] | None = None) -> Summary:
    """Copy the running SQLite database to ``target`` (a new file); return what the copy holds."""
    source = sqlite_path(url)
    if not source.is_file():
        raise BackupError(f"{source}: the database does not exist yet")
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        _copy(source, partial, progress)
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    return summary(target)


def restore(url: str, copy: Path, progress: Callable[[int, int], None] | None = None) -> Summary:
    """Put a backup in place of the SQLite database at ``url`` (stop foibot first); return what it holds."""
    target = sqlite_path(url)
    held = summary(copy)  # refuse anything that is not a whole foibot database before touching the live one
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(copy, target, progress)
    return held
