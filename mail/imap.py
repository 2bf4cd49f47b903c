"""Opening an IMAP session (imapclient) per settings, with errors translated."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass

import imapclient
from imapclient.exceptions import IMAPClientError, LoginError

from mail.errors import AuthenticationFailure, TemporaryFailure

# Errors that mean the session is gone or never came up; retry after a pause.
CONNECTION_ERRORS = (IMAPClientError, OSError, socket.timeout, ssl.SSLError, EOFError)


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int
    username: str
    password: str
    security: str = "ssl"  # ssl, starttls or plain
    folder: str = "INBOX"
    timeout: float = 60.0

    @property
    def account(self) -> str:
        """Name the mailbox for sync state: user@host:port."""
        return f"{self.username}@{self.host}:{self.port}"


def connect(config: ImapConfig, tls_context: ssl.SSLContext | None = None) -> imapclient.IMAPClient:
    """Return a logged-in IMAP client; raise AuthenticationFailure or TemporaryFailure."""
    context = tls_context or ssl.create_default_context()
    try:
        client = imapclient.IMAPClient(
            config.host,
            port=config.port,
            ssl=config.security == "ssl",
            ssl_context=context if config.security == "ssl" else None,
            timeout=config.timeout,
        )
        if config.security == "starttls":
            client.starttls(context)
    except CONNECTION_ERRORS as exc:
        raise TemporaryFailure(f"cannot reach IMAP server {config.host}:{config.port}: {exc}") from exc
    try:
        client.login(config.username, config.password)
    except LoginError as exc:
        _quietly_close(client)
        raise AuthenticationFailure(f"IMAP login as {config.username!r} refused") from exc
    except CONNECTION_ERRORS as exc:
        _quietly_close(client)
        raise TemporaryFailure(f"IMAP login to {config.host}:{config.port} failed: {exc}") from exc
    return client


def _quietly_close(client: imapclient.IMAPClient) -> None:
    try:
        client.shutdown()
    except CONNECTION_ERRORS:
        pass


def logout(client: imapclient.IMAPClient) -> None:
    """End the session, ignoring a server that already went away."""
    try:
        client.logout()
    except CONNECTION_ERRORS:
        _quietly_close(client)
