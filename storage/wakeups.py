"""Wake-ups: tell whoever waits for work that there is some, at once — in this process, and across
processes on PostgreSQL (LISTEN/NOTIFY). Polling stays, slower, as the fallback.

Channels: ``INBOX`` (mail was stored: process it), ``NOTICES`` (a reply or
held mail is ready to be told). A wake-up carries no data; the waiting part
reads the database as it would on a poll, so a lost or repeated wake-up
costs nothing but time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import text

from storage.db import Database

log = logging.getLogger(__name__)

INBOX = "foibot_inbox"
NOTICES = "foibot_notices"


class Wakeups:
    """Subscribers per channel in this process, and PostgreSQL's NOTIFY for the others."""

    def __init__(self, database: Database | None = None) -> None:
        self._database = database
        self._subscribers: dict[str, list[Callable[[], None]]] = {}
        self._lock = threading.Lock()

    @property
    def across_processes(self) -> bool:
        return self._database is not None and self._database.engine.dialect.name == "postgresql"

    def subscribe(self, channel: str, callback: Callable[[], None]) -> None:
        """Call ``callback`` (from any thread; it must be quick) on each wake-up of ``channel``."""
        with self._lock:
            self._subscribers.setdefault(channel, []).append(callback)

    def wake(self, channel: str) -> None:
        """Wake this process's subscribers, and on PostgreSQL every process listening."""
        self._wake_here(channel)
        if self.across_processes:
            assert self._database is not None
            try:
                with self._database.engine.begin() as connection:
                    connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": channel})
            except Exception as exc:  # the poll will find the work anyway
                log.warning("could not send a wake-up on %s: %s", channel, exc)

    def _wake_here(self, channel: str) -> None:
        with self._lock:
            callbacks = list(self._subscribers.get(channel, ()))
        for callback in callbacks:
            try:
                callback()
            except Exception:
                log.exception("a wake-up subscriber failed")

    def listen(self, channels: list[str], stop: threading.Event) -> threading.Thread | None:
        """On PostgreSQL, start a thread that turns NOTIFYs from other processes into local wake-ups."""
        if not self.across_processes:
            return None
        thread = threading.Thread(target=self._listen, args=(channels, stop), name="foibot-listen", daemon=True)
        thread.start()
        return thread

    def _listen(self, channels: list[str], stop: threading.Event) -> None:
        import psycopg

        assert self._database is not None
        url = self._database.engine.url.set(drivername="postgresql")
        while not stop.is_set():
            try:
                with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as connection:
                    for channel in channels:
                        connection.execute(f'LISTEN "{channel}"')
                    while not stop.is_set():
                        for notice in connection.notifies(timeout=1.0):
                            self._wake_here(notice.channel)
            except Exception as exc:
                log.warning("wake-up listener lost its connection (%s); polling meanwhile", exc)
                stop.wait(5)
