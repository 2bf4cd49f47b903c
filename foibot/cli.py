"""The ``foibot`` command line: the composition root for every command.

Each command reads what it needs (settings, database) when it runs, never at
import time. Bad input is one line on stderr and exit code 2.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated, NoReturn

import typer

from foi.errors import FoiError
from foibot import deadline_report
from foibot.settings import SettingsError, load_settings

app = typer.Typer(
    name="foibot",
    help="A requester-side Freedom of Information bot.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")

USAGE_ERROR = 2


def fail(message: str, code: int = USAGE_ERROR) -> NoReturn:
    """Print one line on stderr and exit with ``code``."""
    print(f"foibot: {message}", file=sys.stderr)
    raise typer.Exit(code)


def parse_date(value: str | None, flag: str) -> dt.date | None:
    """Return the date in ``value`` (YYYY-MM-DD), or exit naming ``flag``."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        fail(f"{flag} {value!r} is not a real date in the form YYYY-MM-DD")


def parse_time(value: str | None, flag: str) -> dt.time | None:
    """Return the time in ``value`` (HH:MM), or exit naming ``flag``."""
    if value is None:
        return None
    try:
        return dt.datetime.strptime(value.strip(), "%H:%M").time()
    except ValueError:
        fail(f"{flag} {value!r} is not a time in the form HH:MM (24-hour)")


@app.command()
def deadline(
    law: Annotated[str, typer.Option("--law", help="foia, eir, foisa or eisr")],
    received: Annotated[str | None, typer.Option(help="the day the authority received the request, YYYY-MM-DD")] = None,
    time: Annotated[str | None, typer.Option("--time", help="when it arrived, HH:MM UK time (lenient reading)")] = None,
    responded: Annotated[str | None, typer.Option(help="the day the authority replied")] = None,
    review_requested: Annotated[str | None, typer.Option(help="the day a review was asked for")] = None,
    review_decided: Annotated[str | None, typer.Option(help="the day the review was decided")] = None,
    decision_notice_sent: Annotated[
        str | None, typer.Option(help="the day the regulator sent its decision notice")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Work out the statutory dates for a request, a review, a complaint or an appeal."""
    try:
        from foi.laws import law_for

        chosen = law_for(law)
    except FoiError as exc:
        fail(str(exc))
    events = {
        "--responded": responded,
        "--review-requested": review_requested,
        "--review-decided": review_decided,
        "--decision-notice-sent": decision_notice_sent,
    }
    given = [flag for flag, value in events.items() if value is not None]
    if len(given) > 1:
        fail(f"give one event at a time, not {' and '.join(given)}")
    if received is None and not given:
        fail("give --received DATE, or one of " + ", ".join(events))
    if time is not None and received is None:
        fail("--time needs --received")
    event_flag = given[0] if given else None
    try:
        schedule = deadline_report.schedule(
            chosen,
            received=parse_date(received, "--received"),
            at=parse_time(time, "--time"),
            event=event_flag.lstrip("-").replace("-", "_") if event_flag else None,
            event_date=parse_date(events[event_flag], event_flag) if event_flag else None,
        )
    except FoiError as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(deadline_report.as_json(chosen, schedule), indent=2))
    else:
        print(deadline_report.as_table(chosen, schedule))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations (creates the SQLite file under DATA_DIR by default)."""
    from storage.db import StorageError, current_revision, upgrade

    settings = _settings()
    url = settings.effective_database_url()
    try:
        upgrade(url)
        revision = current_revision(url)
    except StorageError as exc:
        fail(str(exc), 1)
    print(f"database at revision {revision}: {_safe_url(url)}")


request_app = typer.Typer(help="Requests from the command line (the operator's own).", no_args_is_help=True)
app.add_typer(request_app, name="request")


@request_app.command("new")
def request_new(
    authority: Annotated[str, typer.Option(help="the public body's name, e.g. 'London Borough of Barnet'")],
    email: Annotated[str, typer.Option(help="its FOI address")],
    title: Annotated[str, typer.Option(help="a short title for the subject line")],
    name: Annotated[str, typer.Option(help="your real full name (FOIA s.8)")],
    questions: Annotated[str, typer.Option(help="a file of numbered questions ('1. …', '   a) …'), or - for stdin")],
    law: Annotated[str, typer.Option(help="foia, eir, foisa or eisr")] = "foia",
) -> None:
    """Write a request and queue it in the outbox (send it with `foibot send-queued`)."""
    from foi.laws import law_for
    from foi.questions import parse_questions
    from foibot import outgoing, wiring
    from mail.compose import AddressError, parse_address
    from storage.directory import find_or_add_authority, operator
    from storage.models import FoiRequestRow
    from storage.requests import replace_questions

    try:
        chosen = law_for(law)
        parse_address(email)
    except (FoiError, AddressError) as exc:
        fail(str(exc))
    text = _read_text(questions, "--questions")
    parsed = parse_questions(text)
    if not parsed:
        fail(f"no questions found in {questions}: write them as '1. …' with sub-items as '   a) …'")
    settings = _settings()
    db = _ready(lambda: wiring.database(settings))
    mailbox = _ready(lambda: wiring.mailbox(settings))
    with db.unit_of_work() as session:
        owner = operator(session, name.strip())
        body = find_or_add_authority(session, authority, email, regime=chosen.regime.value)
        request = FoiRequestRow(owner=owner, authority=body, title=title.strip(), regime=chosen.regime.value)
        session.add(request)
        session.flush()
        replace_questions(session, request, parsed)
        try:
            queued = outgoing.queue_request(session, request, mailbox, wiring.now())
        except outgoing.CannotSend as exc:
            fail(str(exc))
    print(f"{queued.reference} queued as {queued.message_id}; send it with `foibot send-queued`")


@app.command("outbox")
def outbox_list(limit: Annotated[int, typer.Option(help="how many to show")] = 50) -> None:
    """List queued, failed and sent messages, newest first, with reasons."""
    from foibot import wiring
    from storage import outbox

    settings = _settings()
    db = _ready(lambda: wiring.database(settings))
    with db.unit_of_work() as session:
        rows = outbox.listing(session, limit)
        if not rows:
            print("The outbox is empty.")
            return
        for row in rows:
            when = row.sent_at or row.next_attempt_at or row.created_at
            label = {"sent": "sent", "queued": "next try", "sending": "held until", "failed": "failed"}[row.status]
            print(
                f"{row.id:>5}  {row.status:<7}  {row.kind:<9}  {', '.join(row.recipients)}  "
                f"{label} {when:%Y-%m-%d %H:%M} UTC  attempts {row.attempts}  {row.message_id_header}"
            )
            if row.last_error:
                print(f"       reason: {row.last_error}")


@app.command("send-queued")
def send_queued(limit: Annotated[int | None, typer.Option(help="at most this many messages")] = None) -> None:
    """Send every queued message that is due now, once (for cron)."""
    from foibot import wiring
    from mail.errors import AuthenticationFailure

    settings = _settings()
    db = _ready(lambda: wiring.database(settings))
    sender = _ready(lambda: wiring.sender(settings, db))
    try:
        report = sender.run_once(limit)
    except AuthenticationFailure as exc:
        fail(str(exc), 1)
    print(report.summary())
    for message_id in report.failed:
        print(f"failed: {message_id} (see `foibot outbox`)")


@app.command()
def run() -> None:
    """Run the bot, the outbox sender and the IMAP watcher."""
    settings = _settings()
    print(
        "foibot: the database is ready at "
        f"{_safe_url(settings.effective_database_url())}.\n"
        "The Telegram bot, the outbox sender and the IMAP watcher are not built yet;\n"
        "try `foibot deadline --law foia --received 2020-04-07` meanwhile."
    )


def _settings():  # type: ignore[no-untyped-def]
    try:
        return load_settings()
    except SettingsError as exc:
        fail(f"{exc} — see .env.example")


def _ready(build):  # type: ignore[no-untyped-def]
    """Call ``build``; turn NotReady into one line naming what to do."""
    from foibot.wiring import NotReady

    try:
        return build()
    except NotReady as exc:
        fail(f"{exc} — see .env.example")


def _read_text(path: str, flag: str) -> str:
    """Return the text of ``path`` (or stdin for -), or exit naming ``flag``."""
    try:
        if path == "-":
            return sys.stdin.read()
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{flag} {path}: cannot read it ({exc.__class__.__name__}: {exc})")


def _safe_url(url: str) -> str:
    """Hide the password in a database URL before it is printed."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    """Entry point of the ``foibot`` console script."""
    app()


if __name__ == "__main__":
    main()
