"""Incoming mail through store → parse → match, on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from mail.compose import Mailbox
from mail.parse import parse_message
from service import outgoing
from service.directory import import_directory
from service.ingest import InboxProcessor, assign
from storage import inbox, outbox
from storage.models import AuthorityReference, FoiRequestRow, MessageLink, MessageRow, TimelineEvent
from tests.factories import MovableClock, make_draft
from tests.mail_fixtures import FIXTURES, crlf, with_reference

MAILBOX = Mailbox("foibot@example.org", "+")
START = dt.datetime(2024, 6, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    return MovableClock(START)


@pytest.fixture
def processor(database, clock):
    return InboxProcessor(database, clock)


def sent_request(database, clock, **draft):
    """A request whose email went out: returns (request id, reference, our Message-ID)."""
    with database.unit_of_work() as session:
        request = make_draft(session, **draft)
        queued = outgoing.queue_request(session, request, MAILBOX, clock())
        row = outbox.claim(session, queued.outbox_id, clock(), dt.timedelta(minutes=1))
        outgoing.mark_sent(session, row, clock())
        return request.id, queued.reference, queued.message_id


def reply(
    subject="Re: your request", sender="foi@council.gov.uk", body="Thank you.", headers="", to="foibot@example.org"
):
    return crlf(f"""
        From: FOI Team <{sender}>
        To: {to}
        Subject: {subject}
        Message-ID: <{abs(hash((subject, sender, body, headers)))}@{sender.partition("@")[2]}>
        Date: Thu, 06 Jun 2024 10:00:00 +0100
        {headers}

        {body}
        """)


def links(database, message_id):
    with database.unit_of_work() as session:
        return [
            (link.request_id, link.reason, link.status)
            for link in session.scalars(select(MessageLink).where(MessageLink.message_id == message_id))
        ]


def test_reply_in_the_thread_is_attached(database, processor, clock):
    request_id, _, our_id = sent_request(database, clock, email="foi@council.gov.uk")
    result = processor.ingest(reply(headers=f"In-Reply-To: {our_id}"))
    assert result.state == "matched"
    assert links(database, result.message_id) == [(request_id, "thread", "attached")]


def test_reply_to_the_per_request_address_is_attached(database, processor, clock):
    request_id, reference, _ = sent_request(database, clock, email="foi@council.gov.uk")
    result = processor.ingest(reply(to=f"foibot+{reference.lower()}@example.org"))
    assert links(database, result.message_id) == [(request_id, "reply_address", "attached")]


def test_retyped_reference_in_the_subject_is_attached(database, processor, clock):
    request_id, reference, _ = sent_request(database, clock, email="foi@council.gov.uk")
    retyped = reference.lower().replace("-", " ").replace("foi", "f0i")
    result = processor.ingest(reply(subject=f"Your FOI request {retyped}"))
    assert links(database, result.message_id) == [(request_id, "our_reference", "attached")]


def test_authority_reference_is_learned_then_used_to_match(database, processor, clock):
    request_id, _, our_id = sent_request(database, clock, email="foi@council.gov.uk")
    ack = processor.ingest(
        reply(
            subject="Acknowledgement",
            body="We received your request.\n\nOur ref: 6234788",
            headers=f"In-Reply-To: {our_id}",
        )
    )
    assert links(database, ack.message_id) == [(request_id, "thread", "attached")]
    with database.unit_of_work() as session:
        refs = session.scalars(select(AuthorityReference).where(AuthorityReference.request_id == request_id)).all()
        assert [(r.reference, r.normalized) for r in refs] == [("6234788", "6234788")]
        events = session.scalars(select(TimelineEvent.kind).where(TimelineEvent.request_id == request_id)).all()
        assert "authority_reference" in events

    later = processor.ingest(reply(subject="Response to FOI request 6234788", sender="records@council.gov.uk"))
    assert links(database, later.message_id) == [(request_id, "authority_reference", "attached")]


def test_only_open_request_to_a_domain_is_a_candidate_for_the_operator_only(database, processor, clock):
    request_id, _, _ = sent_request(database, clock, email="foi@council.gov.uk")
    result = processor.ingest(reply(subject="Your request", sender="someone@council.gov.uk"))
    assert result.state == "held"
    assert links(database, result.message_id) == [(request_id, "sender_domain", "candidate")]


def test_two_open_requests_to_a_domain_leave_a_vague_reply_in_the_holding_pen(database, processor, clock):
    sent_request(database, clock, email="foi@council.gov.uk", title="One")
    sent_request(database, clock, telegram_id=1002, email="foi@council.gov.uk", title="Two")
    result = processor.ingest(reply(subject="Your request", sender="someone@council.gov.uk"))
    assert result.state == "held" and links(database, result.message_id) == []


def test_unknown_mail_goes_to_the_holding_pen(database, processor):
    result = processor.ingest(reply(subject="Newsletter", sender="news@shop.example.com"))
    assert result.state == "held" and links(database, result.message_id) == []


def test_reference_match_from_a_stranger_is_held_until_the_user_confirms(database, processor, clock):
    request_id, reference, _ = sent_request(database, clock, email="foi@council.gov.uk")
    result = processor.ingest(reply(subject=f"Re: [{reference}]", sender="officer.at.home@gmail.example"))
    assert result.state == "held"
    assert links(database, result.message_id) == [(request_id, "our_reference", "suggested")]
    with database.unit_of_work() as session:
        assign(session, result.message_id, request_id, clock())
    assert links(database, result.message_id) == [(request_id, "our_reference", "attached")]
    # Now a correspondent on this request, the same person is trusted next time.
    again = processor.ingest(reply(subject=f"Re: [{reference}] more", sender="officer.at.home@gmail.example"))
    assert links(database, again.message_id) == [(request_id, "our_reference", "attached")]


def test_a_subdomain_of_the_authority_is_confirmed_by_the_owner_unless_configured(database, processor, clock):
    request_id, reference, _ = sent_request(database, clock, email="foi@council.gov.uk")
    result = processor.ingest(reply(subject=f"Re: [{reference}]", sender="clerk@mail.council.gov.uk"))
    assert links(database, result.message_id) == [(request_id, "our_reference", "suggested")]
    with database.unit_of_work() as session:
        import_directory(
            session, [{"name": "Council", "foi_email": "foi@council.gov.uk", "domains": "*.council.gov.uk"}]
        )
    again = processor.ingest(reply(subject=f"Re: [{reference}]", sender="clerk@mail.council.gov.uk", body="Again."))
    assert links(database, again.message_id) == [(request_id, "our_reference", "attached")]


def test_one_reply_quoting_two_references_is_attached_to_each(database, processor, clock):
    first, ref_one, _ = sent_request(database, clock, email="foi@council.gov.uk", title="One")
    second, ref_two, _ = sent_request(database, clock, telegram_id=1002, email="foi@council.gov.uk", title="Two")
    result = processor.ingest(reply(subject=f"Your requests {ref_one} and {ref_two}"))
    assert sorted(links(database, result.message_id)) == sorted(
        [(first, "our_reference", "attached"), (second, "our_reference", "attached")]
    )


def test_the_same_message_delivered_twice_is_stored_once(database, processor, clock):
    sent_request(database, clock, email="foi@council.gov.uk")
    raw = reply(subject="Twice")
    first = processor.ingest(raw)
    second = processor.ingest(raw)
    assert first.message_id == second.message_id
    with database.unit_of_work() as session:
        count = session.scalar(select(func.count()).select_from(MessageRow).where(MessageRow.direction == "in"))
        assert count == 1


def test_a_bounce_of_our_request_marks_it_undelivered(database, processor, clock):
    request_id, reference, our_id = sent_request(database, clock, email="foi@closed-council.gov.uk")
    raw = with_reference(FIXTURES["exim_bounce"](), reference).replace(b"<OUR-MESSAGE-ID@example.org>", our_id.encode())
    result = processor.ingest(raw)
    assert result.label == "bounce"
    assert links(database, result.message_id) == [(request_id, "thread", "attached")]
    with database.unit_of_work() as session:
        request = session.get(FoiRequestRow, request_id)
        assert request.status == "undelivered"
        assert any("bounced" in e.summary for e in request.events)


def test_an_out_of_office_does_not_change_the_request(database, processor, clock):
    request_id, _, our_id = sent_request(database, clock, email="foi@council.gov.uk")
    raw = FIXTURES["exchange_out_of_office"]().replace(b"Date:", f"In-Reply-To: {our_id}\r\nDate:".encode())
    result = processor.ingest(raw)
    assert result.label == "auto_reply"
    with database.unit_of_work() as session:
        assert session.get(FoiRequestRow, request_id).status == "sent"


def test_attachments_are_recorded_with_their_text(database, processor, clock):
    _, reference, _ = sent_request(database, clock, email="foi@council.gov.uk")
    result = processor.ingest(
        FIXTURES["pdf_attachment"]().replace(b"Subject: Re:", f"Subject: [{reference}] Re:".encode())
    )
    with database.unit_of_work() as session:
        message = session.get(MessageRow, result.message_id)
        [attachment] = message.attachments
        assert attachment.filename == "response 123.pdf"
        assert "Laptops purchased: 512" in attachment.extracted_text


def test_an_oversized_message_is_stored_whole_and_flagged(database, clock):
    processor = InboxProcessor(database, clock, max_parse_bytes=500)
    raw = FIXTURES["pdf_attachment"]()
    result = processor.ingest(raw)
    with database.unit_of_work() as session:
        message = session.get(MessageRow, result.message_id)
        assert message.raw == raw and message.oversized
        assert message.subject == "Re: Freedom of Information request - Budgets"


def test_a_failure_while_processing_keeps_the_raw_message_for_triage(database, clock):
    _, reference, _ = sent_request(database, clock, email="foi@council.gov.uk")

    def broken_parser(raw, max_bytes):
        raise RuntimeError("parser bug")

    processor = InboxProcessor(database, clock, parser=broken_parser)
    raw = reply(subject=f"[{reference}]")
    result = processor.ingest(raw)
    assert result.state == "failed" and "parser bug" in result.error
    with database.unit_of_work() as session:
        message = session.get(MessageRow, result.message_id)
        assert message.raw == raw and message.state == "failed"
        assert any("parser bug" in note for note in message.parse_notes)


def store(database, clock, *raws):
    with database.unit_of_work() as session:
        return [inbox.store_raw(session, raw, None, clock()).message_id for raw in raws]


def test_a_batch_is_read_in_order_a_reference_taught_by_one_letter_matches_the_next(database, processor, clock):
    """Stored together and processed as one batch, the second letter carries only what the first taught."""
    request_id, _, our_id = sent_request(database, clock, email="foi@council.gov.uk")
    ack, later = store(
        database, clock,
        reply(subject="Acknowledgement", body="We received your request.\n\nOur ref: 7345123",
              headers=f"In-Reply-To: {our_id}"),
        reply(subject="Response to FOI request 7345123", sender="records@council.gov.uk",
              body="Please find our response below."),
    )  # fmt: skip
    done = processor.process_pending()
    assert [(r.message_id, r.state) for r in done] == [(ack, "matched"), (later, "matched")]
    assert links(database, later) == [(request_id, "authority_reference", "attached")]


def test_a_message_that_fails_in_a_batch_leaves_its_neighbours_processed(database, clock):
    _, reference, _ = sent_request(database, clock, email="foi@council.gov.uk")

    def parser(raw, max_bytes):
        parsed = parse_message(raw, max_bytes)
        if b"poison" in raw:
            parsed.text = None  # reading the letter fails on this one only
        return parsed

    ids = store(
        database, clock,
        *[reply(subject=f"Re: [{reference}] {word}", body=f"Answer {word}.") for word in ("one", "poison", "three")],
    )  # fmt: skip
    done = InboxProcessor(database, clock, parser=parser).process_pending()
    assert [(r.message_id, r.state) for r in done] == [(ids[0], "matched"), (ids[1], "failed"), (ids[2], "matched")]
    with database.unit_of_work() as session:
        assert session.get(MessageRow, ids[1]).raw is not None
        assert links(database, ids[1]) == []


def test_warming_up_writes_nothing_and_the_first_reply_is_then_processed_as_usual(database, clock):
    from storage.models import Base

    request_id, _, message_id = sent_request(database, clock, email="foi@council.gov.uk")

    def counts():
        with database.unit_of_work() as session:
            return {t.name: session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}

    before = counts()
    processor = InboxProcessor(database, clock)
    processor.warm_up()
    processor.warm_up()  # twice, as a restarted worker would: still nothing written
    assert counts() == before
    processed = processor.ingest(reply(headers=f"In-Reply-To: {message_id}", body="The council holds no records."))
    assert processed.state == "matched"
    assert links(database, processed.message_id) == [(request_id, "thread", "attached")]
