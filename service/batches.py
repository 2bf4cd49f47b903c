"""One request to many bodies: choose them, write once, preview every letter, queue them spaced out, take back.

A batch is a project (``projects.kind = "batch"``) whose requests were
written from one letter with merge fields (foi/batches.py). Each request is
an ordinary request — its own reference, deadlines, replies and follow-ups.
Queuing gives every message the earliest time that keeps the throttle
(per receiving domain, per mailbox, counting mail already waiting) and
never before the end of the revoke window; until a message is attempted,
``revoke`` takes it back and the request is a draft again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from foi import letters
from foi.batches import MAX_BODIES, MergeError, Throttle, merge, merge_fields_in, send_times
from foi.laws import law_for
from foi.lifecycle import Event, Status
from foi.questions import Question, parse_questions
from foi.tracking import next_due
from mail.compose import Mailbox
from service import outgoing, projects
from service.drafts import may_write_to
from service.listing import dates_of
from service.prompts import latest_analyses
from storage import outbox
from storage.directory import authorities_tagged, search_authorities
from storage.models import AuthorityRow, FoiRequestRow, OutboxMessage, Project, QuestionPart, User
from storage.requests import assign_references, questions_of, transition

BATCH = "batch"


class BatchRefused(Exception):
    """The batch cannot be made or sent as asked; the message says why."""


@dataclass(frozen=True)
class BatchSettings:
    throttle: Throttle = Throttle()
    revoke_window: dt.timedelta = dt.timedelta(minutes=10)
    max_bodies: int = MAX_BODIES
    batches_per_day: int = 3  # 0: no limit


@dataclass(frozen=True)
class Body:
    """A body chosen for a batch, with the note merged into its letter."""

    authority: AuthorityRow
    note: str = ""


@dataclass
class Chosen:
    bodies: list[Body] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# --- choosing the bodies ------------------------------------------------------------------


def bodies_tagged(session: Session, user: User | None, tag: str) -> Chosen:
    """Every body of the directory (and the user's own) with this tag."""
    found = authorities_tagged(session, tag, user.id if user else None)
    return Chosen([Body(a) for a in found], [] if found else [f"no body in the directory is tagged {tag!r}"])


def bodies_named(session: Session, user: User | None, names: Iterable[str]) -> Chosen:
    """The body each name means: an exact name (any case), else the single best match."""
    chosen = Chosen()
    for name in names:
        hit = _one_body(session, user, name)
        if hit is None:
            chosen.problems.append(f"no body found for {name!r}")
        else:
            chosen.bodies.append(Body(hit))
    return chosen


def bodies_from_rows(session: Session, user: User | None, rows: Iterable[dict[str, str]]) -> Chosen:
    """Bodies from CSV rows with a ``name`` or ``foi_email`` column, and an optional ``note``."""
    from storage.directory import find_authority_by_email

    chosen = Chosen()
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        email, name = (row.get("foi_email") or "").strip(), (row.get("name") or "").strip()
        hit = (
            find_authority_by_email(session, email, user.id if user else None)
            if email
            else _one_body(session, user, name)
            if name
            else None
        )
        if hit is None:
            chosen.problems.append(f"line {line}: no body found for {email or name or 'an empty row'!r}")
            continue
        chosen.bodies.append(Body(hit, (row.get("note") or "").strip()))
    return chosen


def _one_body(session: Session, user: User | None, name: str) -> AuthorityRow | None:
    """The body a name means without doubt: its exact name (any case), or the one name that contains it.

    A batch must never write to a body nobody chose, so a fuzzy near-miss is not taken.
    """
    wanted = " ".join(name.split()).lower()
    hits = search_authorities(session, name, limit=6, user_id=user.id if user else None)
    exact = [a for a in hits if a.name.lower() == wanted]
    if exact:
        return exact[0]
    containing = [a for a in hits if wanted in a.name.lower()]
    return containing[0] if len(containing) == 1 else None


# --- writing it ---------------------------------------------------------------------------


def check_letter(title: str, questions_text: str) -> None:
    """Raise BatchRefused when the letter's merge fields are wrong or it asks nothing."""
    try:
        merge_fields_in(title)
        merge_fields_in(questions_text)
    except MergeError as exc:
        raise BatchRefused(str(exc)) from None
    if not parse_questions(merge(questions_text, {"authority": "Body", "note": "note"})):
        raise BatchRefused("no questions found: write them as '1. …' with sub-items as '   a) …'")


def create(
    session: Session,
    user: User,
    title: str,
    questions_text: str,
    bodies: list[Body],
    settings: BatchSettings = BatchSettings(),
    name: str | None = None,
) -> Project:
    """Make the batch: one draft request per body (a body chosen twice counts once), grouped in a project."""
    check_letter(title, questions_text)
    unique: dict[int, Body] = {}
    for body in bodies:
        unique.setdefault(body.authority.id, body)
    if not unique:
        raise BatchRefused("choose at least one body")
    if len(unique) > settings.max_bodies:
        raise BatchRefused(f"a batch goes to at most {settings.max_bodies} bodies, not {len(unique)}")
    closed = [b.authority.name for b in unique.values() if not may_write_to(b.authority, user)]
    if closed:
        raise BatchRefused(f"{closed[0]} is another user's private entry; choose a body from the directory")
    # Every letter is merged and checked before anything joins the session: a refusal leaves nothing behind.
    merged: list[tuple[Body, str, list[Question]]] = []
    for body in unique.values():
        fields = {"authority": body.authority.name, "note": body.note}
        questions = _merged_questions(questions_text, fields)
        if not questions:
            raise BatchRefused(f"the letter to {body.authority.name} asks nothing once merged (it has no note)")
        merged.append((body, " ".join(merge(title, fields).split())[:300], questions))
    default_name = merge(title, {"authority": "…", "note": ""})
    project = Project(owner=user, name=_free_name(session, user, name or default_name), kind=BATCH, title=title,
                      questions_text=questions_text)  # fmt: skip
    session.add(project)
    written = [
        (
            FoiRequestRow(
                owner=user,
                authority=body.authority,
                regime=body.authority.regime,
                status=Status.DRAFT.value,
                title=merged_title,
                project=project,
            ),
            questions,
        )  # fmt: skip
        for body, merged_title, questions in merged
    ]
    session.add_all(request for request, _ in written)
    session.flush()
    _add_questions(session, written)
    return project


def _merged_questions(questions_text: str, fields: dict[str, str]) -> list[Question]:
    """The body's questions; a question or item left empty by its merge field (no note) is dropped."""
    merged = []
    for question in parse_questions(merge(questions_text, fields)):
        items = tuple(item for item in question.sub_items if item.strip(" .:-"))
        if question.text.strip(" .:-"):
            merged.append(Question(question.text, items))
    return merged


def _add_questions(session: Session, written: list[tuple[FoiRequestRow, list[Question]]]) -> None:
    """Insert every request's questions, then their sub-items: two flushes for the whole batch."""
    tops: list[tuple[QuestionPart, tuple[str, ...]]] = []
    for request, questions in written:
        for position, question in enumerate(questions, start=1):
            part = QuestionPart(request_id=request.id, position=position, text=question.text)
            tops.append((part, question.sub_items))
    session.add_all(part for part, _ in tops)
    session.flush()
    session.add_all(
        QuestionPart(request_id=part.request_id, parent_id=part.id, position=n, text=text)
        for part, subs in tops
        for n, text in enumerate(subs, start=1)
    )
    session.flush()
    for request, _ in written:
        session.expire(request, ["parts"])


def _free_name(session: Session, user: User, wanted: str) -> str:
    base = " ".join(wanted.split())[:180] or "Batch"
    taken = set(session.scalars(select(Project.name).where(Project.owner_id == user.id, Project.name.like(f"{base}%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base} ({n})" in taken:
        n += 1
    return f"{base} ({n})"


def owned(session: Session, user: User, project_id: int) -> Project | None:
    """The user's own batch with this id, or None (someone else's is never shown)."""
    project = projects.owned_project(session, user, project_id)
    return project if project is not None and project.kind == BATCH else None


def requests_of(session: Session, project: Project) -> list[FoiRequestRow]:
    return list(
        session.scalars(
            select(FoiRequestRow)
            .where(FoiRequestRow.project_id == project.id)
            .options(selectinload(FoiRequestRow.authority), selectinload(FoiRequestRow.parts))
            .order_by(FoiRequestRow.id)
        )
    )


def preview(session: Session, project: Project) -> list[tuple[FoiRequestRow, letters.Letter]]:
    """Every letter exactly as it will go (each request gets its reference now)."""
    requests = requests_of(session, project)
    assign_references(session, requests)
    out = []
    for request in requests:
        assert request.authority is not None and request.reference is not None
        addressing = letters.Addressing(
            request.authority.name, request.owner.real_name or "", request.reference, request.title
        )
        out.append((request, letters.initial_request(law_for(request.regime), addressing, questions_of(request))))
    return out


# --- sending and taking back --------------------------------------------------------------


@dataclass(frozen=True)
class QueuedBatch:
    queued: int
    first_at: dt.datetime | None
    last_at: dt.datetime | None


def queue(
    session: Session, project: Project, mailbox: Mailbox, now: dt.datetime, settings: BatchSettings = BatchSettings()
) -> QueuedBatch:
    """Queue every draft of the batch, spaced by the throttle, none before the revoke window ends."""
    drafts = [r for r in requests_of(session, project) if r.status == Status.DRAFT]
    if not drafts:
        raise BatchRefused("nothing in this batch is waiting to be sent")
    refusal = _over_daily_limit(session, project, now, settings)
    if refusal:
        raise BatchRefused(refusal)
    for request in drafts:
        try:
            outgoing.check_ready(request)
        except outgoing.CannotSend as exc:
            raise BatchRefused(f"{request.authority.name if request.authority else 'a body'}: {exc}") from None
    assign_references(session, drafts)
    not_before = now + settings.revoke_window
    longest_gap = max(settings.throttle.per_domain, settings.throttle.per_mailbox)
    last_domain, last_mailbox = _taken_slots(session, now - longest_gap)
    domains = [_domain(r.authority.foi_email) for r in drafts if r.authority is not None]
    times = send_times(domains, not_before, settings.throttle, last_domain, last_mailbox)
    for request, when in zip(drafts, times, strict=True):
        outgoing.queue_request(session, request, mailbox, now, send_at=when, flush=False)
    session.flush()
    project.send_after = not_before
    return QueuedBatch(len(drafts), min(times), max(times))


def _taken_slots(session: Session, since: dt.datetime) -> tuple[dict[str, dt.datetime], dt.datetime | None]:
    last_domain: dict[str, dt.datetime] = {}
    last_mailbox: dt.datetime | None = None
    for recipients, when in outbox.pending_slots(session, since):
        for recipient in recipients:
            key = _domain(recipient)
            last_domain[key] = max(when, last_domain.get(key, when))
        last_mailbox = when if last_mailbox is None else max(last_mailbox, when)
    return last_domain, last_mailbox


def _domain(address: str) -> str:
    return address.strip().rpartition("@")[2].lower()


def _over_daily_limit(session: Session, project: Project, now: dt.datetime, settings: BatchSettings) -> str | None:
    if not settings.batches_per_day:
        return None
    others = session.scalar(
        select(func.count(Project.id)).where(
            Project.owner_id == project.owner_id, Project.kind == BATCH, Project.id != project.id,
            Project.send_after > now - dt.timedelta(hours=24),
        )
    )  # fmt: skip
    if (others or 0) >= settings.batches_per_day:
        return f"you have sent {others} batches in the last 24 hours, the most this bot sends for one person in a day"
    return None


@dataclass(frozen=True)
class Revoked:
    revoked: int
    already_gone: int


def revoke(session: Session, project: Project, now: dt.datetime) -> Revoked:
    """Take back every message of the batch no sender has attempted; those requests are drafts again."""
    revoked = gone = 0
    for request in requests_of(session, project):
        if request.status != Status.QUEUED:
            continue
        rows = session.scalars(
            select(OutboxMessage.id).where(
                OutboxMessage.request_id == request.id,
                OutboxMessage.kind == "request",
                OutboxMessage.status.in_([outbox.QUEUED, outbox.SENDING]),
            )
        ).all()
        if rows and all(outbox.revoke(session, outbox_id) for outbox_id in rows):
            transition(session, request, Event.REVOKE, now, "taken back before it was sent")
            revoked += 1
        else:
            gone += 1
    if revoked:
        project.send_after = None
    return Revoked(revoked, gone)


def delete_drafts(session: Session, project: Project) -> int:
    """Delete the batch's letters not yet sent (and the batch, when nothing else is left); return how many."""
    requests = requests_of(session, project)
    drafts = [r for r in requests if r.status == Status.DRAFT]
    for request in drafts:
        session.delete(request)
    if len(drafts) == len(requests):
        session.delete(project)
    session.flush()
    return len(drafts)


# --- where it stands ----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One body's line in the batch's table."""

    request_id: int
    reference: str | None
    authority: str
    status: str
    due: dt.date | None  # the next date that matters (the reply, then the review window…)
    came_back: str  # the latest reply's kind, or what the outbox is doing
    send_at: dt.datetime | None


@dataclass(frozen=True)
class Progress:
    total: int
    drafts: int
    waiting_to_go: int
    sent: int
    replied: int
    next_send_at: dt.datetime | None
    rows: list[Row]


def progress(session: Session, project: Project) -> Progress:
    """The batch as a table: body, status, due, what came back; with counts and the next send."""
    requests = requests_of(session, project)
    ids = [r.id for r in requests]
    analyses = latest_analyses(session, ids)
    pending = dict(
        session.execute(
            select(OutboxMessage.request_id, func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.request_id.in_(ids), OutboxMessage.status.in_([outbox.QUEUED, outbox.SENDING])
            ).group_by(OutboxMessage.request_id)
        ).all()
    ) if ids else {}  # fmt: skip
    rows = []
    for request in requests:
        kind = (analyses.get(request.id) or {}).get("kind")
        send_at = pending.get(request.id)
        came_back = (
            kind.replace("_", " ")
            if kind
            else ("sends at " if send_at else "")
            + (f"{send_at:%H:%M} UTC" if send_at else "nothing yet" if request.status != Status.DRAFT else "not sent")
        )
        rows.append(
            Row(
                request.id, request.reference, request.authority.name if request.authority else "?",
                request.status, next_due(dates_of(request)),
                came_back, send_at,
            )
        )  # fmt: skip
    statuses = [r.status for r in requests]
    replied = sum(1 for r in requests if analyses.get(r.id))
    times = [t for t in pending.values() if t is not None]
    return Progress(
        total=len(requests),
        drafts=statuses.count(Status.DRAFT),
        waiting_to_go=len(pending),
        sent=sum(1 for s in statuses if s not in (Status.DRAFT, Status.QUEUED)),
        replied=replied,
        next_send_at=min(times) if times else None,
        rows=rows,
    )
