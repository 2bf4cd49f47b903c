"""The dashboard's ASGI app: sign-in, the signed-in pages, health.

Server-rendered HTML (Jinja2, escaped by default), no script needed. Every
page runs its database work in one transaction on Starlette's thread pool.
A page that needs a user gets a ``Visit``: the session, the signed-in user
and the request; every id it reads from the URL or a form is checked
against that user by the service it calls, and an id that is not theirs is
the same 404 as one that does not exist. Every form carries the session's
CSRF token.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from foi import deadlines
from mail.compose import Mailbox
from mail.parse import Parser, parse_message
from service import web_access
from storage import inbox
from storage.db import Database
from storage.models import OutboxMessage, User

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
COOKIE = "foibot_session"
MAX_FORM_BYTES = 100_000
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a sign-in or feed URL never leaks to another site
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def download_headers(filename: str) -> dict[str, str]:
    """Headers for a file download: a safe ASCII name, and the real one in RFC 6266's UTF-8 form."""
    plain = "".join(c if c.isascii() and (c.isalnum() or c in "._- ()") else "_" for c in filename)[:150] or "file"
    disposition = f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename[:150])}"
    return {**SECURITY_HEADERS, "Content-Disposition": disposition}


class NotFound(Exception):
    """The thing asked for does not exist or is not the visitor's: both are the same 404."""


class BadForm(Exception):
    """A form that cannot be acted on; the message is shown to the user."""


@dataclass
class Dashboard:
    """What the pages need: the database, the mailbox letters go from, the clock and the public address."""

    database: Database
    mailbox: Mailbox
    clock: Callable[[], dt.datetime]
    base_url: str
    parse: Parser = parse_message
    templates: Environment = field(init=False)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters["day"] = lambda day: f"{day.day} {day:%b %Y}" if day else "—"
        self.templates.filters["status"] = lambda status: str(status).replace("_", " ")

    @property
    def secure(self) -> bool:
        return self.base_url.startswith("https://")

    def today(self) -> dt.date:
        return self.clock().astimezone(deadlines.LONDON).date()

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        page = self.templates.get_template(template).render(**context)
        return HTMLResponse(page, status_code=status, headers=SECURITY_HEADERS)


@dataclass
class Visit:
    """One signed-in page view."""

    dashboard: Dashboard
    session: Session
    user: User
    csrf: str
    request: Request
    form: FormData | None = None

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return self.dashboard.render(template, status, user=self.user, csrf=self.csrf, **context)

    def int_param(self, name: str) -> int:
        """An id from the URL path; a value that is not a sane id is a 404."""
        try:
            value = int(self.request.path_params[name])
        except (KeyError, ValueError):
            raise NotFound from None
        if not 0 < value < 2**62:
            raise NotFound
        return value

    def field(self, name: str, limit: int = 20_000) -> str:
        value = self.form.get(name) if self.form is not None else None
        return str(value)[:limit] if isinstance(value, str) else ""


Handler = Callable[[Visit], Response]


def page(dashboard: Dashboard, handler: Handler) -> Callable[[Request], Any]:
    """Wrap a signed-in page: the visitor from the cookie, CSRF on POST, one transaction, 404s."""

    async def endpoint(request: Request) -> Response:
        form = None
        if request.method == "POST":
            if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
                return dashboard.render("message.html", 413, title="Too large", text="That form is too large.")
            form = await request.form(max_files=0, max_fields=50)
        return await run_in_threadpool(_run, dashboard, handler, request, form)

    return endpoint


def _run(dashboard: Dashboard, handler: Handler, request: Request, form: FormData | None) -> Response:
    try:
        with dashboard.database.unit_of_work() as session:
            found = web_access.visitor(session, request.cookies.get(COOKIE), dashboard.clock())
            if found is None:
                return dashboard.render("signed_out.html", 401, title="Signed out")
            if form is not None and not web_access.csrf_matches(found.csrf, _str(form.get("csrf"))):
                expired = "That form has expired. Go back, reload the page and try again."
                return dashboard.render("message.html", 403, title="Form expired", text=expired)
            return handler(Visit(dashboard, session, found.user, found.csrf, request, form))
    except NotFound:
        return dashboard.render("message.html", 404, title="Not found", text="There is no such page here.")


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


# --- signing in and out -------------------------------------------------------------

REFUSALS = {
    web_access.Refusal.UNKNOWN: "This sign-in link is not valid. Send /dashboard to the bot for a new one.",
    web_access.Refusal.USED: "This sign-in link has already been used: each link signs in once. "
    "Send /dashboard to the bot for a new one.",
    web_access.Refusal.EXPIRED: "This sign-in link has expired: links last 15 minutes. "
    "Send /dashboard to the bot for a new one.",
    web_access.Refusal.BANNED: "This account cannot use foibot.",
}


def sign_in_page(dashboard: Dashboard) -> Callable[[Request], Any]:
    """GET shows a button (link previews must not spend the link); POST spends it and sets the cookie."""

    def work(request: Request) -> Response:
        token = str(request.path_params.get("token", ""))[:100]
        with dashboard.database.unit_of_work() as session:
            if request.method == "GET":
                refusal = web_access.check(session, token, dashboard.clock())
                if refusal is not None:
                    return dashboard.render("message.html", 410, title="Link not valid", text=REFUSALS[refusal])
                return dashboard.render("sign_in.html", title="Sign in", token=token)
            result = web_access.redeem(session, token, dashboard.clock())
        if isinstance(result, web_access.Refusal):
            return dashboard.render("message.html", 410, title="Link not valid", text=REFUSALS[result])
        response = RedirectResponse("/requests", status_code=303, headers=SECURITY_HEADERS)
        response.set_cookie(
            COOKIE, result.cookie, max_age=int(web_access.SESSION_LIFETIME.total_seconds()),
            httponly=True, samesite="lax", secure=dashboard.secure, path="/",
        )  # fmt: skip
        return response

    async def endpoint(request: Request) -> Response:
        return await run_in_threadpool(work, request)

    return endpoint


def sign_out(visit: Visit) -> Response:
    web_access.sign_out(visit.session, visit.request.cookies.get(COOKIE))
    response = RedirectResponse("/signed-out", status_code=303, headers=SECURITY_HEADERS)
    response.delete_cookie(COOKIE, path="/")
    return response


# --- health -------------------------------------------------------------------------


def health(dashboard: Dashboard) -> Callable[[Request], Any]:
    """For the operator's monitoring: the database, the watcher's last contact, the outbox backlog; nothing personal."""

    def work() -> Response:
        now = dashboard.clock()
        report: dict[str, Any] = {"status": "ok"}
        try:
            with dashboard.database.unit_of_work() as session:
                session.execute(text("SELECT 1"))
                contact = inbox.last_contact(session)
                waiting = OutboxMessage.status.in_(("queued", "sending"))
                count = select(func.count(OutboxMessage.id))
                backlog = session.scalar(count.where(waiting)) or 0
                failing = session.scalar(count.where(waiting, OutboxMessage.attempts > 0)) or 0
                failed = session.scalar(count.where(OutboxMessage.status == "failed")) or 0
            report["database"] = "ok"
            report["watcher_last_contact"] = contact.isoformat() if contact else None
            report["watcher_seconds_since_contact"] = round((now - contact).total_seconds()) if contact else None
            report["outbox_backlog"] = backlog
            report["outbox_retrying"] = failing
            report["outbox_failed"] = failed
        except Exception as exc:  # the database is down: say so, with no detail that could leak
            log.warning("health check: database unreachable: %s", exc.__class__.__name__)
            report = {"status": "fail", "database": "unreachable"}
        return JSONResponse(report, status_code=200 if report["status"] == "ok" else 503, headers=SECURITY_HEADERS)

    async def endpoint(request: Request) -> Response:
        return await run_in_threadpool(work)

    return endpoint


def metrics(dashboard: Dashboard) -> Callable[[Request], Any]:
    """Prometheus metrics (counts by state; nothing personal)."""
    from prometheus_client import CONTENT_TYPE_LATEST

    from web.metrics import Metrics

    figures = Metrics(dashboard.database, dashboard.clock)

    async def endpoint(request: Request) -> Response:
        body = await run_in_threadpool(figures.render)
        return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})

    return endpoint


def create_app(dashboard: Dashboard) -> Starlette:
    from web import lists, request_page

    def signed_out(request: Request) -> Response:
        return dashboard.render("signed_out.html", title="Signed out")

    def home(request: Request) -> Response:
        return RedirectResponse("/requests", status_code=303)

    routes = [
        Route("/", home),
        Route("/healthz", health(dashboard)),
        Route("/metrics", metrics(dashboard)),
        Route("/sign-in/{token}", sign_in_page(dashboard), methods=["GET", "POST"]),
        Route("/signed-out", signed_out),
        Route("/sign-out", page(dashboard, sign_out), methods=["POST"]),
        Route("/feed/{token}.ics", lists.feed_endpoint(dashboard)),
        *[
            Route(path, page(dashboard, handler), methods=methods)
            for path, handler, methods in (*lists.ROUTES, *request_page.ROUTES)
        ],
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    return Starlette(routes=routes)
