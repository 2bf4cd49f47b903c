"""Lists of requests: filtered by what they are waiting for, project, tag and body; sorted by the next date.

The chat's /requests, the CLI's ``foibot requests list`` and the exports all
read through ``find``. "Overdue" is computed here from the stored dates and
today (never stored). The next date is the one that matters in each state
(foi/tracking.py ``next_due``), written once as SQL so the database sorts
and pages — a journalist's thousand requests are never all loaded to show ten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import ColumnElement

from foi.lifecycle import AWAITING_REPLY, Status
from foi.tracking import GROUP_STATUSES, Dates, StatusGroup, is_overdue_now, next_due, reply_due
from service.prompts import latest_analyses, unanswered_in
from storage.models import AuthorityRow, FoiRequestRow, Project, RequestTag

PAGE_SIZE = 10


@dataclass(frozen=True)
class Filter:
    """What to list; every part optional. ``owner_id`` None lists every user's (the operator's CLI only)."""

    owner_id: int | None
    groups: frozenset[StatusGroup] = frozenset()
    due_before: dt.date | None = None
    project_id: int | None = None
    project_name: str | None = None
    tag: str | None = None
    authority: str | None = None  # part of a body's name, any case
    include_drafts: bool = False
    text: str | None = None  # part of the title, our reference or the body's name, any case

    def describe(self) -> str:
        """A short line naming the filter, for list headings."""
        parts = [g.value for g in sorted(self.groups)]
        if self.project_name:
            parts.append(f"project {self.project_name}")
        if self.tag:
            parts.append(f"#{self.tag}")
        if self.authority:
            parts.append(f"body ~ {self.authority}")
        if self.due_before:
            parts.append(f"due before {self.due_before:%d %b %Y}")
        if self.text:
            parts.append(f"“{self.text}”")
        return ", ".join(parts) or "all"


def reply_due_column() -> ColumnElement:
    return func.coalesce(FoiRequestRow.promised_on, FoiRequestRow.extended_due_on, FoiRequestRow.reply_due_on)


def next_due_column() -> ColumnElement:
    """SQL twin of foi.tracking.next_due (tests/integration/test_tracking.py holds them equal)."""
    replied = [s.value for s in GROUP_STATUSES[StatusGroup.ANSWERED] | GROUP_STATUSES[StatusGroup.REFUSED]]
    return case(
        (FoiRequestRow.status.in_([s.value for s in AWAITING_REPLY]), reply_due_column()),
        (FoiRequestRow.status.in_(replied), FoiRequestRow.review_request_by),
        (FoiRequestRow.status == Status.REVIEW_REQUESTED.value, FoiRequestRow.review_reply_due_on),
        (FoiRequestRow.status == Status.REVIEW_ANSWERED.value, FoiRequestRow.complaint_by),
        else_=None,
    )


def _conditions(wanted: Filter, today: dt.date) -> list[ColumnElement]:
    conditions: list[ColumnElement] = []
    if wanted.owner_id is not None:
        conditions.append(FoiRequestRow.owner_id == wanted.owner_id)
    if not wanted.include_drafts:
        conditions.append(FoiRequestRow.status != Status.DRAFT.value)
    if wanted.groups:
        either = []
        for group in wanted.groups:
            statuses = FoiRequestRow.status.in_([s.value for s in GROUP_STATUSES[group]])
            either.append(and_(statuses, reply_due_column() < today) if group == StatusGroup.OVERDUE else statuses)
        conditions.append(or_(*either))
    if wanted.due_before is not None:
        conditions.append(next_due_column() < wanted.due_before)
    if wanted.project_id is not None:
        conditions.append(FoiRequestRow.project_id == wanted.project_id)
    if wanted.project_name:
        conditions.append(
            FoiRequestRow.project_id.in_(
                select(Project.id).where(func.lower(Project.name) == wanted.project_name.strip().lower())
            )
        )
    if wanted.tag:
        conditions.append(
            FoiRequestRow.id.in_(select(RequestTag.request_id).where(RequestTag.tag == normal_tag(wanted.tag)))
        )
    if wanted.authority:
        pattern = f"%{wanted.authority.strip().lower()}%"
        conditions.append(
            FoiRequestRow.authority_id.in_(select(AuthorityRow.id).where(func.lower(AuthorityRow.name).like(pattern)))
        )
    if wanted.text and wanted.text.strip():
        pattern = "%" + wanted.text.strip().lower().replace("\\", "").replace("%", "").replace("_", " ") + "%"
        pattern = pattern.replace(" ", "%")
        conditions.append(
            or_(
                func.lower(FoiRequestRow.title).like(pattern),
                func.lower(FoiRequestRow.reference).like(pattern),
                FoiRequestRow.authority_id.in_(
                    select(AuthorityRow.id).where(func.lower(AuthorityRow.name).like(pattern))
                ),
            )
        )
    return conditions


# How a list may be sorted, by name; the next date (soonest first) unless asked otherwise.
SORTS: dict[str, Callable[[], ColumnElement]] = {
    "due": next_due_column,
    "sent": lambda: FoiRequestRow.received_on,
    "reference": lambda: FoiRequestRow.reference,
    "title": lambda: func.lower(FoiRequestRow.title),
    "status": lambda: FoiRequestRow.status,
    "authority": lambda: (
        select(func.lower(AuthorityRow.name)).where(AuthorityRow.id == FoiRequestRow.authority_id).scalar_subquery()
    ),
}


def _order(sort: str, descending: bool) -> list[ColumnElement]:
    column = SORTS.get(sort, next_due_column)()
    direction = column.desc() if descending else column.asc()
    return [column.is_(None), direction, FoiRequestRow.id.desc()]


def normal_tag(tag: str) -> str:
    return "-".join(tag.strip().lstrip("#").lower().split())[:50]


@dataclass(frozen=True)
class Listed:
    """One request as a list shows and exports it."""

    id: int
    reference: str | None
    authority: str
    title: str
    status: str
    project: str | None
    tags: tuple[str, ...]
    sent_on: dt.date | None
    due_on: dt.date | None  # the reply due (promised, extended or statutory)
    next_due_on: dt.date | None
    overdue: bool
    responded_on: dt.date | None
    review_due_on: dt.date | None  # the review decision due, once asked
    review_request_by: dt.date | None
    exemptions: tuple[str, ...] = ()
    parts_unanswered: tuple[str, ...] = ()
    reply_kind: str | None = None  # what the latest reply was (foi.analysis kinds), if any came

    def overdue_days(self, today: dt.date) -> int:
        """Calendar days past the reply due date, while it is overdue."""
        return (today - self.due_on).days if self.overdue and self.due_on else 0


@dataclass
class Page:
    items: list[Listed] = field(default_factory=list)
    total: int = 0
    page: int = 0
    pages: int = 0


def find(
    session: Session,
    wanted: Filter,
    today: dt.date,
    page: int = 0,
    per_page: int | None = PAGE_SIZE,
    sort: str = "due",
    descending: bool = False,
) -> Page:
    """Return one page (or, with ``per_page`` None, all) of the requests ``wanted`` names, next date first."""
    conditions = _conditions(wanted, today)
    total = session.scalar(select(func.count(FoiRequestRow.id)).where(*conditions)) or 0
    if total == 0:
        return Page()
    pages = 1 if per_page is None else (total + per_page - 1) // per_page
    page = max(0, min(page, pages - 1))
    statement = (
        select(FoiRequestRow)
        .where(*conditions)
        .options(
            selectinload(FoiRequestRow.authority),
            selectinload(FoiRequestRow.project),
            selectinload(FoiRequestRow.tag_rows),
        )
        .order_by(*_order(sort, descending))
    )
    if per_page is not None:
        statement = statement.offset(page * per_page).limit(per_page)
    rows = list(session.scalars(statement))
    analyses = latest_analyses(session, [r.id for r in rows])
    return Page([_listed(r, analyses.get(r.id), today) for r in rows], total, page, pages)


def requests_for(session: Session, wanted: Filter, today: dt.date, limit: int = 10_000) -> list[FoiRequestRow]:
    """The rows themselves (for exports), in the list's order."""
    due = next_due_column()
    return list(
        session.scalars(
            select(FoiRequestRow)
            .where(*_conditions(wanted, today))
            .options(selectinload(FoiRequestRow.authority), selectinload(FoiRequestRow.events))
            .order_by(due.is_(None), due, FoiRequestRow.id.desc())
            .limit(limit)
        )
    )


def dates_of(request: FoiRequestRow) -> Dates:
    return Dates(
        status=request.status,
        reply_due_on=request.reply_due_on,
        extended_due_on=request.extended_due_on,
        promised_on=request.promised_on,
        review_request_by=request.review_request_by,
        review_reply_due_on=request.review_reply_due_on,
        complaint_by=request.complaint_by,
    )


def _listed(request: FoiRequestRow, analysis: dict | None, today: dt.date) -> Listed:
    dates = dates_of(request)
    return Listed(
        id=request.id,
        reference=request.reference,
        authority=request.authority.name if request.authority else "",
        title=request.title,
        status=request.status,
        project=request.project.name if request.project else None,
        tags=tuple(sorted(t.tag for t in request.tag_rows)),
        sent_on=request.received_on,
        due_on=reply_due(dates),
        next_due_on=next_due(dates),
        overdue=is_overdue_now(dates, today),
        responded_on=request.responded_on,
        review_due_on=request.review_reply_due_on,
        review_request_by=request.review_request_by,
        exemptions=tuple((analysis or {}).get("exemptions") or ()),
        parts_unanswered=tuple(label for label, _text, _status in unanswered_in(analysis)),
        reply_kind=(analysis or {}).get("kind"),
    )
