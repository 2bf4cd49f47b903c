"""The python-telegram-bot application: updates in, ``Flow`` in a transaction, screens out.

Handlers are thin: they read the update, run one ``Flow`` step in a worker
thread (the database is synchronous), and send the screens it returns —
split under Telegram's 4,096 characters, as HTML, buttons on the last part.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.flow import COMMANDS, Flow
from bot.notify import NOTICE_LEASE, Notice, claim_notices, prompt_screen
from bot.screens import MAX_CAPTION, Screen, cut_html, esc, split_message
from bot.tracking_views import digest_screen
from mail.compose import Mailbox
from mail.parse import Parser, parse_message
from service import digests, notices, prompts
from service.batches import BatchSettings
from service.followups import unanswered_parts
from service.limits import Limits, refusal_for_user
from storage.db import Database
from storage.models import FoiRequestRow, User
from storage.wakeups import NOTICES, Wakeups

log = logging.getLogger(__name__)

JOIN_LONGER_THAN = 3500  # a text this long may be the first piece of one Telegram split
SORRY = "Sorry, something went wrong on my side. Your draft is saved — try again, or /cancel."


MAX_UPLOAD = 20 * 1024 * 1024  # the most the Bot API lets a bot download


class BotService:
    """Runs conversation steps against the database for Telegram users."""

    def __init__(
        self,
        database: Database,
        mailbox: Mailbox,
        clock: Callable[[], dt.datetime],
        parse: Parser = parse_message,
        limits: Limits | None = None,
        notice_lease: dt.timedelta = NOTICE_LEASE,
        batches: BatchSettings | None = None,
        dashboard_url: str | None = None,
    ) -> None:
        self.dashboard_url = dashboard_url  # the web dashboard's address; None when it is off
        self.database = database
        self.mailbox = mailbox
        self.clock = clock
        self.parse = parse
        self.limits = limits or Limits()
        self.batches = batches or BatchSettings()
        self.notice_lease = notice_lease

    def upload(self, telegram_id: int, filename: str, content_type: str, data: bytes) -> list[Screen]:
        """A file the user sent (a letter by post); one transaction, like a step."""
        return self.step(telegram_id, "file", (filename, content_type, data))  # type: ignore[arg-type]

    def step(self, telegram_id: int, kind: str, value: str) -> list[Screen]:
        """Run one step of ``kind`` (command, text or button) for the user, in one transaction."""
        from sqlalchemy import select

        with self.database.unit_of_work() as session:
            user = session.scalar(select(User).where(User.telegram_id == telegram_id))
            if user is None:
                user = User(telegram_id=telegram_id, conversation={"state": "idle"})
                session.add(user)
                session.flush()
            refusal = refusal_for_user(user, telegram_id, self.limits)
            if refusal:
                return [Screen(esc(refusal))]
            flow = Flow(
                session, user, self.mailbox, self.clock(), self.parse, self.limits, self.batches, self.dashboard_url
            )
            if kind == "command":
                return flow.command(value)
            if kind == "button":
                return flow.button(value)
            if kind == "file":
                return flow.on_upload(*value)  # type: ignore[misc]
            return flow.text(value)

    def notice_told(self, notice: Notice) -> None:
        if notice.pending is not None:
            with self.database.unit_of_work() as session:
                notices.told(session, notice.pending, self.clock())

    def notice_failed(self, notice: Notice) -> None:
        if notice.pending is not None:
            with self.database.unit_of_work() as session:
                notices.give_back(session, notice.pending)

    def take_notices(self) -> list[Notice]:
        """Claim replies and held mail not yet told to their owners."""
        with self.database.unit_of_work() as session:
            return claim_notices(session, self.clock(), parse=self.parse, lease=self.notice_lease)

    def take_prompts(self) -> list[tuple[prompts.DuePrompt, Screen]]:
        """Claim the follow-up prompts due now, with the screen for each (those of digest readers are held)."""
        claimed = digests.hold_for_digest(self.database, prompts.claim(self.database, self.clock()))
        screens = []
        with self.database.unit_of_work() as session:
            for due in claimed:
                request = session.get(FoiRequestRow, due.request_id)
                assert request is not None
                screens.append((due, prompt_screen(request, due.prompt, unanswered_parts(session, request.id))))
        return screens

    def take_digests(self) -> list[tuple[digests.Digest, Screen]]:
        """Claim the digests due now, with the screen for each (an empty one is not sent, only noted)."""
        taken = []
        for digest in digests.take_due(self.database, self.clock()):
            if digest.is_empty:
                continue  # nothing to say: the day counts as done
            taken.append((digest, digest_screen(digest)))
        return taken

    def digest_told(self, digest: digests.Digest) -> None:
        digests.digest_told(self.database, digest, self.clock())

    def digest_failed(self, digest: digests.Digest) -> None:
        digests.digest_failed(self.database, digest)

    def prompt_told(self, due: prompts.DuePrompt) -> None:
        prompts.record_told(self.database, due, self.clock())

    def prompt_failed(self, due: prompts.DuePrompt) -> None:
        prompts.release(self.database, due)


async def deliver_notices(bot, service: BotService) -> int:  # type: ignore[no-untyped-def]
    """Send every pending reply notice; return how many users were told."""
    notices = await asyncio.to_thread(service.take_notices)
    told = 0
    for notice in notices:
        try:
            await send_screens_with(bot, notice.telegram_id, notice.screens)
        except TelegramError:
            log.exception("could not notify user %s; it will be tried again", notice.telegram_id)
            await asyncio.to_thread(service.notice_failed, notice)
            continue
        await asyncio.to_thread(service.notice_told, notice)
        told += 1
    return told


async def _deliver(bot, taken, chat_of, told, failed, what: str) -> int:  # type: ignore[no-untyped-def]
    """Send each (item, screen); mark it told once Telegram accepted it, give it back if not."""
    sent = 0
    for item, screen in taken:
        try:
            await send_screens_with(bot, chat_of(item), [screen])
        except TelegramError:
            log.exception("could not send %s to user %s; it will be tried again", what, chat_of(item))
            await asyncio.to_thread(failed, item)
            continue
        await asyncio.to_thread(told, item)
        sent += 1
    return sent


async def deliver_prompts(bot, service: BotService) -> int:  # type: ignore[no-untyped-def]
    """Send every follow-up prompt due now, once; return how many were sent."""
    taken = await asyncio.to_thread(service.take_prompts)
    return await _deliver(
        bot, taken, lambda due: due.telegram_id, service.prompt_told, service.prompt_failed, "a prompt"
    )


async def deliver_digests(bot, service: BotService) -> int:  # type: ignore[no-untyped-def]
    """Send every digest due now; return how many were sent."""
    taken = await asyncio.to_thread(service.take_digests)
    return await _deliver(
        bot, taken, lambda digest: digest.telegram_id, service.digest_told, service.digest_failed, "a digest"
    )


class EachUserInOrder(BaseUpdateProcessor):
    """Updates run concurrently, but each user's own one after another, in the order they came.

    ptb handles one update at a time by default, so one user's 15 MB download made everyone else wait;
    fully concurrent handling could read a user's second message before their first.
    """

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._queues: dict[int, tuple[asyncio.Lock, list[int]]] = {}  # user -> (lock, [updates waiting or running])

    async def do_process_update(self, update: object, coroutine) -> None:  # type: ignore[no-untyped-def]
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            await coroutine
            return
        lock, pending = self._queues.setdefault(user.id, (asyncio.Lock(), [0]))
        pending[0] += 1
        try:
            async with lock:  # asyncio locks are first come, first served
                await coroutine
        finally:
            pending[0] -= 1
            if not pending[0]:
                del self._queues[user.id]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def keyboard(screen: Screen) -> InlineKeyboardMarkup | None:
    if not screen.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in screen.buttons]
    )


async def send_screens(context: ContextTypes.DEFAULT_TYPE, chat_id: int, screens: list[Screen]) -> None:
    await send_screens_with(context.bot, chat_id, screens)


async def send_screens_with(bot, chat_id: int, screens: list[Screen]) -> None:  # type: ignore[no-untyped-def]
    """Send each screen: text split at paragraph boundaries, buttons on the last part, files as documents."""
    for screen in screens:
        if screen.document is not None:
            filename, data = screen.document
            await bot.send_document(
                chat_id,
                InputFile(data, filename=filename),
                caption=cut_html(screen.text, MAX_CAPTION),
                parse_mode=ParseMode.HTML,
            )
            continue
        chunks = split_message(screen.text)
        for index, chunk in enumerate(chunks):
            markup = keyboard(screen) if index == len(chunks) - 1 else None
            await bot.send_message(
                chat_id, chunk, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
            )


def build_application(
    token: str,
    service: BotService,
    base_url: str | None = None,
    base_file_url: str | None = None,
    poll_timeout: float = 10.0,
    rate_limit: bool = True,
    notify_every: float = 1.0,
    sweep_every: float = 300.0,
    join_wait: float = 1.5,
    wakeups: Wakeups | None = None,
) -> Application:
    """Build the ptb application with our handlers and Telegram's rate limits (30 messages/s, 429 retries)."""
    builder = ApplicationBuilder().token(token).concurrent_updates(EachUserInOrder())
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    if base_url:
        builder = builder.base_url(base_url).base_file_url(base_file_url or base_url.replace("/bot", "/file/bot"))
    builder = builder.get_updates_read_timeout(poll_timeout + 10)
    application = builder.build()
    application.bot_data["service"] = service

    async def run_step(update: Update, context: ContextTypes.DEFAULT_TYPE, kind: str, value: str) -> None:
        user = update.effective_user
        chat = update.effective_chat
        if user is None or chat is None or chat.type != "private":
            return
        screens = await asyncio.to_thread(service.step, user.id, kind, value)
        await send_screens(context, chat.id, screens)

    async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        text = update.effective_message.text if update.effective_message else ""
        name = (text or "/").split()[0][1:].split("@")[0].lower()
        await run_step(update, context, "command", name)

    # Telegram's apps split a message over 4,096 characters into several, sent within a moment of
    # each other: a long text waits briefly for its continuation, and the pieces are read as one.
    waiting: dict[int, tuple[list[str], asyncio.TimerHandle]] = {}

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        text = (message.text or "") if message else ""
        if user is None:
            return
        pieces, timer = waiting.pop(user.id, ([], None))
        if timer is not None:
            timer.cancel()
        pieces.append(text)
        if len(text) >= JOIN_LONGER_THAN:
            loop = asyncio.get_running_loop()

            def flush() -> None:
                joined, _ = waiting.pop(user.id, ([], None))
                if joined:
                    context.application.create_task(run_step(update, context, "text", "\n".join(joined)))

            waiting[user.id] = (pieces, loop.call_later(join_wait, flush))
            return
        await run_step(update, context, "text", "\n".join(pieces))

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        await run_step(update, context, "button", query.data or "")

    async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user, chat = update.effective_message, update.effective_user, update.effective_chat
        if chat is None:
            return
        upload = message and (message.document or (message.photo[-1] if message.photo else None))
        if upload is None or user is None:
            await context.bot.send_message(chat.id, "I can only read text messages. Please type your answer, or /help.")
            return
        if (upload.file_size or 0) > MAX_UPLOAD:
            await context.bot.send_message(chat.id, "That file is over 20 MB, more than Telegram lets me fetch.")
            return
        file = await upload.get_file()
        data = bytes(await file.download_as_bytearray())
        if message.document is not None:
            name, kind = message.document.file_name or "letter", message.document.mime_type or ""
        else:
            name, kind = "letter.jpg", "image/jpeg"  # Telegram sends every photo as a JPEG
        screens = await asyncio.to_thread(service.upload, user.id, name, kind, data)
        await send_screens(context, chat.id, screens)

    application.add_handler(MessageHandler(filters.COMMAND, on_command))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(~filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, on_other))
    application.add_error_handler(_on_error)

    async def notify_job(context: ContextTypes.DEFAULT_TYPE) -> None:
        await deliver_notices(context.bot, service)

    # Told as soon as a reply is processed: a wake-up (in this process, or by PostgreSQL's NOTIFY)
    # sets an event the notice task waits on; the job above is the fallback poll.
    async def tell_when_woken(app: Application) -> None:
        woken = asyncio.Event()
        loop = asyncio.get_running_loop()
        assert wakeups is not None
        wakeups.subscribe(NOTICES, lambda: loop.call_soon_threadsafe(woken.set))
        while True:
            await woken.wait()
            woken.clear()
            try:
                await deliver_notices(app.bot, service)
            except Exception:
                log.exception("telling notices failed; the poll will try again")

    if wakeups is not None:
        application.bot_data["start_tasks"] = [tell_when_woken]

    async def sweep_job(context: ContextTypes.DEFAULT_TYPE) -> None:
        await deliver_prompts(context.bot, service)
        await deliver_digests(context.bot, service)

    assert application.job_queue is not None, "python-telegram-bot[job-queue] is required"
    application.job_queue.run_repeating(notify_job, interval=notify_every, first=1.0, name="notify")
    application.job_queue.run_repeating(sweep_job, interval=sweep_every, first=5.0, name="sweep")
    return application


async def register_commands(application: Application) -> None:
    """Publish the command list shown in Telegram's menu (setMyCommands)."""
    try:
        service = application.bot_data.get("service")
        shown = {
            name: text
            for name, text in COMMANDS.items()
            if name != "dashboard" or getattr(service, "dashboard_url", None)  # only where the operator has it on
        }
        await application.bot.set_my_commands([BotCommand(name, text) for name, text in shown.items()])
    except TelegramError as exc:
        log.warning("could not register the command list: %s", exc)


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("error while handling an update: %r", context.error, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, SORRY)
        except TelegramError:
            log.warning("could not tell the user about the error")


async def run_until(
    application: Application, stop: asyncio.Event, webhook: dict | None = None, poll_timeout: float = 10.0
) -> None:
    """Run the bot (long polling, or a webhook when given) until ``stop`` is set."""
    async with application:
        await register_commands(application)
        await application.start()
        # Our own long-lived tasks (not ptb's create_task: application.stop() would wait for them forever).
        tasks = [asyncio.create_task(start(application)) for start in application.bot_data.get("start_tasks", [])]
        assert application.updater is not None
        if webhook:
            await application.updater.start_webhook(**webhook)
        else:
            await application.updater.start_polling(timeout=int(poll_timeout), drop_pending_updates=False)
        await stop.wait()
        for task in tasks:
            task.cancel()
        await application.updater.stop()
        await application.stop()
