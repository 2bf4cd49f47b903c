"""From raw bytes to a message attached to its request (or held): store → parse → match → understand.

The watcher and ``foibot ingest`` share this path. Storing comes first and is
committed on its own; processing happens in a second transaction, so a crash
or a parser surprise leaves the raw message safely ``stored`` (processed on
the next pass) or ``failed`` with the error kept for triage — never lost.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, defer

from foi.analysis import Analysis
from foi.authority_refs import normalize_authority_ref
from foi.correspondence import MessageState
from foi.laws import LAWS
from foi.lifecycle import Event, can
from foi.questions import Question
from mail.authresults import read_authentication
from mail.autoreply import BOUNCE, label_for
from mail.compose import Mailbox
from mail.forwards import is_forward, unwrap
from mail.headers import header_message_id
from mail.matching import ATTACHED, CANDIDATE, SUGGESTED, Match, match
from mail.parse import DEFAULT_MAX_BYTES, ParsedMessage, Parser, parse_message
from service import instructions
from service.replies import analyse_reply, on_reply_attached
from storage import inbox
from storage.db import Database, insert_rows, inserts_at_end, write_kept_rows
from storage.models import Attachment, FoiRequestRow, MessageLink, MessageRow
from storage.requests import add_event, questions_by_request, transition

log = logging.getLogger(__name__)

MAX_STORED_TEXT = 500_000
MAX_ATTEMPTS = 2  # tries before a message that keeps failing is set aside
BATCH = 50  # messages claimed, parsed and applied together
LEASE = dt.timedelta(minutes=5)  # how long a worker that died keeps its claim


_WARM_UP_LETTER = (
    b"From: FOI Team <foi@council.example>\r\nTo: requester@example.org\r\n"
    b"Subject: Re: Freedom of Information request - Library opening hours [FOI-WARM-UP0]\r\n"
    b"Message-ID: <warm-up@council.example>\r\nDate: Thu, 06 Jun 2024 10:00:00 +0100\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Dear requester,\r\n\r\nOur ref: FOI 1234\r\n\r\nThank you for your request dated 1 May 2024, received on "
    b"2 May 2024. The council holds the information.\r\n\r\n1. Opening hours of each library\r\n"
    b"The hours are attached. Some information is exempt under section 40(2).\r\n\r\n"
    b"If you are unhappy you may ask for an internal review within 40 working days, and then complain "
    b"to the Information Commissioner.\r\n\r\nYours sincerely,\r\nFOI Team\r\n"
)
_WARM_UP_QUESTIONS = (Question("Opening hours of each library", ("Weekdays", "Weekends")),)


@dataclass(frozen=True)
class Prepared:
    """What was found out about a message before anything is written."""

    label: str | None
    authentication_failed: bool
    authentication_detail: str
    matches: list[Match]
    analyses: dict[int, Analysis]  # by request, for the requests it is attached to
    forwarded: ParsedMessage | None = None  # the authority's letter inside a requester's forward
    instruction: instructions.Instruction | None = None  # a requester's emailed SEND


@dataclass
class Processed:
    message_id: int
    state: str
    label: str | None
    matches: list[Match] = field(default_factory=list)
    error: str | None = None


class InboxProcessor:
    """Parses stored messages and attaches them to requests."""

    def __init__(
        self,
        database: Database,
        clock: Callable[[], dt.datetime],
        max_parse_bytes: int = DEFAULT_MAX_BYTES,
        authserv_id: str | None = None,
        parser: Parser = parse_message,
        on_processed: list[Callable[[Processed], None]] | None = None,
        worker: str = "main",
        lease: dt.timedelta = LEASE,
        mailbox: Mailbox | None = None,
    ) -> None:
        self.database = database
        self.clock = clock
        self.max_parse_bytes = max_parse_bytes
        self.authserv_id = authserv_id
        self.parser = parser
        self.on_processed = on_processed or []
        self.worker = worker  # its name: restarted, it takes back at once what it held when it died
        self.lease = lease
        self.mailbox = mailbox  # sends the letters requesters ask for by email (service/instructions.py)

    def warm_up(self) -> None:
        """Pay, once at start, what the first message would pay: a long-running worker's first reply is no slower.

        A sample letter is parsed (starting the parser's worker processes) and
        read against sample questions; each law's calendar loads its holidays
        for this year and the next; the read-only queries of matching are run
        once, finding nothing, so that they are compiled. Nothing is written.
        """
        [parsed] = self._parse_all([_WARM_UP_LETTER])
        if not isinstance(parsed, BaseException):
            analyse_reply(list(_WARM_UP_QUESTIONS), parsed, label_for(parsed))
        today = self.clock().date()
        for law in LAWS.values():
            for year in (today.year, today.year + 1):  # a deadline may fall in the next year
                law.calendar().holiday_name(dt.date(year, 1, 1))
        with self.database.unit_of_work() as session:
            lookup = inbox.SqlMatchLookup(session)
            lookup.read_ahead(["<warm-up@foibot.invalid>"])
            questions_by_request(session, {0})
            inbox.load_requests(session, {0})

    def ingest(self, raw: bytes) -> Processed:
        """Store ``raw`` (once) and process it; return what became of it."""
        with self.database.unit_of_work() as session:
            stored = inbox.store_raw(session, raw, header_message_id(raw), self.clock())
        if not stored.is_new:
            with self.database.unit_of_work() as session:
                row = session.get(MessageRow, stored.message_id)
                assert row is not None
                if row.state != inbox.STORED:
                    return Processed(row.id, row.state, row.label, error="already stored")
        return self.process(stored.message_id)

    def process_pending(self, batch: int = BATCH) -> list[Processed]:
        """Process every stored, unprocessed message, oldest first, a batch at a time.

        Each batch is claimed for this worker (so several workers share the
        inbox without taking a message twice), parsed together — in parallel
        when the parser has worker processes — and applied one message per
        transaction, so one bad message never undoes its neighbours.
        """
        done: list[Processed] = []
        while True:
            # First what a worker took and never finished, one at a time: one of them may be what killed it.
            with self.database.unit_of_work() as session:
                retried = inbox.claim_pending(session, self.worker, self.clock(), self.lease, 1, retry=True)
            if retried:
                [item] = retried
                if item.attempts > MAX_ATTEMPTS:
                    done.append(self._notify(self._set_aside(item.message_id)))
                else:
                    done.append(self._notify(self._finish(item.message_id, self._parse_all([item.raw])[0])))
                continue
            with self.database.unit_of_work() as session:
                claimed = inbox.claim_pending(session, self.worker, self.clock(), self.lease, batch)
            if not claimed:
                return done
            parsed_all = self._parse_all([item.raw for item in claimed])
            for result in self._finish_batch([item.message_id for item in claimed], parsed_all):
                done.append(self._notify(result))

    def process(self, message_id: int) -> Processed:
        """Parse, label and match one stored message (again); failures are kept on the message.

        The attempt is counted (and committed) first: a message that brought the
        process down twice is set aside on the third try, flagged for the operator,
        so it never blocks the messages behind it.
        """
        with self.database.unit_of_work() as session:
            row = session.get(MessageRow, message_id)
            assert row is not None and row.raw is not None
            row.process_attempts = (row.process_attempts or 0) + 1
            attempts, raw = row.process_attempts, row.raw
        if attempts > MAX_ATTEMPTS:
            return self._notify(self._set_aside(message_id))
        return self._notify(self._finish(message_id, self._parse_all([raw])[0]))

    def _parse_all(self, raws: list[bytes]) -> list[ParsedMessage | BaseException]:
        """Parse each message (in parallel when the parser can); an exception stands in for a failed parse."""
        many = getattr(self.parser, "parse_many", None)
        if many is not None:
            return many(raws, self.max_parse_bytes)
        results: list[ParsedMessage | BaseException] = []
        for raw in raws:
            try:
                results.append(self.parser(raw, self.max_parse_bytes))
            except Exception as exc:
                results.append(exc)
        return results

    def _set_aside(self, message_id: int) -> Processed:
        with self.database.unit_of_work() as session:
            row = session.get(MessageRow, message_id)
            assert row is not None
            row.state = inbox.SET_ASIDE
            row.claimed_until = row.claimed_by = None
            row.parse_notes = [*(row.parse_notes or []), f"set aside after {MAX_ATTEMPTS} failed attempts"]
        log.error("message %s set aside after %s failed attempts: see `foibot held`", message_id, MAX_ATTEMPTS)
        return Processed(message_id, inbox.SET_ASIDE, None, error="set aside")

    def _finish_batch(self, message_ids: list[int], parsed_all: list[ParsedMessage | BaseException]) -> list[Processed]:
        """Apply a claimed batch in one transaction; if any message in it fails, each one on its own.

        Everything is read first, without the write lock (matching, the analysis);
        the writes of the whole batch then share one commit. A message held for
        want of a match is matched again inside the write, after its neighbours:
        one of them may have taught the authority's reference it carries.
        """
        done: dict[int, Processed] = {}
        batch = [(m, p) for m, p in zip(message_ids, parsed_all, strict=True) if not isinstance(p, BaseException)]
        if len(batch) > 1:
            try:
                done = {result.message_id: result for result in self._apply_batch(batch)}
            except Exception:
                log.warning("a batch of %s messages failed together; processing them one by one", len(batch))
        return [done.get(m) or self._finish(m, p) for m, p in zip(message_ids, parsed_all, strict=True)]

    def _apply_batch(self, batch: list[tuple[int, ParsedMessage]]) -> list[Processed]:
        with self.database.unit_of_work() as session:
            # Matching and reading take no write lock: done first, so that several workers
            # (on SQLite too) hold the write lock only to record the outcomes.
            lookup = inbox.SqlMatchLookup(session)
            lookup.read_ahead([i for _, parsed in batch for i in (*parsed.in_reply_to, *parsed.references)])
            matched = [self._prepare_in(session, parsed, lookup) for _, parsed in batch]
            questions = questions_by_request(session, {m.request_id for p in matched for m in p.matches})
            prepared_all = [
                self._read(session, parsed, m, questions) for (_, parsed), m in zip(batch, matched, strict=True)
            ]
            with session.no_autoflush, inserts_at_end(session):
                # Nothing is written until the batch is done: one flush at commit, the timeline entries and links
                # with one statement each, and so the write lock held only for that. The requests are read now,
                # after the reading of the letters, as fresh as they can be without the lock.
                query = (
                    select(MessageRow).options(defer(MessageRow.raw)).where(MessageRow.id.in_([m for m, _ in batch]))
                )
                rows = {row.id: row for row in session.scalars(query)}
                requests = {m.request_id for p in prepared_all for m in p.matches}
                _loaded = inbox.load_requests(session, requests)
                inbox.keep_authority_refs_known(session, requests)
                results = []
                attached_before = False
                for (message_id, parsed), prepared in zip(batch, prepared_all, strict=True):
                    if attached_before and not any(m.status == ATTACHED for m in prepared.matches):
                        write_kept_rows(session)  # matching reads the links written so far
                        session.flush()
                        prepared = self._read(session, parsed, self._prepare_in(session, parsed), questions)
                    row = rows[message_id]
                    row.claimed_until = row.claimed_by = None
                    result = self._apply(session, row, parsed, prepared)
                    attached_before = attached_before or result.state == inbox.MATCHED
                    results.append(result)
        return results

    def _finish(self, message_id: int, parsed: ParsedMessage | BaseException) -> Processed:
        try:
            if isinstance(parsed, BaseException):
                raise parsed
            [result] = self._apply_batch([(message_id, parsed)])  # a batch of one
            return result
        except Exception as exc:
            log.exception("processing message %s failed; kept for triage", message_id)
            error = f"{exc.__class__.__name__}: {exc}"[:500]
            with self.database.unit_of_work() as session:
                row = session.get(MessageRow, message_id)
                if row is not None:
                    row.state = inbox.FAILED
                    row.claimed_until = row.claimed_by = None
                    row.parse_notes = [*(row.parse_notes or []), f"processing failed: {error}"]
            return Processed(message_id, inbox.FAILED, None, error=error)

    def _notify(self, result: Processed) -> Processed:
        for callback in self.on_processed:
            try:
                callback(result)
            except Exception:
                log.exception("a listener failed on message %s", result.message_id)
        return result

    def _prepare_in(
        self, session: Session, parsed: ParsedMessage, lookup: inbox.SqlMatchLookup | None = None
    ) -> Prepared:
        """Label, authenticate, match and read the message with ``session``, writing nothing."""
        label = label_for(parsed)
        authentication = read_authentication(parsed.headers, self.authserv_id)
        if self.mailbox is not None:
            instruction = instructions.find(session, parsed, authentication.failed)
            if instruction is not None:
                return Prepared(label, False, "", [], {}, instruction=instruction)
        forwarded, requester = self._forwarded(session, parsed, label)
        if forwarded is not None:
            # The letter inside is matched as the authority's own (its sender must still be theirs),
            # and only to the forwarding requester's requests.
            label = label_for(forwarded)
            owners = inbox.SqlMatchLookup(session)
            found = match(forwarded, owners, label, None)
            mine = owners.owners_of([m.request_id for m in found])
            matches = [replace(m, reason="forwarded") for m in found if mine.get(m.request_id) == requester]
        else:
            matches = match(parsed, lookup or inbox.SqlMatchLookup(session), label, authentication)
        failed = authentication.failed and forwarded is None
        return Prepared(label, failed, authentication.detail, matches, {}, forwarded)

    def _read(
        self, session: Session, parsed: ParsedMessage, prepared: Prepared, questions: dict[int, list[Question]]
    ) -> Prepared:
        """Add the analysis of the letter against each request it is attached to (``questions``: theirs, read ahead;
        a request matched only now is added to it)."""
        letter = prepared.forwarded or parsed
        for found in prepared.matches:
            if found.status == ATTACHED:
                if found.request_id not in questions:
                    questions.update(questions_by_request(session, {found.request_id}))
                asked = questions[found.request_id]
                prepared.analyses[found.request_id] = analyse_reply(asked, letter, prepared.label)
        return prepared

    def _forwarded(
        self, session: Session, parsed: ParsedMessage, label: str | None
    ) -> tuple[ParsedMessage | None, int]:
        """The letter a requester forwarded from their own address, and who they are; (None, 0) otherwise."""
        if label is not None or not parsed.from_address or not is_forward(parsed):
            return None, 0
        requester = inbox.requester_with_address(session, parsed.from_address)
        if requester is None:
            return None, 0
        inner = unwrap(parsed, self.max_parse_bytes)
        return (inner, requester) if inner is not None else (None, 0)

    def _apply(self, session: Session, row: MessageRow, parsed: ParsedMessage, prepared: Prepared) -> Processed:
        label = prepared.label
        first_time = row.state == inbox.STORED
        now = self.clock()
        row.subject = parsed.subject
        row.from_address = parsed.from_address
        row.to_addresses = parsed.recipients
        row.sent_date = parsed.date
        row.in_reply_to = " ".join(parsed.in_reply_to) or None
        row.references = " ".join(parsed.references) or None
        row.parsed_text = parsed.text[:MAX_STORED_TEXT]
        row.parse_notes = list(parsed.notes)
        row.oversized = parsed.oversized
        row.label = label
        if not first_time:  # processing again: start from a clean slate
            session.execute(delete(Attachment).where(Attachment.message_id == row.id))
        for position, attachment in enumerate(parsed.attachments):
            session.add(
                Attachment(
                    message_id=row.id,
                    position=position,
                    filename=(attachment.filename or None) and attachment.filename[:500],
                    content_type=attachment.content_type[:255],
                    size=attachment.size,
                    sha256=attachment.sha256,
                    extracted_text=(attachment.text or None) and attachment.text[:MAX_STORED_TEXT],
                    note=attachment.note,
                )
            )
        if prepared.instruction is not None and self.mailbox is not None:
            autoflush, session.autoflush = session.autoflush, True  # the instruction reads what it changes
            write_kept_rows(session)
            try:
                answer = instructions.carry_out(session, prepared.instruction, parsed, self.mailbox, now)
            finally:
                session.autoflush = autoflush
            row.state = MessageState.INSTRUCTION
            row.parse_notes = [*row.parse_notes, f"a requester's instruction: {answer[:200]}"]
            return Processed(row.id, row.state, label, [])
        if prepared.authentication_failed:
            row.parse_notes = [*row.parse_notes, f"sender authentication failed: {prepared.authentication_detail}"]
        matches = prepared.matches
        existing = (
            {}
            if first_time
            else {
                link.request_id: link
                for link in inbox.links_of(session, row.id, ("attached", "suggested", "candidate"))
            }
        )
        links = [
            {
                "message_id": row.id,
                "request_id": found.request_id,
                "reason": found.reason,
                "status": found.status,
                "note": found.note or None,
                # Only the owner's own mail is ever shown: a candidate is the operator's to judge.
                "notified_at": now if found.status == CANDIDATE else None,
            }
            for found in matches
            if found.request_id not in existing
        ]
        insert_rows(session, MessageLink.__table__, links)  # no ids to read back, one statement
        attached = [m for m in matches if m.status == ATTACHED]
        row.state = inbox.MATCHED if attached else inbox.HELD
        for found in attached:
            request = session.get(FoiRequestRow, found.request_id)
            assert request is not None
            letter = prepared.forwarded or parsed  # a forward is read for the letter inside it
            self._attach(session, request, row, letter, label, found, now, prepared.analyses[request.id])
        for found in matches:
            if found.status == SUGGESTED:
                request = session.get(FoiRequestRow, found.request_id)
                assert request is not None
                add_event(
                    session, request, now, "held",
                    f"a message from {parsed.from_address or 'an unknown sender'} may belong here: {found.note}",
                    message_id=row.id, reason=found.reason,
                )  # fmt: skip
        return Processed(row.id, row.state, label, matches)

    def _attach(
        self,
        session: Session,
        request: FoiRequestRow,
        row: MessageRow,
        parsed: ParsedMessage,
        label: str | None,
        found: Match,
        now: dt.datetime,
        analysis: Analysis,  # every attached match was read (``_read``)
    ) -> None:
        kind = {"bounce": "bounce", "auto_reply": "automatic reply"}.get(label or "", "reply")
        add_event(
            session, request, now, "received",
            f"{kind} from {parsed.from_address or 'unknown sender'}: {parsed.subject[:120]}",
            message_id=row.id, reason=found.reason,
        )  # fmt: skip
        if label == BOUNCE:
            if can(request.status, Event.BOUNCE):
                transition(session, request, Event.BOUNCE, now, "the request bounced: it was not delivered")
            return
        learned: list[str] = []
        if found.can_teach:
            # The analysis read them from the authority's own words.
            printed = analysis.authority_refs
            learned = inbox.learn_authority_refs(
                session, request.id, [(ref, normalize_authority_ref(ref)) for ref in printed], row.id
            )
        if learned:
            add_event(
                session, request, now, "authority_reference",
                f"the authority's reference: {', '.join(learned)}", message_id=row.id, references=learned,
            )  # fmt: skip
        on_reply_attached(session, request, row, parsed, now, analysis)


def assign(session: Session, message_id: int, request_id: int, now: dt.datetime) -> MessageLink:
    """Attach a held message to a request on a person's word (reason ``user``)."""
    link = session.scalar(
        select(MessageLink).where(MessageLink.message_id == message_id, MessageLink.request_id == request_id)
    )
    if link is None:
        link = MessageLink(message_id=message_id, request_id=request_id, reason="user", status=ATTACHED)
        session.add(link)
    else:
        link.status = ATTACHED
    row = session.get(MessageRow, message_id)
    request = session.get(FoiRequestRow, request_id)
    assert row is not None and request is not None
    row.state = inbox.MATCHED
    add_event(session, request, now, "received", f"message {message_id} attached by hand", message_id=message_id)
    return link
