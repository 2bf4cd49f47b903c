"""Per-body statistics from this instance's own requests (the definitions are in foi/statistics.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from foi.analysis.facts import review_result
from foi.statistics import AuthorityStats, Record, by_authority, for_authority
from service.prompts import latest_analyses
from storage.models import AuthorityRow, FoiRequestRow, MessageLink, MessageRow

SUBSTANTIVE = ("information_provided", "partial", "refusal", "not_held")
CSV_COLUMNS = (
    "authority", "requests", "replied", "median_working_days", "late", "late_of", "overdue_now", "waiting",
    "refused_or_partial", "refused_or_partial_of", "exemptions", "reviews_requested", "reviews_decided",
    "reviews_upheld", "reviews_overturned", "reviews_partly",
)  # fmt: skip


def records(session: Session, request_ids: Iterable[int] | None = None, owner_id: int | None = None) -> list[Record]:
    """The requests as the statistics read them (all of the instance's, or those named, or one user's)."""
    statement = select(FoiRequestRow, AuthorityRow.name).join(
        AuthorityRow, AuthorityRow.id == FoiRequestRow.authority_id
    )
    if request_ids is not None:
        statement = statement.where(FoiRequestRow.id.in_(list(request_ids)))
    if owner_id is not None:
        statement = statement.where(FoiRequestRow.owner_id == owner_id)
    rows = session.execute(statement.where(FoiRequestRow.status != "draft")).all()
    ids = [request.id for request, _ in rows]
    analyses = latest_analyses(session, ids)
    first_kind = _first_substantive_kinds(session, ids)
    results = _review_results(session, [r.id for r, _ in rows if r.review_decided_on is not None])
    return [
        Record(
            authority=name,
            regime=request.regime,
            status=request.status,
            received_on=request.received_on,
            responded_on=request.responded_on,
            reply_due_on=request.reply_due_on,
            extended_due_on=request.extended_due_on,
            outcome=first_kind.get(request.id),
            exemptions=tuple((analyses.get(request.id) or {}).get("exemptions") or ()),
            review_requested_on=request.review_requested_on,
            review_decided_on=request.review_decided_on,
            review_result=results.get(request.id),
        )
        for request, name in rows
    ]


def _review_results(session: Session, ids: list[int]) -> dict[int, str]:
    """What each decided review concluded, read from the latest review outcome letter."""
    if not ids:
        return {}
    rows = session.execute(_one_message_each(ids, func.max, MessageRow.parsed_text, _KIND == "review_outcome"))
    found = {request_id: review_result(text or "") for request_id, text in rows}
    return {request_id: result for request_id, result in found.items() if result}


_KIND = func.coalesce(MessageRow.classification_by_user, MessageRow.classification)  # the user's word wins


def _one_message_each(ids: list[int], pick, column, *conditions):  # type: ignore[no-untyped-def]
    """SELECT (request id, column) of one attached message per request: the first or latest meeting the conditions."""
    chosen = (
        select(MessageLink.request_id, pick(MessageRow.id).label("message_id"))
        .join(MessageRow, MessageRow.id == MessageLink.message_id)
        .where(MessageLink.request_id.in_(ids), MessageLink.status == "attached", *conditions)
        .group_by(MessageLink.request_id)
        .subquery()
    )
    return select(chosen.c.request_id, column).join(MessageRow, MessageRow.id == chosen.c.message_id)


def _first_substantive_kinds(session: Session, ids: list[int]) -> dict[int, str]:
    """The kind of each request's first substantive reply (the user's correction wins)."""
    if not ids:
        return {}
    rows = session.execute(
        _one_message_each(ids, func.min, _KIND, MessageRow.direction == "in", _KIND.in_(SUBSTANTIVE))
    )
    return {request_id: value for request_id, value in rows}


def authorities(session: Session, today: dt.date, owner_id: int | None = None) -> list[AuthorityStats]:
    return by_authority(records(session, owner_id=owner_id), today)


def one_authority(session: Session, authority: AuthorityRow, today: dt.date) -> AuthorityStats:
    ids = session.scalars(select(FoiRequestRow.id).where(FoiRequestRow.authority_id == authority.id)).all()
    return for_authority(authority.name, records(session, ids), today)


def csv_rows(found: list[AuthorityStats]) -> list[list[str]]:
    rows = []
    for s in found:
        median = "" if s.median_working_days is None else f"{s.median_working_days:g}"
        exemptions = "; ".join(f"{name} ({count})" for name, count in s.exemptions)
        rows.append(
            [
                s.authority, str(s.requests), str(s.replied), median, str(s.late.count), str(s.late.of),
                str(s.overdue_now.count), str(s.overdue_now.of), str(s.withheld.count), str(s.withheld.of),
                exemptions, str(s.reviews_requested), str(s.reviews_decided),
                *(str(s.review_results.get(k, 0)) for k in ("upheld", "overturned", "partly")),
            ]
        )  # fmt: skip
    return rows
