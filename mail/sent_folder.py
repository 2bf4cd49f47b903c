"""The IMAP Sent folder: a copy of each message we send, and proof it was sent."""

from __future__ import annotations

import datetime as dt

from mail.errors import TemporaryFailure
from mail.imap import CONNECTION_ERRORS, ImapConfig, connect, logout


class ImapSentFolder:
    """Append sent messages to a folder and look them up by Message-ID."""

    def __init__(self, config: ImapConfig, folder: str) -> None:
        self.config = config
        self.folder = folder

    def contains(self, message_id: str) -> bool:
        """Return True when a message with ``message_id`` is in the folder."""
        client = connect(self.config)
        try:
            if not client.folder_exists(self.folder):
                return False
            client.select_folder(self.folder, readonly=True)
            return bool(client.search(["HEADER", "Message-ID", message_id]))
        except CONNECTION_ERRORS as exc:
            raise TemporaryFailure(f"cannot search {self.folder}: {exc}") from exc
        finally:
            logout(client)

    def append(self, raw: bytes, when: dt.datetime) -> None:
        """Store ``raw`` in the folder, marked as read, creating the folder if needed."""
        client = connect(self.config)
        try:
            if not client.folder_exists(self.folder):
                client.create_folder(self.folder)
            client.append(self.folder, raw, flags=[b"\\Seen"], msg_time=when)
        except CONNECTION_ERRORS as exc:
            raise TemporaryFailure(f"cannot append to {self.folder}: {exc}") from exc
        finally:
            logout(client)
