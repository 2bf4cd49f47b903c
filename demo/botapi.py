"""A small Telegram Bot API server on 127.0.0.1: the only stand-in in the suite.

Telegram's cloud cannot be reached from here, so tests point python-telegram-bot's
real HTTP stack at this server (``base_url``). It answers the methods the bot
uses, records every call, and lets a test inject updates (messages, button
presses) that ``getUpdates`` hands out. Unknown methods get a 400 with a clear
description (a 401/404 would read as an invalid token).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from demo.net import free_port

BOT_USER = {"id": 999000, "is_bot": True, "first_name": "foibot", "username": "foibot_test_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)


class BotApiServer:
    """Records calls; hands out injected updates to getUpdates."""

    def __init__(self, token: str = "123456:TEST-TOKEN", port: int | None = None) -> None:
        self.token = token
        self.port = port or free_port()
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.flood_next: dict[str, int] = {}  # method -> how many 429s to answer first
        self.delay: dict[str, float] = {}  # method -> seconds to wait before answering
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, bytes) a user sent
        # Other pages served on the same port (the demo's web chat); True when it answered the request.
        self.pages: Callable[[BaseHTTPRequestHandler], bool] | None = None
        self._condition = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # --- lifecycle ----------------------------------------------------------------

    def start(self) -> BotApiServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                server._handle(self)

            do_GET = do_POST  # noqa: N815

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that hung up mid-poll (the bot stopping) is not an error here

        self._server = Server(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            with self._condition:
                self._condition.notify_all()
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # --- injecting updates ----------------------------------------------------------

    def _user(self, user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": "en"}

    def _push(self, update: dict[str, Any]) -> int:
        with self._condition:
            update["update_id"] = next(self._update_ids)
            self.updates.append(update)
            self._condition.notify_all()
            return update["update_id"]

    def send_text(self, user_id: int, text: str) -> int:
        """Inject a private message from ``user_id``; commands get a bot_command entity."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "from": self._user(user_id),
            "chat": {"id": user_id, "type": "private", "first_name": f"User{user_id}"},
            "date": int(time.time()),
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self._push({"message": message})

    def send_file(self, user_id: int, data: bytes, filename: str | None = None, mime_type: str = "") -> int:
        """Inject a photo (no ``filename``) or a document from ``user_id``; the bot fetches it with getFile."""
        file_id = f"upload{len(self.files) + 1}"
        extension = (filename or "photo.jpg").rpartition(".")[2]
        self.files[file_id] = (f"{'documents' if filename else 'photos'}/{file_id}.{extension}", data)
        sized = {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_size": len(data)}
        content = (
            {"document": {**sized, "file_name": filename, "mime_type": mime_type}}
            if filename
            else {"photo": [{**sized, "width": 320, "height": 240}, {**sized, "width": 1280, "height": 960}]}
        )
        message = {
            "message_id": next(self._message_ids),
            "from": self._user(user_id),
            "chat": {"id": user_id, "type": "private", "first_name": f"User{user_id}"},
            "date": int(time.time()),
            **content,
        }  # fmt: skip
        return self._push({"message": message})

    def press(self, user_id: int, data: str, message_id: int | None = None) -> int:
        """Inject a press of an inline button carrying ``data``."""
        message = {
            "message_id": message_id or next(self._message_ids),
            "from": BOT_USER,
            "chat": {"id": user_id, "type": "private", "first_name": f"User{user_id}"},
            "date": int(time.time()),
            "text": "(earlier message)",
        }
        return self._push(
            {
                "callback_query": {
                    "id": str(next(self._update_ids) * 1000),
                    "from": self._user(user_id),
                    "chat_instance": str(user_id),
                    "message": message,
                    "data": data,
                }
            }
        )

    # --- reading what the bot did ---------------------------------------------------

    def sent(self, chat_id: int | None = None, method: str = "sendMessage", since: int = 0) -> list[Call]:
        with self._condition:
            return [
                call
                for call in self.calls[since:]
                if call.method == method and (chat_id is None or int(call.params.get("chat_id", 0)) == chat_id)
            ]

    def wait_for(self, predicate, timeout: float = 10.0) -> Call:
        """Wait until a recorded call satisfies ``predicate``; return it or raise AssertionError."""
        return self._wait(0, predicate, timeout, "no matching Bot API call")

    def _wait(self, mark: int, predicate, timeout: float, failure: str) -> Call:
        """The first call from number ``mark`` on that satisfies ``predicate``, waited for up to ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                for call in self.calls[mark:]:
                    if predicate(call):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"{failure} within {timeout}s; calls: {[c.method for c in self.calls[mark:]][-20:]}"
                    )
                self._condition.wait(remaining)

    def mark(self) -> int:
        """Return the number of calls so far, to look only at later ones."""
        with self._condition:
            return len(self.calls)

    def reply_after(
        self, mark: int, chat_id: int, timeout: float = 10.0, methods=("sendMessage", "editMessageText")
    ) -> Call:
        """Wait for the bot's next message (or edit) to ``chat_id`` after ``mark``."""
        return self._wait(
            mark,
            lambda call: call.method in methods and int(call.params.get("chat_id", 0)) == chat_id,
            timeout,
            f"no reply to {chat_id}",
        )

    def replies_after(self, mark: int, chat_id: int, settle: float = 0.3, timeout: float = 10.0) -> list[Call]:
        """Wait for the first reply (a message, an edit or a file) after ``mark``, then a short quiet spell."""
        self.reply_after(mark, chat_id, timeout, methods=("sendMessage", "editMessageText", "sendDocument"))
        last = -1
        while True:
            calls = [
                c
                for c in self.calls[mark:]
                if c.method in ("sendMessage", "editMessageText", "sendDocument")
                and int(c.params.get("chat_id", 0)) == chat_id
            ]
            if len(calls) == last:
                return calls
            last = len(calls)
            time.sleep(settle)

    # --- HTTP -------------------------------------------------------------------------

    def _params(self, request: BaseHTTPRequestHandler) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        content_type = request.headers.get("Content-Type", "")
        params: dict[str, Any] = {}
        files: dict[str, tuple[str, bytes]] = {}
        if content_type.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                filename = part.get_filename()
                payload = part.get_payload(decode=True) or b""
                if filename:
                    files[name] = (filename, payload)
                else:
                    params[name] = payload.decode()
        elif content_type.startswith("application/json"):
            params = json.loads(body or b"{}")
        else:
            params = dict(parse_qsl(body.decode()))
        for key, value in list(params.items()):
            if isinstance(value, str) and value[:1] in "[{":
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    pass
        return params, files

    def _reply(self, request: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        if self.pages is not None and self.pages(request):
            return
        downloads = f"/file/bot{self.token}/"
        path = urllib.parse.unquote(request.path)
        if path.startswith(downloads):  # a file a user sent, fetched by its file_path
            wanted = path[len(downloads) :]
            found = next((data for path, data in self.files.values() if path == wanted), None)
            request.send_response(200 if found is not None else 404)
            request.send_header("Content-Length", str(len(found or b"")))
            request.end_headers()
            request.wfile.write(found or b"")
            return
        prefix = f"/bot{self.token}/"
        if not request.path.startswith(prefix):
            if request.path.startswith("/bot"):  # another token: Telegram answers 401
                self._reply(request, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            else:
                self._reply(request, 400, {"ok": False, "error_code": 400, "description": "Bad Request: unknown path"})
            return
        method = request.path[len(prefix) :]
        params, files = self._params(request)
        if method != "getUpdates":
            with self._condition:
                if self.flood_next.get(method, 0) > 0:
                    self.flood_next[method] -= 1
                    self.calls.append(Call(f"{method}:429", params, files))
                    self._condition.notify_all()
                    self._reply(
                        request, 429,
                        {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                         "parameters": {"retry_after": 1}},
                    )  # fmt: skip
                    return
                self.calls.append(Call(method, params, files))
                self._condition.notify_all()
        pause = self.delay.get(method, 0.0)
        if pause:
            time.sleep(pause)  # a slow Bot API: the call is recorded, the answer comes later
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            self._reply(
                request,
                400,
                {"ok": False, "error_code": 400, "description": f"Bad Request: method {method} not in the stand-in"},
            )
            return
        self._reply(request, 200, {"ok": True, "result": handler(params, files)})

    # --- methods ----------------------------------------------------------------------

    def _m_getFile(self, params, files):  # noqa: N802
        path, data = self.files[str(params["file_id"])]
        return {"file_id": params["file_id"], "file_unique_id": f"u-{params['file_id']}", "file_size": len(data),
                "file_path": path}  # fmt: skip

    def _m_getMe(self, params, files):  # noqa: N802
        return BOT_USER

    def _m_deleteWebhook(self, params, files):  # noqa: N802
        return True

    def _m_setWebhook(self, params, files):  # noqa: N802
        return True

    def _m_setMyCommands(self, params, files):  # noqa: N802
        return True

    def _m_answerCallbackQuery(self, params, files):  # noqa: N802
        return True

    def _m_getUpdates(self, params, files):  # noqa: N802
        offset = int(params.get("offset", 0) or 0)
        timeout = min(float(params.get("timeout", 0) or 0), 2.0)
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                pending = [u for u in self.updates if u["update_id"] >= offset]
                remaining = deadline - time.monotonic()
                if pending or remaining <= 0 or self._server is None:
                    return pending[:100]
                self._condition.wait(remaining)

    def _message(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        return {
            "message_id": next(self._message_ids),
            "from": BOT_USER,
            "chat": {"id": chat_id, "type": "private"},
            "date": int(time.time()),
            **extra,
        }

    def _m_sendMessage(self, params, files):  # noqa: N802
        return self._message(params, text=params.get("text", ""))

    def _m_editMessageText(self, params, files):  # noqa: N802
        return self._message(params, text=params.get("text", ""))

    def _m_editMessageReplyMarkup(self, params, files):  # noqa: N802
        return self._message(params, text="")

    def _m_sendDocument(self, params, files):  # noqa: N802
        name, data = files.get("document", ("file", b""))
        return self._message(
            params,
            document={"file_id": f"f{len(self.calls)}", "file_unique_id": f"u{len(self.calls)}", "file_name": name,
                      "file_size": len(data)},
            caption=params.get("caption", ""),
        )  # fmt: skip
