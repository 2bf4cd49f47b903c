"""The CLI for many requests: batches, lists, exports and per-body statistics.

Registered on ``foibot.cli.app`` at the end of that module; each command is
arguments → one service call → print. The operator's own requests are the
default; ``--all-users`` lists every user's (the operator runs the instance).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from foibot.cli import HELP_OPTIONS, UNAVAILABLE, _read_text, _ready, _settings, fail, parse_date

batch_app = typer.Typer(help="One request to many bodies.", no_args_is_help=True, context_settings=HELP_OPTIONS)
requests_app = typer.Typer(help="Lists of requests.", no_args_is_help=True, context_settings=HELP_OPTIONS)
export_app = typer.Typer(
    help="CSV, calendar and correspondence exports.", no_args_is_help=True, context_settings=HELP_OPTIONS
)
stats_app = typer.Typer(
    help="Statistics from this instance's requests.", no_args_is_help=True, context_settings=HELP_OPTIONS
)


class Group(StrEnum):
    QUEUED = "queued"
    WAITING = "waiting"
    OVERDUE = "overdue"
    ANSWERED = "answered"
    REFUSED = "refused"
    REVIEW = "review"
    COMPLAINT = "complaint"
    CLOSED = "closed"


def _db():  # type: ignore[no-untyped-def]
    from foibot import wiring

    settings = _settings()
    return settings, _ready(lambda: wiring.database(settings))


def _operator(session, name: str | None):  # type: ignore[no-untyped-def]
    """The operator's user: by real name, or the only command-line user there is."""
    from sqlalchemy import select

    from storage.directory import operator
    from storage.models import User

    if name:
        return operator(session, name.strip())
    users = list(session.scalars(select(User).where(User.telegram_id.is_(None)).limit(2)))
    if len(users) == 1:
        return users[0]
    fail("give --name (your real name, as on your requests)" if not users else "give --name: there are several")


# --- batches ------------------------------------------------------------------------------


@batch_app.command("new")
def batch_new(
    title: Annotated[str, typer.Option(help="the subject title; may use {authority}")],
    questions: Annotated[str, typer.Option(help="a file of numbered questions with {authority} and {note}, or -")],
    name: Annotated[str, typer.Option(help="your real full name (FOIA s.8)")],
    tag: Annotated[str | None, typer.Option(help="every directory body with this tag")] = None,
    authorities: Annotated[
        str | None, typer.Option(help="a CSV with a name or foi_email column, and an optional note column")
    ] = None,
    authority: Annotated[list[str] | None, typer.Option(help="a body's name (repeat for more)")] = None,
    send: Annotated[bool, typer.Option("--send", help="queue it now (it still waits out the revoke window)")] = False,
    show: Annotated[int, typer.Option(help="how many letters to print in full", min=0, max=500)] = 1,
) -> None:
    """Write one request to many bodies: one request each, with its own reference and deadlines."""
    from foibot import wiring
    from service import batches

    chosen_ways = [way for way in (tag, authorities, authority) if way]
    if len(chosen_ways) != 1:
        fail("choose the bodies one way: --tag TAG, --authorities FILE.csv or --authority NAME (repeatable)")
    text = _read_text(questions, "--questions")
    rows = _csv_rows(_read_text(authorities, "--authorities")) if authorities else None
    settings, db = _db()
    mailbox = _ready(lambda: wiring.mailbox(settings)) if send else None
    with db.unit_of_work() as session:
        user = _operator(session, name)
        if tag:
            chosen = batches.bodies_tagged(session, user, tag)
        elif rows is not None:
            chosen = batches.bodies_from_rows(session, user, rows)
        else:
            chosen = batches.bodies_named(session, user, authority or [])
        for problem in chosen.problems:
            print(f"  skipped: {problem}", file=sys.stderr)
        try:
            project = batches.create(session, user, title, text, chosen.bodies, wiring.batch_settings(settings))
            letters = batches.preview(session, project)
        except batches.BatchRefused as exc:
            fail(str(exc))
        print(f"batch {project.id} “{project.name}”: {len(letters)} letters")
        for request, letter in letters[:show]:
            print(f"\n--- {request.reference} to {request.authority.name if request.authority else '?'}")
            print(f"Subject: {letter.subject}\n\n{letter.body}")
        if send:
            _queue(session, project, mailbox, settings)
        else:
            print(f"\nsend it with `foibot batch send {project.id}`")


def _csv_rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "name" not in header and "foi_email" not in header:
        fail("--authorities: the first row must name the columns, with name or foi_email (and optionally note)")
    return [{(k or "").strip().lower(): (v or "") for k, v in row.items()} for row in reader]


def _queue(session, project, mailbox, settings) -> None:  # type: ignore[no-untyped-def]
    from foibot import wiring
    from service import batches

    try:
        queued = batches.queue(session, project, mailbox, wiring.now(), wiring.batch_settings(settings))
    except batches.BatchRefused as exc:
        fail(str(exc))
    assert queued.first_at is not None and queued.last_at is not None
    last = (
        f"{queued.last_at:%H:%M}"
        if queued.last_at.date() == queued.first_at.date()
        else f"{queued.last_at:%d %b %H:%M}"
    )
    print(
        f"queued {queued.queued} letters: the first goes at {queued.first_at:%H:%M} UTC, the last at {last} UTC; "
        f"take them back before then with `foibot batch revoke {project.id}`"
    )


def _owned_batch(session, batch_id: int, name: str | None):  # type: ignore[no-untyped-def]
    from service import batches

    user = _operator(session, name)
    project = batches.owned(session, user, batch_id)
    if project is None:
        fail(f"no batch {batch_id} of yours")
    return project


BatchId = Annotated[int, typer.Argument(help="the batch's number", min=1, max=2**62)]
NameOption = Annotated[str | None, typer.Option(help="your real name, when several use this CLI")]


@batch_app.command("send")
def batch_send(batch_id: BatchId, name: NameOption = None) -> None:
    """Queue a batch's letters, spaced out, after the revoke window."""
    from foibot import wiring

    settings, db = _db()
    mailbox = _ready(lambda: wiring.mailbox(settings))
    with db.unit_of_work() as session:
        _queue(session, _owned_batch(session, batch_id, name), mailbox, settings)


@batch_app.command("revoke")
def batch_revoke(batch_id: BatchId, name: NameOption = None) -> None:
    """Take back every letter of a batch that has not gone yet (they become drafts again)."""
    from foibot import wiring
    from service import batches

    _, db = _db()
    with db.unit_of_work() as session:
        done = batches.revoke(session, _owned_batch(session, batch_id, name), wiring.now())
    gone = f"; {done.already_gone} had already gone" if done.already_gone else ""
    print(f"took back {done.revoked} letters{gone}")


@batch_app.command("show")
def batch_show(
    batch_id: BatchId,
    name: NameOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Where a batch stands: each body, its status, the date due, what came back."""
    from service import batches

    _, db = _db()
    with db.unit_of_work() as session:
        project = _owned_batch(session, batch_id, name)
        progress = batches.progress(session, project)
    if as_json:
        print(json.dumps([_row_json(r) for r in progress.rows], indent=2))
        return
    print(
        f"{project.name}: {progress.total} bodies · {progress.sent} sent · {progress.waiting_to_go} waiting to go"
        + (f" (next {progress.next_send_at:%H:%M} UTC)" if progress.next_send_at else "")
        + f" · {progress.replied} replied"
    )
    for row in progress.rows:
        due = f"due {row.due:%d %b %Y}" if row.due else ""
        print(f"  {row.reference or '—':<12} {row.authority[:40]:<40} {row.status:<16} {due:<16} {row.came_back}")


def _row_json(row) -> dict:  # type: ignore[no-untyped-def]
    return {
        "reference": row.reference, "authority": row.authority, "status": row.status,
        "due": row.due.isoformat() if row.due else None, "came_back": row.came_back,
        "send_at": row.send_at.isoformat() if row.send_at else None,
    }  # fmt: skip


# --- lists and exports --------------------------------------------------------------------


def _filter(session, name, all_users, status, overdue, due_before, project, tag, authority):  # type: ignore[no-untyped-def]
    from foi.tracking import StatusGroup
    from service.listing import Filter

    groups = {StatusGroup(s.value) for s in status or []}
    if overdue:
        groups.add(StatusGroup.OVERDUE)
    owner = None if all_users else _operator(session, name).id
    return Filter(
        owner_id=owner, groups=frozenset(groups), due_before=parse_date(due_before, "--due-before"),
        project_name=project, tag=tag, authority=authority,
    )  # fmt: skip


StatusOption = Annotated[list[Group] | None, typer.Option("--status", help="repeat for several", case_sensitive=False)]
OverdueOption = Annotated[bool, typer.Option("--overdue", help="only requests past their due date")]
DueOption = Annotated[str | None, typer.Option(help="next date before this day, YYYY-MM-DD")]
ProjectOption = Annotated[str | None, typer.Option(help="a project or batch, by name")]
TagOption = Annotated[str | None, typer.Option(help="a tag")]
AuthorityOption = Annotated[str | None, typer.Option(help="part of a body's name")]
AllOption = Annotated[bool, typer.Option("--all-users", help="every user's requests, not only yours")]


@requests_app.command("list")
def requests_list(
    status: StatusOption = None,
    overdue: OverdueOption = False,
    due_before: DueOption = None,
    project: ProjectOption = None,
    tag: TagOption = None,
    authority: AuthorityOption = None,
    name: NameOption = None,
    all_users: AllOption = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="print CSV")] = False,
) -> None:
    """List requests, next date first, filtered by status, dates, project, tag and body."""
    from foibot import wiring
    from service import exports, listing

    if as_json and as_csv:
        fail("choose --json or --csv, not both")
    _, db = _db()
    with db.unit_of_work() as session:
        wanted = _filter(session, name, all_users, status, overdue, due_before, project, tag, authority)
        found = listing.find(session, wanted, wiring.now().date(), per_page=None)
    if as_csv:
        sys.stdout.write(exports.csv_of(found.items))
        return
    if as_json:
        print(json.dumps([_listed_json(item) for item in found.items], indent=2, ensure_ascii=False))
        return
    if not found.items:
        print("No requests match.")
        return
    for item in found.items:
        due = f"next {item.next_due_on:%d %b %Y}" if item.next_due_on else ""
        print(
            f"{item.reference or '—':<12} {item.status:<16} {due:<18}{' OVERDUE' if item.overdue else '':<9}"
            f"{item.authority[:35]:<36}{item.title[:50]}"
        )
    print(f"{found.total} requests ({wanted.describe()})")


def _listed_json(item) -> dict:  # type: ignore[no-untyped-def]
    from dataclasses import asdict

    data = asdict(item)
    for key, value in data.items():
        if hasattr(value, "isoformat"):
            data[key] = value.isoformat()
        elif isinstance(value, tuple):
            data[key] = list(value)
    return data


def _output(path: str | None, data: bytes) -> None:
    if path in (None, "-"):
        sys.stdout.buffer.write(data)
        return
    try:
        with open(path, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        fail(f"--output {path}: cannot write it ({exc.strerror or exc})")
    print(f"wrote {path} ({len(data):,} bytes)", file=sys.stderr)


OutputOption = Annotated[str | None, typer.Option("--output", "-o", help="write to this file (default: stdout)")]


@export_app.command("csv")
def export_csv(
    status: StatusOption = None, overdue: OverdueOption = False, due_before: DueOption = None,
    project: ProjectOption = None, tag: TagOption = None, authority: AuthorityOption = None,
    name: NameOption = None, all_users: AllOption = False, output: OutputOption = None,
) -> None:  # fmt: skip
    """A CSV of the requests a filter names (the columns of `requests list --csv`)."""
    from foibot import wiring
    from service import exports, listing

    _, db = _db()
    with db.unit_of_work() as session:
        wanted = _filter(session, name, all_users, status, overdue, due_before, project, tag, authority)
        found = listing.find(session, wanted, wiring.now().date(), per_page=None)
    _output(output, exports.csv_of(found.items).encode("utf-8"))


@export_app.command("ics")
def export_ics(
    status: StatusOption = None, project: ProjectOption = None, tag: TagOption = None,
    authority: AuthorityOption = None, name: NameOption = None, all_users: AllOption = False,
    output: OutputOption = None,
) -> None:  # fmt: skip
    """An iCalendar file of deadlines: reply due, review window, review decision due, complaint window."""
    from foibot import wiring
    from service import exports, listing

    _, db = _db()
    with db.unit_of_work() as session:
        wanted = _filter(session, name, all_users, status, False, None, project, tag, authority)
        requests = listing.requests_for(session, wanted, wiring.now().date())
        data = exports.ics_of(requests, wiring.now())
    _output(output, data)


@export_app.command("zip")
def export_zip(
    output: Annotated[str, typer.Option("--output", "-o", help="the zip file to write")],
    reference: Annotated[str | None, typer.Option(help="one request, by our reference")] = None,
    project: ProjectOption = None,
    name: NameOption = None,
) -> None:
    """Every email sent and received (the original .eml files), each attachment, and the timeline."""
    from foi.references import normalize
    from foibot import wiring
    from service import exports, listing
    from service.listing import Filter
    from storage.requests import RequestNotFound, by_reference

    if bool(reference) == bool(project):
        fail("give --reference REF or --project NAME")
    settings, db = _db()
    with db.unit_of_work() as session:
        if reference:
            canonical = normalize(reference)
            try:
                requests = [by_reference(session, canonical or "")]
            except RequestNotFound:
                fail(f"no request {reference}")
            index = None
        else:
            wanted = Filter(owner_id=_operator(session, name).id, project_name=project, include_drafts=True)
            requests = listing.requests_for(session, wanted, wiring.now().date())
            if not requests:
                fail(f"no project {project!r} of yours, or it is empty")
            index = exports.csv_of(listing.find(session, wanted, wiring.now().date(), per_page=None).items)
        try:
            with open(output, "wb") as handle:
                emails = exports.write_zip(session, requests, handle, index, settings.max_parse_bytes)
        except OSError as exc:
            fail(f"--output {output}: cannot write it ({exc.strerror or exc})", UNAVAILABLE)
    print(f"wrote {output}: {len(requests)} requests, {emails} emails")


# --- statistics ---------------------------------------------------------------------------


@stats_app.command("authorities")
def stats_authorities(
    as_csv: Annotated[bool, typer.Option("--csv", help="print CSV")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Per body, from this instance's requests: replies, median working days, late, refused, exemptions, reviews."""
    from foibot import wiring
    from service import statistics

    if as_json and as_csv:
        fail("choose --json or --csv, not both")
    _, db = _db()
    with db.unit_of_work() as session:
        found = statistics.authorities(session, wiring.now().date())
    rows = statistics.csv_rows(found)
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(statistics.CSV_COLUMNS)
        writer.writerows(rows)
        return
    if as_json:
        print(json.dumps([dict(zip(statistics.CSV_COLUMNS, row, strict=True)) for row in rows], indent=2))
        return
    if not found:
        print("No requests sent yet.")
        return
    for s in found:
        median = f"{s.median_working_days:g} working days" if s.median_working_days is not None else "no reply yet"
        print(
            f"{s.authority}: {s.requests} requests, {s.replied} replied (median {median}); late {s.late}; "
            f"overdue now {s.overdue_now}; refused or partial {s.withheld}; reviews {s.reviews_requested}"
            + (f"; exemptions {', '.join(f'{n} ×{c}' for n, c in s.exemptions[:3])}" if s.exemptions else "")
        )
    print("Shares show their counts: a small sample is a small sample.")
