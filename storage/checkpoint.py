"""SQLite's WAL moved into the database file on a thread of its own, so that no commit waits for it.

By default SQLite checkpoints inside the commit that takes the WAL past a
thousand pages: that commit (a burst of mail stored, a user's button) then
waits for pages copied and the database file synced — tens of milliseconds,
far more on a slow disk. Connections of a database opened with a
checkpointer do not checkpoint (``wal_autocheckpoint=0``); instead, one
thread per database file and process runs a PASSIVE checkpoint (it never
waits for, nor blocks, a reader or a writer) whenever the WAL has changed,
at most every ``interval`` seconds. When the last connection closes, SQLite
checkpoints what is left, as it always does.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

INTERVAL = 1.0  # seconds between looks at the WAL

_lock = threading.Lock()
_running: dict[Path, Checkpointer] = {}


class Checkpointer:
    """Checkpoints one database file's WAL, while anything in this process holds it."""

    def __init__(self, database: Path, interval: float) -> None:
        self.database = database
        self.wal = database.with_name(database.name + "-wal")
        self.interval = interval
        self.users = 0
        self.checkpoints = 0  # how many were run (for tests and logs)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"sqlite-checkpoint:{database.name}", daemon=True)
        self._seen: tuple[int, int] | None = None  # the WAL's (size, mtime_ns) at the last checkpoint

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.checkpoint_if_changed()
            except Exception:  # a locked or vanished file: tried again at the next look
                log.debug("checkpoint of %s skipped", self.database, exc_info=True)

    def checkpoint_if_changed(self) -> bool:
        """Run a PASSIVE checkpoint when the WAL was written since the last one; return whether it ran."""
        try:
            stat = self.wal.stat()
        except FileNotFoundError:
            return False
        seen = (stat.st_size, stat.st_mtime_ns)
        if seen == self._seen or stat.st_size == 0:
            return False
        # mode=rw: a database removed meanwhile is not created again, empty.
        connection = sqlite3.connect(f"{self.database.as_uri()}?mode=rw", uri=True, timeout=1, isolation_level=None)
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            connection.close()
        self._seen = seen
        self.checkpoints += 1
        return True

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)


def hold(database: Path) -> Checkpointer:
    """Start (or share) the checkpointer of ``database``; pair with ``release``."""
    key = database.resolve()
    with _lock:
        checkpointer = _running.get(key)
        if checkpointer is None or not checkpointer._thread.is_alive():  # (a forked child has no thread of its own)
            checkpointer = _running[key] = Checkpointer(key, INTERVAL)
            checkpointer._thread.start()
        checkpointer.users += 1
        return checkpointer


def release(checkpointer: Checkpointer) -> None:
    """Let go of a checkpointer from ``hold``; the last user stops it, after a last checkpoint."""
    with _lock:
        checkpointer.users -= 1
        if checkpointer.users > 0:
            return
        if _running.get(checkpointer.database) is checkpointer:
            del _running[checkpointer.database]
    checkpointer.stop()
    try:
        checkpointer.checkpoint_if_changed()
    except Exception:
        log.debug("last checkpoint of %s skipped", checkpointer.database, exc_info=True)
