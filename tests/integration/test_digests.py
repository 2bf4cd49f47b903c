"""Digests on real databases: prompts held for them, one message with what needs action, told once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.app import BotService
from service.ingest import InboxProcessor
from storage.models import PromptSent, TimelineEvent, User
from tests.bot_harness import MAILBOX
from tests.factories import MovableClock
from tests.integration.test_ingest import reply, sent_request

START = dt.datetime(2024, 6, 3, 9, 0, tzinfo=dt.UTC)  # a Monday


def _requests(database, clock, telegram_id: int, count: int) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    return [
        sent_request(
            database,
            clock,
            telegram_id=telegram_id,
            email=f"foi@council{n}.gov.uk",
            title=f"Topic {n}",
            authority=f"Council {n}",
        )  # fmt: skip
        for n in range(count)
    ]


def test_many_requests_get_a_weekly_digest_instead_of_prompts_and_it_is_told_once(database):
    clock = MovableClock(START)
    many = _requests(database, clock, 601, 12)  # twelve open requests: a weekly digest by default
    _requests(database, clock, 602, 1)  # one: prompts one by one
    # A reply to one of the twelve arrives on the Wednesday.
    clock.current = START + dt.timedelta(days=2)
    InboxProcessor(database, clock).ingest(
        reply(subject=f"Re: [{many[3][1]}]", sender="foi@council3.gov.uk",
              body="Dear requester, we acknowledge receipt of your request and will respond within 20 working days.")
    )  # fmt: skip

    # Past the reply date (and its lenient reading), on a Tuesday: a chaser is due for every request.
    with database.unit_of_work() as session:
        from storage.models import FoiRequestRow

        due = max(r.reply_due_lenient_on for r in session.scalars(select(FoiRequestRow)))
    tuesday = dt.datetime.combine(due + dt.timedelta(days=(1 - due.weekday()) % 7 or 7), dt.time(10), tzinfo=dt.UTC)
    bot = BotService(database, MAILBOX, lambda: tuesday)
    prompted = bot.take_prompts()
    assert {due.telegram_id for due, _ in prompted} == {602}  # only the user with one request is prompted alone
    with database.unit_of_work() as session:
        held = session.scalars(select(PromptSent).where(PromptSent.held_for_digest.is_(True))).all()
        assert len(held) == 12  # each one's chaser (an acknowledgement does not move the date)
    # The first digest goes at once (it never had one); then weekly, on Mondays.
    [(digest, screen)] = bot.take_digests()
    assert digest.telegram_id == 601 and len(digest.actions) == 12
    assert "Needs your action</b> (12)" in screen.text and "send a chaser" in screen.text
    assert len(screen.buttons) == 10 and all(row[0][1].startswith("r:") for row in screen.buttons)
    bot.digest_failed(digest)  # Telegram refused it: due again, the prompts still held
    [(digest, screen)] = bot.take_digests()
    bot.digest_told(digest)
    assert bot.take_digests() == []  # once a day
    wednesday = BotService(database, MAILBOX, lambda: tuesday + dt.timedelta(days=1))
    assert wednesday.take_digests() == []  # and weekly: not before Monday
    with database.unit_of_work() as session:
        assert session.scalars(select(PromptSent).where(PromptSent.held_for_digest.is_(True))).all() == []
        noted = session.scalars(select(TimelineEvent).where(TimelineEvent.kind == "prompt")).all()
        assert len(noted) == 12  # told in the digest: on each request's timeline (602's waits for the bot)
    monday = tuesday + dt.timedelta(days=6, hours=-2)  # the next Monday, 8 am UK time (7 am UTC in summer)
    # On Monday nothing is held, but the overdue requests are still listed, and nothing is prompted twice.
    later = BotService(database, MAILBOX, lambda: monday)
    assert later.take_prompts() == []
    [(digest, screen)] = later.take_digests()
    assert digest.actions == [] and len(digest.overdue) == 12 and "Overdue</b>" in screen.text


def test_a_digest_tells_what_arrived_since_the_last_one(database):
    clock = MovableClock(START)
    requests = _requests(database, clock, 603, 2)
    with database.unit_of_work() as session:
        user = session.scalar(select(User).where(User.telegram_id == 603))
        user.digest, user.digest_sent_at = "daily", START
    clock.current = START + dt.timedelta(hours=5)
    InboxProcessor(database, clock).ingest(
        reply(subject=f"Re: [{requests[1][1]}]", sender="foi@council1.gov.uk",
              body="Dear requester,\n\nPlease find attached the information you asked for, which we hold.")
    )  # fmt: skip
    bot = BotService(database, MAILBOX, lambda: START + dt.timedelta(days=1))
    [(digest, screen)] = bot.take_digests()
    assert [(item.reference, item.authority) for item in digest.arrived] == [(requests[1][1], "Council 1")]
    assert "Arrived</b> (1)" in screen.text
