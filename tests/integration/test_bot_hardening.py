"""The chat as a careless user (or an abuser) uses it: split messages, pasted requests, limits, bans."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from service.directory import import_directory
from service.limits import Limits
from storage.models import FoiRequestRow, QuestionPart, User
from tests.bot_harness import RunningBot
from tests.factories import MovableClock
from tests.integration.test_bot import DIRECTORY, Chat, compose_until_questions

ALICE, BOB = 1001, 2002
NOW = dt.datetime(2024, 6, 4, 9, 0, tzinfo=dt.UTC)

PASTED = """I would like to know what policies are in place to enable remote working since 1 January 2020.
1. Breakdown of the number of new devices purchased by your organisation since January 2020:
   a) Laptops
   b) Tablet computers
   c) Mobile phones
2. Detail on remote working software licences purchased in 2020:
   - Number of Zoom accounts created
   - Number of new Office 365 accounts purchased"""


def start_bot(server, database, limits=None):
    with database.unit_of_work() as session:
        import_directory(session, DIRECTORY)
    return RunningBot(server, database, MovableClock(NOW), limits=limits).start()


@pytest.fixture
def bot(server, database):
    running = start_bot(server, database)
    yield running
    running.stop()


def questions_in(database):
    with database.unit_of_work() as session:
        return [p.text for p in session.scalars(select(QuestionPart).order_by(QuestionPart.id))]


def test_a_message_telegram_split_in_two_is_read_as_one(server, bot, database):
    chat = compose_until_questions(Chat(server, ALICE))
    pasted = "\n".join(
        f"{n}. Copies of the minutes of every meeting of committee number {n} about remote working, held between "
        "January 2020 and December 2020."
        for n in range(1, 36)
    )
    cut = pasted.rfind(" ", 0, 4096)  # as Telegram's apps split it: two messages, a moment apart
    mark = server.mark()
    server.send_text(ALICE, pasted[:cut])
    server.send_text(ALICE, pasted[cut + 1 :])
    replies = server.replies_after(mark, ALICE, settle=2.5)
    text = "\n".join(c.params.get("text", "") for c in replies)
    assert "I read 35 questions" in text  # one message: the tail is not a question of its own
    assert text.count("I read") == 1 and "your questions so far" not in text
    chat.press("pq")
    parts = questions_in(database)
    assert parts == [
        f"Copies of the minutes of every meeting of committee number {n} about remote working, held between "
        "January 2020 and December 2020."
        for n in range(1, 36)
    ]


def test_a_pasted_numbered_request_becomes_questions_and_sub_items(server, bot, database):
    chat = compose_until_questions(Chat(server, ALICE))
    chat.say(PASTED)
    assert "I read 3 questions (8 parts in all)" in chat.text
    assert "2. Breakdown of the number of new devices" in chat.text and "   c) Mobile phones" in chat.text
    assert questions_in(database) == []  # nothing is saved before the user says so
    chat.press("pq")
    assert "3. Detail on remote working software" in chat.text
    parts = questions_in(database)
    assert len(parts) == 8 and "Number of new Office 365 accounts purchased" in parts
    assert not any(p.startswith(("1.", "2.")) for p in parts)  # the numbers are the letter's, not the text's


def test_a_single_numbered_question_loses_its_typed_number(server, bot, database):
    chat = compose_until_questions(Chat(server, ALICE))
    chat.say("1. Breakdown of the number of laptops purchased in 2020")
    assert "1. Breakdown of the number of laptops" in chat.text and "1. 1." not in chat.text


def test_the_daily_request_limit_is_explained_and_keeps_the_draft(server, database):
    running = start_bot(server, database, Limits(requests_per_day=1, open_drafts=3))
    try:
        chat = compose_until_questions(Chat(server, ALICE))
        chat.say("Policies in place to enable remote working since 1 January 2020")
        chat.press("pv")
        chat.press("send")
        assert "Sent to the outbox" in chat.text
        chat.say("/new")
        chat.say("barnet")
        chat.press(chat.button("London Borough of Barnet"))
        chat.say("Second request 2020")
        chat.say("Laptops bought in 2020")
        chat.press("pv")
        chat.press("send")
        assert "1 requests in the last 24 hours" in chat.text and "draft is saved" in chat.text
        with database.unit_of_work() as session:
            assert session.scalar(select(func.count()).where(FoiRequestRow.status == "draft")) == 1
        for _ in range(3):
            chat.say("/new")
        assert "3 drafts open" in chat.text
    finally:
        running.stop()


def test_a_banned_user_and_one_off_the_allow_list_are_told_why(server, database):
    running = start_bot(server, database, Limits(allowed_users=frozenset({ALICE, BOB})))
    try:
        assert "closed group" in Chat(server, 3003).say("/start").text
        assert "3003" in Chat(server, 3003).say("/new").text
        Chat(server, BOB).say("/start")
        with database.unit_of_work() as session:
            bob = session.scalar(select(User).where(User.telegram_id == BOB))
            bob.banned_at, bob.ban_reason = NOW, "sent abusive requests"
        blocked = Chat(server, BOB).say("/new")
        assert "blocked your account (sent abusive requests)" in blocked.text
        assert "Which public body" not in blocked.text
        assert "Which public body" in compose_like_alice(server).text
    finally:
        running.stop()


def compose_like_alice(server):
    chat = Chat(server, ALICE)
    chat.say("/start")
    chat.say("Ada Lovelace")
    return chat.say("/new")


def test_a_forged_delete_button_tells_the_truth(server, bot):
    chat = Chat(server, ALICE)
    chat.say("/start")
    chat.press("cxy")
    assert "There is no open draft to delete" in chat.text


@pytest.mark.serial  # timed: run with nothing beside it
def test_one_users_slow_download_does_not_make_another_wait(server, bot, database):
    import time

    from tests.integration.test_bot_followups import wait_for_text

    chat = compose_until_questions(Chat(server, ALICE))
    chat.say("Laptops bought in 2020")
    chat.press("pv")
    server.delay["sendMessage"] = 3.0  # Alice's screens take three seconds each to reach her
    mark = server.mark()
    server.press(ALICE, "send")
    server.wait_for(lambda c: c.method == "sendMessage" and int(c.params["chat_id"]) == ALICE and
                    server.calls.index(c) >= mark, 10)  # fmt: skip
    server.delay.clear()
    started = time.monotonic()
    server.send_text(BOB, "/help")
    wait_for_text(server, BOB, "How foibot works", timeout=5)
    assert time.monotonic() - started < 0.5
    # Alice's own updates still come in order, after hers.
    wait_for_text(server, ALICE, "Sent to the outbox", timeout=10)
