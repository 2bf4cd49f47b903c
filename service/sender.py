"""Send what the outbox holds: claim, send, settle — one row at a time.

A pass claims each due row (a short transaction), sends its stored bytes over
SMTP, then settles it (another transaction). A crash between the send and
the settlement leaves the row ``sending``; when its lease runs out it is
attempted again with the same Message-ID and bytes, after checking the Sent
folder (when one is configured) for that Message-ID so a message already
delivered is settled instead of sent twice.

SMTP cannot promise exactly-once on its own: a server may accept a message
in the instant before the sender dies. With a mail service that files what
it accepts in the Sent folder itself (IMAP_SENT_APPEND=false), the check
closes that gap; with a copy appended by us, it closes the gap after the
append; without a Sent folder a retry can repeat the message, always with
the same Message-ID and bytes, so it is recognisably the same one.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from foi.batches import Throttle
from mail.errors import AuthenticationFailure, MailError, PermanentFailure, TemporaryFailure
from service import outgoing
from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage

log = logging.getLogger(__name__)


class Transport(Protocol):
    def send(self, mail_from: str, recipients: list[str], raw: bytes) -> list[str]: ...

    def close(self) -> None: ...


class SentFolder(Protocol):
    def contains(self, message_id: str) -> bool: ...

    def append(self, raw: bytes, when: dt.datetime) -> None: ...


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, capped, and a time after which we give up."""

    first_delay: dt.timedelta = dt.timedelta(seconds=30)
    max_delay: dt.timedelta = dt.timedelta(hours=1)
    give_up_after: dt.timedelta = dt.timedelta(days=3)
    lease: dt.timedelta = dt.timedelta(minutes=2)

    def delay(self, attempts: int, rng: Callable[[], float] = random.random) -> dt.timedelta:
        """Return how long to wait after the ``attempts``-th failed attempt."""
        ceiling = min(self.max_delay, self.first_delay * (2 ** max(attempts - 1, 0)))
        # Half fixed, half random: never hammer, never synchronise retries.
        return ceiling / 2 + ceiling / 2 * rng()


@dataclass
class PassReport:
    sent: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    found_in_sent_folder: list[str] = field(default_factory=list)
    deferred: int = 0  # held back to keep the gaps between sends

    def summary(self) -> str:
        return (
            f"sent {len(self.sent)}, to retry {len(self.retried)}, failed {len(self.failed)}"
            + (f", already in Sent {len(self.found_in_sent_folder)}" if self.found_in_sent_folder else "")
            + (f", waiting for their turn {self.deferred}" if self.deferred else "")
        )


def _domain(address: str) -> str:
    return address.strip().rpartition("@")[2].lower()


class OutboxSender:
    """Drains the outbox through one transport."""

    def __init__(
        self,
        database: Database,
        transport: Transport,
        clock: Callable[[], dt.datetime],
        sent_folder: SentFolder | None = None,
        policy: RetryPolicy = RetryPolicy(),
        copy_to_sent_folder: bool = True,
        throttle: Throttle | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.database = database
        self.transport = transport
        self.clock = clock
        self.sent_folder = sent_folder
        self.policy = policy
        # False when the SMTP service files sent mail itself (Gmail, Microsoft 365).
        self.copy_to_sent_folder = copy_to_sent_folder
        # The gaps kept between sends, whatever the schedule said (a late pass never sends a burst).
        self.throttle = throttle or Throttle(dt.timedelta(0), dt.timedelta(0))
        self._spacing = bool(self.throttle.per_domain or self.throttle.per_mailbox)
        self.sleep = sleep
        # A gap up to this long is waited out; a longer one (a domain's minute) leaves the letter queued.
        self.max_wait = max(self.throttle.per_mailbox, dt.timedelta(seconds=5))
        self._last_sent: dt.datetime | None = None
        self._last_to: dict[str, dt.datetime] = {}
        self._gaps_loaded = False

    def run_once(self, limit: int | None = None) -> PassReport:
        """Attempt every message due now (at most ``limit``); raise AuthenticationFailure to stop loudly."""
        report = PassReport()
        seen: set[int] = set()
        self._load_gaps()
        try:
            while limit is None or len(seen) < limit:
                with self.database.unit_of_work() as session:
                    ids = [i for i in outbox.due_ids(session, self.clock(), limit=50) if i not in seen]
                if not ids:
                    break
                for outbox_id in ids:
                    if limit is not None and len(seen) >= limit:
                        break
                    seen.add(outbox_id)
                    self._attempt(outbox_id, report)
        finally:
            self.transport.close()
        return report

    def _attempt(self, outbox_id: int, report: PassReport) -> None:
        with self.database.unit_of_work() as session:
            row = outbox.claim(session, outbox_id, self.clock(), self.policy.lease)
            if row is None:
                return
            message_id, attempts, created_at = row.message_id_header, row.attempts, row.created_at
            mail_from, recipients, raw = row.mail_from, list(row.recipients), row.raw
            # A batch's letters keep their gaps; a single request or a follow-up goes at once.
            spaced = self._spacing and outbox.is_batch_letter(session, row)
            allowed = self._allowed_at(recipients) if spaced else self.clock()
            wait = (allowed - self.clock()).total_seconds()
            if wait > self.max_wait.total_seconds():
                # Too long after the last letter (to this domain, or at all): it waits, uncounted.
                row.status, row.next_attempt_at = outbox.QUEUED, allowed
                row.attempts = max(row.attempts - 1, 0)
                report.deferred += 1
                return
        if spaced and wait > 0:
            self.sleep(wait)  # a short gap is waited out here, so one pass (cron) still sends the batch

        if attempts > 1 and self._already_in_sent_folder(message_id):
            self._settle_sent(outbox_id, notes=["found in the Sent folder; not sent again"])
            report.found_in_sent_folder.append(message_id)
            return
        try:
            notes = self.transport.send(mail_from, recipients, raw)
        except AuthenticationFailure:
            self._release(outbox_id)
            raise
        except PermanentFailure as exc:
            self._settle_failed(outbox_id, str(exc))
            report.failed.append(message_id)
            return
        except TemporaryFailure as exc:
            gave_up = self._settle_temporary(outbox_id, str(exc), attempts, created_at)
            (report.failed if gave_up else report.retried).append(message_id)
            return
        if spaced:
            self._note_sent(recipients)
        self._settle_sent(outbox_id, notes)
        report.sent.append(message_id)
        self._copy_to_sent_folder(raw)

    def _load_gaps(self) -> None:
        """Start from what the outbox sent lately, so a restart does not send a burst either."""
        if self._gaps_loaded or not (self.throttle.per_domain or self.throttle.per_mailbox):
            return
        since = self.clock() - max(self.throttle.per_domain, self.throttle.per_mailbox)
        with self.database.unit_of_work() as session:
            for recipients, sent_at in outbox.sent_since(session, since):
                self._note_sent(recipients, sent_at)
        self._gaps_loaded = True

    def _allowed_at(self, recipients: list[str]) -> dt.datetime:
        earliest = [self._last_sent + self.throttle.per_mailbox] if self._last_sent else []
        earliest += [
            self._last_to[d] + self.throttle.per_domain for d in map(_domain, recipients) if d in self._last_to
        ]
        return max(earliest, default=self.clock())

    def _note_sent(self, recipients: list[str], at: dt.datetime | None = None) -> None:
        when = at or self.clock()
        self._last_sent = max(self._last_sent or when, when)
        for domain in map(_domain, recipients):
            self._last_to[domain] = max(self._last_to.get(domain, when), when)

    def _already_in_sent_folder(self, message_id: str) -> bool:
        if self.sent_folder is None:
            return False
        try:
            return self.sent_folder.contains(message_id)
        except MailError as exc:
            log.warning("cannot check the Sent folder for %s (%s); sending again", message_id, exc)
            return False

    def _copy_to_sent_folder(self, raw: bytes) -> None:
        if self.sent_folder is None or not self.copy_to_sent_folder:
            return
        try:
            self.sent_folder.append(raw, self.clock())
        except MailError as exc:
            log.warning("sent, but could not copy to the Sent folder: %s", exc)

    def _settle_sent(self, outbox_id: int, notes: list[str]) -> None:
        with self.database.unit_of_work() as session:
            row = session.get(OutboxMessage, outbox_id)
            assert row is not None
            outgoing.mark_sent(session, row, self.clock())
            if notes:
                row.last_error = "; ".join(notes)

    def _settle_failed(self, outbox_id: int, error: str) -> None:
        with self.database.unit_of_work() as session:
            row = session.get(OutboxMessage, outbox_id)
            assert row is not None
            outgoing.mark_failed(session, row, error, self.clock())

    def _settle_temporary(self, outbox_id: int, error: str, attempts: int, created_at: dt.datetime) -> bool:
        """Schedule another attempt, or give up when the message is too old; return True on giving up."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            row = session.get(OutboxMessage, outbox_id)
            assert row is not None
            if now - created_at >= self.policy.give_up_after:
                outgoing.mark_failed(session, row, f"gave up after {attempts} attempts; last: {error}", now)
                return True
            outbox.mark_retry(session, row, error, now + self.policy.delay(attempts))
            return False

    def _release(self, outbox_id: int) -> None:
        """Undo a claim without counting it, e.g. when our own credentials are wrong."""
        with self.database.unit_of_work() as session:
            row = session.get(OutboxMessage, outbox_id)
            if row is not None:
                outbox.mark_retry(session, row, "SMTP login refused; check SMTP_USERNAME/SMTP_PASSWORD", self.clock())
                row.attempts = max(row.attempts - 1, 0)
