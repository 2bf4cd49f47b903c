"""The authority directory and the people who make requests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, or_, select, text
from sqlalchemy.orm import Session

from storage.models import AuthorityDomain, AuthorityRow, FoiRequestRow, User


def visible_to(user_id: int | None):  # type: ignore[no-untyped-def]
    """SQL condition: the shared directory, and the bodies ``user_id`` added for themselves."""
    shared = AuthorityRow.added_by.is_(None)
    return shared if user_id is None else or_(shared, AuthorityRow.added_by == user_id)


def find_authority_by_email(session: Session, foi_email: str, user_id: int | None) -> AuthorityRow | None:
    """Return the body with this FOI address (any letter case) that ``user_id`` may use, shared ones first."""
    return session.scalar(
        select(AuthorityRow)
        .where(func.lower(AuthorityRow.foi_email) == foi_email.strip().lower(), visible_to(user_id))
        .order_by(AuthorityRow.added_by.is_not(None), AuthorityRow.id)
        .limit(1)
    )


def find_or_add_authority(
    session: Session,
    name: str,
    foi_email: str,
    *,
    sender: str,
    regime: str = "foia",
    nation: str = "england",
    added_by: int | None = None,
) -> AuthorityRow:
    """Return the body with this FOI address that the user may use, adding it when there is none.

    ``sender`` is the checked key its mail comes from (``mail.domains.sender_key``).
    A body added by a user is theirs alone (``added_by``); the shared
    directory (``added_by`` None) is everyone's.
    """
    existing = find_authority_by_email(session, foi_email, added_by)
    if existing is not None:
        return existing
    authority = AuthorityRow(
        name=name.strip(), foi_email=foi_email.strip(), regime=regime, nation=nation, added_by=added_by
    )
    authority.domains.append(AuthorityDomain(domain=sender))
    session.add(authority)
    session.flush()
    return authority


@dataclass(frozen=True)
class UserSummary:
    telegram_id: int | None
    real_name: str | None
    last_day: int
    total: int
    banned_at: dt.datetime | None
    ban_reason: str | None

    def as_dict(self) -> dict[str, object]:
        return {
            "telegram_id": self.telegram_id, "real_name": self.real_name, "requests_last_24h": self.last_day,
            "requests": self.total, "banned_at": self.banned_at.isoformat() if self.banned_at else None,
            "ban_reason": self.ban_reason,
        }  # fmt: skip


def user_summaries(session: Session, now: dt.datetime, banned_only: bool = False) -> list[UserSummary]:
    """Return every user with how many requests they made in the last 24 hours and in all."""
    since = now - dt.timedelta(hours=24)
    recent = func.sum(case((FoiRequestRow.created_at > since, 1), else_=0))
    query = (
        select(User, func.count(FoiRequestRow.id), recent)
        .outerjoin(FoiRequestRow, (FoiRequestRow.owner_id == User.id) & (FoiRequestRow.status != "draft"))
        .group_by(User.id)
        .order_by(User.id)
    )
    if banned_only:
        query = query.where(User.banned_at.is_not(None))
    return [
        UserSummary(user.telegram_id, user.real_name, int(last or 0), int(total or 0), user.banned_at, user.ban_reason)
        for user, total, last in session.execute(query)
    ]


def operator(session: Session, real_name: str) -> User:
    """Return the command-line user with this real name (no Telegram account)."""
    user = session.scalar(select(User).where(User.telegram_id.is_(None), User.real_name == real_name))
    if user is None:
        user = User(telegram_id=None, real_name=real_name)
        session.add(user)
        session.flush()
    return user


NATIONS = ("england", "wales", "scotland", "northern_ireland", "uk")


def search_authorities(session: Session, query: str, limit: int = 6, user_id: int | None = None) -> list[AuthorityRow]:
    """Return the bodies ``user_id`` may use whose names best match ``query``, forgiving typos."""
    from rapidfuzz import fuzz, process, utils

    cleaned = query.strip()
    if not cleaned:
        return []
    rows = session.execute(select(AuthorityRow.id, AuthorityRow.name).where(visible_to(user_id))).all()
    names = {row_id: name for row_id, name in rows}
    scored = process.extract(
        cleaned, names, scorer=fuzz.WRatio, processor=utils.default_process, limit=limit * 3, score_cutoff=60
    )
    lowered = cleaned.lower()
    # A name that contains the query as typed beats a fuzzy near-miss.
    ranked = sorted(scored, key=lambda hit: (lowered not in hit[0].lower(), -hit[1], len(hit[0])))
    ids = [row_id for _, _, row_id in ranked[:limit]]
    by_id = {a.id: a for a in session.scalars(select(AuthorityRow).where(AuthorityRow.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]


@dataclass
class DirectoryEntry:
    """One checked row of a directory file: a shared body."""

    name: str
    foi_email: str
    nation: str
    regime: str
    tags: list[str]
    senders: dict[str, bool]  # sender key -> whether its subdomains count too


def upsert_authority(session: Session, entry: DirectoryEntry) -> bool:
    """Add or update a body of the shared directory by its FOI address; return True when it is new."""
    existing = find_authority_by_email(session, entry.foi_email, None)
    if existing is not None and existing.added_by is not None:
        existing = None
    authority = existing or AuthorityRow(foi_email=entry.foi_email)
    authority.name, authority.nation, authority.regime, authority.tags = (
        entry.name, entry.nation, entry.regime, entry.tags,
    )  # fmt: skip
    known = {d.domain: d for d in authority.domains}
    for sender, subdomains in sorted(entry.senders.items()):
        if sender in known:
            known[sender].include_subdomains = subdomains
        else:
            authority.domains.append(AuthorityDomain(domain=sender, include_subdomains=subdomains))
    if existing is None:
        session.add(authority)
    return existing is None


def authorities_tagged(session: Session, tag: str, user_id: int | None, limit: int = 10_000) -> list[AuthorityRow]:
    """Return the bodies ``user_id`` may use that carry directory tag ``tag`` (any letter case), by name."""
    wanted = tag.strip().lower()
    if session.get_bind().dialect.name == "postgresql":
        elements = "jsonb_array_elements_text(authorities.tags::jsonb) AS tag(value)"
    else:
        elements = "json_each(authorities.tags) AS tag"
    has_tag = text(f"EXISTS (SELECT 1 FROM {elements} WHERE lower(tag.value) = :wanted)").bindparams(wanted=wanted)
    statement = select(AuthorityRow).where(has_tag, visible_to(user_id)).order_by(AuthorityRow.name).limit(limit)
    return list(session.scalars(statement))
