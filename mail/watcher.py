"""Watch an IMAP folder with IDLE and keep every message that arrives.

The loop (shared/STYLE.md "Mail durability", shared/TESTING.md pitfalls):

    connect → SELECT → catch up → IDLE ⇄ (EXISTS | renew timer) → DONE → catch up …
       ▲                                                                │
       └──────────── any connection error: back off, reconnect ◀───────┘

- Catch up = NOOP, then ``UID SEARCH UID last+1:*`` (keeping only UIDs above
  the cursor: ``N:*`` always returns the newest message), FETCH
  ``BODY.PEEK[]`` in batches, store each batch (one multi-row insert that
  skips duplicates) and advance the cursor in one transaction, then hand
  over to processing; repeat until nothing is new, and only then
  IDLE. (A SEARCH right after another session's APPEND can miss it.)
- ``\\Seen`` is never read or set: BODY.PEEK leaves flags alone.
- A new UIDVALIDITY starts a new epoch from UID 0; messages already kept
  are recognised by Message-ID and bytes and not stored twice.
- IDLE is re-issued every ``idle_renew`` seconds (well inside RFC 2177's 29
  minutes); an EXISTS buffered with the IDLE continuation is honoured; the
  responses ``idle_done()`` returns are followed by a catch-up anyway.
- imapclient's "unterminated line" during ``idle_check`` (issue #519), an
  ``idle_check`` that returns nothing at once (the server closed the socket)
  and every other connection error lead to a reconnect and a catch-up.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
from collections.abc import Callable

import imapclient

from mail.errors import AuthenticationFailure, TemporaryFailure
from mail.headers import header_message_id as header_id
from mail.imap import CONNECTION_ERRORS, ImapConfig, connect, logout
from storage import inbox
from storage.db import Database

log = logging.getLogger(__name__)

FETCH_BATCH = 200  # messages per FETCH (and per stored transaction)…
FETCH_BYTES = 32 * 1024 * 1024  # …and at most this many bytes, by RFC822.SIZE (one big message goes alone)


class MailboxWatcher:
    """Keeps one folder's messages in the database, within seconds of their arrival."""

    def __init__(
        self,
        config: ImapConfig,
        database: Database,
        process_pending: Callable[[], object],
        clock: Callable[[], dt.datetime],
        idle_renew: float = 300.0,
        idle_wait: float = 30.0,
        max_backoff: float = 60.0,
    ) -> None:
        self.config = config
        self.database = database
        self.process_pending = process_pending  # called after each stored batch
        self.clock = clock
        self.idle_renew = idle_renew
        self.idle_wait = idle_wait
        self.max_backoff = max_backoff
        self.connections = 0  # how many sessions were opened (for tests and logs)

    # --- one catch-up, for `foibot fetch` and the start of every session ---------

    def sync_once(self) -> int:
        """Connect, store and process everything new, disconnect; return how many were stored."""
        client = self._open()
        try:
            return self._catch_up(client)
        finally:
            logout(client)

    # --- the long-running loop ---------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Watch until ``stop`` is set; reconnect with backoff after any connection error."""
        failures = 0
        while not stop.is_set():
            client = None
            try:
                client = self._open()
                failures = 0
                self._catch_up(client)
                self._idle_loop(client, stop)
            except AuthenticationFailure:
                log.error("IMAP login refused for %s; check IMAP_USERNAME/IMAP_PASSWORD", self.config.username)
                stop.wait(self.max_backoff)
            except (TemporaryFailure, *CONNECTION_ERRORS) as exc:
                failures += 1
                delay = min(self.max_backoff, 0.5 * 2 ** min(failures, 8)) * (0.5 + random.random() / 2)
                log.warning("IMAP connection problem (%s); reconnecting in %.1f s", exc, delay)
                stop.wait(delay)
            finally:
                if client is not None:
                    try:
                        logout(client)
                    except Exception:  # the socket may be half-dead; it is being dropped anyway
                        pass

    def _open(self) -> imapclient.IMAPClient:
        client = connect(self.config)
        self.connections += 1
        return client

    def _idle_loop(self, client: imapclient.IMAPClient, stop: threading.Event) -> None:
        while not stop.is_set():
            client.idle()
            renew_at = time.monotonic() + self.idle_renew
            new_mail = self._buffered_exists(client)
            while not new_mail and not stop.is_set() and time.monotonic() < renew_at:
                wait = min(self.idle_wait, max(renew_at - time.monotonic(), 0.1))
                started = time.monotonic()
                responses = client.idle_check(timeout=wait)
                if not responses and time.monotonic() - started < wait / 2:
                    # imapclient returns [] at once when the server closed the socket.
                    raise TemporaryFailure("the IMAP server closed the connection during IDLE")
                new_mail = any(_is_exists(r) for r in responses)
            client.idle_done()  # whatever it returns, a catch-up follows
            if stop.is_set():
                return
            self._catch_up(client)

    @staticmethod
    def _buffered_exists(client: imapclient.IMAPClient) -> bool:
        """Return True when an EXISTS arrived together with the IDLE continuation.

        Dovecot can send it in the same packet as "+ idling"; imaplib keeps it in
        ``untagged_responses`` where ``idle_check`` does not look (TESTING.md, pitfall 2).
        """
        pending = getattr(getattr(client, "_imap", None), "untagged_responses", {}) or {}
        return bool(pending.pop("EXISTS", None))

    def _catch_up(self, client: imapclient.IMAPClient) -> int:
        selected = client.select_folder(self.config.folder)
        uidvalidity = int(selected[b"UIDVALIDITY"])
        account, folder = self.config.account, self.config.folder
        with self.database.unit_of_work() as session:
            sync = inbox.start_epoch(session, account, folder, uidvalidity)
            last_uid = sync.last_uid
        stored = 0
        while True:
            client.noop()  # collect announcements of mail appended by other sessions
            uids = sorted(uid for uid in client.search(["UID", f"{last_uid + 1}:*"]) if uid > last_uid)
            if not uids:
                break
            for batch in _batches(client, uids):
                fetched = client.fetch(batch, ["BODY.PEEK[]"])
                messages = [
                    (uid, raw, header_id(raw))
                    for uid in batch
                    if (raw := fetched.get(uid, {}).get(b"BODY[]")) is not None  # else expunged meanwhile
                ]
                # One transaction per batch: the messages and the cursor past them
                # are committed together, or not at all.
                with self.database.unit_of_work() as session:
                    stored += inbox.store_batch(session, account, folder, uidvalidity, messages, self.clock())
                    last_uid = max(last_uid, batch[-1])
                    inbox.advance_cursor(session, account, folder, uidvalidity, last_uid)
                self.process_pending()
        with self.database.unit_of_work() as session:
            inbox.record_contact(session, account, folder, self.clock())
        return stored


def _batches(client: imapclient.IMAPClient, uids: list[int]) -> list[list[int]]:
    """Split ``uids`` into FETCH batches of at most FETCH_BATCH messages and FETCH_BYTES (RFC822.SIZE).

    A message no larger than FETCH_BYTES / FETCH_BATCH is counted at that
    size, so a full batch of them stays within the bytes; only the larger
    ones, found by one SEARCH LARGER, have their sizes fetched. A mailbox of
    ordinary letters costs one SEARCH rather than a size per message.
    """
    small = max(1, FETCH_BYTES // FETCH_BATCH)
    wanted = set(uids)
    found = client.search(["UID", f"{uids[0]}:{uids[-1]}", "LARGER", str(small)])
    large = sorted(uid for uid in found if uid in wanted)
    sizes: dict[int, int] = {}
    for start in range(0, len(large), 1000):
        fetched = client.fetch(large[start : start + 1000], ["RFC822.SIZE"])
        sizes.update({uid: int(data.get(b"RFC822.SIZE", 0) or 0) for uid, data in fetched.items()})
    batches: list[list[int]] = []
    batch: list[int] = []
    total = 0
    for uid in uids:
        size = sizes.get(uid, small)
        if batch and (len(batch) >= FETCH_BATCH or total + size > FETCH_BYTES):
            batches.append(batch)
            batch, total = [], 0
        batch.append(uid)
        total += size
    if batch:
        batches.append(batch)
    return batches


def _is_exists(response: object) -> bool:
    return isinstance(response, tuple) and len(response) >= 2 and response[1] == b"EXISTS"
