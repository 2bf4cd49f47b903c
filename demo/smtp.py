"""A real SMTP server (aiosmtpd) on 127.0.0.1 that records what it accepts."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.policy import default

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from demo.net import free_port


@dataclass
class Delivery:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    at: float = field(default_factory=time.monotonic)  # when the server accepted it

    @property
    def message(self) -> Message:
        return message_from_bytes(self.raw, policy=default)

    @property
    def text(self) -> str:
        """The decoded body text with plain newlines."""
        return self.message.get_content().replace("\r\n", "\n")

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class RecordingHandler:
    """Accept mail and keep it, or answer with scripted replies first (e.g. "451 …")."""

    deliveries: list[Delivery] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    # Called with the raw message before it is accepted, e.g. to file it in a
    # Sent folder the way Gmail or Microsoft 365 do for their users.
    on_accept: Callable[[bytes], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self.arrived = threading.Condition(self.lock)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        with self.lock:
            if self.replies:
                reply = self.replies.pop(0)
                if not reply.startswith("250"):
                    return reply
            if self.on_accept is not None:
                self.on_accept(envelope.original_content)
            self.deliveries.append(Delivery(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
            self.arrived.notify_all()
        return "250 OK: queued"

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Block until ``count`` messages have arrived; return False on timeout."""
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.deliveries) >= count, timeout)


class SmtpServer:
    """An aiosmtpd controller that can be stopped and started again on the same port."""

    def __init__(self, credentials: tuple[str, str] | None = None, port: int | None = None) -> None:
        self.handler = RecordingHandler()
        self.port = port or free_port()
        self.credentials = credentials
        self.auth_attempts: list[tuple[str, bool]] = []
        self._controller: Controller | None = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and self.credentials is not None
            and (auth_data.login.decode(), auth_data.password.decode()) == self.credentials
        )
        self.auth_attempts.append((mechanism, ok))
        return AuthResult(success=ok, handled=False)

    def start(self) -> SmtpServer:
        options = {}
        if self.credentials is not None:
            options = {"authenticator": self._authenticate, "auth_required": True, "auth_require_tls": False}
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def deliveries(self) -> list[Delivery]:
        return self.handler.deliveries
