"""The simulated public body: every email foibot sent, and a way to answer each one.

A page on 127.0.0.1 lists the mail the local SMTP server accepted. The
person trying foibot answers any of it with a real-shaped letter — an
acknowledgement, a partial answer that skips a question, a refusal citing an
exemption, "not held" — or their own text; the answer goes, in the thread, into
foibot's local IMAP mailbox, where the watcher finds it like any reply. The
clock can be moved forward to see the deadlines and prompts come.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import threading
import zlib
from collections.abc import Callable
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from email.utils import format_datetime, make_msgid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from demo.smtp import Delivery

_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+(.+)$", re.MULTILINE)


def _questions(body: str) -> list[str]:
    return [m.group(2).strip() for m in _NUMBERED.finditer(body)][:10] or ["your request"]


def _reference(subject: str) -> str:
    found = re.search(r"\[([A-Z0-9-]{6,20})\]", subject)
    return found.group(1) if found else ""


def letter(template: str, reference: str, questions: list[str], own: str = "") -> str:
    """The body of an answer of the chosen kind, naming the request's own questions."""
    ref = f"Our reference: FOI/{zlib.crc32(reference.encode()) % 90000 + 10000}\nYour reference: {reference}\n\n"
    opening = "Dear requester,\n\n"
    rights = ("If you are dissatisfied with the handling of your request, you have the right to ask for an "
              "internal review. Requests for review should be made within 40 working days of the date of this "
              "response. If you remain dissatisfied, you may complain to the Information Commissioner's Office.\n\n"
              "Yours faithfully,\nInformation Governance Team\n")  # fmt: skip
    if template == "acknowledgement":
        return (f"{ref}{opening}Thank you for your request for information, which we received today. We will "
                "respond within 20 working days, as the Freedom of Information Act 2000 requires.\n\n"
                "Yours faithfully,\nInformation Governance Team\n")  # fmt: skip
    if template == "partial":
        first = questions[0]
        rest = "".join(f"\n{n}. {q}\n" for n, q in enumerate(questions[1:], start=2))
        return (f"{ref}{opening}Thank you for your request. The council holds some of the information you asked "
                f"for, which is set out below.\n\n1. {first}\nWe hold this information. The figure for the period "
                f"you asked about is 214.\n{rest}\nAll staff have access to the equipment they need to do their "
                f"jobs.\n\n{rights}")  # fmt: skip
    if template == "refusal":
        return (
            f"{ref}{opening}We confirm that the council holds the information you requested. However, we are "
            "refusing your request. The information is exempt from disclosure under section 43(2) of the "
            "Freedom of Information Act 2000 (commercial interests), because its release would be likely to "
            "prejudice the commercial interests of the council and its suppliers. We have considered the "
            "public interest and concluded that it favours withholding the information.\n\n" + rights
        )
    if template == "not_held":
        return (
            f"{ref}{opening}Having searched our records, we can confirm that the council does not hold the "
            "information you have requested.\n\n" + rights
        )
    return f"{ref}{own.strip() or 'Thank you for your email.'}\n"


TEMPLATES = {
    "acknowledgement": "Acknowledge it",
    "partial": "A partial answer that skips a question",
    "refusal": "A refusal (section 43, commercial interests)",
    "not_held": "“Not held”",
    "own": "My own text (below)",
}


class AuthorityPage:
    def __init__(
        self,
        deliveries: Callable[[], list[Delivery]],
        deliver: Callable[[bytes], None],
        advance_clock: Callable[[int], dt.datetime],
        today: Callable[[], dt.datetime],
        port: int,
    ) -> None:
        self.deliveries = deliveries
        self.deliver = deliver  # puts an email into foibot's mailbox
        self.advance_clock = advance_clock
        self.today = today
        self.port = port
        self.answered: dict[int, str] = {}
        page = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                page._respond(self, 200, page.render())

            def do_POST(self) -> None:  # noqa: N802
                length = min(int(self.headers.get("Content-Length") or 0), 100_000)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode("utf-8", "replace")).items()}
                page.act(self.path, form)
                self.send_response(303)
                self.send_header("Location", "/")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True, name="demo-authority")

    def start(self) -> AuthorityPage:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _respond(self, request: BaseHTTPRequestHandler, status: int, body: str) -> None:
        data = body.encode()
        request.send_response(status)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(data)))
        policy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
        request.send_header("Content-Security-Policy", policy)
        request.end_headers()
        request.wfile.write(data)

    def reply_to(self, number: int, template: str, own: str = "") -> bytes:
        """Compose the answer to delivery ``number`` and put it in foibot's mailbox; return its bytes."""
        delivery = self.deliveries()[number]
        asked = message_from_bytes(delivery.raw, policy=default)
        subject = str(asked["Subject"] or "")
        body = asked.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        answer = EmailMessage()
        body_address = delivery.rcpt_tos[0] if delivery.rcpt_tos else "foi@example.org"
        answer["From"] = f"Information Governance <{body_address}>"
        answer["To"] = str(asked["From"] or delivery.mail_from)
        answer["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
        answer["Date"] = format_datetime(self.today())
        answer["Message-ID"] = make_msgid(domain=body_address.rpartition("@")[2] or "example.org")
        if asked["Message-ID"]:
            answer["In-Reply-To"] = str(asked["Message-ID"])
            answer["References"] = " ".join(filter(None, [str(asked["References"] or ""), str(asked["Message-ID"])]))
        answer.set_content(letter(template, _reference(subject), _questions(text), own))
        raw = answer.as_bytes()
        self.deliver(raw)
        self.answered[number] = TEMPLATES.get(template, template)
        return raw

    def act(self, path: str, form: dict[str, str]) -> None:
        if path == "/clock":
            self.advance_clock(max(0, min(int(form.get("days") or 0), 400)))
        elif path == "/reply":
            number = int(form.get("message") or -1)
            if 0 <= number < len(self.deliveries()):
                self.reply_to(number, form.get("template", "own"), form.get("text", ""))

    def render(self) -> str:
        rows = []
        for number, delivery in reversed(list(enumerate(self.deliveries()))):
            mail = message_from_bytes(delivery.raw, policy=default)
            body = mail.get_body(("plain",))
            text = body.get_content() if body is not None else ""
            choices = "".join(
                f'<label><input type="radio" name="template" value="{k}" {"checked" if k == "partial" else ""}> '
                f"{html.escape(v)}</label><br>"
                for k, v in TEMPLATES.items()
            )
            done = self.answered.get(number)
            rows.append(
                f"<article><h2>{html.escape(str(mail['Subject'] or '(no subject)'))}</h2>"
                f"<p class=meta>To {html.escape(', '.join(delivery.rcpt_tos))} · from {html.escape(str(mail['From']))}"
                f" · {html.escape(str(mail['Date']))}</p><pre>{html.escape(text)}</pre>"
                + (f"<p class=done>Answered: {html.escape(done)}</p>" if done else "")
                + f'<form method=post action="/reply"><input type=hidden name=message value="{number}">'
                f"<fieldset><legend>Answer it</legend>{choices}"
                f'<textarea name=text rows=4 aria-label="Your own text"></textarea><br>'
                f'<button type=submit id="reply-{number}">Send the answer</button></fieldset></form></article>'
            )
        listing = "".join(rows) or "<p>No email yet. Write a request in the chat and send it: it arrives here.</p>"
        return (
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>The public body — foibot demo</title>"
            "<meta name=viewport content='width=device-width, initial-scale=1'>"
            "<style>body{font:15px/1.45 system-ui,sans-serif;max-width:860px;margin:0 auto;padding:1rem;color:#1b1b1b}"
            "article{border:1px solid #bbb;border-radius:6px;padding:.8rem;margin:1rem 0}pre{white-space:pre-wrap;"
            "background:#f4f4f4;padding:.6rem}.meta{color:#555}.done{color:#0a6b2b;font-weight:600}"
            "textarea{width:100%}</style></head><body>"
            "<h1>The public body's FOI inbox</h1><p>This page plays the body foibot writes to. Each email foibot "
            "sent is below (<a href='/'>reload</a> to see new ones); answer it, and the answer goes back to foibot's "
            "mailbox in the same thread.</p>"
            f"<form method=post action='/clock'><p>Today, for foibot: <strong>{self.today():%a %d %b %Y}</strong>. "
            "Move the clock forward <input name=days type=number value=21 min=1 max=400 aria-label=days> days "
            "<button type=submit id=clock>Move it</button> — to see deadlines pass and the prompts come.</p></form>"
            f"{listing}</body></html>"
        )
