"""``foibot demo``: the whole loop on 127.0.0.1 with no account anywhere.

Starts a private Dovecot (IMAP: foibot's mailbox), a local SMTP server (the
public bodies' side), the project's own Bot API stand-in with a web chat
that acts like Telegram, a page that plays the public body, and foibot
itself — the bot, the watcher, the processor, the sender and the dashboard —
against a fresh SQLite database in a temporary folder. Ctrl-C stops it all
and removes the folder.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

DIRECTORY = [
    {"name": "Riverside Borough Council", "foi_email": "foi@riverside-council.example", "nation": "england",
     "tags": "council;demo"},
    {"name": "Northfield City Council", "foi_email": "foi@northfield-council.example", "nation": "england",
     "tags": "council;demo"},
    {"name": "Department for Demonstrations", "foi_email": "foi@demonstrations-dept.example", "nation": "uk",
     "tags": "central;demo"},
    {"name": "Glenmuir Council", "foi_email": "foi@glenmuir-council.example", "nation": "scotland",
     "tags": "council;demo"},
]  # fmt: skip
MAILBOX = "foibot@foibot-demo.example"


class DemoClock:
    """The demo's wall clock: the real one, plus however many days the person moved it forward."""

    def __init__(self) -> None:
        self.offset = dt.timedelta(0)

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset

    def advance(self, days: int) -> dt.datetime:
        self.offset += dt.timedelta(days=days)
        return self()


def run_demo(chat_port: int = 8001, body_port: int = 8002, web_port: int = 8003) -> int:
    import imapclient

    from demo.authority import AuthorityPage
    from demo.botapi import BotApiServer
    from demo.chat import WebChat
    from demo.dovecot import PASSWORD, USER, Dovecot, find_dovecot
    from demo.smtp import SmtpServer
    from foibot import runner, wiring
    from foibot.settings import Settings
    from service.directory import import_directory
    from storage.db import open_database, upgrade

    binary = find_dovecot()
    if binary is None:
        print("foibot demo: the demo's local IMAP mailbox is Dovecot, which is not installed: "
              "`sudo apt install dovecot-imapd` (the demo never starts the system's own)", file=sys.stderr)  # fmt: skip
        return 2
    folder = Path(tempfile.mkdtemp(prefix="foibot-demo-"))
    started: list = []
    try:
        dovecot = Dovecot(binary).start()
        started.append(dovecot.destroy)
        smtp = SmtpServer().start()
        started.append(smtp.stop)
        bot_api = BotApiServer(port=chat_port).start()
        started.append(bot_api.stop)
        WebChat(bot_api)
        clock = DemoClock()
        url = f"sqlite:///{folder / 'foibot.sqlite3'}"
        upgrade(url)
        db = open_database(url)
        with db.unit_of_work() as session:
            import_directory(session, DIRECTORY)
        db.dispose()

        def deliver(raw: bytes) -> None:
            client = imapclient.IMAPClient("127.0.0.1", port=dovecot.port, ssl=False, timeout=10)
            try:
                client.login(USER, PASSWORD)
                client.append("INBOX", raw)
            finally:
                client.logout()

        body = AuthorityPage(lambda: list(smtp.handler.deliveries), deliver, clock.advance, clock, body_port).start()
        started.append(body.stop)
        settings = Settings(
            _env_file=None, data_dir=folder, database_url=url, log_level="WARNING",
            telegram_bot_token=bot_api.token, telegram_base_url=bot_api.base_url, telegram_poll_timeout=1,
            mail_address=MAILBOX, mail_subaddress_separator="+",
            smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_security="plain",
            imap_host="127.0.0.1", imap_port=dovecot.port, imap_security="plain",
            imap_username=USER, imap_password=PASSWORD, imap_sent_folder="Sent",
            outbox_poll_seconds=1, sweep_minutes=0.1, notify_seconds=0.5, batch_revoke_minutes=0.5,
            send_gap_per_domain_seconds=1, send_gap_per_mailbox_seconds=0,
            web_port=web_port, web_host="127.0.0.1",
        )  # type: ignore[call-arg]  # fmt: skip
        wiring.now = clock  # the only wall clock: every part reads the demo's
        print(
            "foibot demo — everything on this computer, no account needed:\n"
            f"  the chat (like Telegram):      http://127.0.0.1:{chat_port}/chat   — start with /start\n"
            f"  the public body's inbox:       http://127.0.0.1:{body_port}/        — answer foibot's emails\n"
            f"  the dashboard:                 http://127.0.0.1:{web_port}/         — /dashboard in the chat signs in\n"
            "Ctrl-C stops it all.",
            flush=True,
        )  # fmt: skip
        return runner.run(settings, None)
    finally:
        for stop in reversed(started):
            try:
                stop()
            except Exception:  # stopping: one part's trouble must not keep the others running
                pass
        shutil.rmtree(folder, ignore_errors=True)
