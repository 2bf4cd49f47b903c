"""`foibot run` as a real process: Telegram (stand-in), SMTP (aiosmtpd) and IMAP (Dovecot) together."""

import signal
import subprocess
import sys

import pytest

from storage.db import upgrade
from tests.integration.test_bot import Chat
from tests.mail_fixtures import crlf
from tests.servers.botapi import BotApiServer
from tests.servers.common import subprocess_env
from tests.servers.dovecot import PASSWORD, USER


@pytest.fixture
def bot_api():
    server = BotApiServer().start()
    yield server
    server.stop()


def run_env(tmp_path, bot_api, smtp_server, dovecot) -> dict[str, str]:
    env = subprocess_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'foibot.sqlite3'}",
        TELEGRAM_BOT_TOKEN=bot_api.token,
        TELEGRAM_BASE_URL=bot_api.base_url,
        TELEGRAM_POLL_TIMEOUT="1",
        MAIL_ADDRESS="foibot@example.org",
        MAIL_SUBADDRESS_SEPARATOR="+",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_server.port),
        SMTP_SECURITY="plain",
        IMAP_HOST="127.0.0.1",
        IMAP_PORT=str(dovecot.port),
        IMAP_SECURITY="plain",
        IMAP_USERNAME=USER,
        IMAP_PASSWORD=PASSWORD,
        OUTBOX_POLL_SECONDS="0.5",
        LOG_LEVEL="WARNING",
    )
    return env


def test_foibot_run_takes_a_user_from_start_to_a_sent_request(tmp_path, bot_api, smtp_server, dovecot):
    env = run_env(tmp_path, bot_api, smtp_server, dovecot) | {"LOG_LEVEL": "INFO"}
    upgrade(env["DATABASE_URL"])
    directory = tmp_path / "bodies.csv"
    directory.write_text("name,foi_email,nation\nLondon Borough of Barnet,foi@barnet.gov.uk,england\n")
    imported = subprocess.run(
        [sys.executable, "-m", "foibot", "authorities", "import", str(directory)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert imported.stdout.startswith("added 1"), imported.stderr

    process = subprocess.Popen(
        [sys.executable, "-m", "foibot", "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        bot_api.wait_for(lambda c: c.method == "deleteWebhook", timeout=30)
        chat = Chat(bot_api, 5005)
        assert "from my own mailbox" in chat.say("/start").text
        chat.say("Grace Hopper")
        chat.say("/new")
        chat.say("barnet")
        chat.press(chat.button("London Borough of Barnet"))
        chat.say("Parking fines 2023")
        chat.say("Number of parking fines issued in 2023, by month")
        chat.press(chat.button("➕ Sub-item to 1"))
        chat.say("Fines cancelled on appeal")
        chat.press("pv")
        chat.press(chat.button("📤 Send"))
        assert "Sent to the outbox" in chat.text
        assert smtp_server.handler.wait_for(1, timeout=15), "the outbox sender did not send"
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output
    assert "Traceback" not in output, output
    assert "running: bot, watch, process, send" in output  # INFO logs are there…
    assert bot_api.token not in output and bot_api.token.split(":")[1] not in output  # …but never the token
    [delivery] = smtp_server.deliveries
    assert delivery.rcpt_tos == ["foi@barnet.gov.uk"]
    assert "1. Number of parking fines issued in 2023, by month\n   a) Fines cancelled on appeal" in delivery.text
    assert "Grace Hopper" in delivery.message["From"]


def test_foibot_run_without_settings_names_each_missing_one(tmp_path):
    env = subprocess_env(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "-m", "foibot", "run"], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1
    for name in ("TELEGRAM_BOT_TOKEN", "MAIL_ADDRESS", "SMTP_HOST", "IMAP_HOST", "IMAP_USERNAME", "IMAP_PASSWORD"):
        assert name in line
    assert ".env.example" in line


def test_a_reply_in_the_mailbox_reaches_the_user_within_3_seconds_and_their_reply_is_emailed(
    tmp_path, bot_api, smtp_server, dovecot
):
    import datetime as dt
    import time

    from service import outgoing
    from storage import outbox
    from storage.db import open_database
    from tests.bot_harness import MAILBOX
    from tests.factories import make_draft
    from tests.mail_fixtures import crlf
    from tests.servers.imap_helpers import append

    env = run_env(tmp_path, bot_api, smtp_server, dovecot)
    upgrade(env["DATABASE_URL"])
    db = open_database(env["DATABASE_URL"])
    now = dt.datetime.now(dt.UTC)
    with db.unit_of_work() as session:
        request = make_draft(session, telegram_id=7007, email="foi@barnet.gov.uk")
        queued = outgoing.queue_request(session, request, MAILBOX, now)
        row = outbox.claim(session, queued.outbox_id, now, dt.timedelta(minutes=1))
        outgoing.mark_sent(session, row, now)
    db.dispose()

    process = subprocess.Popen(
        [sys.executable, "-m", "foibot", "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        bot_api.wait_for(lambda c: c.method == "deleteWebhook", timeout=30)
        time.sleep(1.5)  # the watcher is idling
        reply = crlf(f"""
            From: FOI Team <foi@barnet.gov.uk>
            To: foibot@example.org
            Subject: RE: Freedom of Information request - Remote working [{queued.reference}]
            Message-ID: <authority-answer-1@barnet.gov.uk>
            In-Reply-To: {queued.message_id}
            Date: {dt.datetime.now(dt.UTC):%a, %d %b %Y %H:%M:%S +0000}

            Please find below our response. We bought 512 laptops in 2020.
            """)
        appended = time.monotonic()
        append(dovecot, "INBOX", reply)
        notice = bot_api.wait_for(
            lambda c: (
                c.method == "sendMessage"
                and int(c.params.get("chat_id", 0)) == 7007
                and f"📨 <b>{queued.reference}</b>" in c.params.get("text", "")
            ),
            timeout=10,
        )
        assert notice.at - appended < 3.0, f"took {notice.at - appended:.2f} s"

        chat = Chat(bot_api, 7007)
        reply_button = next(b["callback_data"] for row in notice.params["reply_markup"]["inline_keyboard"] for b in row
                            if b["text"] == "↩️ Reply")  # fmt: skip
        chat.press(reply_button)
        chat.say("Thank you. Could you also send the figures for 2021?")
        chat.press("ls")
        assert "Sent to the outbox" in chat.text
        assert smtp_server.handler.wait_for(1, timeout=15), "the user's reply was not emailed"
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output
    [email] = smtp_server.deliveries
    assert email.message["In-Reply-To"] == "<authority-answer-1@barnet.gov.uk>"
    assert "figures for 2021" in email.text


def test_foibot_sweep_from_cron_prompts_once_and_timeline_shows_it(tmp_path, bot_api):
    import datetime as dt

    from foi.references import new_reference
    from storage.db import open_database
    from tests.factories import make_draft

    reference = new_reference()
    env = subprocess_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'foibot.sqlite3'}",
        TELEGRAM_BOT_TOKEN=bot_api.token,
        TELEGRAM_BASE_URL=bot_api.base_url,
        MAIL_ADDRESS="foibot@example.org",
    )
    upgrade(env["DATABASE_URL"])
    db = open_database(env["DATABASE_URL"])
    with db.unit_of_work() as session:
        request = make_draft(session, telegram_id=8008, email="foi@barnet.gov.uk")
        request.reference = reference
        request.status = "sent"
        request.received_on = dt.date(2020, 4, 7)
        request.reply_due_on = request.reply_due_lenient_on = dt.date(2020, 5, 7)
    db.dispose()

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "foibot", *args], env=env, capture_output=True, text=True, timeout=60
        )

    first = run("sweep")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("sent 1 prompt"), first.stdout
    prompt = bot_api.wait_for(lambda c: c.method == "sendMessage" and int(c.params["chat_id"]) == 8008)
    assert reference in prompt.params["text"] and "Draft the chaser" in str(prompt.params["reply_markup"])
    assert run("sweep").stdout.startswith("sent 0 prompts")

    timeline = run("timeline", reference.lower())
    assert timeline.returncode == 0, timeline.stderr
    assert f"{reference}  Remote working" in timeline.stdout
    assert "reply due" in timeline.stdout and "Thu 07 May 2020" in timeline.stdout
    assert "chaser (for 07 May 2020)" in timeline.stdout
    unknown = new_reference()
    assert run("timeline", unknown).returncode == 2 and "no request" in run("timeline", unknown).stderr


@pytest.mark.postgres
def test_four_processes_one_part_each_against_postgresql(tmp_path, bot_api, smtp_server, dovecot, request):
    """`foibot run --only bot|send|watch|process` as separate processes sharing one PostgreSQL database."""
    import time

    from tests.conftest import new_postgres_database
    from tests.servers.common import unavailable
    from tests.servers.imap_helpers import append

    admin_url = request.getfixturevalue("postgres_admin_url")
    if admin_url is None:
        unavailable("PostgreSQL unavailable")
    url = new_postgres_database(admin_url, request.getfixturevalue("postgres_template"))
    env = run_env(tmp_path, bot_api, smtp_server, dovecot) | {"DATABASE_URL": url}
    directory = tmp_path / "bodies.csv"
    directory.write_text("name,foi_email,nation\nLondon Borough of Barnet,foi@barnet.gov.uk,england\n")
    subprocess.run([sys.executable, "-m", "foibot", "authorities", "import", str(directory)], env=env, check=True,
                   capture_output=True)  # fmt: skip

    parts = {
        part: subprocess.Popen([sys.executable, "-m", "foibot", "run", "--only", part], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for part in ("bot", "send", "watch", "process")
    }  # fmt: skip
    try:
        bot_api.wait_for(lambda c: c.method == "deleteWebhook", timeout=30)
        chat = Chat(bot_api, 9009)
        chat.say("/start")
        chat.say("Grace Hopper")
        chat.say("/new")
        chat.say("barnet")
        chat.press(chat.button("London Borough of Barnet"))
        chat.say("Grit bins 2023")
        chat.say("Number of grit bins refilled in 2023")
        chat.press("pv")
        chat.press(chat.button("📤 Send"))
        assert smtp_server.handler.wait_for(1, timeout=20), "the send process did not send"
        sent = smtp_server.deliveries[0]
        bot_api.wait_for(lambda c: "has been delivered" in (c.params.get("text") or ""), timeout=10)

        time.sleep(1)
        append(dovecot, "INBOX", crlf(f"""
            From: FOI Team <foi@barnet.gov.uk>
            To: foibot@example.org
            Subject: RE: {sent.message["Subject"]}
            Message-ID: <pg-answer@barnet.gov.uk>
            In-Reply-To: {sent.message_id}

            We refilled 212 grit bins in 2023.
            """))  # fmt: skip
        notice = bot_api.wait_for(lambda c: "📨" in (c.params.get("text") or ""), timeout=15)
        assert "an answer" in notice.params["text"]
    finally:
        outputs = {}
        for part, process in parts.items():
            process.send_signal(signal.SIGTERM)
            outputs[part] = process.communicate(timeout=30)[0].decode()
    for part, process in parts.items():
        assert process.returncode == 0, (part, outputs[part])
        assert "Traceback" not in outputs[part], (part, outputs[part])


def test_foibot_run_serves_the_dashboard_beside_the_bot_and_stops_cleanly(tmp_path, bot_api, smtp_server, dovecot):
    import http.cookiejar
    import json
    import re
    import time
    import urllib.request

    from tests.servers.web import free_port

    port = free_port()
    env = run_env(tmp_path, bot_api, smtp_server, dovecot) | {"WEB_PORT": str(port)}
    upgrade(env["DATABASE_URL"])
    process = subprocess.Popen(
        [sys.executable, "-m", "foibot", "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        bot_api.wait_for(lambda c: c.method == "deleteWebhook", timeout=30)
        chat = Chat(bot_api, 5006)
        chat.say("/start")
        chat.say("Grace Hopper")
        link = re.search(rf"({re.escape(base)}/sign-in/\S+)", chat.say("/dashboard").text).group(1)
        deadline = time.monotonic() + 20
        while True:  # the watcher's first look at the inbox shows in the health report
            health = json.loads(urllib.request.urlopen(f"{base}/healthz", timeout=5).read())
            if health["watcher_last_contact"] or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert health["database"] == "ok" and health["watcher_last_contact"], health
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = opener.open(urllib.request.Request(link, data=b"", method="POST"), timeout=5).read().decode()
        assert "Your requests" in page  # signed in, redirected to the list

        printed = subprocess.run([sys.executable, "-m", "foibot", "web", "link", "--telegram-id", "5006"],
                                 env=env, capture_output=True, text=True)  # fmt: skip
        assert printed.returncode == 0 and printed.stdout.startswith(f"{base}/sign-in/"), printed.stderr
        unknown = subprocess.run([sys.executable, "-m", "foibot", "web", "link", "--telegram-id", "1"],
                                 env=env, capture_output=True, text=True)  # fmt: skip
        assert unknown.returncode != 0 and "no user with Telegram id 1" in unknown.stderr
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output
