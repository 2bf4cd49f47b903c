"""The dashboard in a real headless Chromium: from a link the chat gives, to a chaser at the SMTP server.

Everything is real but Telegram's cloud: the bot (python-telegram-bot) talks
to the project's Bot API stand-in, the dashboard is served by uvicorn, the
letters go through the outbox sender to aiosmtpd, and the database is SQLite.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import time
from email import message_from_bytes
from email.policy import default

import icalendar
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from mail.compose import Mailbox
from mail.smtp import SmtpConfig, SmtpTransport
from service import outgoing
from service.sender import OutboxSender, RetryPolicy
from storage.models import User
from tests.bot_harness import RunningBot
from tests.factories import MovableClock, make_draft
from tests.integration.test_bot import Chat
from tests.servers.web import WebServer
from web.app import Dashboard, create_app

MAILBOX = Mailbox("foibot@example.org", "+")
SENT = dt.datetime(2024, 6, 4, 9, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2024, 8, 1, 9, 0, tzinfo=dt.UTC)
ALICE, BOB = 7001, 7002


@pytest.fixture
def sqlite_database(tmp_path):
    from storage.db import open_database, upgrade

    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    upgrade(url)
    db = open_database(url)
    yield db
    db.dispose()


def _queue(database, telegram_id, title, email, authority):
    with database.unit_of_work() as session:
        request = make_draft(session, telegram_id=telegram_id, title=title, email=email, authority=authority)
        queued = outgoing.queue_request(session, request, MAILBOX, SENT)
        return request.id, queued.reference


def _wait_for_file(folder, suffix, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} download in {folder}: {[p.name for p in folder.iterdir()]}")


def test_sign_in_from_the_chat_filter_open_chase_export_and_stay_out_of_others(
    server, smtp_server, sqlite_database, browser, downloads, screenshot
):
    database = sqlite_database
    clock = MovableClock(SENT)
    late_id, late_ref = _queue(database, ALICE, "Pothole repairs", "foi@leeds.gov.uk", "Leeds City Council")
    _queue(database, ALICE, "Library opening hours", "foi@york.gov.uk", "City of York Council")
    bobs_id, _ = _queue(database, BOB, "Bob's own question", "foi@hull.gov.uk", "Hull City Council")
    transport = SmtpTransport(SmtpConfig("127.0.0.1", smtp_server.port, security="plain", timeout=5))
    sender = OutboxSender(database, transport, clock, policy=RetryPolicy(lease=dt.timedelta(seconds=60)))
    sender.run_once()  # the three requests go out on SENT
    assert smtp_server.handler.wait_for(3)
    first = next(d for d in smtp_server.handler.deliveries if late_ref in str(d.message["Subject"]))
    with database.unit_of_work() as session:  # York has answered; Leeds is now overdue
        from storage.models import FoiRequestRow

        york = session.query(FoiRequestRow).filter_by(title="Library opening hours").one()
        york.status = "answered"
        york.responded_on = dt.date(2024, 6, 20)
        assert session.query(User).filter_by(telegram_id=ALICE).one()
    clock.current = LATER

    web = WebServer(create_app(Dashboard(database, MAILBOX, clock, "http://127.0.0.1:0"))).start()
    web_url = web.url
    bot = RunningBot(server, database, clock, dashboard_url=web_url).start()
    try:
        chat = Chat(server, ALICE)
        chat.say("/dashboard")
        link = re.search(r"(http://127\.0\.0\.1:\d+/sign-in/\S+)", chat.text).group(1)

        browser.get(link)
        browser.find_element(By.ID, "sign-in").click()
        WebDriverWait(browser, 10).until(ready.presence_of_element_located((By.ID, "requests")))
        table = browser.find_element(By.ID, "requests").text
        assert "Pothole repairs" in table and "Library opening hours" in table and "Bob" not in table
        screenshot("requests-page")

        # The link is spent: a second browser visit is refused with a clear page.
        browser.execute_script("window.open(arguments[0], '_blank');", link)
        browser.switch_to.window(browser.window_handles[-1])
        assert "already been used" in browser.find_element(By.TAG_NAME, "main").text
        browser.close()
        browser.switch_to.window(browser.window_handles[0])

        # Filter to overdue.
        browser.find_element(By.CSS_SELECTOR, "input[name=status][value=overdue]").click()
        browser.find_element(By.ID, "apply-filter").click()
        WebDriverWait(browser, 10).until(ready.url_contains("status=overdue"))
        rows = browser.find_elements(By.CSS_SELECTOR, "#requests tbody tr")
        assert len(rows) == 1 and "Pothole repairs" in rows[0].text and "days" in rows[0].text
        assert browser.find_element(By.ID, "total").text == "1"

        # Download the CSV and the calendar of this list; both parse.
        browser.find_element(By.ID, "csv").click()
        exported = list(csv.DictReader(_wait_for_file(downloads, ".csv").open(encoding="utf-8")))
        assert [row["reference"] for row in exported] == [late_ref] and exported[0]["overdue"] == "yes"
        browser.find_element(By.ID, "ics").click()
        calendar = icalendar.Calendar.from_ical(_wait_for_file(downloads, ".ics").read_bytes())
        events = list(calendar.walk("VEVENT"))
        assert events and all(str(e["summary"]).startswith(late_ref) for e in events)

        # Open the request and chase it.
        browser.find_element(By.LINK_TEXT, late_ref).click()
        WebDriverWait(browser, 10).until(ready.presence_of_element_located((By.ID, "draft-chaser")))
        page = browser.find_element(By.TAG_NAME, "main").text
        assert "Reply due" in page and "20 working days" in page and "Your request" in page
        screenshot("request-page")
        browser.find_element(By.ID, "draft-chaser").click()
        body = WebDriverWait(browser, 10).until(ready.presence_of_element_located((By.ID, "body")))
        assert "have not yet received a response" in body.get_attribute("value")
        body.send_keys("\nP.S. Sent from the dashboard.")
        browser.find_element(By.ID, "send").click()
        done = WebDriverWait(browser, 10).until(ready.presence_of_element_located((By.ID, "done")))
        assert "Sent to the outbox" in done.text

        sender.run_once()
        assert smtp_server.handler.wait_for(4)
        chaser = message_from_bytes(smtp_server.handler.deliveries[-1].raw, policy=default)
        assert chaser["In-Reply-To"] == first.message_id
        assert first.message_id in chaser["References"]
        assert late_ref in chaser["Subject"] and chaser["To"].addresses[0].addr_spec == "foi@leeds.gov.uk"
        assert "P.S. Sent from the dashboard." in chaser.get_body(("plain",)).get_content()

        # Someone else's request, by id in the URL: the same page as nothing at all.
        browser.get(f"{web_url}/requests/{bobs_id}")
        assert "There is no such page here." in browser.find_element(By.TAG_NAME, "main").text
        assert "Bob" not in browser.page_source
        browser.get(f"{web_url}/requests/{late_id}")
        assert "chaser" in browser.find_element(By.CLASS_NAME, "timeline").text.lower()
    finally:
        bot.stop()
        web.stop()
