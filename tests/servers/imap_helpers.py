"""Small IMAP helpers for tests (a second client, like a person or a mail service)."""

from __future__ import annotations

import imapclient

from mail.imap import ImapConfig
from tests.servers.dovecot import PASSWORD, USER


def config_for(server, folder: str = "INBOX") -> ImapConfig:
    return ImapConfig("127.0.0.1", server.port, USER, PASSWORD, security="plain", folder=folder, timeout=10)


def client_for(server) -> imapclient.IMAPClient:
    client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=10)
    client.login(USER, PASSWORD)
    return client


def append(server, folder: str, raw: bytes, attempts: int = 3) -> None:
    """Deliver ``raw`` as a mail service would; a server that has just restarted may drop the first try."""
    for attempt in range(attempts):
        try:
            client = client_for(server)
        except OSError:
            if attempt == attempts - 1:
                raise
            continue
        try:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            client.append(folder, raw)
            return
        except OSError:
            if attempt == attempts - 1:
                raise
        finally:
            try:
                client.logout()
            except OSError:
                pass


def message_ids_in(server, folder: str) -> list[str]:
    client = client_for(server)
    try:
        if not client.folder_exists(folder):
            return []
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        fetched = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]) if uids else {}
        ids = []
        for data in fetched.values():
            header = data[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"].decode().strip()
            ids.append(header.split(":", 1)[1].strip())
        return ids
    finally:
        client.logout()
