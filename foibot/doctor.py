"""``foibot doctor``: check a configuration for real, one line per check, each saying what to fix.

It logs in to IMAP and SMTP (sending nothing), finds the Sent folder, asks
the Bot API who the bot is, and opens the database at its migration. No
secret is printed.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from foibot import wiring
from foibot.settings import Settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.name}: {self.detail}"


def _run(name: str, work: Callable[[], str]) -> Check:
    try:
        return Check(name, True, work())
    except Exception as exc:  # every failure is a line saying what to fix, never a traceback
        return Check(name, False, " ".join(str(exc).split())[:300] or exc.__class__.__name__)


def check_all(settings: Settings) -> list[Check]:
    checks = [_run("settings", lambda: _settings(settings)), _run("database", lambda: _database(settings))]
    checks.append(_run("IMAP", lambda: _imap(settings)))
    checks.append(_run("SMTP", lambda: _smtp(settings)))
    checks.append(_run("Telegram", lambda: _telegram(settings)))
    if settings.web_port:
        checks.append(_run("web", lambda: _web(settings)))
    return checks


def _settings(settings: Settings) -> str:
    from foibot.runner import PARTS, missing_settings

    missing = missing_settings(settings, PARTS)
    if missing:
        raise ValueError(f"set {', '.join(missing)} in .env (see .env.example)")
    return "everything `foibot run` needs is set"


def _database(settings: Settings) -> str:
    from storage.db import current_revision

    db = wiring.database(settings)  # raises NotReady ("run `foibot db upgrade`") or Unreachable
    db.dispose()
    url = settings.effective_database_url()
    shown = url.split("@")[-1] if "@" in url else url  # no password
    return f"{shown} at migration {current_revision(url)} (the latest)"


def _imap(settings: Settings) -> str:
    from mail.errors import AuthenticationFailure
    from mail.imap import connect, logout
    from mail.sent_folder import ImapSentFolder

    config = wiring.imap_config(settings)
    try:
        client = connect(config)
    except AuthenticationFailure as exc:
        raise ValueError(f"{exc} — check IMAP_USERNAME and IMAP_PASSWORD") from exc
    try:
        selected = client.select_folder(config.folder, readonly=True)
        count = int(selected.get(b"EXISTS", 0))
        choice = (settings.imap_sent_folder or "").strip()
        if choice.lower() == "none":
            sent = "no copies kept (IMAP_SENT_FOLDER=none)"
        else:
            folder = ImapSentFolder(config, choice or None).folder(client)
            sent = (
                f"sent mail is copied to {folder!r}"
                if folder
                else ("no Sent folder found: set IMAP_SENT_FOLDER to its name, or to none")
            )
            if not folder:
                raise ValueError(f"logged in as {config.username}, {config.folder} has {count} messages; {sent}")
    finally:
        logout(client)
    where = f"{config.host}:{config.port} ({config.security})"
    return f"{where} as {config.username}; {config.folder} has {count} messages; {sent}"


def _smtp(settings: Settings) -> str:
    from mail.errors import AuthenticationFailure
    from mail.smtp import SmtpTransport

    config = wiring.smtp_config(settings)
    try:
        SmtpTransport(config).check()
    except AuthenticationFailure as exc:
        raise ValueError(f"{exc} — check SMTP_USERNAME and SMTP_PASSWORD") from exc
    who = f" as {config.username}" if config.username else " (no login)"
    return f"{config.host}:{config.port} ({config.security}) accepted us{who}; nothing was sent"


def _telegram(settings: Settings) -> str:
    wiring.require(settings, "telegram_bot_token")
    assert settings.telegram_bot_token is not None
    base = (settings.telegram_base_url or "https://api.telegram.org/bot").rstrip("/")
    url = f"{base}{settings.telegram_bot_token.get_secret_value()}/getMe"
    try:
        call = urllib.request.Request(url, data=b"{}", headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(call, timeout=15) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 404):
            raise ValueError("the Bot API refused TELEGRAM_BOT_TOKEN: check it with @BotFather") from None
        raise ValueError(f"the Bot API answered {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        where = base.removesuffix("/bot")
        raise ValueError(f"cannot reach the Bot API at {where}: {getattr(exc, 'reason', exc)}") from None
    bot = answer.get("result") or {}
    return f"the token belongs to @{bot.get('username', '?')}"


def _web(settings: Settings) -> str:
    with socket.socket(socket.AF_INET6 if ":" in settings.web_host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((settings.web_host, settings.web_port or 0))
        except OSError as exc:
            raise ValueError(f"cannot listen on {settings.web_host}:{settings.web_port}: {exc.strerror}") from None
    return f"{settings.web_host}:{settings.web_port} is free; browsers reach it at {settings.web_address()}"
