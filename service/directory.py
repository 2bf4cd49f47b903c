"""Finding and adding public bodies: the one way, for the chat, the command line and directory files.

An address is checked before a body is kept: it must be a single valid
address whose domain is one organisation's (not a public suffix such as
``gov.uk``). The sender check then trusts that domain — or, at a shared mail
provider, only that address — and its subdomains only when a directory file
says so (``*.council.gov.uk``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from foi.advice import nation_regime
from mail.compose import parse_address
from mail.domains import check_body_address, check_domain
from mail.errors import AddressError
from storage.directory import NATIONS, DirectoryEntry, find_or_add_authority, search_authorities, upsert_authority
from storage.models import AuthorityRow

__all__ = ["AddressError", "ImportReport", "add_authority", "find_authorities", "import_directory"]

REGIMES = ("foia", "eir", "foisa", "eisr")
CSV_COLUMNS = ("name", "foi_email", "nation", "regime", "domains", "tags")


def checked_address(foi_email: str) -> tuple[str, str]:
    """Return (normalised address, sender key) for a body's FOI address, or raise AddressError."""
    address = str(parse_address(foi_email))
    return address, check_body_address(address)


def add_authority(
    session: Session,
    name: str,
    foi_email: str,
    *,
    nation: str = "england",
    regime: str | None = None,
    added_by: int | None = None,
) -> AuthorityRow:
    """Return the body with this address that the user may use, adding it (for them alone) when new."""
    address, sender = checked_address(foi_email)
    return find_or_add_authority(
        session,
        " ".join(name.split()),
        address,
        sender=sender,
        regime=regime or nation_regime(nation),
        nation=nation,
        added_by=added_by,
    )


def find_authorities(session: Session, query: str, user_id: int | None, limit: int = 6) -> list[AuthorityRow]:
    """Return the bodies a user may write to whose names best match ``query``."""
    return search_authorities(session, query, limit=limit, user_id=user_id)


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    problems: list[str] = field(default_factory=list)


def _entry(row: dict[str, str]) -> DirectoryEntry:
    name = (row.get("name") or "").strip()
    email = (row.get("foi_email") or "").strip()
    nation = (row.get("nation") or "england").strip().lower().replace(" ", "_")
    if not name or not email:
        raise ValueError("needs a name and a valid foi_email")
    if nation not in NATIONS:
        raise ValueError(f"nation {nation!r} is not one of {', '.join(NATIONS)}")
    regime = (row.get("regime") or "").strip().lower() or nation_regime(nation)
    if regime not in REGIMES:
        raise ValueError(f"regime {regime!r} is not foia, eir, foisa or eisr")
    address, sender = checked_address(email)
    senders = {sender: False}
    for raw in (row.get("domains") or "").split(";"):
        domain = raw.strip()
        if domain:
            subdomains = domain.startswith("*.")
            senders[check_domain(domain.removeprefix("*."))] = subdomains
    tags = list(dict.fromkeys(t.strip().lower() for t in (row.get("tags") or "").split(";") if t.strip()))
    return DirectoryEntry(name, address, nation, regime, tags, senders)


def import_directory(session: Session, rows: Iterable[dict[str, str]]) -> ImportReport:
    """Add or update shared bodies from CSV rows (see CSV_COLUMNS); bad rows are reported, not fatal."""
    report = ImportReport()
    for number, row in enumerate(rows, start=2):
        try:
            entry = _entry(row)
        except (ValueError, AddressError) as exc:
            report.problems.append(f"line {number}: {exc}")
            continue
        if upsert_authority(session, entry):
            report.added += 1
        else:
            report.updated += 1
    session.flush()
    return report
