"""The analysis is stored with each matched reply, and the request's state follows it."""

import datetime as dt

import pytest

from mail.compose import Mailbox
from mail.parse import parse_message
from service import outgoing
from service.ingest import InboxProcessor
from storage import outbox
from storage.models import AuthorityReference, FoiRequestRow, MessageRow
from tests.factories import MovableClock, make_draft
from tests.mail_fixtures import crlf

MAILBOX = Mailbox("foibot@example.org", "+")
SENT = dt.datetime(2024, 6, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    return MovableClock(SENT)


class ArrivingProcessor(InboxProcessor):
    """Mail reaches us a minute after its Date: the clock moves to its arrival (the date deadlines run from)."""

    def ingest(self, raw: bytes):
        sent = parse_message(raw).date
        if sent is not None:
            self.clock.current = max(self.clock.current, sent + dt.timedelta(minutes=1))
        return super().ingest(raw)


@pytest.fixture
def processor(database, clock):
    return ArrivingProcessor(database, clock)


@pytest.fixture
def request_sent(database, clock):
    with database.unit_of_work() as session:
        request = make_draft(session, email="foi@council.gov.uk")
        queued = outgoing.queue_request(session, request, MAILBOX, clock())
        row = outbox.claim(session, queued.outbox_id, clock(), dt.timedelta(minutes=1))
        outgoing.mark_sent(session, row, clock())
        return request.id, queued.message_id


def reply(our_id: str, body: str, date: str = "Thu, 06 Jun 2024 10:00:00 +0100", n: int = 1) -> bytes:
    return crlf(f"""
        From: FOI Team <foi@council.gov.uk>
        To: foibot@example.org
        Subject: Re: Freedom of Information request
        Message-ID: <state-{n}@council.gov.uk>
        In-Reply-To: {our_id}
        Date: {date}

        {body}
        """)


def get(database, request_id):
    with database.unit_of_work() as session:
        return session.get(FoiRequestRow, request_id)


def test_acknowledgement_teaches_the_authority_reference(database, processor, request_sent):
    request_id, our_id = request_sent
    result = processor.ingest(
        reply(our_id, "We acknowledge receipt of your request, logged as FOI2024/0456.\nOur ref: FOI2024/0456\n"
                      "We will respond within 20 working days.")
    )  # fmt: skip
    request = get(database, request_id)
    assert request.status == "acknowledged"
    with database.unit_of_work() as session:
        message = session.get(MessageRow, result.message_id)
        assert message.classification == "acknowledgement"
        assert message.analysis["authority_refs"] == ["FOI2024/0456"]
        refs = session.query(AuthorityReference).filter_by(request_id=request_id).all()
        assert [r.reference for r in refs] == ["FOI2024/0456"]


def test_extension_sets_a_new_promised_date(database, processor, request_sent):
    request_id, our_id = request_sent
    processor.ingest(
        reply(our_id, "We need to consider the public interest test under section 10(3) and must extend the "
                      "time for our reply. We aim to respond by 30 July 2024.", date="Tue, 02 Jul 2024 10:00:00 +0100")
    )  # fmt: skip
    request = get(database, request_id)
    assert request.status == "extended"
    assert request.promised_on == dt.date(2024, 7, 30)
    assert request.extended_due_on == dt.date(2024, 7, 30)


def test_clarification_stops_the_clock(database, processor, request_sent):
    request_id, our_id = request_sent
    processor.ingest(
        reply(our_id, "Could you please clarify which departments you mean? Under section 1(3) the time for "
                      "our response will restart when we receive your clarification.")
    )  # fmt: skip
    request = get(database, request_id)
    assert request.status == "clarification_requested"
    assert request.clarification_asked_on == dt.date(2024, 6, 6)


def test_a_partial_answer_records_the_unanswered_parts_and_opens_the_review_window(database, processor, request_sent):
    request_id, our_id = request_sent
    body = (
        "Please find below our response.\n\n"
        "1. Policies in place to enable remote working since 1 January 2020\n"
        "See the attached policy.\n\n"
        "2. Number of new devices purchased:\n"
        "   a) Laptops\n   b) Tablet computers\n   c) Mobile phones\n"
        "We bought 512 laptops. We bought no tablets.\n\n"
        "If you are unhappy you may ask for an internal review within 40 working days."
    )
    result = processor.ingest(reply(our_id, body, date="Tue, 18 Jun 2024 10:00:00 +0100"))
    request = get(database, request_id)
    assert request.status == "partly_answered"
    assert request.responded_on == dt.date(2024, 6, 18)
    # 40 working days; 12 July (NI) and 5 August (Scotland) are bank holidays in part of the UK.
    assert request.review_request_by == dt.date(2024, 8, 15)
    with database.unit_of_work() as session:
        analysis = session.get(MessageRow, result.message_id).analysis
        status = {c["part"]: c["status"] for c in analysis["coverage"]}
        assert status["2c"] == "not_addressed" and status["2a"] == "answered"
        summaries = [e.summary for e in session.get(FoiRequestRow, request_id).events]
        assert any("not fully answered: part 2c" in s for s in summaries)


def test_only_a_letter_that_leaves_the_reply_to_come_sets_the_promised_date(database, processor, request_sent):
    request_id, our_id = request_sent
    processor.ingest(
        reply(our_id, "The council holds this information. However, it is exempt under section 22, as it is "
                      "intended for future publication. The review will be published and we expect to respond "
                      "to any questions about it by 30 June 2024.\n\nYou may ask for an internal review within "
                      "40 working days.")
    )  # fmt: skip
    request = get(database, request_id)
    assert request.status == "refused"
    assert request.promised_on is None  # a date in a refusal is no promise of the reply: it has come
    with database.unit_of_work() as session:
        summaries = [e.summary for e in session.get(FoiRequestRow, request_id).events]
        assert any(s.startswith("a refusal arrived") for s in summaries)
        assert not any("promised" in s or "promise" in s for s in summaries)


def test_an_out_of_office_is_analysed_but_moves_nothing(database, processor, request_sent):
    request_id, our_id = request_sent
    raw = reply(our_id, "I am out of the office.").replace(
        b"Subject: Re:", b"Auto-Submitted: auto-replied\r\nSubject: Re:"
    )
    result = processor.ingest(raw)
    assert result.label == "auto_reply"
    assert get(database, request_id).status == "sent"
    with database.unit_of_work() as session:
        assert session.get(MessageRow, result.message_id).classification == "auto_reply"
