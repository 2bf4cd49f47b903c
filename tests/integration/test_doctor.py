"""`foibot doctor` against real servers: Dovecot, aiosmtpd with a login, the Bot API stand-in, SQLite."""

from __future__ import annotations

import pytest

from storage.db import upgrade
from tests.integration.test_cli import foibot
from tests.servers.botapi import BotApiServer
from tests.servers.dovecot import PASSWORD, USER
from tests.servers.smtp import SmtpServer


@pytest.fixture
def bot_api():
    server = BotApiServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_login():
    server = SmtpServer(credentials=("bot", "s3cret")).start()
    yield server
    server.stop()


def settings_for(tmp_path, bot_api, smtp_login, dovecot, **changes) -> dict[str, str]:
    return {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'foibot.sqlite3'}",
        "TELEGRAM_BOT_TOKEN": bot_api.token, "TELEGRAM_BASE_URL": bot_api.base_url,
        "MAIL_ADDRESS": "foibot@example.org",
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_login.port), "SMTP_SECURITY": "plain",
        "SMTP_USERNAME": "bot", "SMTP_PASSWORD": "s3cret",
        "IMAP_HOST": "127.0.0.1", "IMAP_PORT": str(dovecot.port), "IMAP_SECURITY": "plain",
        "IMAP_USERNAME": USER, "IMAP_PASSWORD": PASSWORD,
        **changes,
    }  # fmt: skip


def test_a_working_configuration_passes_every_check_and_sends_nothing(tmp_path, bot_api, smtp_login, dovecot):
    env = settings_for(tmp_path, bot_api, smtp_login, dovecot)
    upgrade(env["DATABASE_URL"])
    result = foibot("doctor", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line[0] for line in lines[:5]] == ["✓"] * 5, result.stdout
    assert "'Sent'" in result.stdout and "nothing was sent" in result.stdout and "@" in lines[4]
    assert smtp_login.handler.deliveries == []
    assert "s3cret" not in result.stdout and PASSWORD not in result.stdout


def test_each_problem_is_one_line_saying_what_to_fix(tmp_path, bot_api, smtp_login, dovecot):
    env = settings_for(tmp_path, bot_api, smtp_login, dovecot, IMAP_PASSWORD="wrong", SMTP_PASSWORD="wrong",
                       TELEGRAM_BOT_TOKEN="123:not-the-token", MAIL_ADDRESS="foibot@your-domain.example")  # fmt: skip
    result = foibot("doctor", env=env)  # and the database was never migrated
    assert result.returncode == 1
    out = result.stdout
    assert "✗ settings: set MAIL_ADDRESS (still the example value)" in out
    assert "✗ database:" in out and "foibot db upgrade" in out
    assert "✗ IMAP:" in out and "check IMAP_USERNAME and IMAP_PASSWORD" in out
    assert "✗ SMTP:" in out and "check SMTP_USERNAME and SMTP_PASSWORD" in out
    assert "✗ Telegram:" in out and "@BotFather" in out
    assert "Traceback" not in out + result.stderr and "wrong" not in out


def test_run_names_an_example_value_left_in_place(tmp_path):
    result = foibot("run", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                                "SMTP_HOST": "smtp.your-domain.example"})  # fmt: skip
    assert result.returncode == 2
    assert "SMTP_HOST (still the example value)" in result.stderr
