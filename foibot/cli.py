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


def _safe_url(url: str) -> str:
    """Hide the password in a database URL before it is printed."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    """Entry point of the ``foibot`` console script."""
    app()


if __name__ == "__main__":
    main()
