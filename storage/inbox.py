"""Incoming mail in the database: raw storage, mailbox cursors, lookups for matching.

Storing a message's raw bytes and advancing the mailbox cursor happen in the
caller's one transaction, before any parsing. The same message delivered
twice (same Message-ID and bytes) is stored once; a new UIDVALIDITY epoch
records new UIDs against the messages already kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from foi.correspondence import MessageState
from foi.lifecycle import OPEN
from storage.db import insert_rows, insert_rows_ignoring
from storage.models import (
    AuthorityDomain,
    AuthorityReference,
    FoiRequestRow,
    MailboxSync,
    MailboxUid,
    MessageLink,
    MessageRow,
)

STORED, MATCHED, HELD, FAILED, SET_ASIDE = (
    MessageState.STORED,
    MessageState.MATCHED,
    MessageState.HELD,
    MessageState.FAILED,
    MessageState.SET_ASIDE,
)


@dataclass(frozen=True)
class Stored:
    message_id: int
    is_new: bool


def store_raw(session: Session, raw: bytes, header_id: str | None, now: dt.datetime) -> Stored:
    """Keep ``raw`` whole unless the same message (Message-ID and bytes) is already kept."""
    digest = hashlib.sha256(raw).hexdigest()
    existing = session.scalar(
        select(MessageRow.id).where(
            MessageRow.raw_sha256 == digest,
            MessageRow.direction == "in",
            MessageRow.message_id_header == header_id if header_id else MessageRow.message_id_header.is_(None),
        )
    )
    if existing is not None:
        return Stored(existing, False)
    row = MessageRow(
        direction="in",
        raw=raw,
        raw_sha256=digest,
        size=len(raw),
        message_id_header=header_id,
        stored_at=now,
        state=STORED,
    )
    session.add(row)
    session.flush()
    return Stored(row.id, True)


def store_batch(
    session: Session,
    account: str,
    folder: str,
    uidvalidity: int,
    fetched: list[tuple[int, bytes, str | None]],
    now: dt.datetime,
) -> int:
    """Store a FETCH batch of (uid, raw, Message-ID) and its UIDs, skipping what is kept; return how many are new.

    A few statements for the whole batch: the digests already kept are looked
    up at once, the new messages go in with one multi-row INSERT that skips
    duplicates (another writer may have stored one meanwhile), and so do the
    UIDs. The caller commits it together with the cursor.
    """
    if not fetched:
        return 0
    keyed = [(uid, raw, header_id, hashlib.sha256(raw).hexdigest()) for uid, raw, header_id in fetched]
    digests = sorted({digest for *_, digest in keyed})
    kept = _kept_ids(session, digests)
    new_rows: dict[tuple[str, str | None], dict] = {}
    for _, raw, header_id, digest in keyed:
        key = (digest, header_id)
        if key not in kept and key not in new_rows:
            new_rows[key] = {
                "direction": "in", "raw": raw, "raw_sha256": digest, "size": len(raw),
                "message_id_header": header_id, "stored_at": now, "state": STORED,
                "to_addresses": [], "parse_notes": [],
            }  # fmt: skip
    if new_rows:
        insert_rows_ignoring(session, MessageRow, list(new_rows.values()), ["message_id_header", "raw_sha256"])
        kept = _kept_ids(session, digests)
    insert_rows_ignoring(
        session, MailboxUid,
        [
            {"account": account, "folder": folder, "uidvalidity": uidvalidity, "uid": uid,
             "message_id": kept[(digest, header_id)]}
            for uid, _, header_id, digest in keyed
        ],
        ["account", "folder", "uidvalidity", "uid"],
    )  # fmt: skip
    return len(new_rows)


def _kept_ids(session: Session, digests: list[str]) -> dict[tuple[str, str | None], int]:
    # Any direction: a copy of our own sent message in the inbox is that message, never a reply.
    rows = session.execute(
        select(MessageRow.raw_sha256, MessageRow.message_id_header, MessageRow.id).where(
            MessageRow.raw_sha256.in_(digests)
        )
    )
    return {(digest, header_id): message_id for digest, header_id, message_id in rows}


# --- mailbox cursors ----------------------------------------------------------


def cursor(session: Session, account: str, folder: str) -> MailboxSync | None:
    return session.scalar(select(MailboxSync).where(MailboxSync.account == account, MailboxSync.folder == folder))


def start_epoch(session: Session, account: str, folder: str, uidvalidity: int) -> MailboxSync:
    """Return the folder's cursor for ``uidvalidity``, starting from UID 0 when the epoch is new."""
    sync = cursor(session, account, folder)
    if sync is None:
        sync = MailboxSync(account=account, folder=folder, uidvalidity=uidvalidity, last_uid=0)
        session.add(sync)
    elif sync.uidvalidity != uidvalidity:
        sync.uidvalidity = uidvalidity
        sync.last_uid = 0
    session.flush()
    return sync


def record_contact(session: Session, account: str, folder: str, now: dt.datetime) -> None:
    """Note that the watcher has just looked at the folder (the operator's health check reads it)."""
    session.execute(
        update(MailboxSync).where(MailboxSync.account == account, MailboxSync.folder == folder).values(checked_at=now)
    )


def last_contact(session: Session) -> dt.datetime | None:
    """When the watcher last looked at any folder, or None if it never has."""
    return session.scalar(select(func.max(MailboxSync.checked_at)))


def advance_cursor(session: Session, account: str, folder: str, uidvalidity: int, last_uid: int) -> None:
    """Move the folder's cursor to ``last_uid`` within the current epoch."""
    sync = cursor(session, account, folder)
    assert sync is not None and sync.uidvalidity == uidvalidity
    sync.last_uid = max(sync.last_uid, last_uid)


@dataclass(frozen=True)
class Claimed:
    message_id: int
    raw: bytes
    attempts: int  # this one included


def claim_pending(
    session: Session, worker: str, now: dt.datetime, lease: dt.timedelta, limit: int, retry: bool = False
) -> list[Claimed]:
    """Take up to ``limit`` stored messages for ``worker``, oldest first, counting the attempt.

    ``retry=False`` takes messages never taken before; ``retry=True`` those a
    worker took and never finished (it died: its lease lapsed, or it is this
    worker, restarted), to be tried one at a time so that a message which
    kills processing is charged alone.

    On SQLite one UPDATE … RETURNING under the write lock; on PostgreSQL the
    rows are locked first (other workers skip them) and then updated. Either
    way two workers never take the same message.
    """
    if retry:
        free = and_(
            MessageRow.claimed_by.is_not(None),
            or_(MessageRow.claimed_until < now, MessageRow.claimed_by == worker),
        )
    else:
        free = MessageRow.claimed_by.is_(None)
    waiting = (
        select(MessageRow.id)
        .where(MessageRow.direction == "in", MessageRow.state == STORED, free)
        .order_by(MessageRow.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Lock the rows first (others skip them): a LIMIT inside UPDATE … IN may be run again per row.
        chosen: object = list(session.scalars(waiting.with_for_update(skip_locked=True)))
        if not chosen:
            return []
    else:
        # A look first, without the write lock: a worker finding nothing to take (or nothing to retry,
        # asked before every batch) must not queue for the lock the other workers' writes hold.
        if session.scalar(waiting.limit(1)) is None:
            return []
        chosen = waiting.scalar_subquery()  # one statement under SQLite's write lock
    rows = session.execute(
        update(MessageRow)
        .where(MessageRow.id.in_(chosen), MessageRow.state == STORED, free)
        .values(
            claimed_until=now + lease,
            claimed_by=worker,
            process_attempts=func.coalesce(MessageRow.process_attempts, 0) + 1,
        )
        .returning(MessageRow.id, MessageRow.raw, MessageRow.process_attempts)
        .execution_options(synchronize_session=False)
    ).all()
    return sorted(
        (Claimed(message_id, raw or b"", attempts) for message_id, raw, attempts in rows), key=lambda c: c.message_id
    )


# --- lookups for the matching cascade ---------------------------------------------


def _sender_matches(sender: str):  # type: ignore[no-untyped-def]
    """SQL condition: an authority_domains row vouches for ``sender`` (a domain, or an address at a shared host)."""
    if "@" in sender:
        return AuthorityDomain.domain == sender
    labels = sender.split(".")
    parents = [".".join(labels[i:]) for i in range(1, len(labels) - 1)]
    exact = AuthorityDomain.domain == sender
    if not parents:
        return exact
    return or_(exact, and_(AuthorityDomain.domain.in_(parents), AuthorityDomain.include_subdomains.is_(True)))


def _vouches(domain: str, include_subdomains: bool, sender: str) -> bool:
    """``_sender_matches`` for one authority_domains row, in Python (for answers read ahead in bulk)."""
    if "@" in sender or domain == sender:
        return domain == sender
    labels = sender.split(".")
    return include_subdomains and domain in {".".join(labels[i:]) for i in range(1, len(labels) - 1)}


class SqlMatchLookup:
    """The matching cascade's questions, answered with SQL.

    ``read_ahead`` answers the two questions every reply asks — which requests
    its Message-IDs thread to, and whether its sender is at their authority —
    for a whole batch in two queries; each message is then matched from those
    answers. Used for one batch's read-only pass only: what it read ahead is
    not refreshed.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self._threads: dict[str, set[int]] | None = None  # attached requests by Message-ID, read ahead
        self._domains: dict[int, list[tuple[str, bool]]] = {}  # each request's authority domains, read ahead

    def read_ahead(self, message_ids: list[str]) -> None:
        """Read the requests these Message-IDs thread to, and those requests' authority domains."""
        wanted = list(dict.fromkeys(message_ids))
        threads: dict[str, set[int]] = {header: set() for header in wanted}
        for start in range(0, len(wanted), 500):
            rows = self.session.execute(
                select(MessageRow.message_id_header, MessageLink.request_id)
                .join(MessageLink, MessageLink.message_id == MessageRow.id)
                .where(MessageRow.message_id_header.in_(wanted[start : start + 500]), MessageLink.status == "attached")
            )
            for header, request_id in rows:
                threads[header].add(request_id)
        self._threads = threads
        requests = sorted({request_id for found in threads.values() for request_id in found})
        domains: dict[int, list[tuple[str, bool]]] = {request_id: [] for request_id in requests}
        for start in range(0, len(requests), 500):
            rows = self.session.execute(
                select(FoiRequestRow.id, AuthorityDomain.domain, AuthorityDomain.include_subdomains)
                .join(AuthorityDomain, AuthorityDomain.authority_id == FoiRequestRow.authority_id)
                .where(FoiRequestRow.id.in_(requests[start : start + 500]))
            )
            for request_id, domain, include_subdomains in rows:
                domains[request_id].append((domain, bool(include_subdomains)))
        self._domains = domains

    def requests_for_message_ids(self, ids: list[str]) -> list[int]:
        known = self._threads
        if known is not None and ids and all(header in known for header in ids[:500]):
            return list(dict.fromkeys(r for header in ids[:500] for r in sorted(known[header])))
        return self._requests_for_ids(ids, None)

    def requests_for_sent_message_ids(self, ids: list[str]) -> list[int]:
        return self._requests_for_ids(ids, "out")

    def _requests_for_ids(self, ids: list[str], direction: str | None) -> list[int]:
        if not ids:
            return []
        query = (
            select(MessageLink.request_id)
            .join(MessageRow, MessageRow.id == MessageLink.message_id)
            .where(MessageRow.message_id_header.in_(ids[:500]), MessageLink.status == "attached")
        )
        if direction is not None:
            query = query.where(MessageRow.direction == direction)
        return list(self.session.scalars(query.distinct()))

    def requests_for_references(self, references: list[str]) -> list[int]:
        if not references:
            return []
        found = self.session.execute(
            select(FoiRequestRow.reference, FoiRequestRow.id).where(FoiRequestRow.reference.in_(references))
        ).all()
        order = {ref: position for position, ref in enumerate(references)}
        return [request_id for _, request_id in sorted(found, key=lambda row: order[row[0]])]

    def requests_for_authority_refs(self, normalized: list[str], sender: str) -> list[int]:
        if not normalized or not sender:
            return []
        rows = self.session.scalars(
            select(AuthorityReference.request_id)
            .join(FoiRequestRow, FoiRequestRow.id == AuthorityReference.request_id)
            .join(AuthorityDomain, AuthorityDomain.authority_id == FoiRequestRow.authority_id)
            .where(AuthorityReference.normalized.in_(normalized[:2000]), _sender_matches(sender))
            .distinct()
        )
        return list(rows)

    def owners_of(self, request_ids: list[int]) -> dict[int, int]:
        if not request_ids:
            return {}
        rows = self.session.execute(
            select(FoiRequestRow.id, FoiRequestRow.owner_id).where(FoiRequestRow.id.in_(request_ids))
        ).all()
        return {request_id: owner_id for request_id, owner_id in rows}

    def is_at_authority(self, request_id: int, sender: str) -> bool:
        read = self._domains.get(request_id)
        if read is not None:
            return any(_vouches(domain, include, sender) for domain, include in read)
        found = self.session.scalar(
            select(AuthorityDomain.id)
            .join(FoiRequestRow, FoiRequestRow.authority_id == AuthorityDomain.authority_id)
            .where(FoiRequestRow.id == request_id, _sender_matches(sender))
            .limit(1)
        )
        return found is not None

    def is_known_correspondent(self, request_id: int, address: str) -> bool:
        """Return True when mail from exactly this address was attached to the request before."""
        seen = self.session.scalar(
            select(MessageRow.id)
            .join(MessageLink, MessageLink.message_id == MessageRow.id)
            .where(
                MessageLink.request_id == request_id,
                MessageLink.status == "attached",
                MessageRow.direction == "in",
                func.lower(MessageRow.from_address) == address.lower(),
            )
            .limit(1)
        )
        return seen is not None

    def single_open_request_for_domain(self, sender: str) -> int | None:
        authorities = list(
            self.session.scalars(
                select(AuthorityDomain.authority_id).where(_sender_matches(sender)).distinct().limit(2)
            )
        )
        if len(authorities) != 1:
            return None
        requests = list(
            self.session.scalars(
                select(FoiRequestRow.id)
                .where(
                    FoiRequestRow.authority_id == authorities[0],
                    FoiRequestRow.status.in_([s.value for s in OPEN]),
                    FoiRequestRow.reference.is_not(None),
                )
                .limit(2)
            )
        )
        return requests[0] if len(requests) == 1 else None


MAX_REFS_PER_MESSAGE = 3


def learn_authority_refs(
    session: Session, request_id: int, references: list[tuple[str, str]], message_id: int
) -> list[str]:
    """Keep new (printed, normalized) authority references for the request; return the new ones.

    One message teaches at most ``MAX_REFS_PER_MESSAGE``: a letter names its
    own reference or two, and a flood of tokens must not become references.
    """
    cache = session.info.get(_KNOWN_REFS)
    known = cache.get(request_id) if cache is not None else None
    if known is None:
        known = set(
            session.scalars(select(AuthorityReference.normalized).where(AuthorityReference.request_id == request_id))
        )
        if cache is not None:
            cache[request_id] = known
    added: list[str] = []
    rows: list[dict[str, object]] = []
    for printed, normalized in references:
        if len(added) >= MAX_REFS_PER_MESSAGE:
            break
        if normalized in known or len(normalized) < 4:
            continue
        rows.append({"request_id": request_id, "reference": printed[:100], "normalized": normalized[:100],
                     "learned_from_message_id": message_id})  # fmt: skip
        known.add(normalized)
        added.append(printed)
    insert_rows(session, AuthorityReference.__table__, rows)  # at the end of an inbox batch, in one statement
    return added


_KNOWN_REFS = "foibot.known_authority_refs"


def keep_authority_refs_known(session: Session, request_ids: set[int]) -> None:
    """Read the references these requests already have in one query, for ``learn_authority_refs`` to use.

    For a batch applied with autoflush off: the references learned earlier in
    the batch are added to the same sets, so none is learned twice.
    """
    cache: dict[int, set[str]] = session.info.setdefault(_KNOWN_REFS, {})
    wanted = [i for i in request_ids if i not in cache]
    for i in wanted:
        cache[i] = set()
    for start in range(0, len(wanted), 500):
        query = select(AuthorityReference.request_id, AuthorityReference.normalized).where(
            AuthorityReference.request_id.in_(wanted[start : start + 500])
        )
        for request_id, normalized in session.execute(query):
            cache[request_id].add(normalized)


def load_requests(session: Session, request_ids: set[int]) -> list[FoiRequestRow]:
    """Load these requests in one query (not their questions: ``storage.requests.questions_by_request``);
    while the caller holds the list, ``get`` is free."""
    if not request_ids:
        return []
    return list(session.scalars(select(FoiRequestRow).where(FoiRequestRow.id.in_(request_ids))))


def held_messages(session: Session, limit: int = 100) -> list[MessageRow]:
    """Return incoming messages not attached to any request, newest first."""
    attached = select(MessageLink.message_id).where(MessageLink.status == "attached")
    return list(
        session.scalars(
            select(MessageRow)
            .where(MessageRow.direction == "in", MessageRow.id.not_in(attached), MessageRow.state != STORED)
            .order_by(MessageRow.id.desc())
            .limit(limit)
        )
    )


def suggestions_for(session: Session, message_id: int) -> list[MessageLink]:
    return list(
        session.scalars(
            select(MessageLink).where(
                MessageLink.message_id == message_id, MessageLink.status.in_(["suggested", "candidate"])
            )
        )
    )


def links_of(session: Session, message_id: int, statuses: tuple[str, ...] = ("attached",)) -> list[MessageLink]:
    return list(
        session.scalars(
            select(MessageLink).where(MessageLink.message_id == message_id, MessageLink.status.in_(statuses))
        )
    )


def requester_with_address(session: Session, address: str) -> int | None:
    """The user whose own address (the email channel's) this is, any letter case; None for everybody else."""
    from storage.models import User

    return session.scalar(select(User.id).where(func.lower(User.email) == address.strip().lower()).limit(1))
