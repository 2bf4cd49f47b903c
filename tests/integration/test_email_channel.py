"""The email channel: a requester without Telegram is told of replies and prompts by email, once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.notify import claim_notices
from mailchannel import notices as email_channel
from service.ingest import InboxProcessor
from storage.models import FoiRequestRow, OutboxMessage, TimelineEvent, User
from tests.bot_harness import MAILBOX
from tests.factories import MovableClock
from tests.integration.test_ingest import reply, sent_request

START = dt.datetime(2024, 6, 3, 9, 0, tzinfo=dt.UTC)


def _notices(database) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as session:
        rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "notice")))
        session.expunge_all()
        return rows


def test_a_reply_and_a_prompt_reach_the_requester_by_email_once(database):
    clock = MovableClock(START)
    request_id, reference, message_id = sent_request(database, clock, telegram_id=None, email="foi@council.gov.uk",
                                                     name="Nellie Bly")  # fmt: skip
    with database.unit_of_work() as session:
        session.get(FoiRequestRow, request_id).owner.email = "nellie@example.net"
    assert email_channel.deliver(database, MAILBOX, clock()) == 0  # her own letter going out is not news

    clock.advance(days=2)
    InboxProcessor(database, clock).ingest(
        reply(subject=f"Re: [{reference}]", headers=f"In-Reply-To: {message_id}",
              body="Dear Ms Bly,\n\nWe acknowledge receipt of your request and will respond within 20 working days.")
    )  # fmt: skip
    with database.unit_of_work() as session:
        assert claim_notices(session, clock()) == []  # not the chat's to tell
    assert email_channel.deliver(database, MAILBOX, clock()) == 1
    assert email_channel.deliver(database, MAILBOX, clock()) == 0  # told once
    [notice] = _notices(database)
    assert notice.recipients == ["nellie@example.net"] and notice.request_id is None
    assert f"[{reference}]".encode() in notice.raw and b"acknowledg" in notice.raw.lower()
    assert b"Auto-Submitted: auto-generated" in notice.raw

    # Weeks later, no reply: the chaser prompt comes by email with the letter drafted.
    with database.unit_of_work() as session:
        due = session.get(FoiRequestRow, request_id).reply_due_lenient_on
    late = dt.datetime.combine(due + dt.timedelta(days=2), dt.time(10), tzinfo=dt.UTC)
    assert email_channel.deliver(database, MAILBOX, late) == 1
    assert email_channel.deliver(database, MAILBOX, late) == 0
    chaser = _notices(database)[-1]
    assert b"No reply yet" in chaser.raw and b"A letter is ready below" in chaser.raw
    with database.unit_of_work() as session:
        kinds = [e.kind for e in session.scalars(select(TimelineEvent).where(TimelineEvent.request_id == request_id))]
        assert "prompt" in kinds


def test_the_chat_still_tells_its_own_users_and_cli_users_without_an_address_are_not_emailed(database):
    clock = MovableClock(START)
    _, reference, message_id = sent_request(database, clock, telegram_id=4242, email="foi@council.gov.uk")
    _, other, other_id = sent_request(database, clock, telegram_id=None, email="foi@council.gov.uk",
                                      name="No Address", title="Another")  # fmt: skip
    clock.advance(days=1)
    for ref, mid in ((reference, message_id), (other, other_id)):
        InboxProcessor(database, clock).ingest(
            reply(subject=f"Re: [{ref}]", headers=f"In-Reply-To: {mid}", body=f"Dear requester, about {ref}: ...")
        )
    assert email_channel.deliver(database, MAILBOX, clock()) == 0
    with database.unit_of_work() as session:
        told = claim_notices(session, clock())
        assert [n.telegram_id for n in told if n.pending is not None] == [4242, 4242]  # its sent notice and reply
        assert session.scalar(select(User).where(User.real_name == "No Address")).email is None


def test_a_requester_who_reads_digests_gets_the_prompt_in_a_digest_email(database):
    clock = MovableClock(START)
    request_id, reference, _ = sent_request(database, clock, telegram_id=None, email="foi@council.gov.uk",
                                            name="Nellie Bly")  # fmt: skip
    with database.unit_of_work() as session:
        owner = session.get(FoiRequestRow, request_id).owner
        owner.email, owner.digest = "nellie@example.net", "daily"
        due = session.get(FoiRequestRow, request_id).reply_due_lenient_on
    email_channel.deliver(database, MAILBOX, clock())  # the first digest (nothing to say yet) is noted
    late = dt.datetime.combine(due + dt.timedelta(days=2), dt.time(9), tzinfo=dt.UTC)
    assert email_channel.deliver(database, MAILBOX, late) == 1
    [digest] = [n for n in _notices(database) if b"digest" in n.raw.lower()]
    assert b"Needs your action (1)" in digest.raw and reference.encode() in digest.raw
    assert not any(b"No reply yet" in n.raw for n in _notices(database))  # not also on its own
    assert email_channel.deliver(database, MAILBOX, late + dt.timedelta(hours=2)) == 0  # one a day


def test_replying_send_to_a_prompt_email_sends_its_letter_in_the_thread_once(database):
    import re

    clock = MovableClock(START)
    request_id, reference, message_id = sent_request(database, clock, telegram_id=None, email="foi@council.gov.uk",
                                                     name="Nellie Bly")  # fmt: skip
    with database.unit_of_work() as session:
        session.get(FoiRequestRow, request_id).owner.email = "nellie@example.net"
        due = session.get(FoiRequestRow, request_id).reply_due_lenient_on
    late = dt.datetime.combine(due + dt.timedelta(days=2), dt.time(10), tzinfo=dt.UTC)
    email_channel.deliver(database, MAILBOX, late)
    prompt = _notices(database)[-1]
    from email import message_from_bytes
    from email.policy import default

    subject = str(message_from_bytes(prompt.raw, policy=default)["Subject"])
    token = re.search(r"\[do:[0-9a-f]{16}\]", subject).group(0)
    processor = InboxProcessor(database, MovableClock(late + dt.timedelta(hours=1)), mailbox=MAILBOX)

    def answer(sender: str, text: str, n: int):  # type: ignore[no-untyped-def]
        return processor.ingest(reply(subject=f"Re: [{reference}] No reply yet {token}", sender=sender,
                                      body=f"{text}\n\n> A letter is ready below… (n={n})"))  # fmt: skip

    assert answer("nellie@example.net", "maybe later", 1).state == "instruction"
    assert answer("mallory@example.com", "SEND", 2).state != "instruction"  # not hers: the ordinary path
    assert answer("Nellie@Example.net", "Send.", 3).state == "instruction"
    assert answer("nellie@example.net", "SEND", 4).state == "instruction"  # a second time: not sent again
    with database.unit_of_work() as session:
        chasers = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "chaser")).all()
        assert [c.recipients for c in chasers] == [["foi@council.gov.uk"]]
        assert f"In-Reply-To: {message_id}".encode() in chasers[0].raw  # in the thread with the authority
    told = [n.raw for n in _notices(database)][-3:]
    assert b"I did not send the letter" in told[0]
    assert b"Sent: your chaser" in told[1] and b"already sent" in told[2]
