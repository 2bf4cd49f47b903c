"""The authority directory and the people who make requests."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import AuthorityDomain, AuthorityRow, User


def email_domain(address: str) -> str:
    """Return the lower-cased domain of an email address."""
    return address.rpartition("@")[2].strip().lower()


def find_or_add_authority(
    session: Session, name: str, foi_email: str, regime: str = "foia", nation: str = "england"
) -> AuthorityRow:
    """Return the authority with this FOI address, adding it (and its mail domain) when new."""
    email = foi_email.strip()
    existing = session.scalar(select(AuthorityRow).where(func.lower(AuthorityRow.foi_email) == email.lower()))
    if existing is not None:
        return existing
    authority = AuthorityRow(name=name.strip(), foi_email=email, regime=regime, nation=nation)
    authority.domains.append(AuthorityDomain(domain=email_domain(email)))
    session.add(authority)
    session.flush()
    return authority


def operator(session: Session, real_name: str) -> User:
    """Return the command-line user with this real name (no Telegram account)."""
    user = session.scalar(select(User).where(User.telegram_id.is_(None), User.real_name == real_name))
    if user is None:
        user = User(telegram_id=None, real_name=real_name)
        session.add(user)
        session.flush()
    return user


NATIONS = ("england", "wales", "scotland", "northern_ireland", "uk")


def search_authorities(session: Session, query: str, limit: int = 6) -> list[AuthorityRow]:
    """Return the authorities whose names best match ``query``, forgiving typos and partial names."""
    from rapidfuzz import fuzz, process, utils

    cleaned = query.strip()
    if not cleaned:
        return []
    rows = session.execute(select(AuthorityRow.id, AuthorityRow.name)).all()
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
class ImportReport:
    added: int = 0
    updated: int = 0
    problems: list[str] = field(default_factory=list)


CSV_COLUMNS = ("name", "foi_email", "nation", "regime", "domains", "tags")


def import_authorities(session: Session, rows: Iterable[dict[str, str]]) -> ImportReport:
    """Add or update authorities from CSV rows (see CSV_COLUMNS); bad rows are reported, not fatal."""
    from foi.advice import nation_regime

    report = ImportReport()
    for number, row in enumerate(rows, start=2):
        name = (row.get("name") or "").strip()
        email = (row.get("foi_email") or "").strip()
        nation = (row.get("nation") or "england").strip().lower().replace(" ", "_")
        if not name or "@" not in email or "." not in email.rpartition("@")[2]:
            report.problems.append(f"line {number}: needs a name and a valid foi_email")
            continue
        if nation not in NATIONS:
            report.problems.append(f"line {number}: nation {nation!r} is not one of {', '.join(NATIONS)}")
            continue
        regime = (row.get("regime") or "").strip().lower() or nation_regime(nation)
        if regime not in ("foia", "eir", "foisa", "eisr"):
            report.problems.append(f"line {number}: regime {regime!r} is not foia, eir, foisa or eisr")
            continue
        existing = session.scalar(select(AuthorityRow).where(func.lower(AuthorityRow.foi_email) == email.lower()))
        authority = existing or AuthorityRow(foi_email=email)
        authority.name, authority.nation, authority.regime = name, nation, regime
        authority.tags = [t.strip() for t in (row.get("tags") or "").split(";") if t.strip()]
        domains = {email_domain(email)} | {
            d.strip().lower() for d in (row.get("domains") or "").split(";") if d.strip()
        }
        known = {d.domain for d in authority.domains}
        for domain in sorted(domains - known):
            authority.domains.append(AuthorityDomain(domain=domain))
        if existing is None:
            session.add(authority)
            report.added += 1
        else:
            report.updated += 1
    session.flush()
    return report
