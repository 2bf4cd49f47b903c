"""Trust, end to end: mail is read by its owner only, whatever a second user or a forger sends.

The bot runs for real (python-telegram-bot over HTTP against the Bot API
stand-in) and mail goes through the same store → parse → match → analyse
path as the watcher's, on SQLite and PostgreSQL.
"""

import datetime as dt
import time

import pytest
from sqlalchemy import select

from mail.errors import AddressError
from mail.smtp import SmtpConfig, SmtpTransport
from service import outgoing
from service.directory import add_authority, import_directory
from service.ingest import InboxProcessor
from service.sender import OutboxSender
from storage import inbox, outbox
from storage.models import AuthorityReference, FoiRequestRow, MessageLink, MessageRow
from tests.bot_harness import MAILBOX, RunningBot
from tests.factories import MovableClock, make_draft
from tests.integration.test_bot import Chat
from tests.integration.test_bot_followups import buttons_of, wait_for_text
from tests.mail_fixtures import b64, crlf

ALICE, BOB = 1001, 2002
SENT = dt.datetime(2024, 6, 4, 9, 0, tzinfo=dt.UTC)
BARNET = "foi@barnet.gov.uk"


@pytest.fixture
def clock():
    return MovableClock(SENT)


@pytest.fixture
def processor(database, clock):
    return InboxProcessor(database, clock)


@pytest.fixture
def bot(server, database, clock):
    running = RunningBot(server, database, clock).start()
    yield running
    running.stop()


def deliver(database, clock, telegram_id, email=BARNET, authority="London Borough of Barnet", **draft):
    """A request of the user's, delivered: (request id, our reference, our Message-ID)."""
    with database.unit_of_work() as session:
        request = make_draft(session, telegram_id=telegram_id, email=email, authority=authority, **draft)
        queued = outgoing.queue_request(session, request, MAILBOX, clock())
        row = outbox.claim(session, queued.outbox_id, clock(), dt.timedelta(minutes=1))
        outgoing.mark_sent(session, row, clock())
        return request.id, queued.reference, queued.message_id


def mail(sender, subject, body, n, headers="", to="foibot@example.org"):
    return crlf(f"""
        From: Someone <{sender}>
        To: {to}
        Subject: {subject}
        Message-ID: <trust-{n}@{sender.partition("@")[2]}>
        Date: Thu, 06 Jun 2024 10:00:00 +0100
        {headers}

        {body}
        """)


def learned(database, request_id):
    with database.unit_of_work() as session:
        return set(
            session.scalars(select(AuthorityReference.normalized).where(AuthorityReference.request_id == request_id))
        )


def link_statuses(database, message_id):
    with database.unit_of_work() as session:
        rows = session.execute(
            select(MessageLink.request_id, MessageLink.status).where(MessageLink.message_id == message_id)
        ).all()
        return dict(rows)


def status_of(database, request_id):
    with database.unit_of_work() as session:
        return session.get(FoiRequestRow, request_id).status


def told(server, chat_id, needle):
    calls = server.sent(chat_id) + server.sent(chat_id, method="sendDocument")
    return [c for c in calls if needle in (c.params.get("text") or c.params.get("caption") or "")]


def alice_learns_6234788(database, clock, processor, server):
    """Alice's request, acknowledged in its thread with the authority's reference."""
    alice_id, _, alice_msg = deliver(database, clock, ALICE)
    ack = mail(BARNET, "RE: Remote working", "Thank you for your request. Our ref: 6234788. We will respond "
               "within 20 working days.", 1, headers=f"In-Reply-To: {alice_msg}")  # fmt: skip
    processor.ingest(ack)
    assert "6234788" in learned(database, alice_id)
    wait_for_text(server, ALICE, "acknowledgement")
    return alice_id


def test_a_forged_teaching_mail_cannot_pull_another_users_reply(server, bot, database, clock, processor):
    alice_id = alice_learns_6234788(database, clock, processor, server)
    bob_id, bob_ref, _ = deliver(database, clock, BOB, title="Bob's own request")
    # Bob forges the body's address, quoting his own reference and Alice's authority reference.
    forged = processor.ingest(mail(BARNET, f"Re: {bob_ref}", "Our ref: 6234788", 2))
    assert link_statuses(database, forged.message_id) == {bob_id: "attached"}
    assert "6234788" in learned(database, bob_id)  # it taught Bob's request, but…

    reply = processor.ingest(
        mail(
            BARNET,
            "Your information request 6234788",
            "Our ref: 6234788\n\nPlease find attached the laptop figures: 512 laptops were bought. SECRET-FOR-ALICE",
            3,
        )  # fmt: skip
    )
    # …the reference is known on two users' requests with the same body: it moves to neither.
    assert reply.state == "held"
    assert set(link_statuses(database, reply.message_id).values()) == {"candidate"}
    time.sleep(2.5)  # several notice rounds
    assert not told(server, BOB, "SECRET-FOR-ALICE") and not told(server, BOB, "may belong")
    assert not told(server, ALICE, "SECRET-FOR-ALICE")
    assert status_of(database, alice_id) == "acknowledged" and status_of(database, bob_id) == "sent"
    with database.unit_of_work() as session:  # the operator sees it, with both candidates, in `foibot held`
        held = inbox.held_messages(session)
        assert reply.message_id in [m.id for m in held]
        assert {link.request_id for link in inbox.suggestions_for(session, reply.message_id)} == {alice_id, bob_id}


def test_a_body_of_a_users_own_domain_never_learns_for_a_real_body(server, bot, database, clock, processor):
    alice_id = alice_learns_6234788(database, clock, processor, server)
    bob_id, bob_ref, _ = deliver(database, clock, BOB, email="foi@bob-council.example", authority="Bob's Council")
    processor.ingest(mail("foi@bob-council.example", f"Re: {bob_ref}", "Our ref: 6234788", 4))
    assert "6234788" in learned(database, bob_id)  # learned for the pair (Bob's Council, 6234788) only

    reply = processor.ingest(mail(BARNET, "FOI 6234788", "Our ref: 6234788\n\nThe answer is 42. FOR-ALICE", 5))
    assert link_statuses(database, reply.message_id) == {alice_id: "attached"}
    wait_for_text(server, ALICE, "FOR-ALICE")
    time.sleep(1.5)
    assert not told(server, BOB, "FOR-ALICE")
    assert learned(database, alice_id) == {"6234788"}


def test_one_message_teaches_a_handful_of_references_at_most(server, bot, database, clock, processor):
    alice_id, _, alice_msg = deliver(database, clock, ALICE)
    flood = "\n".join(f"Our ref: {31000 + n}" for n in range(2001))
    processor.ingest(mail(BARNET, "RE: Remote working", flood, 6, headers=f"In-Reply-To: {alice_msg}"))
    assert 1 <= len(learned(database, alice_id)) <= 3
    # A different body's mail naming one of the flooded numbers is not offered to Alice.
    other = processor.ingest(mail("foi@camden.gov.uk", "FOI 31234", "About FOI 31234 and FOI 31000.", 7))
    assert link_statuses(database, other.message_id) == {}
    time.sleep(1.5)
    assert not told(server, ALICE, "FOI 31234")


def test_a_forged_from_with_failing_authentication_is_held_with_a_warning(server, bot, database, clock, processor):
    alice_id, reference, _ = deliver(database, clock, ALICE)
    forged = processor.ingest(
        mail(
            BARNET,
            f"Re: {reference}",
            "Please find attached part of the information. We do not hold the rest.",
            8,
            headers="Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=barnet.gov.uk;\n"
            "         dkim=none; dmarc=fail (p=reject) header.from=barnet.gov.uk",
        )  # fmt: skip
    )
    assert link_statuses(database, forged.message_id) == {alice_id: "suggested"}
    assert status_of(database, alice_id) == "sent"  # not "partly answered" on a forger's word
    question = wait_for_text(server, ALICE, "could not be verified")
    assert "may be forged" in question.params["text"]
    assert learned(database, alice_id) == set()
    # A header forged lower down cannot vouch for it: only the topmost (our server's) counts.
    second = processor.ingest(
        mail(
            BARNET,
            f"Re: {reference}",
            "Our ref: 777777",
            9,
            headers="Authentication-Results: mx.example.org; dmarc=fail header.from=barnet.gov.uk\n"
            "        Authentication-Results: mx.example.org; dmarc=pass header.from=barnet.gov.uk",
        )  # fmt: skip
    )
    assert link_statuses(database, second.message_id) == {alice_id: "suggested"}


def bounce(subject_ref: str, quoted_id: str, n: int, sender="MAILER-DAEMON@mx.barnet.gov.uk") -> bytes:
    return crlf(f"""
        From: Mail Delivery System <{sender}>
        To: foibot@example.org
        Subject: Undelivered Mail Returned to Sender
        Message-ID: <bounce-{n}@mx.example>
        Date: Thu, 06 Jun 2024 10:00:00 +0100
        Return-Path: <>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="B"

        --B
        Content-Type: text/plain

        This is the mail system. Your message could not be delivered to one or more recipients.
        <foi@barnet.gov.uk>: host mx.barnet.gov.uk said: 550 5.1.1 User unknown

        --B
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example
        Final-Recipient: rfc822; foi@barnet.gov.uk
        Action: failed
        Status: 5.1.1

        --B
        Content-Type: text/rfc822-headers

        Message-ID: {quoted_id}
        Subject: Freedom of Information request - Remote working [{subject_ref}]

        --B--
        """)


def test_a_strangers_bounce_does_not_mark_a_request_undelivered(server, bot, database, clock, processor):
    alice_id, reference, _ = deliver(database, clock, ALICE)
    fake = processor.ingest(bounce(reference, "<made-up@example.org>", 10, sender="MAILER-DAEMON@stranger.example"))
    assert fake.label == "bounce"
    assert set(link_statuses(database, fake.message_id).values()) == {"candidate"}
    assert status_of(database, alice_id) == "sent"
    time.sleep(1.5)
    assert not told(server, ALICE, "bounced")


def test_a_real_bounce_is_corrected_and_the_request_resent(server, bot, database, clock, processor, smtp_server):
    alice_id, reference, our_id = deliver(database, clock, ALICE)
    real = processor.ingest(bounce(reference, our_id, 11))
    assert link_statuses(database, real.message_id) == {alice_id: "attached"}
    assert status_of(database, alice_id) == "undelivered"
    notice = wait_for_text(server, ALICE, "bounced")
    buttons = buttons_of(notice)
    assert "↩️ Reply" not in buttons  # a reply would go to the address that bounced
    chat = Chat(server, ALICE)
    chat.press(buttons["✏️ Correct the address and resend"])
    assert "What is the right FOI address" in chat.text
    chat.say("foi@gov.uk")
    assert "public suffix" in chat.text
    chat.say("information.requests@barnet.gov.uk")
    assert "goes again" in chat.text
    OutboxSender(database, SmtpTransport(SmtpConfig("127.0.0.1", smtp_server.port, security="plain")), clock).run_once()
    [email] = smtp_server.deliveries
    assert email.rcpt_tos == ["information.requests@barnet.gov.uk"]
    assert reference in email.message["Subject"]
    assert status_of(database, alice_id) == "sent"
    with database.unit_of_work() as session:  # the shared directory is not changed on one user's word
        request = session.get(FoiRequestRow, alice_id)
        assert request.authority.foi_email == "information.requests@barnet.gov.uk"
        assert request.authority.added_by == request.owner_id
        directory = add_authority(session, "London Borough of Barnet", BARNET)
        assert directory.added_by is None and directory.foi_email == BARNET


def test_a_public_suffix_is_not_a_bodys_address(server, bot, database):
    with database.unit_of_work() as session:
        for address in ("foi@gov.uk", "requests@nhs.uk", "x@co.uk"):
            with pytest.raises(AddressError, match="public suffix"):
                add_authority(session, "Everyone", address)
        report = import_directory(session, [{"name": "Wide", "foi_email": "foi@wide.gov.uk", "domains": "gov.uk"}])
        assert report.added == 0 and "public suffix" in report.problems[0]
    chat = Chat(server, ALICE)
    chat.say("/start")
    chat.say("Ada Lovelace")
    chat.say("/new")
    chat.say("Nowhere council")
    chat.press("an")
    chat.say("Every Government Body")
    chat.say("foi@gov.uk")
    assert "public suffix" in chat.text and "nat:england" not in chat.buttons.values()


def test_subdomains_count_only_when_the_directory_says_so(server, bot, database, clock, processor):
    alice_id, reference, _ = deliver(database, clock, ALICE)
    from_sub = processor.ingest(mail("officer@mail.barnet.gov.uk", f"Re: {reference}", "Here you are.", 12))
    assert link_statuses(database, from_sub.message_id) == {alice_id: "suggested"}
    with database.unit_of_work() as session:
        import_directory(
            session, [{"name": "London Borough of Barnet", "foi_email": BARNET, "domains": "*.barnet.gov.uk"}]
        )
    again = processor.ingest(mail("officer@mail.barnet.gov.uk", f"Re: {reference}", "Here you are again.", 13))
    assert link_statuses(database, again.message_id) == {alice_id: "attached"}


def test_a_shared_mail_providers_domain_is_not_trusted_as_a_body(database, clock, processor):
    request_id, reference, _ = deliver(database, clock, ALICE, email="parish.clerk@gmail.com", authority="Parish")
    stranger = processor.ingest(mail("anyone@gmail.com", f"Re: {reference}", "Hello", 14))
    assert link_statuses(database, stranger.message_id) == {request_id: "suggested"}
    clerk = processor.ingest(mail("parish.clerk@gmail.com", f"Re: {reference}", "Hello", 15))
    assert link_statuses(database, clerk.message_id) == {request_id: "attached"}


def hostile_attachments(in_reply_to: str) -> bytes:
    rtl = "\u202e"
    return crlf(f"""
        From: FOI <{BARNET}>
        To: foibot@example.org
        Subject: RE: Remote working
        Message-ID: <hostile@barnet.gov.uk>
        In-Reply-To: {in_reply_to}
        Date: Thu, 06 Jun 2024 10:00:00 +0100
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="H"

        --H
        Content-Type: text/plain

        Please find attached the information.
        begin 644 ../../../etc/cron.d/evil\x1b[2J.sh
        #:&5L;&\\*
        `
        end

        --H
        Content-Type: application/pdf
        Content-Disposition: attachment; filename="..\\\\..\\\\report{rtl}fdp.exe"
        Content-Transfer-Encoding: base64

        {b64(b"%PDF-1.4 not really")}
        --H
        Content-Type: text/plain
        Content-Disposition: attachment; filename="Q&A <draft> & notes.txt"

        hello
        --H--
        """)


def test_hostile_file_names_reach_the_user_as_safe_base_names(server, bot, database, clock, processor):
    alice_id, _, alice_msg = deliver(database, clock, ALICE)
    result = processor.ingest(hostile_attachments(alice_msg))
    with database.unit_of_work() as session:
        names = [a.filename for a in session.get(MessageRow, result.message_id).attachments]
    assert names and all("/" not in n and "\\" not in n and "\x1b" not in n and "\u202e" not in n for n in names)
    assert "evil [2J.sh" in names and "report fdp.exe" in names
    wait_for_text(server, ALICE, "📎")
    deadline = time.monotonic() + 5
    documents = []
    while time.monotonic() < deadline and len(documents) < 3:
        documents = server.sent(ALICE, method="sendDocument")
        time.sleep(0.1)
    sent_names = [c.files["document"][0] for c in documents]
    assert sorted(sent_names) == sorted(names)
    captions = [c.params.get("caption", "") for c in documents]
    assert "📎 Q&amp;A _draft_ &amp; notes.txt" in captions  # escaped once
