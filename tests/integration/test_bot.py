"""The Telegram bot over python-telegram-bot's real HTTP stack, against the Bot API stand-in."""

import datetime as dt

import pytest
from sqlalchemy import select

from foi.questions import Question
from mail.smtp import SmtpConfig, SmtpTransport
from service.directory import import_directory
from service.sender import OutboxSender
from storage.models import FoiRequestRow, OutboxMessage, User
from storage.requests import questions_of
from tests.bot_harness import RunningBot
from tests.factories import MovableClock
from tests.servers.botapi import BotApiServer

ALICE, BOB = 1001, 2002
NOW = dt.datetime(2024, 6, 4, 9, 0, tzinfo=dt.UTC)
DIRECTORY = [
    {"name": "London Borough of Barnet", "foi_email": "foi@barnet.gov.uk", "nation": "england"},
    {"name": "London Borough of Camden", "foi_email": "foi@camden.gov.uk", "nation": "england"},
    {"name": "City of Edinburgh Council", "foi_email": "foi@edinburgh.gov.uk", "nation": "scotland"},
    {"name": "Home Office", "foi_email": "foi@homeoffice.gov.uk", "nation": "uk", "tags": "central"},
]


class Chat:
    """One Telegram user talking to the bot through the stand-in."""

    def __init__(self, server: BotApiServer, user_id: int, settle: float = 0.15) -> None:
        self.server = server
        self.user_id = user_id
        self.settle = settle
        self.replies = []

    def say(self, text: str):
        mark = self.server.mark()
        self.server.send_text(self.user_id, text)
        self.replies = self.server.replies_after(mark, self.user_id, settle=self.settle)
        return self

    def press(self, data: str):
        mark = self.server.mark()
        self.server.press(self.user_id, data)
        self.replies = self.server.replies_after(mark, self.user_id, settle=self.settle)
        return self

    @property
    def text(self) -> str:
        return "\n\n".join(c.params.get("text", "") for c in self.replies)

    @property
    def buttons(self) -> dict[str, str]:
        found = {}
        for call in self.replies:
            markup = call.params.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    found[button["text"]] = button["callback_data"]
        return found

    def button(self, starts_with: str) -> str:
        for label, data in self.buttons.items():
            if label.startswith(starts_with):
                return data
        raise AssertionError(f"no button starting {starts_with!r} in {list(self.buttons)}")


@pytest.fixture
def clock():
    return MovableClock(NOW)


@pytest.fixture
def bot(server, database, clock):
    with database.unit_of_work() as session:
        import_directory(session, DIRECTORY)
    running = RunningBot(server, database, clock).start()
    yield running
    running.stop()


def compose_until_questions(chat: Chat) -> Chat:
    chat.say("/start")
    chat.say("Ada Lovelace")
    chat.say("/new")
    chat.say("barnet")
    chat.press(chat.button("London Borough of Barnet"))
    chat.say("Remote working 2020")
    return chat


def test_commands_are_registered(server, bot):
    call = server.wait_for(lambda c: c.method == "setMyCommands")
    names = [c["command"] for c in call.params["commands"]]
    assert names == ["start", "new", "requests", "drafts", "batch", "batches", "mydata", "forget", "settings", "cancel",
                     "help"]  # fmt: skip


def test_start_explains_and_asks_for_the_real_name(server, bot):
    chat = Chat(server, ALICE).say("/start")
    assert "from my own mailbox" in chat.text
    assert "s.8" in chat.text and "pseudonym" in chat.text
    assert "Privacy" in chat.text


def test_whole_compose_flow_ends_in_an_email_listing_the_parts_as_written(server, bot, database, smtp_server, clock):
    chat = compose_until_questions(Chat(server, ALICE))
    chat.say("Policies in place to enable remote working since 1 January 2020")
    assert "1. Policies in place" in chat.text
    chat.say("Number of new devices purchased between January and April 2020:")
    chat.press(chat.button("➕ Sub-item to 2"))
    chat.say("Laptops")
    chat.press(chat.button("➕ Sub-item to 2"))
    chat.say("Tablet computers")
    chat.press(chat.button("➕ Sub-item to 2"))
    chat.say("Mobile phones")
    expected = (
        "2. Number of new devices purchased between January and April 2020:\n"
        "   a) Laptops\n   b) Tablet computers\n   c) Mobile phones"
    )
    assert expected in chat.text
    chat.press("pv")
    assert "Dear London Borough of Barnet," in chat.text
    assert "section 1 of the Freedom of Information Act 2000" in chat.text
    assert "Yours faithfully,\n\nAda Lovelace" in chat.text
    chat.press(chat.button("📤 Send"))
    assert "Sent to the outbox" in chat.text
    assert "2 July 2024" in chat.text  # 20 working days after Tue 4 June 2024

    transport = SmtpTransport(SmtpConfig("127.0.0.1", smtp_server.port, security="plain"))
    assert len(OutboxSender(database, transport, clock).run_once().sent) == 1
    [delivery] = smtp_server.deliveries
    assert delivery.rcpt_tos == ["foi@barnet.gov.uk"]
    assert (
        "1. Policies in place to enable remote working since 1 January 2020\n"
        "2. Number of new devices purchased between January and April 2020:\n"
        "   a) Laptops\n   b) Tablet computers\n   c) Mobile phones\n"
    ) in delivery.text
    assert "Remote working 2020" in delivery.message["Subject"]


def test_wrong_input_at_each_step_reprompts_and_keeps_what_was_entered(server, bot, database):
    chat = Chat(server, ALICE).say("/start")
    assert "last name" in chat.say("Ada").text.lower() or "surname" in chat.text
    assert "pseudonym" in chat.say("Anonymous").text
    assert "letters only" in chat.say("@ada99").text
    chat.say("Ada Lovelace")
    chat.say("/new")
    assert "at least two letters" in chat.say("x").text
    chat.say("Nowhere Parish Council")
    assert "found nothing" in chat.text
    chat.press(chat.button("➕ Add"))
    assert "full name" in chat.text
    assert "3 to 200" in chat.say("ab").text
    chat.say("Nowhere Parish Council")
    assert "not an email address" in chat.say("clerk at nowhere").text
    chat.say("clerk@nowhere-parish.gov.uk")
    assert "choose with one of the buttons" in chat.say("England").text
    chat.press("nat:england")
    assert "Nowhere Parish Council" in chat.text and "clerk@nowhere-parish.gov.uk" in chat.text  # kept
    assert "3 to 150" in chat.say("x").text
    chat.say("Grass cutting 2023")
    assert "3 to 2000" in chat.say("no").text
    chat.say("Number of grass cutting visits in 2023")
    with database.unit_of_work() as session:
        draft = session.scalars(select(FoiRequestRow)).one()
        assert draft.title == "Grass cutting 2023"
        assert draft.authority.name == "Nowhere Parish Council"
        assert questions_of(draft) == [Question("Number of grass cutting visits in 2023")]


def test_a_restart_in_the_middle_of_composing_resumes_where_the_user_was(server, database, clock):
    with database.unit_of_work() as session:
        import_directory(session, DIRECTORY)
    first = RunningBot(server, database, clock).start()
    chat = compose_until_questions(Chat(server, ALICE))
    chat.say("Number of laptops bought in 2020")
    first.stop()

    second = RunningBot(server, database, clock).start()
    try:
        chat.say("Number of tablets bought in 2020")
        assert "1. Number of laptops bought in 2020\n2. Number of tablets bought in 2020" in chat.text
    finally:
        second.stop()


def test_edit_delete_and_reorder_questions(server, bot, database):
    chat = compose_until_questions(Chat(server, ALICE))
    chat.say("First question about 2020 budgets")
    chat.say("Second question about 2021 budgets")
    chat.press("qs:2")
    chat.press(chat.button("⬆ Move up"))
    assert "1. Second question about 2021 budgets\n2. First question about 2020 budgets" in chat.text
    chat.press("qs:1")
    chat.press(chat.button("✏️ Edit text"))
    chat.say("Second question about 2022 budgets")
    assert "1. Second question about 2022 budgets" in chat.text
    chat.press("qs:2")
    chat.press(chat.button("🗑 Delete question"))
    assert "First question" not in chat.text
    with database.unit_of_work() as session:
        draft = session.scalars(select(FoiRequestRow)).one()
        assert questions_of(draft) == [Question("Second question about 2022 budgets")]


def test_advice_appears_as_the_user_writes(server, bot):
    chat = compose_until_questions(Chat(server, ALICE))
    chat.say("Why did you buy so many laptops?")
    assert "recorded information" in chat.text
    chat.say("All information about my own personal data held by the council")
    assert "subject access request" in chat.text
    assert "too costly" in chat.text
    chat.press("pv")
    assert "No time period is given" in chat.text


def test_typo_and_partial_names_find_the_authority(server, bot):
    chat = Chat(server, ALICE).say("/start")
    chat.say("Ada Lovelace")
    chat.say("/new")
    assert "London Borough of Barnet" in chat.say("barnett").buttons
    assert "City of Edinburgh Council" in chat.say("edinburgh").buttons


def test_scottish_body_gets_foisa_and_environmental_requests_get_a_switch(server, bot, database):
    chat = Chat(server, ALICE).say("/start")
    chat.say("Ada Lovelace")
    chat.say("/new")
    chat.say("edinburgh")
    chat.press(chat.button("City of Edinburgh Council"))
    assert "Freedom of Information (Scotland) Act 2002" in chat.text
    chat.say("Air quality")
    chat.say("Air pollution readings at Princes Street in 2023")
    chat.press("pv")
    assert "EISR" in chat.text
    chat.press(chat.button("⚖️ Use EISR"))
    assert "Environmental Information (Scotland) Regulations 2004" in chat.text


def test_user_b_cannot_see_or_act_on_user_a_requests_even_with_forged_buttons(server, bot, database):
    alice = compose_until_questions(Chat(server, ALICE))
    alice.say("Number of laptops bought in 2020")
    alice.press("pv")
    alice.press("send")
    with database.unit_of_work() as session:
        request = session.scalars(select(FoiRequestRow)).one()
        request_id, reference = request.id, request.reference

    bob = Chat(server, BOB).say("/start")
    bob.say("Bob Brown")
    assert "not sent any requests" in bob.say("/requests").text
    for forged in (f"r:{request_id}", f"wd:{request_id}", f"wdy:{request_id}", f"d:{request_id}", "m:1", "f:1"):
        bob.press(forged)
        assert reference not in bob.text
        assert "not yours" in bob.text or "cannot be withdrawn" in bob.text or "no longer" in bob.text
    for forged in ("send", "qd:1", "pv", "qe:1", "a:1", "nat:england", "bogus:1", "r:notanumber"):
        bob.press(forged)
        assert reference not in bob.text
    with database.unit_of_work() as session:
        request = session.get(FoiRequestRow, request_id)
        assert request.status == "queued"
        assert len(questions_of(request)) == 1
        assert session.scalar(select(OutboxMessage).where(OutboxMessage.request_id == request_id)) is not None


def test_requests_list_and_page(server, bot, database):
    chat = compose_until_questions(Chat(server, ALICE))
    chat.say("Number of laptops bought in 2020")
    chat.press("pv")
    chat.press("send")
    chat.say("/requests")
    assert "Your requests" in chat.text and "London Borough of Barnet" in chat.text
    chat.press(next(data for data in chat.buttons.values() if data.startswith("r:")))
    assert "Status: ⏳ being sent" in chat.text
    assert "↩️ Withdraw" in chat.buttons


def test_user_text_is_escaped_for_telegram_html(server, bot):
    chat = compose_until_questions(Chat(server, ALICE))
    chat.say("Costs of <b>bold</b> & <script> in 2020")
    assert "Costs of &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt; in 2020" in chat.text


def test_a_message_over_4096_characters_arrives_in_parts(server, bot):
    chat = compose_until_questions(Chat(server, ALICE))
    paragraph = "Number of staff laptops replaced in 2020 and the reasons recorded for each replacement. " * 20
    chat.say(paragraph[:1990])
    chat.say(paragraph[:1990].replace("laptops", "tablets"))
    chat.say(paragraph[:1990].replace("laptops", "phones"))
    chat.press("pv")
    sent = [c.params["text"] for c in chat.replies if c.method == "sendMessage"]
    assert all(len(text) <= 4096 for text in sent)
    letter_parts = [t for t in sent if "Dear London Borough of Barnet" in t or "phones" in t]
    assert len(letter_parts) >= 2  # the letter did not fit in one message
    assert "Yours faithfully" in "".join(sent)


def test_flood_control_429_is_retried_after_the_servers_delay(server, bot):
    server.flood_next["sendMessage"] = 1
    chat = Chat(server, ALICE).say("/help")
    assert "How foibot works" in chat.text
    floods = [c for c in server.calls if c.method == "sendMessage:429"]
    ok = [c for c in server.calls if c.method == "sendMessage"]
    assert len(floods) == 1
    assert ok[0].at - floods[0].at >= 0.9  # waited for retry_after


def test_cancel_keeps_the_draft_and_drafts_resumes_it(server, bot, database):
    chat = compose_until_questions(Chat(server, ALICE))
    chat.say("Number of laptops bought in 2020")
    assert "draft is saved" in chat.say("/cancel").text
    assert "Use /new" in chat.say("hello?").text
    chat.say("/drafts")
    chat.press(next(iter(chat.buttons.values())))
    assert "1. Number of laptops bought in 2020" in chat.text


def test_settings_changes_the_name(server, bot, database):
    chat = Chat(server, ALICE).say("/start")
    chat.say("Ada Lovelace")
    chat.say("/settings")
    chat.press("nm")
    chat.say("Ada King")
    with database.unit_of_work() as session:
        assert session.scalar(select(User.real_name).where(User.telegram_id == ALICE)) == "Ada King"


def test_non_text_messages_get_a_clear_answer(server, bot):
    mark = server.mark()
    server._push({"message": {"message_id": 77, "from": {"id": ALICE, "is_bot": False, "first_name": "A"},
                              "chat": {"id": ALICE, "type": "private"}, "date": 0,
                              "sticker": {"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1,
                                          "is_animated": False, "is_video": False, "type": "regular"}}})  # fmt: skip
    reply = server.reply_after(mark, ALICE)
    assert "only read text" in reply.params["text"]


def test_forged_huge_ids_get_a_plain_answer(server, bot):
    chat = Chat(server, BOB).say("/start")
    for forged in ("r:99999999999999999999999", "qs:99999999999999999999", "f:1e9", "m:-1"):
        assert "no longer works" in chat.press(forged).text or "not yours" in chat.text


def test_a_failure_inside_the_bot_tells_the_user_and_keeps_the_draft(server, bot, database):
    from sqlalchemy import text

    chat = compose_until_questions(Chat(server, ALICE))
    chat.say("Number of laptops bought in 2020")
    with database.engine.begin() as connection:
        connection.execute(text("ALTER TABLE question_parts RENAME TO question_parts_away"))
    try:
        assert "something went wrong" in chat.say("Number of tablets bought in 2020").text
    finally:
        with database.engine.begin() as connection:
            connection.execute(text("ALTER TABLE question_parts_away RENAME TO question_parts"))
    chat.say("/drafts")
    chat.press(next(iter(chat.buttons.values())))
    assert "1. Number of laptops bought in 2020" in chat.text


def test_webhook_mode_takes_updates_over_https_posts_with_the_secret(server, database, clock):
    import json
    import urllib.error
    import urllib.request

    from foibot.settings import Settings
    from foibot.wiring import webhook_options
    from tests.servers.common import free_port

    port = free_port()
    settings = Settings(
        _env_file=None,
        telegram_bot_token=server.token,
        telegram_webhook_url=f"http://127.0.0.1:{port}/telegram-hook",
        telegram_webhook_listen="127.0.0.1",
        telegram_webhook_port=port,
    )
    options = webhook_options(settings)
    assert options["url_path"] == "telegram-hook" and server.token not in options["secret_token"]
    running = RunningBot(server, database, clock, webhook=options).start()
    try:
        registered = server.wait_for(lambda c: c.method == "setWebhook")
        assert registered.params["url"] == f"http://127.0.0.1:{port}/telegram-hook"
        update = {
            "update_id": 1,
            "message": {"message_id": 1, "date": 0, "text": "/help", "chat": {"id": ALICE, "type": "private"},
                        "from": {"id": ALICE, "is_bot": False, "first_name": "A"},
                        "entities": [{"type": "bot_command", "offset": 0, "length": 5}]},
        }  # fmt: skip

        def post(secret):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/telegram-hook",
                data=json.dumps(update).encode(),
                headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
            )
            return urllib.request.urlopen(request, timeout=10).status

        import socket
        import time

        for _ in range(100):  # the webhook server may start just after setWebhook
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        with pytest.raises(urllib.error.HTTPError):
            post("wrong-secret")
        mark = server.mark()
        assert post(options["secret_token"]) == 200
        assert "How foibot works" in server.reply_after(mark, ALICE).params["text"]
    finally:
        running.stop()
