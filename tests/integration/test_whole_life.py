"""A request's whole life over an injected clock: every prompt once, every letter in the thread."""

import datetime as dt
import io
import threading
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from bot.notify import prompt_screen
from mail.compose import Mailbox
from mail.smtp import SmtpConfig, SmtpTransport
from service import followups, outgoing, prompts
from service.ingest import InboxProcessor
from service.sender import OutboxSender
from storage.db import open_database
from storage.models import AuthorityReference, FoiRequestRow, PromptSent
from tests.factories import MovableClock, make_draft
from tests.mail_fixtures import crlf

MAILBOX = Mailbox("foibot@example.org", "+")
ALICE = 4242


def at(year, month, day, hour=10):
    return dt.datetime(year, month, day, hour, 0, tzinfo=dt.UTC)


def authority_mail(n, in_reply_to, body, date):
    return crlf(f"""
        From: FOI Team <foi@barnet.gov.uk>
        To: foibot@example.org
        Subject: RE: Freedom of Information request - Remote working
        Message-ID: <life-{n}@barnet.gov.uk>
        In-Reply-To: {in_reply_to}
        Date: {date}

        {body}
        """)


PARTIAL = """Dear Ada Lovelace,

Our ref: FOI/2024/555

Please find our response below.

1. Policies in place to enable remote working since 1 January 2020
See the attached policy.

2. Number of new devices purchased:
   a) Laptops
   b) Tablet computers
   c) Mobile phones
We bought 512 laptops and no tablets.

Your rights
If you are unhappy you can request an internal review within 40 working days."""


class Life:
    def __init__(self, database, smtp_server):
        self.db = database
        self.clock = MovableClock(at(2024, 6, 4, 9))
        self.processor = InboxProcessor(database, self.clock)
        transport = SmtpTransport(SmtpConfig("127.0.0.1", smtp_server.port, security="plain"))
        self.sender = OutboxSender(database, transport, self.clock)
        self.smtp = smtp_server
        self.told: list[tuple[str, str]] = []

    def tell(self, due):
        with self.db.unit_of_work() as session:
            request = session.get(FoiRequestRow, due.request_id)
            screen = prompt_screen(request, due.prompt, followups.unanswered_parts(session, request.id))
        self.told.append((due.prompt.kind, screen.text))

    def sweep(self):
        return [d.prompt.kind for d in prompts.sweep(self.db, self.clock(), self.tell)]

    def request(self):
        with self.db.unit_of_work() as session:
            return session.scalars(select(FoiRequestRow)).one()


def test_a_whole_life_from_sending_to_the_complaint_pack(database, smtp_server):
    life = Life(database, smtp_server)
    with database.unit_of_work() as session:
        draft = make_draft(session, telegram_id=ALICE, email="foi@barnet.gov.uk")
        outgoing.queue_request(session, draft, MAILBOX, life.clock())
    life.sender.run_once()
    original_id = smtp_server.deliveries[0].message_id
    assert life.request().status == "sent"
    assert life.sweep() == []

    # An acknowledgement teaches us their reference.
    life.clock.current = at(2024, 6, 5)
    ack = "We acknowledge receipt of your request.\n\nOur ref: FOI/2024/555"
    life.processor.ingest(authority_mail(1, original_id, ack, "Wed, 05 Jun 2024 10:00:00 +0100"))
    assert life.request().status == "acknowledged"
    with database.unit_of_work() as session:
        assert session.scalar(select(AuthorityReference.reference)) == "FOI/2024/555"

    # Three working days before the due date: a note; after the lenient date: a chaser, once.
    life.clock.current = at(2024, 6, 27)
    assert life.sweep() == ["reply_due_soon"]
    life.clock.current = at(2024, 7, 3)
    assert life.sweep() == ["chaser"]
    assert life.sweep() == []
    assert "was due by <b>2 Jul 2024</b>" in life.told[-1][1]

    # The chaser goes out in the thread.
    with database.unit_of_work() as session:
        request = session.scalars(select(FoiRequestRow)).one()
        chaser = followups.draft_chaser(session, request)
        followups.send_letter(session, request, chaser, MAILBOX, life.clock())
    life.sender.run_once()
    sent_chaser = smtp_server.deliveries[-1]
    assert sent_chaser.message["In-Reply-To"] == "<life-1@barnet.gov.uk>"
    assert original_id in sent_chaser.message["References"]
    assert "2 July 2024" in sent_chaser.text and "section 10(1)" in sent_chaser.text

    # A partial reply, missing part 2c.
    life.clock.current = at(2024, 7, 8)
    life.processor.ingest(authority_mail(2, sent_chaser.message_id, PARTIAL, "Mon, 08 Jul 2024 10:00:00 +0100"))
    assert life.request().status == "partly_answered"
    assert life.sweep() == ["review"]
    assert "part 2c: Mobile phones — not addressed" in life.told[-1][1]
    assert life.sweep() == []

    # The internal review request names the part and both references, and goes in the thread.
    with database.unit_of_work() as session:
        request = session.scalars(select(FoiRequestRow)).one()
        review = followups.draft_review(session, request, dt.date(2024, 7, 9))
        body = " ".join(review.body.split())
        assert "part 2c (Mobile phones) was not answered" in body
        assert request.reference in body and "FOI/2024/555" in body
        assert "section 45 Code of Practice" in body
        followups.send_letter(session, request, review, MAILBOX, life.clock())
    life.sender.run_once()
    assert smtp_server.deliveries[-1].message["In-Reply-To"] == "<life-2@barnet.gov.uk>"
    request = life.request()
    assert request.status == "review_requested"
    # 20 working days (s.45 Code); 12 July (NI) and 5 August (Scotland) skipped.
    assert request.review_reply_due_on == dt.date(2024, 8, 7)

    # The review is overdue (40 working days at most): the complaint prompt, once.
    life.clock.current = at(2024, 9, 5)  # 40 working days after 8 July, 26 August skipped
    assert life.sweep() == []
    life.clock.current = at(2024, 9, 6)
    assert life.sweep() == ["complaint_review_overdue"]
    assert life.sweep() == []

    # The complaint pack: grounds, chronology and every message, readable.
    with database.unit_of_work() as session:
        request = session.scalars(select(FoiRequestRow)).one()
        name, data, grounds = followups.complaint_pack(session, request, dt.date(2024, 9, 6))
    assert len(grounds) <= 2000 and "has not completed the internal review" in grounds
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert name == f"complaint-{request.reference}.zip"
    assert sum(n.startswith("messages/") for n in names) == 5  # request, ack, chaser, partial reply, review
    pages = PdfReader(io.BytesIO(archive.read(names[0]))).pages
    pdf_text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Grounds of complaint" in pdf_text and "Chronology" in pdf_text
    assert "Wycliffe House" in pdf_text
    assert "We bought 512 laptops" in pdf_text and "foi@barnet.gov.uk" in pdf_text

    # After a restart (a new connection pool, a new sweep) nothing is prompted again.
    again = Life(open_database(str(database.engine.url.render_as_string(hide_password=False))), smtp_server)
    again.clock.current = life.clock()
    assert again.sweep() == []
    again.db.dispose()


def test_two_sweeps_racing_prompt_only_once(database):
    with database.unit_of_work() as session:
        request = make_draft(session, telegram_id=ALICE)
        request.reference = "FOI-RACE01"
        request.status = "sent"
        request.received_on = dt.date(2024, 6, 4)
        request.reply_due_on = request.reply_due_lenient_on = dt.date(2024, 7, 2)
        request.very_overdue_on = dt.date(2024, 7, 31)
    now = at(2024, 7, 3)
    results: list[list] = []
    barrier = threading.Barrier(4)

    def racer():
        barrier.wait()
        results.append(prompts.claim(database, now))

    threads = [threading.Thread(target=racer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [due.prompt.kind for batch in results for due in batch]
    assert claimed == ["chaser"]
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(PromptSent)) == 1


def test_a_prompt_that_could_not_be_sent_is_tried_again(database):
    with database.unit_of_work() as session:
        request = make_draft(session, telegram_id=ALICE)
        request.reference = "FOI-RETRY1"
        request.status = "sent"
        request.reply_due_on = request.reply_due_lenient_on = dt.date(2024, 7, 2)
    now = at(2024, 7, 3)

    def broken(due):
        raise ConnectionError("Telegram unreachable")

    assert prompts.sweep(database, now, broken) == []
    told = []
    assert [d.prompt.kind for d in prompts.sweep(database, now, told.append)] == ["chaser"]
    assert len(told) == 1


@pytest.mark.parametrize("action", ["withdraw", "close", "stop"])
def test_withdrawing_closing_or_stopping_reminders_silences_a_request(database, action):
    with database.unit_of_work() as session:
        request = make_draft(session, telegram_id=ALICE)
        request.reference = "FOI-QUIET1"
        request.status = "sent"
        request.reply_due_on = request.reply_due_lenient_on = dt.date(2024, 7, 2)
        if action == "withdraw":
            request.status = "withdrawn"
        elif action == "close":
            request.status = "closed"
        else:
            request.reminders_off = True
    assert prompts.sweep(database, at(2024, 7, 3), lambda due: None) == []
