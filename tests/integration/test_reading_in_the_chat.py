"""A real-shaped correspondence played through the bot: what the user is told rests on a careful reading."""

import datetime as dt
from pathlib import Path

import pytest

from foi import deadlines
from foi.laws import FOIA
from foi.questions import Question
from service import outgoing
from service.ingest import InboxProcessor
from storage import outbox
from storage.models import FoiRequestRow
from tests import letter_fixtures as letters
from tests.bot_harness import MAILBOX, RunningBot
from tests.factories import MovableClock, make_draft
from tests.integration.test_bot import Chat
from tests.integration.test_bot_followups import buttons_of, wait_for_text
from tests.mail_fixtures import crlf

ALICE = 1001
SENT = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "barnet-foi-response-2020.txt"
# The Barnet request as its requester typed it (an unnumbered opening question, then 1 and 2).
SEED_REQUEST = [
    Question(
        "I would like to know what policies are in place within your organisation to enable remote working "
        "during the Covid-19 lockdown since the start of the calendar year please."
    ),  # fmt: skip
    Question(
        "Breakdown of the number of new devices purchased by your organisation:",
        ("Laptops", "Tablet computers", "Mobile Phones"),
    ),  # fmt: skip
    Question(
        "Detail on remote working software/licences purchased",
        ("Number of Zoom accounts created", "Number of new office 365 account purchased"),
    ),  # fmt: skip
]
CASES = {
    "own letter": (lambda: letters.PARTIAL_REMOTE_WORKING, letters.REMOTE_WORKING, "7730215",
                   ["2c — Mobile phones (not addressed)", "3b — Number of new Office 365 accounts purchased"]),
    "Barnet seed": (lambda: SEED.read_text(), SEED_REQUEST, "6234788",
                    ["2c — Mobile Phones (not addressed)", "3b — Number of new office 365 account purchased"]),
}  # fmt: skip


def email(in_reply_to: str, body: str, n: int, date: str) -> bytes:
    return (
        crlf(
            "From: Information Governance <foi@anytown.gov.uk>\nTo: foibot@example.org\n"
            f"Subject: RE: Freedom of Information request\nMessage-ID: <anytown-{n}@anytown.gov.uk>\n"
            f"In-Reply-To: {in_reply_to}\nDate: {date}\n\n"
        )
        + body.replace("\n", "\r\n").encode()
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_acknowledgement_then_a_partial_answer_end_in_the_right_review_letter(server, database, case):
    reply_text, questions, their_ref, missing = CASES[case]
    if case == "Barnet seed" and not SEED.exists():
        pytest.skip("the shared seed letter is not beside the project")
    clock = MovableClock(SENT)
    with database.unit_of_work() as session:
        request = make_draft(session, telegram_id=ALICE, email="foi@anytown.gov.uk",
                             authority="Anytown Borough Council", questions=questions)  # fmt: skip
        queued = outgoing.queue_request(session, request, MAILBOX, clock())
        outgoing.mark_sent(session, outbox.claim(session, queued.outbox_id, clock(), dt.timedelta(minutes=1)), clock())
        request_id = request.id
    bot = RunningBot(server, database, clock).start()
    try:
        processor = InboxProcessor(database, clock)
        due = deadlines.reply_due(FOIA, dt.date(2026, 12, 1))

        clock.current = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
        ack = letters.LATE_ACKNOWLEDGEMENT.format(received="1 December 2026", promised="26 February 2027")
        processor.ingest(email(queued.message_id, ack, 1, "Wed, 02 Dec 2026 08:58:00 +0000"))
        notice = wait_for_text(server, ALICE, "an acknowledgement")
        text = notice.params["text"]
        assert "later than the law allows" in text and f"{due.day} {due:%b %Y}" in text
        assert "not fully answered" not in text  # an acknowledgement answers no question
        with database.unit_of_work() as session:
            assert session.get(FoiRequestRow, request_id).promised_on is None  # the chaser waits for the law's date

        # The answer carries the authority's own (old) letter date and Date header; deadlines run from its arrival.
        clock.current = dt.datetime(2026, 12, 15, 11, 0, tzinfo=dt.UTC)
        processor.ingest(email(queued.message_id, reply_text(), 2, "Thu, 09 Apr 2020 10:00:00 +0100"))
        notice = wait_for_text(server, ALICE, "not fully answered")
        text = notice.params["text"]
        for part in missing:
            assert part in text
        window = deadlines.review_request_by(FOIA, dt.date(2026, 12, 15))
        with database.unit_of_work() as session:
            request = session.get(FoiRequestRow, request_id)
            assert request.status == "partly_answered"
            assert request.responded_on == dt.date(2026, 12, 15) and request.review_request_by == window

        prompt = wait_for_text(server, ALICE, "did not give you everything", timeout=15)
        assert f"{window.day} {window:%b %Y}" in prompt.params["text"] and "Mobile" in prompt.params["text"]
        chat = Chat(server, ALICE)
        chat.press(buttons_of(prompt)["✍️ Draft the internal review request"])
        letter = " ".join(chat.text.split())
        assert "your response of 15 December 2026 to my request for information made on 1 December 2026" in letter
        assert their_ref in letter  # their reference, learned from the letter
    finally:
        bot.stop()
