"""SQLite's WAL is checkpointed by a thread, never inside a commit, and the data reaches the database file."""

import shutil
import sqlite3
import time

import pytest

from storage import checkpoint
from storage.db import open_database, upgrade
from storage.models import MessageRow

ROWS, SIZE = 1500, 4000  # about 6 MB: well past the thousand pages at which a commit would checkpoint


@pytest.fixture
def url(tmp_path):
    url = f"sqlite:///{tmp_path / 'foibot.sqlite3'}"
    upgrade(url)
    return url


def _write(db, rows=ROWS):
    for start in range(0, rows, 150):
        with db.unit_of_work() as session:
            for n in range(start, min(start + 150, rows)):
                session.add(MessageRow(direction="in", raw=bytes([n % 251]) * SIZE, raw_sha256=f"{n:064x}", size=SIZE))


def _rows_in_the_file_alone(tmp_path, database):
    """Count the messages in a copy of the database file without its WAL: what a checkpoint has moved there."""
    copy = tmp_path / "file-alone.sqlite3"
    shutil.copyfile(database, copy)
    connection = sqlite3.connect(copy)
    try:
        return connection.execute("SELECT count(*) FROM messages").fetchone()[0]
    finally:
        connection.close()


def test_commits_leave_the_wal_alone_and_the_checkpointer_moves_it_into_the_file(url, tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint, "INTERVAL", 3600.0)  # the thread waits: only the explicit call below runs
    db = open_database(url)
    try:
        _write(db)
        database = db.checkpointer.database
        assert db.checkpointer.wal.stat().st_size > 5_000_000  # no commit checkpointed (the WAL never restarted)
        assert _rows_in_the_file_alone(tmp_path, database) == 0
        assert db.checkpointer.checkpoint_if_changed() is True
        assert _rows_in_the_file_alone(tmp_path, database) == ROWS
        assert db.checkpointer.checkpoint_if_changed() is False  # nothing written since
    finally:
        db.dispose()


def test_the_thread_checkpoints_on_its_own(url, tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint, "INTERVAL", 0.05)
    db = open_database(url)
    try:
        _write(db, 300)
        deadline = time.monotonic() + 10
        while _rows_in_the_file_alone(tmp_path, db.checkpointer.database) < 300 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _rows_in_the_file_alone(tmp_path, db.checkpointer.database) == 300
        assert db.checkpointer.checkpoints >= 1
    finally:
        db.dispose()


def test_one_checkpointer_per_file_stopped_by_its_last_user(url, monkeypatch):
    monkeypatch.setattr(checkpoint, "INTERVAL", 3600.0)
    first, second = open_database(url), open_database(url)
    shared = first.checkpointer
    assert shared is second.checkpointer and shared.users == 2 and shared._thread.is_alive()
    first.dispose()
    assert shared._thread.is_alive() and second.checkpointer is shared
    _write(second, 10)
    second.dispose()  # the last user: a last checkpoint, then the thread ends
    assert not shared._thread.is_alive() and first.checkpointer is None and second.checkpointer is None
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        assert connection.execute("SELECT count(*) FROM messages").fetchone()[0] == 10


def test_a_removed_database_is_not_created_again(url, tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint, "INTERVAL", 3600.0)
    db = open_database(url)
    _write(db, 10)
    database, checkpointer = db.checkpointer.database, db.checkpointer
    database.unlink()
    with pytest.raises(sqlite3.OperationalError):
        checkpointer.checkpoint_if_changed()  # the thread logs this and looks again later
    assert not database.exists()
    db.engine.dispose()
    checkpoint.release(checkpointer)
