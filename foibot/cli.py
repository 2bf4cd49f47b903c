"""The ``foibot`` command line: the composition root for every command.

Each command reads what it needs (settings, database) when it runs, never at
import time. Bad input is one line on stderr and exit code 2.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from typer._click import exceptions as click_errors

from foi.errors import FoiError
from foibot import deadline_report
from foibot.settings import SettingsError, load_settings

HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}
app = typer.Typer(
    name="foibot",
    help="A requester-side Freedom of Information bot.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings=HELP_OPTIONS,
)
db_app = typer.Typer(help="Database commands.", no_args_is_help=True, context_settings=HELP_OPTIONS)
app.add_typer(db_app, name="db")

USAGE_ERROR = 2  # bad input: a wrong argument, an unknown reference, a file that cannot be read
UNAVAILABLE = 1  # a server or the database could not be reached, or the program itself failed
MAX_ID = 2**62  # message numbers beyond any row id


class Part(StrEnum):
    BOT = "bot"
    WATCH = "watch"
    PROCESS = "process"
    SEND = "send"
    WEB = "web"


class LawName(StrEnum):
    FOIA = "foia"
    EIR = "eir"
    FOISA = "foisa"
    EISR = "eisr"


def _version(value: bool) -> None:
    if value:
        try:
            print(f"foibot {version('foibot')}")
        except PackageNotFoundError:  # running from a checkout that was never installed
            print("foibot (not installed)")
        raise typer.Exit(0)


@app.callback()
def _root(
    show_version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="print the version and exit")
    ] = False,
) -> None:
    """A requester-side Freedom of Information bot."""


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
    law: Annotated[LawName, typer.Option("--law", help="the regime", case_sensitive=False)],
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


request_app = typer.Typer(
    help="Requests from the command line (the operator's own).", no_args_is_help=True, context_settings=HELP_OPTIONS
)
app.add_typer(request_app, name="request")


@request_app.command("new")
def request_new(
    authority: Annotated[str, typer.Option(help="the public body's name, e.g. 'London Borough of Barnet'")],
    email: Annotated[str, typer.Option(help="its FOI address")],
    title: Annotated[str, typer.Option(help="a short title for the subject line")],
    name: Annotated[str, typer.Option(help="your real full name (FOIA s.8)")],
    questions: Annotated[str, typer.Option(help="a file of numbered questions ('1. …', '   a) …'), or - for stdin")],
    law: Annotated[LawName, typer.Option(help="the regime", case_sensitive=False)] = LawName.FOIA,
    notify_email: Annotated[
        str | None, typer.Option(help="your own address: replies and prompts are told there (no Telegram)")
    ] = None,
) -> None:
    """Write a request and queue it in the outbox (send it with `foibot send-queued`)."""
    from foi.laws import law_for
    from foi.questions import parse_questions
    from foibot import wiring
    from mail.compose import parse_address
    from mail.errors import AddressError
    from service import outgoing
    from service.directory import add_authority, checked_address
    from storage.directory import operator
    from storage.models import FoiRequestRow
    from storage.requests import replace_questions

    try:
        chosen = law_for(law)
        checked_address(email)
        own_address = str(parse_address(notify_email).addr_spec) if notify_email else None
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
        if own_address:
            owner.email = own_address
        body = add_authority(session, authority, email, regime=chosen.regime.value)
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
def outbox_list(limit: Annotated[int, typer.Option(help="how many to show", min=1, max=10_000)] = 50) -> None:
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
            label = {"sent": "sent", "queued": "next try", "sending": "held until", "failed": "failed"}.get(
                row.status, row.status
            )
            print(
                f"{row.id:>5}  {row.status:<7}  {row.kind:<9}  {', '.join(row.recipients)}  "
                f"{label} {when:%Y-%m-%d %H:%M} UTC  attempts {row.attempts}  {row.message_id_header}"
            )
            if row.last_error:
                print(f"       reason: {row.last_error}")


@app.command("send-queued")
def send_queued(
    limit: Annotated[int | None, typer.Option(help="at most this many messages", min=1, max=1_000_000)] = None,
) -> None:
    """Send every queued message that is due now, once (for cron)."""
    from foibot import wiring
    from mail.errors import AuthenticationFailure
    from mailchannel import notices as email_channel

    settings = _settings()
    db = _ready(lambda: wiring.database(settings))
    sender = _ready(lambda: wiring.sender(settings, db))
    mailbox = _ready(lambda: wiring.mailbox(settings))
    email_channel.deliver(db, mailbox, wiring.now())  # requesters told by email, then sent in this pass
    try:
        report = sender.run_once(limit)
    except AuthenticationFailure as exc:
        fail(str(exc), 1)
    print(report.summary())
    for message_id in report.failed:
        print(f"failed: {message_id} (see `foibot outbox`)")


authorities_app = typer.Typer(
    help="The directory of public bodies.", no_args_is_help=True, context_settings=HELP_OPTIONS
)
app.add_typer(authorities_app, name="authorities")


@authorities_app.command("import")
def authorities_import(
    file: Annotated[
        str, typer.Argument(help="a CSV file with a header row: ours, or WhatDoTheyKnow's all-authorities.csv")
    ],
) -> None:
    """Add or update public bodies from a CSV file: ours (name, foi_email, nation, regime, domains, tags) or
    WhatDoTheyKnow's (Name, Short name, URL name, Tags, …; bodies without an address are listed, and the first
    user who writes to one is asked for it). Importing the same file again changes nothing."""
    import csv
    import io

    from rich.progress import Progress

    from foibot import wiring
    from service.directory import CSV_COLUMNS, import_directory, is_wdtk

    text = _read_text(file, "FILE")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    wdtk = is_wdtk(header)
    if not wdtk and ("name" not in header or "foi_email" not in header):
        fail(
            f"{file}: the first row must name the columns: ours (at least name and foi_email; all: "
            f"{', '.join(CSV_COLUMNS)}) or WhatDoTheyKnow's (Name, Short name, URL name, Tags, …)"
        )
    rows = [{(k or "").strip().lower(): (v or "") for k, v in row.items()} for row in reader]
    settings = _settings()
    db = _ready(lambda: wiring.database(settings))
    with Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("importing bodies", total=len(rows))
        with db.unit_of_work() as session:
            report = import_directory(session, rows, wdtk=wdtk, progress=lambda n: progress.advance(task, n))
    summary = f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
    summary += f"skipped {len(report.problems)}"
    if wdtk:
        summary += f", left out {report.left_out} (defunct or not covered)"
    if report.without_address:
        summary += f"; {report.without_address} listed without an FOI address"
    print(summary)
    for problem in report.problems[:50]:
        print(f"  {problem}")
    if len(report.problems) > 50:
        print(f"  … and {len(report.problems) - 50} more")


@authorities_app.command("search")
def authorities_search(query: Annotated[str, typer.Argument(help="part of a name, typos allowed")]) -> None:
    """Find public bodies in the directory by name."""
    from foibot import wiring
    from service.directory import find_authorities

    settings = _settings()
    db = _ready(lambda: wiring.database(settings))
    with db.unit_of_work() as session:
        hits = find_authorities(session, query, user_id=None)
        if not hits:
            print("No match.")
        for authority in hits:
            print(f"{authority.name}  <{authority.foi_email}>  {authority.nation}, {authority.regime}")


@app.command()
def parse(
    file: Annotated[str, typer.Argument(help="an .eml file")],
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Show what the mail parser sees in an email: headers, text, attachments, label, references."""
    from foibot import inbound_report

    raw = _read_bytes(file)
    report = inbound_report.describe(raw, _settings().max_parse_bytes)
    print(json.dumps(report, indent=2, ensure_ascii=False) if as_json else inbound_report.as_text(report))


@app.command()
def analyse(
    file: Annotated[str, typer.Argument(help="an .eml file, or a plain-text letter")],
    parts: Annotated[
        str | None,
        typer.Option("--parts", help="a file of the request's questions ('1. …', sub-items '   a) …'), or - for stdin"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="show the sections found and the cues that decided")
    ] = False,
) -> None:
    """Read a reply: its kind, references, dates, exemptions, review rights — and which questions it covers."""
    from foibot import reply_report

    raw = _read_bytes(file)
    questions_text = _read_text(parts, "--parts") if parts else None
    try:
        report = reply_report.analyse_file(file, raw, questions_text, _settings().max_parse_bytes, explain=explain)
    except reply_report.NoQuestions as exc:
        fail(str(exc))
    print(json.dumps(report, indent=2, ensure_ascii=False) if as_json else reply_report.as_text(report))


@app.command()
def ingest(files: Annotated[list[str], typer.Argument(help=".eml files (backfills, mailbox exports)")]) -> None:
    """Run emails through the same store → parse → match path as the watcher."""
    from foibot import wiring

    raws = [(path, _read_bytes(path)) for path in files]
    settings = _settings()
    db = _ready(lambda: wiring.database(settings))
    processor = wiring.processor(settings, db)
    for path, raw in raws:
        result = processor.ingest(raw)
        where = ", ".join(f"request {m.request_id} ({m.reason}, {m.status})" for m in result.matches) or "holding pen"
        status = "already stored" if result.error == "already stored" else result.state
        print(
            f"{path}: message {result.message_id} {status}; {where}"
            + (f"; label {result.label}" if result.label else "")
        )


held_app = typer.Typer(
    help="The holding pen: mail no request claimed.", invoke_without_command=True, context_settings=HELP_OPTIONS
)
app.add_typer(held_app, name="held")


@held_app.callback()
def held(ctx: typer.Context) -> None:
    """List held messages (run `foibot held assign MSG REF` to resolve one)."""
    if ctx.invoked_subcommand is not None:
        return
    from foibot import wiring
    from storage import inbox
    from storage.models import FoiRequestRow

    settings = _settings()
    db = _ready(lambda: wiring.database(settings))
    with db.unit_of_work() as session:
        rows = inbox.held_messages(session)
        if not rows:
            print("The holding pen is empty.")
            return
        for row in rows:
            when = row.sent_date or row.stored_at
            print(f"{row.id:>6}  {when:%Y-%m-%d %H:%M}  {row.from_address or '?'}  {row.subject or '(no subject)'}")
            for link in inbox.suggestions_for(session, row.id):
                request = session.get(FoiRequestRow, link.request_id)
                who = "offered to its owner" if link.status == "suggested" else "for you to judge"
                note = f"; {link.note}" if link.note else ""
                print(f"        {who}: {request.reference if request else link.request_id} ({link.reason}{note})")
            if row.label:
                print(f"        label: {row.label}")
            if row.state in ("failed", "set_aside"):
                print(f"        {row.state.replace('_', ' ')}: {'; '.join(row.parse_notes or [])[:300]}")


@held_app.command("assign")
def held_assign(
    message: Annotated[int, typer.Argument(help="the held message's number", min=1, max=MAX_ID)],
    reference: Annotated[str, typer.Argument(help="our reference, e.g. FOI-7K3M9Q")],
) -> None:
    """Attach a held message to a request."""
    from foi.references import normalize
    from foibot import wiring
    from service.ingest import assign
    from storage.models import MessageRow
    from storage.requests import RequestNotFound, by_reference

    canonical = normalize(reference)
    if canonical is None:
        fail(f"{reference!r} is not one of our references (like FOI-7K3M9Q)")
    settings = _settings()
    db = _ready(lambda: wiring.database(settings))
    with db.unit_of_work() as session:
        row = session.get(MessageRow, message)
        if row is None or row.direction != "in":
            fail(f"no incoming message {message}")
        try:
            request = by_reference(session, canonical)
        except RequestNotFound as exc:
            fail(str(exc))
        assign(session, row.id, request.id, wiring.now())
    print(f"message {message} attached to {canonical}")


users_app = typer.Typer(
    help="The people using the bot: list, ban, unban.", no_args_is_help=True, context_settings=HELP_OPTIONS
)
app.add_typer(users_app, name="users")
TelegramId = Annotated[
    int, typer.Argument(help="the user's Telegram id (shown by `foibot users list`)", min=1, max=MAX_ID)
]


@users_app.command("list")
def users_list(
    banned: Annotated[bool, typer.Option("--banned", help="only the banned ones")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print a JSON list")] = False,
) -> None:
    """List the bot's users with their requests in the last 24 hours and in all."""
    from foibot import wiring
    from storage.directory import user_summaries

    settings = _settings()
    db = _ready(lambda: wiring.database(settings))
    with db.unit_of_work() as session:
        rows = user_summaries(session, wiring.now(), banned_only=banned)
    if as_json:
        print(json.dumps([row.as_dict() for row in rows], indent=2))
        return
    if not rows:
        print("No users." if not banned else "No banned users.")
    for row in rows:
        state = "active"
        if row.banned_at:
            state = f"banned {row.banned_at:%Y-%m-%d}" + (f" ({row.ban_reason})" if row.ban_reason else "")
        name = row.real_name or "(no name)"
        print(
            f"{row.telegram_id or '-':>12}  {name:<30}  requests: {row.last_day} in 24 h, {row.total} in all  {state}"
        )


@users_app.command("ban")
def users_ban(
    telegram_id: TelegramId,
    reason: Annotated[str | None, typer.Option(help="told to the user when they write")] = None,
) -> None:
    """Block a user from the bot (their requests already sent stay as they are)."""
    from foibot import wiring
    from service.limits import ban

    settings = _settings()
    db = _ready(lambda: wiring.database(settings))
    with db.unit_of_work() as session:
        ban(session, _user(session, telegram_id), reason, wiring.now())
    print(f"user {telegram_id} is banned")


@users_app.command("unban")
def users_unban(telegram_id: TelegramId) -> None:
    """Let a banned user use the bot again."""
    from foibot import wiring
    from service.limits import unban

    settings = _settings()
    db = _ready(lambda: wiring.database(settings))
    with db.unit_of_work() as session:
        unban(_user(session, telegram_id))
    print(f"user {telegram_id} may use the bot again")


def _user(session, telegram_id: int):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from storage.models import User

    user = session.scalar(select(User).where(User.telegram_id == telegram_id))
    if user is None:
        fail(f"no user with Telegram id {telegram_id} (see `foibot users list`)")
    return user


@app.command()
def fetch() -> None:
    """Connect to IMAP once, store and match everything new, and exit (for cron)."""
    from foibot import wiring
    from mail.errors import MailError

    settings = _settings()
    db = _ready(lambda: wiring.database(settings))
    watcher = _ready(lambda: wiring.watcher(settings, db))
    try:
        stored = watcher.sync_once()
    except MailError as exc:
        fail(str(exc), 1)
    print(f"stored {stored} new message{'s' if stored != 1 else ''}")


@app.command()
def sweep() -> None:
    """Send the follow-up prompts due now, and any reply notices not yet sent, once (for cron)."""
    import asyncio

    from telegram import Bot

    from bot.app import deliver_digests, deliver_notices, deliver_prompts
    from foibot import wiring

    settings = _settings()
    db = _ready(lambda: wiring.database(settings))
    _ready(lambda: wiring.require(settings, "telegram_bot_token", "mail_address"))
    assert settings.telegram_bot_token is not None
    service = _ready(lambda: wiring.bot_service(settings, db))

    async def main() -> tuple[int, int, int]:
        bot = Bot(
            settings.telegram_bot_token.get_secret_value(),
            base_url=settings.telegram_base_url or "https://api.telegram.org/bot",
        )
        async with bot:
            told = await deliver_prompts(bot, service)
            return told, await deliver_digests(bot, service), await deliver_notices(bot, service)

    prompts, digests, notices = asyncio.run(main())
    told = [f"{prompts} prompt{'s' if prompts != 1 else ''}"]
    told += [f"{digests} digest{'s' if digests != 1 else ''}"] if digests else []
    print(f"sent {', '.join(told)} and {notices} reply notice{'s' if notices != 1 else ''}")


@app.command()
def timeline(reference: Annotated[str, typer.Argument(help="our reference, e.g. FOI-7K3M9Q")]) -> None:
    """Print a request's whole history: deadlines, state changes, messages and prompts."""
    from foi.references import normalize
    from foibot import timeline_report, wiring
    from storage.requests import RequestNotFound, by_reference

    canonical = normalize(reference)
    if canonical is None:
        fail(f"{reference!r} is not one of our references (like FOI-7K3M9Q)")
    settings = _settings()
    db = _ready(lambda: wiring.database(settings))
    with db.unit_of_work() as session:
        try:
            request = by_reference(session, canonical)
        except RequestNotFound as exc:
            fail(str(exc))
        print(timeline_report.render(session, request))


@app.command()
def backup(file: Annotated[Path, typer.Argument(help="the new file to write the copy to")]) -> None:
    """Copy the SQLite database while foibot runs (for PostgreSQL it says what to run instead)."""
    from storage.backup import BackupError
    from storage.backup import backup as copy_database

    try:
        held = copy_database(_settings().effective_database_url(), file)
    except BackupError as exc:
        fail(str(exc))
    print(f"backed up to {file}: {held.requests} requests, {held.messages} messages (migration {held.revision})")


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="a copy made by `foibot backup`")],
    yes: Annotated[bool, typer.Option("--yes", help="replace a database that already holds data")] = False,
) -> None:
    """Put a backup in place of the SQLite database. Stop foibot first; afterwards `foibot db upgrade`."""
    from storage.backup import BackupError, sqlite_path, summary
    from storage.backup import restore as put_back

    url = _settings().effective_database_url()
    try:
        held = summary(file)
        current = sqlite_path(url)
        if current.exists() and not yes:
            now = summary(current)
            if now.requests or now.messages:
                fail(f"{current} holds {now.requests} requests and {now.messages} messages; the copy holds "
                     f"{held.requests} and {held.messages}: add --yes to replace it")  # fmt: skip
        put_back(url, file)
    except BackupError as exc:
        fail(str(exc))
    print(f"restored {file}: {held.requests} requests, {held.messages} messages. Next: `foibot db upgrade`, then "
          "`foibot run` (the watcher fetches whatever came after the copy).")  # fmt: skip


@app.command()
def demo(
    chat_port: Annotated[int, typer.Option(help="the web chat (and the Bot API stand-in)")] = 8001,
    body_port: Annotated[int, typer.Option(help="the page that plays the public body")] = 8002,
    web_port: Annotated[int, typer.Option(help="the dashboard")] = 8003,
) -> None:
    """Try the whole loop in a browser, on 127.0.0.1, with no account: chat, public body, dashboard."""
    from foibot.demo import run_demo

    raise typer.Exit(run_demo(chat_port, body_port, web_port))


@app.command()
def doctor() -> None:
    """Check the configuration for real: settings, database, IMAP and SMTP logins, Sent folder, bot token."""
    from foibot.doctor import check_all

    checks = check_all(_settings())
    for check in checks:
        print(check.line())
    failed = [c for c in checks if not c.ok]
    print(f"{len(failed)} to fix, then run `foibot doctor` again." if failed else "All good.")
    raise typer.Exit(1 if failed else 0)


@app.command()
def run(
    only: Annotated[Part | None, typer.Option(help="run one part only", case_sensitive=False)] = None,
) -> None:
    """Run the bot, the IMAP watcher, the inbox processor, the outbox sender and (with WEB_PORT) the web dashboard."""
    from foibot import runner

    settings = _settings()
    code = runner.run(settings, only.value if only else None)
    raise typer.Exit(code)


def _settings():  # type: ignore[no-untyped-def]
    try:
        return load_settings()
    except SettingsError as exc:
        fail(f"{exc} — see .env.example")


def _ready(build):  # type: ignore[no-untyped-def]
    """Call ``build``; turn NotReady into one line naming what to do (exit 2), Unreachable into exit 1."""
    from foibot.wiring import NotReady, Unreachable

    try:
        return build()
    except NotReady as exc:
        fail(f"{exc} — see .env.example")
    except Unreachable as exc:
        fail(str(exc), UNAVAILABLE)


def _read_bytes(path: str) -> bytes:
    """Return the bytes of ``path``, or exit with one line saying why it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        fail(f"{path}: cannot read it ({exc.strerror or exc})")


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


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``foibot`` console script: every error is one line on stderr."""
    try:
        code = app(args=argv, prog_name="foibot", standalone_mode=False)
    except click_errors.UsageError as exc:
        where = f" (see `{exc.ctx.command_path} -h`)" if exc.ctx is not None else ""
        print(f"foibot: {' '.join(exc.format_message().split())}{where}", file=sys.stderr)
        code = USAGE_ERROR
    except click_errors.ClickException as exc:
        print(f"foibot: {' '.join(exc.format_message().split())}", file=sys.stderr)
        code = exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        print("foibot: interrupted", file=sys.stderr)
        code = 130
    except Exception as exc:  # a bug or an unforeseen failure: one line, not a traceback
        print(
            f"foibot: unexpected error: {exc.__class__.__name__}: {' '.join(str(exc).split())[:300]}", file=sys.stderr
        )
        code = UNAVAILABLE
    sys.exit(code if isinstance(code, int) else 0)


def _register_tracking() -> None:
    """The commands for many requests live in their own module (they import the helpers above)."""
    from foibot import cli_tracking

    app.add_typer(cli_tracking.batch_app, name="batch")
    app.add_typer(cli_tracking.requests_app, name="requests")
    app.add_typer(cli_tracking.export_app, name="export")
    app.add_typer(cli_tracking.stats_app, name="stats")
    from foibot import cli_web

    app.add_typer(cli_web.web_app, name="web")


_register_tracking()

if __name__ == "__main__":
    main()
