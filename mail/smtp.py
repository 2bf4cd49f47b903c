"""SMTP transport (stdlib smtplib): connect per settings, send bytes, translate errors."""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass

from mail.errors import AuthenticationFailure, PermanentFailure, TemporaryFailure

# Errors that mean "could not talk to the server", never "the server said no".
_CONNECTION_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError, socket.timeout)


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str = "starttls"  # ssl, starttls or plain
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0


def _reply_text(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {' '.join(text.split())}"


def _classify(code: int, message: bytes | str) -> TemporaryFailure | PermanentFailure:
    reply = _reply_text(code, message)
    return TemporaryFailure(reply) if 400 <= code < 500 else PermanentFailure(reply)


class SmtpTransport:
    """One SMTP session, opened on first use and reused for a batch."""

    def __init__(self, config: SmtpConfig, tls_context: ssl.SSLContext | None = None) -> None:
        self.config = config
        self._tls = tls_context or ssl.create_default_context()
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        try:
            if c.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout, context=self._tls)
            else:
                smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
            smtp.ehlo()
            if c.security == "starttls":
                smtp.starttls(context=self._tls)
                smtp.ehlo()
            if c.username:
                smtp.login(c.username, c.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise AuthenticationFailure(
                f"SMTP login as {c.username!r} refused: {_reply_text(exc.smtp_code, exc.smtp_error)}"
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise PermanentFailure(f"SMTP server {c.host}:{c.port} does not support {c.security}/AUTH: {exc}") from exc
        except smtplib.SMTPResponseException as exc:
            raise _classify(exc.smtp_code, exc.smtp_error) from exc
        except _CONNECTION_ERRORS as exc:
            raise TemporaryFailure(f"cannot reach SMTP server {c.host}:{c.port}: {exc or type(exc).__name__}") from exc
        return smtp

    def check(self) -> None:
        """Connect and log in, then leave without sending (``foibot doctor``); raise as ``send`` would."""
        smtp = self._connect()
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def send(self, mail_from: str, recipients: list[str], raw: bytes) -> list[str]:
        """Send ``raw`` exactly as given; return the replies of any recipients refused while others took it.

        Raise TemporaryFailure or PermanentFailure when nobody took it.
        """
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            refused = self._smtp.sendmail(mail_from, recipients, raw)
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            codes = [code for code, _ in exc.recipients.values()]
            replies = "; ".join(f"{rcpt}: {_reply_text(code, msg)}" for rcpt, (code, msg) in exc.recipients.items())
            if any(400 <= code < 500 for code in codes):
                raise TemporaryFailure(replies) from exc
            raise PermanentFailure(replies) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise _classify(exc.smtp_code, exc.smtp_error) from exc
        except _CONNECTION_ERRORS as exc:
            self.close()
            raise TemporaryFailure(
                f"connection to {self.config.host}:{self.config.port} lost: {exc or type(exc).__name__}"
            ) from exc
        return [f"{rcpt}: {_reply_text(code, msg)}" for rcpt, (code, msg) in refused.items()]

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
