"""Fixtures shared by the whole suite: databases on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from storage.db import Database, open_database, upgrade
from tests.servers import postgres
from tests.servers.common import unavailable

_database_numbers = itertools.count(1)
# Under pytest-xdist each worker has its own names (they may share an external server).
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
TEMPLATE = f"foibot_template_{_WORKER}"


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str | None]:
    """Yield the URL of a PostgreSQL server for the session, or None with the reason stored."""
    external = postgres.external_url()
    if external:
        yield external
        return
    started = postgres.start_cluster()
    if isinstance(started, str):
        pytest.foibot_postgres_reason = started  # type: ignore[attr-defined]
        yield None
        return
    try:
        yield started.url
    finally:
        started.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres_admin_url: str | None) -> str | None:
    """Create one migrated template database; each test copies it."""
    if postgres_admin_url is None:
        return None
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {TEMPLATE}"))
        connection.execute(text(f"CREATE DATABASE {TEMPLATE}"))
    admin.dispose()
    upgrade(_with_database(postgres_admin_url, TEMPLATE))
    return TEMPLATE


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def new_postgres_database(admin_url: str, template: str) -> str:
    """Create a fresh, migrated database from the template and return its URL."""
    name = f"foibot_test_{_WORKER}_{next(_database_numbers)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name} TEMPLATE {template}"))
    admin.dispose()
    return _with_database(admin_url, name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """Yield the URL of a freshly migrated database, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'foibot.sqlite3'}"
        upgrade(url)
        return url
    admin_url = request.getfixturevalue("postgres_admin_url")
    if admin_url is None:
        unavailable(getattr(pytest, "foibot_postgres_reason", "PostgreSQL unavailable"))
    template = request.getfixturevalue("postgres_template")
    return new_postgres_database(admin_url, template)


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = open_database(db_url)
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture
def server():
    """Yield the project's own Bot API stand-in on 127.0.0.1 (Telegram's cloud is out of reach)."""
    from tests.servers.botapi import BotApiServer

    bot_api = BotApiServer().start()
    try:
        yield bot_api
    finally:
        bot_api.stop()


@pytest.fixture
def smtp_server():
    """Yield a recording aiosmtpd server on 127.0.0.1."""
    from tests.servers.smtp import SmtpServer

    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def dovecot():
    """Yield a private Dovecot IMAP server with user bot/secret on 127.0.0.1."""
    from tests.servers.dovecot import Dovecot, find_dovecot

    binary = find_dovecot()
    if binary is None:
        unavailable("Dovecot (dovecot-imapd) is not installed")
    server = Dovecot(binary).start()
    try:
        yield server
    finally:
        server.destroy()
