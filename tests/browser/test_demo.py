"""`foibot demo` end to end: a request written in the web chat, answered on the public body's page, read,
prompted after the clock moves on — all on 127.0.0.1, no account, stopped with Ctrl-C."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from tests.servers.common import subprocess_env
from tests.servers.dovecot import find_dovecot
from tests.servers.web import free_port

TIMEOUT = 40


class Demo:
    def __init__(self, chat: int, body: int) -> None:
        self.chat, self.body, self.seen = f"http://127.0.0.1:{chat}", f"http://127.0.0.1:{body}", 0

    def post(self, path: str, data: dict) -> None:
        request = urllib.request.Request(self.chat + path, data=json.dumps(data).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")  # fmt: skip
        urllib.request.urlopen(request, timeout=10).read()

    def events(self) -> list[dict]:
        return json.loads(urllib.request.urlopen(f"{self.chat}/chat/events?after=0", timeout=10).read())["events"]

    def wait(self, predicate, what: str) -> dict:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            found = [e for e in self.events() if e["index"] >= self.seen and predicate(e)]
            if found:
                self.seen = found[0]["index"] + 1
                return found[0]
            time.sleep(0.3)
        raise AssertionError(f"the chat never showed {what}: {[e['text'][:80] for e in self.events()[-5:]]}")

    def say(self, text: str, expect: str) -> dict:
        self.post("/chat/say", {"text": text})
        return self.wait(lambda e: expect.lower() in e["text"].lower(), repr(expect))

    def press(self, label: str, expect: str) -> dict:
        for event in reversed(self.events()):
            for row in event["buttons"]:
                for button in row:
                    if button["text"].startswith(label):
                        self.post("/chat/press", {"data": button["data"]})
                        return self.wait(lambda e: expect.lower() in e["text"].lower(), repr(expect))
        raise AssertionError(f"no button {label!r}")

    def body_page(self) -> str:
        return urllib.request.urlopen(self.body + "/", timeout=10).read().decode()

    def body_form(self, path: str, form: dict) -> None:
        data = urllib.parse.urlencode(form).encode()
        urllib.request.urlopen(urllib.request.Request(self.body + path, data=data, method="POST"), timeout=10).read()


def test_the_demo_shows_the_whole_loop_in_a_browser_with_no_account(browser, screenshot):
    if find_dovecot() is None:
        from tests.servers.common import unavailable

        unavailable("the demo's IMAP mailbox needs Dovecot (apt install dovecot-imapd)")
    chat_port, body_port, web_port = free_port(), free_port(), free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "foibot", "demo", "--chat-port", str(chat_port), "--body-port", str(body_port),
         "--web-port", str(web_port)],
        env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    demo = Demo(chat_port, body_port)
    try:
        first_line = process.stdout.readline().decode()
        assert "no account needed" in first_line, first_line
        # The chat page itself, in Chromium: type /start, see the bot answer.
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                browser.get(f"{demo.chat}/chat")
                break
            except Exception:
                assert time.monotonic() < deadline
                time.sleep(0.5)
        box = WebDriverWait(browser, 20).until(ready.presence_of_element_located((By.ID, "text")))
        box.send_keys("/start")
        browser.find_element(By.ID, "send").click()
        WebDriverWait(browser, 20).until(lambda b: "from my own mailbox" in b.find_element(By.ID, "log").text)
        demo.wait(lambda e: "from my own mailbox" in e["text"], "the welcome")

        demo.say("Ada Lovelace", "Thank you")
        demo.say("/new", "Which public body")
        demo.say("riverside", "Which one")
        demo.press("Riverside Borough Council", "short title")
        demo.say("Potholes 2025", "first question")
        demo.say("How many potholes were reported to the council in 2025?", "your questions so far")
        demo.post("/chat/press", {"data": "pv"})
        demo.wait(lambda e: "Riverside Borough Council" in e["text"], "the letter as it will go")
        demo.wait(lambda e: any(b["text"].startswith("📤 Send") for row in e["buttons"] for b in row), "Send")
        demo.press("📤 Send", "Sent to the outbox")
        demo.wait(lambda e: "has been delivered" in e["text"], "the delivery")
        reference = re.search(r"FOI-[A-Z0-9]{6}", demo.events()[-1]["text"]).group(0)

        page = demo.body_page()
        assert reference in page and "How many potholes" in page  # the body got the letter
        demo.body_form("/reply", {"message": "0", "template": "refusal"})
        notice = demo.wait(lambda e: reference in e["text"] and "refus" in e["text"].lower(), "the refusal's notice")
        assert "43" in notice["text"]

        browser.get(f"{demo.chat}/chat")
        WebDriverWait(browser, 20).until(lambda b: "refus" in b.find_element(By.ID, "log").text.lower())
        screenshot("demo-chat")
        browser.get(f"{demo.body}/")
        screenshot("demo-public-body")

        demo.body_form("/clock", {"days": "52"})  # near the end of the review window
        demo.wait(lambda e: "review" in e["text"].lower() and reference in e["text"], "the review reminder")

        link = re.search(r"(http://127\.0\.0\.1:\d+/sign-in/\S+)", demo.say("/dashboard", "sign-in link")["text"])
        signed = urllib.request.urlopen(link.group(1), timeout=10).read().decode()
        assert 'id="sign-in"' in signed
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C
        output = process.communicate(timeout=40)[0].decode()
    assert process.returncode == 0, output
