"""A journalist's batch through `foibot run`: 25 bodies from the chat, revoked once, sent again, spaced out,
three replies in the batch's table, and the exports (CSV, calendar, zip) from the chat."""

from __future__ import annotations

import csv
import io
import signal
import subprocess
import sys
import time
import zipfile
from email import message_from_bytes
from email.policy import default

import icalendar

from storage.db import upgrade
from tests.e2e.test_run_process import bot_api, run_env  # noqa: F401  (the fixture)
from tests.integration.test_bot import Chat
from tests.mail_fixtures import crlf
from tests.servers.imap_helpers import append

BODIES = 25
SHARED = 5  # five of them share one mail domain
DOMAIN_GAP, MAILBOX_GAP = 1.5, 0.3  # seconds


def _directory(tmp_path) -> str:  # type: ignore[no-untyped-def]
    lines = ["name,foi_email,nation,tags"]
    for n in range(BODIES):
        email = f"foi{n}@shared.gov.uk" if n < SHARED else f"foi@council{n}.gov.uk"
        lines.append(f"Council {n:02d},{email},england,test-batch")
    path = tmp_path / "bodies.csv"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def _documents(chat: Chat) -> dict[str, bytes]:
    return {name: data for c in chat.replies if c.method == "sendDocument" for name, data in c.files.values()}


def test_a_batch_to_25_bodies_from_the_chat(tmp_path, bot_api, smtp_server, dovecot):  # noqa: F811
    env = run_env(tmp_path, bot_api, smtp_server, dovecot) | {
        "BATCH_REVOKE_MINUTES": "0.05",  # three seconds to take it back
        "SEND_GAP_PER_DOMAIN_SECONDS": str(DOMAIN_GAP),
        "SEND_GAP_PER_MAILBOX_SECONDS": str(MAILBOX_GAP),
        "OUTBOX_POLL_SECONDS": "0.2",
    }
    upgrade(env["DATABASE_URL"])
    imported = subprocess.run([sys.executable, "-m", "foibot", "authorities", "import", _directory(tmp_path)],
                              env=env, capture_output=True, text=True)  # fmt: skip
    assert imported.stdout.startswith(f"added {BODIES}"), imported.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "foibot", "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        bot_api.wait_for(lambda c: c.method == "deleteWebhook", timeout=30)
        chat = Chat(bot_api, 6006)
        chat.say("/start")
        chat.say("Nellie Bly")
        chat.say("/batch")
        chat.say("Agency staff at {authority}")
        chat.say("1. How much did {authority} spend on agency staff in 2025?\n   a) in social care\n   b) in total")
        chat.say("#test-batch")
        assert "25 letters" in chat.text and "Letter 1 of 25" in chat.text
        assert "How much did Council 00 spend on agency staff in 2025?" in chat.text
        chat.press(chat.button("Next letter"))
        assert "Letter 2 of 25" in chat.text and "Council 01" in chat.text

        chat.press(chat.button("📤 Send all 25"))
        assert "Queued 25 letters" in chat.text
        chat.press(chat.button("↩️ Take it back"))
        assert "Took back 25 letters" in chat.text
        time.sleep(4)  # past the first revoke window: nothing had gone
        assert smtp_server.deliveries == []

        sent_at = time.monotonic()
        chat.press(chat.button("📤 Send again"))
        assert "Queued 25 letters" in chat.text
        assert smtp_server.handler.wait_for(BODIES, timeout=60), f"only {len(smtp_server.deliveries)} sent"
        # Nothing went inside the revoke window; then the gaps held at the SMTP server itself.
        arrivals = [d.at for d in smtp_server.deliveries]
        assert min(arrivals) - sent_at >= 2.5
        ordered = sorted(arrivals)
        assert all(b - a >= MAILBOX_GAP - 0.05 for a, b in zip(ordered, ordered[1:], strict=False)), ordered
        shared = sorted(t for t, d in zip(arrivals, smtp_server.deliveries, strict=True)
                        if d.rcpt_tos[0].endswith("@shared.gov.uk"))  # fmt: skip
        assert len(shared) == SHARED
        assert all(b - a >= DOMAIN_GAP - 0.05 for a, b in zip(shared, shared[1:], strict=False)), shared
        references = {d.rcpt_tos[0]: d.message["Subject"].rsplit("[", 1)[1].rstrip("]") for d in smtp_server.deliveries}
        assert len(set(references.values())) == BODIES  # one request, one reference each

        # Three bodies answer.
        for n in (7, 8, 9):
            reference = references[f"foi@council{n}.gov.uk"]
            append(dovecot, "INBOX", crlf(f"""
                From: FOI <foi@council{n}.gov.uk>
                To: foibot@example.org
                Subject: RE: Freedom of Information request - Agency staff at Council {n:02d} [{reference}]
                Message-ID: <answer-{n}@council{n}.gov.uk>

                Dear Ms Bly,

                Thank you for your request. The information you asked for is below.

                1. Spending on agency staff in 2025:
                   a) in social care: £{n}0,000
                   b) in total: £{n}00,000

                Yours sincerely,
                FOI Officer
                """))  # fmt: skip
        bot_api.wait_for(lambda c: c.method == "sendMessage" and "Council 09" in c.params.get("text", "")
                         and "📨" in c.params.get("text", ""), timeout=20)  # fmt: skip
        time.sleep(0.5)

        chat.say("/batches")
        chat.press(chat.button("📦 Agency staff at"))
        assert "25 bodies · 25 sent · 0 waiting to go · 3 replied" in chat.text
        while "Council 09" not in chat.text:
            chat.press(chat.button("Next ➡"))
        assert chat.text.count("information provided") == 3

        exports = {label: data for label, data in chat.buttons.items() if label in ("⬇ CSV", "📅 Calendar", "🗂 Emails")}
        chat.press(exports["⬇ CSV"])
        rows = list(csv.DictReader(io.StringIO(next(iter(_documents(chat).values())).decode())))
        assert len(rows) == BODIES and {r["status"] for r in rows} >= {"sent", "answered"}
        chat.press(exports["📅 Calendar"])
        calendar = icalendar.Calendar.from_ical(next(iter(_documents(chat).values())))
        events = list(calendar.walk("VEVENT"))
        # a reply due for each of the 22 still waiting; the 3 answered: their reply date and the review window
        assert len(events) == BODIES + 3 and len({str(e["uid"]) for e in events}) == len(events)
        chat.press(exports["🗂 Emails"])
        archive = zipfile.ZipFile(io.BytesIO(next(iter(_documents(chat).values()))))
        emls = [n for n in archive.namelist() if n.endswith(".eml")]
        assert len(emls) == BODIES + 3  # every letter sent and every reply, as they were
        delivered = {d.message_id for d in smtp_server.deliveries}
        kept = {str(message_from_bytes(archive.read(n), policy=default)["Message-ID"]) for n in emls if "-sent" in n}
        assert kept == delivered
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output
    assert "Traceback" not in output, output
