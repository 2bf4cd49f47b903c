"""A web page that looks and acts like a Telegram chat, on top of the Bot API stand-in.

The page polls for what the bot sent the demo user (messages, edits, inline
buttons, documents) and posts what the person types or presses as Telegram
updates. Served on the stand-in's own port, at /chat.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from demo.botapi import BotApiServer

DEMO_USER = 4242
PAGE = Path(__file__).with_name("static") / "chat.html"
SCRIPT = Path(__file__).with_name("static") / "chat.js"
SHOWN = ("sendMessage", "editMessageText", "sendDocument")


class WebChat:
    def __init__(self, server: BotApiServer, user_id: int = DEMO_USER) -> None:
        self.server = server
        self.user_id = user_id
        server.pages = self.handle

    def _send(self, request: BaseHTTPRequestHandler, status: int, body: bytes, kind: str,
              extra: dict[str, str] | None = None) -> bool:  # fmt: skip
        request.send_response(status)
        request.send_header("Content-Type", kind)
        request.send_header("Content-Length", str(len(body)))
        request.send_header("Cache-Control", "no-store")
        request.send_header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'")
        for name, value in (extra or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(body)
        return True

    def events(self, after: int) -> list[dict]:
        """What the bot sent the demo user after call number ``after``, in order."""
        found = []
        for index, call in enumerate(list(self.server.calls)):
            if index < after or call.method not in SHOWN or int(call.params.get("chat_id", 0)) != self.user_id:
                continue
            markup = call.params.get("reply_markup") or {}
            found.append({
                "index": index,
                "kind": call.method,
                "text": call.params.get("text") or call.params.get("caption") or "",
                "edits": call.params.get("message_id"),
                "buttons": [[{"text": b["text"], "data": b.get("callback_data", "")} for b in row]
                            for row in markup.get("inline_keyboard", [])],
                "file": call.files["document"][0] if call.method == "sendDocument" and "document" in call.files
                else None,
            })  # fmt: skip
        return found

    def handle(self, request: BaseHTTPRequestHandler) -> bool:
        url = urlparse(request.path)
        if not url.path.startswith("/chat"):
            return False
        if url.path in ("/chat", "/chat/"):
            return self._send(request, 200, PAGE.read_bytes(), "text/html; charset=utf-8")
        if url.path == "/chat/app.js":
            return self._send(request, 200, SCRIPT.read_bytes(), "text/javascript; charset=utf-8")
        if url.path == "/chat/events":
            after = int((parse_qs(url.query).get("after") or ["0"])[0] or 0)
            body = json.dumps({"events": self.events(after), "next": len(self.server.calls)}).encode()
            return self._send(request, 200, body, "application/json")
        if url.path.startswith("/chat/file/"):
            index = int(url.path.rsplit("/", 1)[1] or -1)
            calls = list(self.server.calls)
            if not 0 <= index < len(calls) or calls[index].method != "sendDocument":
                return self._send(request, 404, b"no such file", "text/plain")
            name, data = calls[index].files["document"]
            return self._send(request, 200, data, "application/octet-stream",
                              {"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
        if request.command == "POST" and url.path in ("/chat/say", "/chat/press", "/chat/upload"):
            length = int(request.headers.get("Content-Length") or 0)
            if length > 21 * 1024 * 1024:
                return self._send(request, 413, b"too large", "text/plain")
            body = request.rfile.read(length)
            if url.path == "/chat/upload":
                name = request.headers.get("X-File-Name") or ""
                kind = request.headers.get("Content-Type") or ""
                if kind.startswith("image/"):
                    self.server.send_file(self.user_id, body)  # as Telegram sends a photo
                else:
                    self.server.send_file(self.user_id, body, name or "letter.pdf", kind)
            else:
                data = json.loads(body or b"{}")
                if url.path == "/chat/say" and str(data.get("text", "")).strip():
                    self.server.send_text(self.user_id, str(data["text"])[:4096])
                elif url.path == "/chat/press":
                    self.server.press(self.user_id, str(data.get("data", ""))[:64])
            return self._send(request, 200, b'{"ok": true}', "application/json")
        return self._send(request, 404, b"not found", "text/plain")
