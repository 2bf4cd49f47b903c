"""Build the program's parts from settings: the one place that does."""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Callable

from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError

from foibot.settings import Settings
from mail.compose import Mailbox
from mail.imap import ImapConfig
from mail.sandbox import SafeParser
from mail.sent_folder import ImapSentFolder
from mail.smtp import SmtpConfig, SmtpTransport
from mail.watcher import MailboxWatcher
from service.ingest import InboxProcessor
from service.sender import OutboxSender, RetryPolicy
from storage.db import Database, alembic_config, current_revision, open_database
from storage.wakeups import Wakeups

DEFAULT_PORTS = {
    "smtp": {"ssl": 465, "starttls": 587, "plain": 25},
    "imap": {"ssl": 993, "starttls": 143, "plain": 143},
}


class NotReady(Exception):
    """Settings are missing or the database is not migrated; the message says what to do."""


class Unreachable(Exception):
    """A server (the database, the Bot API) could not be reached or refused us; the message says which."""


def now() -> dt.datetime:
    """Return the current time, aware, in UTC: the only wall clock in the program."""
    return dt.datetime.now(dt.UTC)


def require(settings: Settings, *names: str) -> None:
    """Raise NotReady naming every one of ``names`` that has no value."""
    missing = settings.missing(*names)
    if missing:
        raise NotReady(f"missing setting{'s' if len(missing) > 1 else ''} {', '.join(missing)}")


def database(settings: Settings) -> Database:
    """Open the database, which must be migrated to the latest revision."""
    url = settings.effective_database_url()
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    try:
        revision = current_revision(url)
    except SQLAlchemyError as exc:
        reason = " ".join(str(getattr(exc, "orig", exc) or exc).split())[:200]
        raise Unreachable(f"cannot open the database: {reason}") from exc
    if revision != head:
        raise NotReady("the database is not up to date: run `foibot db upgrade`")
    return open_database(url)


def mailbox(settings: Settings) -> Mailbox:
    require(settings, "mail_address")
    assert settings.mail_address is not None
    return Mailbox(settings.mail_address, settings.mail_subaddress_separator or None)


def smtp_config(settings: Settings) -> SmtpConfig:
    require(settings, "smtp_host")
    assert settings.smtp_host is not None
    security = settings.smtp_security.value
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port or DEFAULT_PORTS["smtp"][security],
        security=security,
        username=settings.smtp_username or None,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        timeout=settings.smtp_timeout,
    )


def imap_config(settings: Settings) -> ImapConfig:
    require(settings, "imap_host", "imap_username", "imap_password")
    assert settings.imap_host and settings.imap_username and settings.imap_password
    security = settings.imap_security.value
    return ImapConfig(
        host=settings.imap_host,
        port=settings.imap_port or DEFAULT_PORTS["imap"][security],
        username=settings.imap_username,
        password=settings.imap_password.get_secret_value(),
        security=security,
        folder=settings.imap_folder,
        timeout=settings.imap_timeout,
    )


def sender(settings: Settings, db: Database) -> OutboxSender:
    """Build the outbox sender, with the IMAP Sent folder whenever the mailbox has one."""
    sent_folder = None
    choice = (settings.imap_sent_folder or "").strip()
    if choice.lower() != "none" and not settings.missing("imap_host", "imap_username", "imap_password"):
        # On by default: the server's \Sent folder (SPECIAL-USE) when none is named.
        sent_folder = ImapSentFolder(imap_config(settings), choice or None)
    policy = RetryPolicy(lease=dt.timedelta(seconds=settings.outbox_lease_seconds))
    return OutboxSender(
        db,
        SmtpTransport(smtp_config(settings)),
        now,
        sent_folder=sent_folder,
        policy=policy,
        copy_to_sent_folder=settings.imap_sent_append,
        throttle=batch_settings(settings).throttle,
    )


def processor(settings: Settings, db: Database, on_processed: list | None = None) -> InboxProcessor:
    """Build the store → parse → match path shared by the watcher and `foibot ingest`."""
    return InboxProcessor(
        db,
        now,
        max_parse_bytes=settings.max_parse_bytes,
        parser=safe_parser(settings),
        authserv_id=settings.mail_authserv_id or None,
        worker=settings.worker_name or socket.gethostname(),
        on_processed=on_processed or [],
        # The bot's own mailbox answers a requester's emailed instruction (none without MAIL_ADDRESS).
        mailbox=mailbox(settings) if settings.mail_address else None,
    )


def safe_parser(settings: Settings) -> SafeParser:
    """Build the parser that runs in a worker process with PARSE_SECONDS and PARSE_MEMORY_MB."""
    workers = settings.parse_workers or min(4, os.cpu_count() or 1)
    return SafeParser(settings.parse_seconds, settings.parse_memory_mb, settings.max_parse_bytes, workers=workers)


def watcher(
    settings: Settings,
    db: Database,
    inbox_processor: InboxProcessor | None = None,
    on_stored: Callable[[], object] | None = None,
) -> MailboxWatcher:
    """Build the watcher; after each stored batch it calls ``on_stored`` (a wake-up), else processes inline."""
    after = on_stored or (inbox_processor or processor(settings, db)).process_pending
    return MailboxWatcher(imap_config(settings), db, after, now)


def wakeups(settings: Settings) -> Wakeups:
    """The process's wake-ups (across processes by LISTEN/NOTIFY when the database is PostgreSQL)."""
    return Wakeups(database(settings))


def limits(settings: Settings):  # type: ignore[no-untyped-def]
    from service.limits import Limits

    return Limits(settings.limit_requests_per_day, settings.limit_open_drafts, settings.allowed_users())


def batch_settings(settings: Settings):  # type: ignore[no-untyped-def]
    from foi.batches import Throttle
    from service.batches import BatchSettings

    return BatchSettings(
        throttle=Throttle(
            per_domain=dt.timedelta(seconds=settings.send_gap_per_domain_seconds),
            per_mailbox=dt.timedelta(seconds=settings.send_gap_per_mailbox_seconds),
        ),
        revoke_window=dt.timedelta(minutes=settings.batch_revoke_minutes),
        max_bodies=settings.batch_max_bodies,
        batches_per_day=settings.limit_batches_per_day,
    )


def bot_service(settings: Settings, db: Database):  # type: ignore[no-untyped-def]
    """Build the bot's use-case runner: mailbox, clock, the sandboxed parser and the limits."""
    from bot.app import BotService

    return BotService(
        db,
        mailbox(settings),
        now,
        parse=safe_parser(settings),
        limits=limits(settings),
        batches=batch_settings(settings),
        notice_lease=dt.timedelta(seconds=settings.notice_lease_seconds),
        dashboard_url=settings.web_address(),
    )


def dashboard(settings: Settings, db: Database):  # type: ignore[no-untyped-def]
    """Build the web dashboard's ASGI app for the settings."""
    from web.app import Dashboard, create_app

    address = settings.web_address()
    assert address is not None
    return create_app(Dashboard(db, mailbox(settings), now, address, parse=safe_parser(settings)))


def bot_application(settings: Settings, db: Database, wakeups: Wakeups | None = None):  # type: ignore[no-untyped-def]
    """Build the Telegram application (python-telegram-bot) for the settings."""
    from bot.app import build_application

    require(settings, "telegram_bot_token")
    assert settings.telegram_bot_token is not None
    service = bot_service(settings, db)
    return build_application(
        settings.telegram_bot_token.get_secret_value(),
        service,
        base_url=settings.telegram_base_url or None,
        poll_timeout=settings.telegram_poll_timeout,
        notify_every=settings.notify_seconds,
        sweep_every=settings.sweep_minutes * 60,
        wakeups=wakeups,
    )


def webhook_options(settings: Settings) -> dict | None:
    """Return ptb's start_webhook arguments when TELEGRAM_WEBHOOK_URL is set, else None (long polling)."""
    import hashlib
    from urllib.parse import urlparse

    if not settings.telegram_webhook_url or settings.telegram_bot_token is None:
        return None
    secret = hashlib.sha256(settings.telegram_bot_token.get_secret_value().encode()).hexdigest()[:32]
    return {
        "listen": settings.telegram_webhook_listen,
        "port": settings.telegram_webhook_port,
        "url_path": urlparse(settings.telegram_webhook_url).path.lstrip("/"),
        "webhook_url": settings.telegram_webhook_url,
        "secret_token": secret,
    }
