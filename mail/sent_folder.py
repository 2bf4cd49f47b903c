"""The IMAP Sent folder: a copy of each message we send, and proof it was sent.

The folder is the one configured, or else the one the server marks ``\\Sent``
(RFC 6154 SPECIAL-USE), found on first use. A server without one means no
check: the sender then resends after a crash with the same Message-ID.
"""

from __future__ import annotations

import datetime as dt

import imapclient
from imapclient.imapclient import SENT

from mail.errors import TemporaryFailure
from mail.imap import CONNECTION_ERRORS, ImapConfig, connect, logout

_UNKNOWN = object()


class ImapSentFolder:
    """Append sent messages to a folder and look them up by Message-ID."""

    def __init__(self, config: ImapConfig, folder: str | None = None) -> None:
        self.config = config
        self._folder: object = folder if folder else _UNKNOWN

    def folder(self, client: imapclient.IMAPClient) -> str | None:
        """Return the folder's name: the configured one, or the server's \\Sent folder (None without one)."""
        if self._folder is _UNKNOWN:
            found = client.find_special_folder(SENT)
            self._folder = found.decode() if isinstance(found, bytes) else found
        return self._folder  # type: ignore[return-value]

    def contains(self, message_id: str) -> bool:
        """Return True when a message with ``message_id`` is in the folder."""
        client = connect(self.config)
        try:
            folder = self.folder(client)
            if folder is None or not client.folder_exists(folder):
                return False
            client.select_folder(folder, readonly=True)
            return bool(client.search(["HEADER", "Message-ID", message_id]))
        except CONNECTION_ERRORS as exc:
            raise TemporaryFailure(f"cannot search the Sent folder: {exc}") from exc
        finally:
            logout(client)

    def append(self, raw: bytes, when: dt.datetime) -> None:
        """Store ``raw`` in the folder, marked as read, creating a configured folder if needed."""
        client = connect(self.config)
        try:
            folder = self.folder(client)
            if folder is None:
                return
            if not client.folder_exists(folder):
                client.create_folder(folder)
            client.append(folder, raw, flags=[b"\\Seen"], msg_time=when)
        except CONNECTION_ERRORS as exc:
            raise TemporaryFailure(f"cannot append to the Sent folder: {exc}") from exc
        finally:
            logout(client)
