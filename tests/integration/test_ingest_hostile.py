"""Hostile mail through ingest: stored, bounded, matched — never failed for a quirk, never blocking the queue."""

import datetime as dt

import pytest

from mail.parse import parse_message
from mail.sandbox import SafeParser
from service.ingest import InboxProcessor
from storage import inbox
from storage.models import MessageRow
from tests.factories import MovableClock
from tests.integration.test_ingest import links, sent_request

START = dt.datetime(2024, 6, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    return MovableClock(START)


def test_a_nul_in_a_header_and_a_bad_punycode_domain_are_matched(database, clock):
    request_id, reference, _ = sent_request(database, clock, email="foi@council.gov.uk")
    raw = (
        f"From: FOI <foi@council.gov.uk>\r\nTo: foibot@example.org, x@xn--zz-broken.example\r\n"
        f"Subject: Re: {reference} \x00part 2\r\nMessage-ID: <nul-1@council.gov.uk>\r\n\r\nHere it is."
    ).encode()
    result = InboxProcessor(database, clock).ingest(raw)
    assert result.state == "matched"
    assert links(database, result.message_id) == [(request_id, "our_reference", "attached")]
    with database.unit_of_work() as session:
        assert "\x00" not in session.get(MessageRow, result.message_id).subject


class Killed(BaseException):
    """What a process killed in the middle of processing leaves behind: nothing caught, nothing recorded."""


def test_a_message_that_keeps_killing_processing_is_set_aside_and_the_next_goes_through(database, clock):
    request_id, reference, _ = sent_request(database, clock, email="foi@council.gov.uk")
    poison = b"From: x@council.gov.uk\r\nSubject: poison\r\nMessage-ID: <poison@x>\r\n\r\nboom"
    normal = f"From: foi@council.gov.uk\r\nSubject: Re: {reference}\r\nMessage-ID: <ok@x>\r\n\r\nfine".encode()

    def parser(raw, max_bytes):
        if b"poison" in raw:
            raise Killed
        return parse_message(raw, max_bytes)

    processor = InboxProcessor(database, clock, parser=parser)
    with database.unit_of_work() as session:
        poison_id = inbox.store_raw(session, poison, "<poison@x>", clock()).message_id
        normal_id = inbox.store_raw(session, normal, "<ok@x>", clock()).message_id
    for _ in range(2):  # two restarts, each killed by the same message
        with pytest.raises(Killed):
            processor.process_pending()
    done = processor.process_pending()
    assert [(p.message_id, p.state) for p in done] == [(poison_id, "set_aside"), (normal_id, "matched")]
    with database.unit_of_work() as session:
        assert session.get(MessageRow, poison_id).raw == poison  # kept whole for the operator
        assert poison_id in [m.id for m in inbox.held_messages(session)]
    assert links(database, normal_id) == [(request_id, "our_reference", "attached")]


def test_a_parse_past_its_budget_is_read_for_its_headers_and_still_matched(database, clock):
    request_id, reference, _ = sent_request(database, clock, email="foi@council.gov.uk")
    parser = SafeParser(seconds=0.1, memory_mb=1024)  # the slow message takes about 0.4 s: four times the budget
    try:
        parser(b"From: a@b.example\r\nSubject: warm-up\r\n\r\nx")  # the worker is started
        slow = (
            f"From: foi@council.gov.uk\r\nSubject: Re: {reference}\r\nMessage-ID: <slow@x>\r\n"
            "Content-Type: text/html\r\n\r\n"
        ).encode() + b"<p>word <b>bold</b> <i>it</i></p>" * 9000
        result = InboxProcessor(database, clock, parser=parser).ingest(slow)
    finally:
        parser.close()
    assert result.state == "matched"
    assert links(database, result.message_id) == [(request_id, "our_reference", "attached")]
    with database.unit_of_work() as session:
        row = session.get(MessageRow, result.message_id)
        assert row.oversized and any("parsing stopped after 0.1 s" in note for note in row.parse_notes)
