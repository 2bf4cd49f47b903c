"""The schema, migrations and unit of work on real SQLite and PostgreSQL."""

import datetime as dt
import hashlib
import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from storage.db import (
    alembic_config,
    current_revision,
    insert_rows,
    insert_rows_ignoring,
    inserts_at_end,
    write_kept_rows,
)
from storage.models import (
    AuthorityDomain,
    AuthorityReference,
    AuthorityRow,
    Base,
    FoiRequestRow,
    MailboxUid,
    MessageLink,
    MessageRow,
    OutboxMessage,
    PromptSent,
    QuestionPart,
    TimelineEvent,
    User,
)


def test_migrations_reach_head_and_match_the_models(db_url, database):
    assert current_revision(db_url) == ScriptDirectory.from_config(alembic_config(db_url)).get_current_head()
    with database.engine.connect() as connection:
        # The directory's search and lookup indexes live outside the models: an FTS5 table (SQLite), a trigram
        # index (PostgreSQL) and two indexes on lower(...), which the models cannot declare on both databases.
        def ours(name, kind, parents):  # type: ignore[no-untyped-def]
            return not (name or "").startswith(("authorities_fts", "ix_authorities_name_trgm", "ix_authorities_lower"))

        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": ours})
        with warnings.catch_warnings():  # SQLAlchemy cannot reflect the lower(...) indexes on SQLite, and says so
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
            differences = compare_metadata(context, Base.metadata)
    assert differences == []


def _request(session, telegram_id=1):
    user = User(telegram_id=telegram_id, real_name="Ada Lovelace")
    authority = AuthorityRow(name="London Borough of Barnet", foi_email="foi@barnet.gov.uk", nation="england")
    authority.domains.append(AuthorityDomain(domain="barnet.gov.uk"))
    request = FoiRequestRow(reference=f"FOI-TEST{telegram_id}", owner=user, authority=authority, title="Remote working")
    session.add(request)
    session.flush()
    return request


def test_a_request_keeps_its_numbered_parts_and_sub_items_in_order(database):
    with database.unit_of_work() as session:
        request = _request(session)
        q1 = QuestionPart(request_id=request.id, position=1, text="Policies for remote working")
        q2 = QuestionPart(request_id=request.id, position=2, text="New devices purchased")
        session.add_all([q2, q1])
        session.flush()
        session.add_all(
            [
                QuestionPart(request_id=request.id, parent_id=q2.id, position=2, text="Tablet computers"),
                QuestionPart(request_id=request.id, parent_id=q2.id, position=1, text="Laptops"),
            ]
        )
    with database.unit_of_work() as session:
        request = session.scalars(select(FoiRequestRow)).one()
        tops = [p.text for p in request.parts if p.parent_id is None]
        subs = [p.text for p in request.parts if p.parent_id is not None]
        assert tops == ["Policies for remote working", "New devices purchased"]
        assert subs == ["Laptops", "Tablet computers"]
        assert request.authority.domains[0].domain == "barnet.gov.uk"


def test_questions_read_for_many_requests_at_once_are_each_requests_own_in_order(database):
    from storage.requests import questions_by_request, questions_of

    with database.unit_of_work() as session:
        first, second, bare = _request(session, 1), _request(session, 2), _request(session, 3)
        # Written out of order, and the two requests' parts interleaved, as edits leave them.
        for request, position, text in ((second, 2, "Budget"), (first, 2, "New devices"), (first, 1, "Policies"),
                                        (second, 1, "Staff numbers")):  # fmt: skip
            session.add(QuestionPart(request_id=request.id, position=position, text=text))
        session.flush()
        devices = session.scalar(select(QuestionPart.id).where(QuestionPart.text == "New devices"))
        budget = session.scalar(select(QuestionPart.id).where(QuestionPart.text == "Budget"))
        for parent, position, text in ((devices, 3, "Phones"), (budget, 1, "Capital"), (devices, 1, "Laptops"),
                                       (devices, 2, "Tablets")):  # fmt: skip
            request_id = first.id if parent == devices else second.id
            session.add(QuestionPart(request_id=request_id, parent_id=parent, position=position, text=text))
        ids = {first.id, second.id, bare.id}
    with database.unit_of_work() as session:
        read = questions_by_request(session, ids | {999_999})
        expected = {r.id: questions_of(r) for r in session.scalars(select(FoiRequestRow))}
    assert read == {**expected, 999_999: []}
    assert [(q.text, q.sub_items) for q in read[first.id]] == [
        ("Policies", ()), ("New devices", ("Laptops", "Tablets", "Phones"))
    ]  # fmt: skip
    assert read[bare.id] == []


def test_unit_of_work_rolls_back_when_the_block_fails(database):
    with pytest.raises(RuntimeError), database.unit_of_work() as session:
        session.add(User(telegram_id=99, real_name="Nobody"))
        session.flush()
        raise RuntimeError("boom")
    with database.unit_of_work() as session:
        assert session.scalars(select(User)).all() == []


def test_timestamps_come_back_time_zone_aware_in_utc(database):
    sent = dt.datetime(2024, 6, 4, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    with database.unit_of_work() as session:
        request = _request(session)
        request.sent_at = sent
        request.received_on = dt.date(2024, 6, 4)
    with database.unit_of_work() as session:
        stored = session.scalars(select(FoiRequestRow)).one()
        assert stored.sent_at == sent
        assert stored.sent_at.utcoffset() == dt.timedelta(0)
        assert stored.created_at.tzinfo is not None


def test_naive_timestamps_are_refused(database):
    with pytest.raises(Exception, match="naive datetime"), database.unit_of_work() as session:
        request = _request(session)
        request.sent_at = dt.datetime(2024, 6, 4, 12, 0)
        session.flush()


def test_raw_message_bytes_survive_whole(database):
    raw = b"From: foi@barnet.gov.uk\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\n\r\n\x00\xff binary \xe9\r\n"
    with database.unit_of_work() as session:
        request = _request(session)
        message = MessageRow(
            direction="in",
            raw=raw,
            raw_sha256=hashlib.sha256(raw).hexdigest(),
            size=len(raw),
            message_id_header="<a@barnet.gov.uk>",
        )
        message.links.append(MessageLink(request_id=request.id, reason="thread"))
        session.add(message)
    with database.unit_of_work() as session:
        stored = session.scalars(select(MessageRow)).one()
        assert stored.raw == raw
        assert stored.links[0].reason == "thread"


def test_the_same_message_is_stored_once(database):
    raw = b"Message-ID: <same@x>\r\n\r\nhello"
    digest = hashlib.sha256(raw).hexdigest()
    with database.unit_of_work() as session:
        session.add(MessageRow(direction="in", raw=raw, raw_sha256=digest, size=5, message_id_header="<same@x>"))
    with pytest.raises(IntegrityError), database.unit_of_work() as session:
        session.add(MessageRow(direction="in", raw=raw, raw_sha256=digest, size=5, message_id_header="<same@x>"))


def test_a_batch_written_by_the_driver_reads_back_as_the_orm_would_write_it(database):
    """The inbox's driver-level insert fills defaults, converts values and skips what is already kept."""
    when = dt.datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=dt.UTC)
    raws = [b"Message-ID: <%d@x>\r\n\r\n\x00\xff body %d" % (n, n) for n in range(3)]
    rows = [
        {"direction": "in", "raw": raw, "raw_sha256": hashlib.sha256(raw).hexdigest(), "size": len(raw),
         "message_id_header": f"<{n}@x>", "stored_at": when, "to_addresses": ["a@x"]}
        for n, raw in enumerate(raws)
    ]  # fmt: skip
    with database.unit_of_work() as session:
        insert_rows_ignoring(session, MessageRow, rows[:1], ["message_id_header", "raw_sha256"])
    with database.unit_of_work() as session:
        insert_rows_ignoring(session, MessageRow, rows, ["message_id_header", "raw_sha256"])  # the first is kept
    with database.unit_of_work() as session:
        stored = session.scalars(select(MessageRow).order_by(MessageRow.id)).all()
        assert [m.raw for m in stored] == raws
        assert {(m.state, m.oversized, m.process_attempts) for m in stored} == {("stored", False, 0)}
        assert [m.parse_notes for m in stored] == [[], [], []] and stored[2].to_addresses == ["a@x"]
        assert stored[1].stored_at == when


def test_rows_kept_for_the_end_reach_the_database_only_then_and_in_order(database):
    """The inbox's batch writes nothing, and so holds no write lock, until its work is done."""
    with database.unit_of_work() as session:
        request_id = _request(session).id
    when = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)

    def entries(n):
        return [{"request_id": request_id, "at": when, "kind": "note", "summary": f"entry {n}", "detail": {},
                 "message_id": None}]  # fmt: skip

    def written():
        with database.unit_of_work() as other:  # another connection: sees only what was written
            return other.scalars(select(TimelineEvent.summary).order_by(TimelineEvent.id)).all()

    with database.unit_of_work() as session, inserts_at_end(session):
        insert_rows(session, TimelineEvent.__table__, entries(1))
        insert_rows(session, TimelineEvent.__table__, entries(2))
        assert session.scalar(select(func.count()).select_from(TimelineEvent)) == 0  # kept, not yet written
        write_kept_rows(session)  # a step that reads them asks for them early
        assert session.scalar(select(func.count()).select_from(TimelineEvent)) == 2
        insert_rows(session, TimelineEvent.__table__, entries(3))
    assert written() == ["entry 1", "entry 2", "entry 3"]
    with database.unit_of_work() as session:
        insert_rows(session, TimelineEvent.__table__, entries(4))  # outside the block: at once
        assert session.scalar(select(func.count()).select_from(TimelineEvent)) == 4


def test_a_mailbox_uid_is_stored_once_per_epoch(database):
    with database.unit_of_work() as session:
        message = MessageRow(direction="in", raw=b"x", raw_sha256="0" * 64, size=1)
        session.add(message)
        session.flush()
        session.add(MailboxUid(account="bot", folder="INBOX", uidvalidity=7, uid=1, message_id=message.id))
        session.add(MailboxUid(account="bot", folder="INBOX", uidvalidity=8, uid=1, message_id=message.id))
    with pytest.raises(IntegrityError), database.unit_of_work() as session:
        message = session.scalars(select(MessageRow)).one()
        session.add(MailboxUid(account="bot", folder="INBOX", uidvalidity=7, uid=1, message_id=message.id))


def test_a_prompt_is_recorded_once_per_request_kind_and_deadline(database):
    now = dt.datetime.now(dt.UTC)
    with database.unit_of_work() as session:
        request = _request(session)
        session.add(PromptSent(request_id=request.id, kind="chaser", due_on=dt.date(2024, 7, 1), sent_at=now))
        request_id = request.id
    with pytest.raises(IntegrityError), database.unit_of_work() as session:
        session.add(PromptSent(request_id=request_id, kind="chaser", due_on=dt.date(2024, 7, 1), sent_at=now))


def test_outbox_message_id_is_unique(database):
    with database.unit_of_work() as session:
        session.add(
            OutboxMessage(
                kind="request", message_id_header="<m1@foibot>", mail_from="bot@x", recipients=["a@b"], raw=b"1"
            )
        )
    with pytest.raises(IntegrityError), database.unit_of_work() as session:
        session.add(
            OutboxMessage(
                kind="request", message_id_header="<m1@foibot>", mail_from="bot@x", recipients=["a@b"], raw=b"2"
            )
        )


def test_authority_references_are_kept_per_request(database):
    with database.unit_of_work() as session:
        request = _request(session)
        request.authority_refs.append(AuthorityReference(reference="Our ref: 6234788", normalized="6234788"))
        request.authority_refs.append(AuthorityReference(reference="FOI2023/07335", normalized="FOI202307335"))
    with database.unit_of_work() as session:
        found = session.scalars(select(AuthorityReference.request_id).where(AuthorityReference.normalized == "6234788"))
        assert len(found.all()) == 1


def test_answers_read_ahead_for_a_batch_are_the_ones_sql_gives(database):
    from storage.inbox import SqlMatchLookup
    from storage.models import AuthorityDomain, MessageLink, MessageRow
    from tests.factories import make_draft

    with database.unit_of_work() as session:
        request = make_draft(session, email="foi@council.gov.uk")
        session.flush()
        for domain, subdomains in (("nhs.net", True), ("clerk@gmail.com", False)):  # and council.gov.uk
            session.add(
                AuthorityDomain(authority_id=request.authority_id, domain=domain, include_subdomains=subdomains)
            )
        sent = MessageRow(direction="out", raw_sha256="0" * 64, size=1, message_id_header="<sent@foibot>",
                          to_addresses=[], parse_notes=[])  # fmt: skip
        session.add(sent)
        session.flush()
        session.add(MessageLink(message_id=sent.id, request_id=request.id, reason="sent", status="attached"))
        session.flush()
        plain, ahead = SqlMatchLookup(session), SqlMatchLookup(session)
        ahead.read_ahead(["<sent@foibot>", "<unknown@elsewhere>"])
        for ids in (["<sent@foibot>"], ["<unknown@elsewhere>"], ["<sent@foibot>", "<unknown@elsewhere>"]):
            assert ahead.requests_for_message_ids(ids) == plain.requests_for_message_ids(ids)
        assert ahead.requests_for_message_ids(["<sent@foibot>"]) == [request.id]
        senders = ["council.gov.uk", "mail.council.gov.uk", "nhs.net", "trust.nhs.net", "a.b.nhs.net", "net",
                   "clerk@gmail.com", "other@gmail.com", "gmail.com", "gov.uk", "evil-council.gov.uk"]  # fmt: skip
        answers = {sender: plain.is_at_authority(request.id, sender) for sender in senders}
        assert {sender: ahead.is_at_authority(request.id, sender) for sender in senders} == answers
        assert [s for s, yes in answers.items() if yes] == [
            "council.gov.uk", "nhs.net", "trust.nhs.net", "a.b.nhs.net", "clerk@gmail.com"
        ]  # fmt: skip
