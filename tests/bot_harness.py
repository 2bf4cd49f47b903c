"""Run the real bot (python-telegram-bot over HTTP) against the Bot API stand-in, in a thread."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Callable

from bot.app import BotService, build_application, run_until
from mail.compose import Mailbox
from mail.parse import Parser, parse_message
from service.limits import Limits
from storage.db import Database
from tests.servers.botapi import BotApiServer

MAILBOX = Mailbox("foibot@example.org", "+")


class RunningBot:
    """The bot's event loop in a background thread, as `foibot run` runs it on its main thread."""

    def __init__(
        self,
        server: BotApiServer,
        database: Database,
        clock: Callable[[], dt.datetime],
        rate_limit: bool = True,
        webhook: dict | None = None,
        limits: Limits | None = None,
        parse: Parser = parse_message,
        dashboard_url: str | None = None,
    ) -> None:
        self.server = server
        self.rate_limit = rate_limit
        self.webhook = webhook
        self.service = BotService(database, MAILBOX, clock, limits=limits, parse=parse, dashboard_url=dashboard_url)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self.error: BaseException | None = None

    def start(self) -> RunningBot:
        self._thread = threading.Thread(target=self._main, daemon=True)
        self._thread.start()
        if not self._ready.wait(15):
            raise RuntimeError("the bot did not start")
        started = "setWebhook" if self.webhook else "deleteWebhook"
        self.server.wait_for(lambda call: call.method == started, timeout=15)
        return self

    def _main(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            application = build_application(
                self.server.token,
                self.service,
                base_url=self.server.base_url,
                poll_timeout=1,
                rate_limit=self.rate_limit,
            )
            self._ready.set()
            await run_until(application, self._stop, webhook=self.webhook, poll_timeout=1)

        try:
            asyncio.run(main())
        except BaseException as exc:  # surfaced to the test through .error
            self.error = exc
            self._ready.set()

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout=20)
            assert not self._thread.is_alive(), "the bot did not stop"
        if self.error is not None:
            raise self.error
