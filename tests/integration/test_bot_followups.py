"""Replies and follow-ups in the chat: notices, Reply in the thread, kinds, held mail, prompts, the pack."""

import datetime as dt
import time

import pytest
from sqlalchemy import select

from mail.smtp import SmtpConfig, SmtpTransport
from service import outgoing
from service.ingest import InboxProcessor
from service.sender import OutboxSender
from storage import outbox
from storage.models import FoiRequestRow, MessageRow
from tests.bot_harness import MAILBOX, RunningBot
from tests.factories import MovableClock, make_draft
from tests.integration.test_bot import Chat
from tests.mail_fixtures import crlf

ALICE, BOB = 1001, 2002
SENT = dt.datetime(2024, 6, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    return MovableClock(SENT)


@pytest.fixture
def sent(database, clock):
    """A request of Alice's, delivered; returns (request id, reference, our Message-ID)."""
    with database.unit_of_work() as session:
        request = make_draft(session, telegram_id=ALICE, email="foi@barnet.gov.uk")
        queued = outgoing.queue_request(session, request, MAILBOX, clock())
        row = outbox.claim(session, queued.outbox_id, clock(), dt.timedelta(minutes=1))
        outgoing.mark_sent(session, row, clock())
        return request.id, queued.reference, queued.message_id


@pytest.fixture
def bot(server, database, clock, sent):
    running = RunningBot(server, database, clock).start()
    yield running
    running.stop()


def authority_reply(
    in_reply_to: str, body: str, n: int = 1, sender: str = "foi@barnet.gov.uk", subject: str = "RE: request"
):
    return crlf(f"""
        From: FOI Team <{sender}>
        To: foibot@example.org
        Subject: {subject}
        Message-ID: <bot-{n}@barnet.gov.uk>
        In-Reply-To: {in_reply_to}
        Date: Thu, 06 Jun 2024 10:00:00 +0100

        {body}
        """)


def wait_for_text(server, chat_id, needle, timeout=10):
    return server.wait_for(
        lambda c: (
            c.method in ("sendMessage", "sendDocument")
            and int(c.params.get("chat_id", 0)) == chat_id
            and needle in (c.params.get("text") or c.params.get("caption") or "")
        ),
        timeout=timeout,
    )


def buttons_of(call):
    return {
        b["text"]: b["callback_data"]
        for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
        for b in row
    }


def test_a_reply_reaches_its_owner_and_the_users_reply_goes_out_in_the_thread(
    server, bot, database, clock, sent, smtp_server
):
    request_id, reference, our_id = sent
    processor = InboxProcessor(database, clock)
    processor.ingest(
        authority_reply(our_id, "Could you please clarify which years you mean? Under section 1(3) the clock "
                                "will restart when we receive your clarification.")
    )  # fmt: skip
    notice = wait_for_text(server, ALICE, "a request to clarify")
    assert "the clock has stopped" in notice.params["text"]
    assert not server.sent(BOB)
    buttons = buttons_of(notice)

    chat = Chat(server, ALICE)
    chat.press(buttons["↩️ Reply"])
    assert "restarts the 20 working days" in chat.text
    chat.say("I mean the financial years 2021-22 and 2022-23.")
    assert "I mean the financial years 2021-22 and 2022-23." in chat.text
    chat.press("ls")
    assert "Sent to the outbox" in chat.text
    with database.unit_of_work() as session:
        assert session.get(FoiRequestRow, request_id).status == "acknowledged"  # clarified: waiting again

    clock.current = dt.datetime(2024, 6, 10, 10, 0, tzinfo=dt.UTC)  # the clarification goes out on Monday
    transport = SmtpTransport(SmtpConfig("127.0.0.1", smtp_server.port, security="plain"))
    OutboxSender(database, transport, clock).run_once()
    [email] = smtp_server.deliveries
    assert email.message["In-Reply-To"] == "<bot-1@barnet.gov.uk>"
    assert our_id in email.message["References"]
    assert "financial years 2021-22" in email.text
    assert reference in email.message["Subject"]
    with database.unit_of_work() as session:
        request = session.get(FoiRequestRow, request_id)
        assert request.reply_due_on == dt.date(2024, 7, 8)  # a fresh 20 working days from its receipt (FOIA s.1(3))


def test_the_user_corrects_the_kind_and_their_word_wins(server, bot, database, clock, sent):
    _, _, our_id = sent
    processor = InboxProcessor(database, clock)
    result = processor.ingest(authority_reply(our_id, "Please note our offices are closed on Friday.", n=2))
    # A letter it cannot read with confidence: the user is asked, and nothing moves until they answer.
    notice = wait_for_text(server, ALICE, "what is it?")
    with database.unit_of_work() as session:
        assert session.scalar(select(FoiRequestRow.status)) == "sent"
    chat = Chat(server, ALICE)
    chat.press(buttons_of(notice)["Refusal"])
    assert "Status now: ❌ refused" in chat.text
    with database.unit_of_work() as session:
        message = session.get(MessageRow, result.message_id)
        assert message.classification == "other" and message.classification_by_user == "refusal"


def test_held_mail_is_shown_to_its_likely_owner_who_confirms_it(server, bot, database, clock, sent):
    request_id, reference, _ = sent
    processor = InboxProcessor(database, clock)
    result = processor.ingest(
        authority_reply("<unrelated@x>", f"About {reference}: see attached.", n=3, sender="officer@home.example")
    )
    assert result.state == "held"
    question = wait_for_text(server, ALICE, "may belong to")
    chat = Chat(server, ALICE)
    chat.press(buttons_of(question)["Yes, attach it"])
    assert f"Attached to {reference}" in chat.text
    wait_for_text(server, ALICE, f"<b>{reference}</b>")  # then told about it as a reply


def test_a_due_prompt_arrives_once_and_drafts_the_chaser(server, bot, database, clock, sent):
    clock.current = dt.datetime(2024, 7, 3, 10, 0, tzinfo=dt.UTC)
    prompt = wait_for_text(server, ALICE, "Send a polite chaser?", timeout=8)
    chat = Chat(server, ALICE)
    chat.press(buttons_of(prompt)["✍️ Draft the chaser"])
    assert "section 10(1) of the Freedom of Information Act 2000" in " ".join(chat.text.split())
    assert "📤 Send" in chat.buttons
    mark = server.mark()
    time.sleep(2.5)  # two more sweeps
    assert not [c for c in server.calls[mark:] if "chaser?" in (c.params.get("text") or "")]


def test_the_complaint_pack_is_a_document_in_the_chat(server, bot, database, clock, sent):
    request_id, _, _ = sent
    chat = Chat(server, ALICE)
    chat.press(f"cp:{request_id}")
    documents = [c for c in chat.replies if c.method == "sendDocument"]
    assert len(documents) == 1
    name, data = documents[0].files["document"]
    assert name.endswith(".zip") and data[:2] == b"PK"
    assert "Grounds" in chat.text


def test_user_b_cannot_act_on_user_a_messages_or_requests(server, bot, database, clock, sent):
    request_id, reference, our_id = sent
    processor = InboxProcessor(database, clock)
    result = processor.ingest(authority_reply(our_id, "We refuse your request under section 12.", n=4))
    wait_for_text(server, ALICE, reference)
    bob = Chat(server, BOB)
    m, r = result.message_id, request_id
    for forged in (f"rp:{m}", f"kc:{m}", f"kx:{m}", f"ks:{m}:answered", f"dm:{m}", f"rv:{r}", f"ch:{r}", f"cs:{r}",
                   f"cp:{r}", f"cm:{r}", f"sz:{r}", f"so:{r}", f"hy:{m}:{r}", f"hn:{m}:{r}", "ls", "le"):  # fmt: skip
        bob.press(forged)
        assert reference not in bob.text, forged
        assert not [c for c in bob.replies if c.method == "sendDocument"], forged
    with database.unit_of_work() as session:
        request = session.get(FoiRequestRow, request_id)
        assert request.status == "refused" and not request.reminders_off and request.snoozed_until is None
        assert session.get(MessageRow, m).classification_by_user is None
        assert (
            session.scalars(select(outbox.OutboxMessage).where(outbox.OutboxMessage.request_id == r)).all()[-1].kind
            == "request"
        )


def test_a_reply_with_attachments_sends_them_as_documents(server, bot, database, clock, sent):
    from tests.mail_fixtures import FIXTURES

    _, reference, our_id = sent
    raw = FIXTURES["pdf_attachment"]().replace(b"Subject: Re:", f"In-Reply-To: {our_id}\r\nSubject: Re:".encode())
    raw = raw.replace(b"foi@council.gov.uk", b"foi@barnet.gov.uk")
    InboxProcessor(database, clock).ingest(raw)
    document = server.wait_for(lambda c: c.method == "sendDocument" and int(c.params.get("chat_id", 0)) == ALICE)
    name, data = document.files["document"]
    assert name == "response 123.pdf" and data.startswith(b"%PDF")


def test_delivery_is_announced_with_the_due_date(server, bot, sent):
    _, reference, _ = sent
    notice = wait_for_text(server, ALICE, "has been delivered")
    assert reference in notice.params["text"] and "2 Jul 2024" in notice.params["text"]


def test_a_send_that_failed_for_good_is_announced_with_the_servers_reply(server, bot, database, clock, smtp_server):
    with database.unit_of_work() as session:
        request = make_draft(session, telegram_id=ALICE, email="nobody@closed.gov.uk", title="Closed body")
        outgoing.queue_request(session, request, MAILBOX, clock())
    smtp_server.handler.replies = ["550 5.1.1 <nobody@closed.gov.uk>: Recipient address rejected"]
    transport = SmtpTransport(SmtpConfig("127.0.0.1", smtp_server.port, security="plain"))
    OutboxSender(database, transport, clock).run_once()
    notice = wait_for_text(server, ALICE, "could not be delivered")
    assert "Recipient address rejected" in notice.params["text"]
    time.sleep(1)
    assert len([c for c in server.sent(ALICE) if "could not be delivered" in c.params.get("text", "")]) == 1


def test_the_request_page_offers_the_actions_open_now(server, bot, database, clock, sent):
    request_id, _, _ = sent
    chat = Chat(server, ALICE)
    chat.press(f"r:{request_id}")
    assert "✍️ Draft a chaser" not in chat.buttons  # not overdue yet
    assert "↩️ Withdraw" in chat.buttons and "💤 Snooze a week" in chat.buttons
    with database.unit_of_work() as session:
        request = session.get(FoiRequestRow, request_id)
        request.status = "partly_answered"
        request.responded_on = dt.date(2024, 6, 20)
    chat.press(f"r:{request_id}")
    chat.press(chat.button("🔁 Ask for an internal review"))
    assert "I am writing to request an internal review" in " ".join(chat.text.split())
    assert "📤 Send" in chat.buttons
    clock.current = dt.datetime(2024, 7, 10, 10, 0, tzinfo=dt.UTC)
    with database.unit_of_work() as session:
        session.get(FoiRequestRow, request_id).status = "sent"
    chat.press(f"r:{request_id}")
    assert "✍️ Draft a chaser" in chat.buttons


@pytest.fixture
def sandboxed_bot(server, database, clock, sent):
    """The bot as `foibot run` builds it: stored mail is parsed again in a worker process, not on its threads."""
    from mail.sandbox import SafeParser

    parser = SafeParser(seconds=60)
    running = RunningBot(server, database, clock, parse=parser).start()
    yield running
    running.stop()
    parser.close()


@pytest.mark.serial  # timed: run with nothing beside it
def test_help_is_answered_within_0_2_s_while_another_user_downloads_a_15_mb_attachment(
    server, sandboxed_bot, database, clock, sent
):
    import os
    from email.message import EmailMessage

    from storage.models import Attachment

    _, reference, our_id = sent
    letter = EmailMessage()
    letter["From"], letter["To"] = "FOI Team <foi@barnet.gov.uk>", "foibot@example.org"
    letter["Subject"], letter["Message-ID"], letter["In-Reply-To"] = f"RE: [{reference}]", "<big@barnet.gov.uk>", our_id
    letter.set_content("Please find the information attached.")
    payload = os.urandom(15 * 1024 * 1024)
    letter.add_attachment(payload, maintype="application", subtype="octet-stream", filename="records.bin")
    result = InboxProcessor(database, clock).ingest(letter.as_bytes())
    server.wait_for(lambda c: c.method == "sendDocument" and int(c.params.get("chat_id", 0)) == ALICE, timeout=60)
    with database.unit_of_work() as session:
        attachment_id = session.scalar(select(Attachment.id).where(Attachment.message_id == result.message_id))

    server.delay["sendDocument"] = 1.5  # Alice's 15 MB is still on its way when Bob asks for help
    mark = server.mark()
    server.press(ALICE, f"f:{attachment_id}")
    # Her 15 MB has reached the stand-in, which holds the answer: her update is still waiting on it.
    download = server.wait_for(
        lambda c: (
            c.method == "sendDocument" and int(c.params.get("chat_id", 0)) == ALICE and server.calls.index(c) >= mark
        ),
        timeout=30,
    )
    started = time.monotonic()
    server.send_text(BOB, "/help")
    wait_for_text(server, BOB, "How foibot works", timeout=5)
    assert time.monotonic() - started < 0.2
    name, data = download.files["document"]
    assert name == "records.bin" and data == payload
