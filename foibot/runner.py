"""``foibot run``: the bot, the IMAP watcher, the inbox processor and the outbox sender in one process.

Each part runs in its own thread against the same database; ``--only`` runs
one part so a larger deployment can run them as separate processes against
PostgreSQL (several ``--only process`` workers, each with its own
WORKER_NAME, share the inbox). The watcher only stores mail; it wakes the
processor, which wakes the bot when a reply is ready to be told — in this
process directly, across processes by PostgreSQL's LISTEN/NOTIFY, with
polling as the fallback. SIGINT/SIGTERM stop every part cleanly.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
import threading

from foibot import logs, wiring
from foibot.settings import Settings
from mail.errors import AuthenticationFailure
from mail.matching import ATTACHED, SUGGESTED
from mailchannel import notices as email_channel
from service.ingest import Processed
from storage.wakeups import INBOX, NOTICES, Wakeups

log = logging.getLogger("foibot")

PARTS = ("bot", "watch", "process", "send")  # and "web" when WEB_PORT is set
REQUIRED = {
    "send": ("mail_address", "smtp_host"),
    "watch": ("imap_host", "imap_username", "imap_password"),
    "process": (),
    "bot": ("telegram_bot_token", "mail_address"),
    "web": ("web_port", "mail_address"),
}
PROCESS_POLL_SECONDS = 5.0  # the processor's fallback when no wake-up comes


def missing_settings(settings: Settings, parts: tuple[str, ...]) -> list[str]:
    """Return every missing setting the chosen parts need, by environment name, once each."""
    names: list[str] = []
    for part in parts:
        names.extend(settings.missing(*REQUIRED[part]))
    return list(dict.fromkeys(names))


def _send_loop(settings: Settings, stop: threading.Event, wake: Wakeups) -> None:
    db = wiring.database(settings)
    sender = wiring.sender(settings, db)
    mailbox = wiring.mailbox(settings)
    while not stop.is_set():
        try:
            told = email_channel.deliver(db, mailbox, wiring.now())  # queued first, then sent in this pass
            if told:
                log.info("email channel: %s notices and prompts queued", told)
            report = sender.run_once()
            if report.sent or report.failed or report.retried:
                log.info("outbox: %s", report.summary())
        except AuthenticationFailure as exc:
            log.error("%s", exc)
            stop.wait(300)
        except Exception:
            log.exception("outbox pass failed; trying again shortly")
        stop.wait(settings.outbox_poll_seconds)


def _watch_loop(settings: Settings, stop: threading.Event, wake: Wakeups) -> None:
    from web.metrics import WATCHER_CONNECTIONS

    db = wiring.database(settings)
    watcher = wiring.watcher(settings, db, on_stored=lambda: wake.wake(INBOX))
    WATCHER_CONNECTIONS.set_function(lambda: watcher.connections)
    watcher.run(stop)


def _process_loop(settings: Settings, stop: threading.Event, wake: Wakeups) -> None:
    db = wiring.database(settings)

    def tell_the_bot(result: Processed) -> None:
        if any(found.status in (ATTACHED, SUGGESTED) for found in result.matches):
            wake.wake(NOTICES)

    processor = wiring.processor(settings, db, on_processed=[tell_the_bot])
    try:
        processor.warm_up()
    except Exception:  # a slower first reply, nothing worse
        log.exception("warming up the inbox processor failed")
    # What is alive now (modules, patterns, calendars) lives as long as the process: the collector
    # need not walk it again and again, and a full collection no longer stalls a burst of replies.
    gc.freeze()
    woken = threading.Event()
    wake.subscribe(INBOX, woken.set)
    while not stop.is_set():
        woken.clear()
        try:
            processor.process_pending()
        except Exception:
            log.exception("processing stored mail failed; trying again shortly")
        waited = 0.0
        while not woken.is_set() and not stop.is_set() and waited < PROCESS_POLL_SECONDS:
            woken.wait(0.5)
            waited += 0.5


def _web_loop(settings: Settings, stop: threading.Event, wake: Wakeups) -> None:
    """Serve the dashboard with uvicorn on this thread until ``stop``."""
    import uvicorn

    db = wiring.database(settings)
    config = uvicorn.Config(
        wiring.dashboard(settings, db), host=settings.web_host, port=settings.web_port or 0,
        log_level="warning", access_log=False, proxy_headers=True, server_header=False,
    )  # fmt: skip
    server = uvicorn.Server(config)
    threading.Thread(target=lambda: (stop.wait(), setattr(server, "should_exit", True)), daemon=True).start()
    log.info("web dashboard on %s", settings.web_address())
    server.run()
    db.dispose()


def run(settings: Settings, only: str | None) -> int:
    """Run the chosen parts until a signal; return the exit code."""
    logs.configure(settings)
    parts = (only,) if only else PARTS + (("web",) if settings.web_port else ())
    missing = missing_settings(settings, parts)
    if missing:
        print(
            f"foibot: missing setting{'s' if len(missing) > 1 else ''} {', '.join(missing)} — see .env.example",
            file=sys.stderr,
        )
        return 2
    try:
        wiring.database(settings).dispose()
    except wiring.NotReady as exc:
        print(f"foibot: {exc}", file=sys.stderr)
        return 2
    except wiring.Unreachable as exc:
        print(f"foibot: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()
    wake = wiring.wakeups(settings)
    wake.listen([INBOX, NOTICES], stop)
    loops = {"send": _send_loop, "watch": _watch_loop, "process": _process_loop, "web": _web_loop}
    threads = [
        threading.Thread(target=loops[part], args=(settings, stop, wake), name=f"foibot-{part}", daemon=True)
        for part in parts
        if part in loops
    ]
    for thread in threads:
        thread.start()
    log.info("running: %s", ", ".join(parts))
    code = 0
    if "bot" in parts:
        code = _run_bot(settings, stop, wake)
    else:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        while not stop.is_set() and any(t.is_alive() for t in threads):
            stop.wait(1)
    stop.set()
    for thread in threads:
        thread.join(timeout=15)
    return code


def _run_bot(settings: Settings, stop: threading.Event, wake: Wakeups) -> int:
    """Run the bot; a refused token or an unreachable Bot API is one line and exit code 1."""
    from telegram.error import InvalidToken, NetworkError

    try:
        asyncio.run(_bot_main(settings, stop, wake))
    except InvalidToken:
        print("foibot: the Bot API refused TELEGRAM_BOT_TOKEN; check it with @BotFather", file=sys.stderr)
        return 1
    except NetworkError as exc:
        where = settings.telegram_base_url or "https://api.telegram.org"
        print(f"foibot: cannot reach the Bot API at {where}: {' '.join(str(exc).split())[:200]}", file=sys.stderr)
        return 1
    return 0


async def _bot_main(settings: Settings, stop: threading.Event, wake: Wakeups) -> None:
    """Run the bot on this thread's event loop until a signal, or until another part stops."""
    from bot.app import run_until

    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, done.set)

    async def follow_other_parts() -> None:
        while not done.is_set():
            if stop.is_set():
                done.set()
            await asyncio.sleep(0.2)

    db = wiring.database(settings)
    application = wiring.bot_application(settings, db, wakeups=wake)
    follower = asyncio.create_task(follow_other_parts())
    try:
        await run_until(
            application, done, webhook=wiring.webhook_options(settings), poll_timeout=settings.telegram_poll_timeout
        )
    finally:
        stop.set()
        follower.cancel()
        db.dispose()
