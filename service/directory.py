"""Finding and adding public bodies: the one way, for the chat, the command line and directory files.

An address is checked before a body is kept: it must be a single valid
address whose domain is one organisation's (not a public suffix such as
``gov.uk``). The sender check then trusts that domain — or, at a shared mail
provider, only that address — and its subdomains only when a directory file
says so (``*.council.gov.uk``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from foi.advice import nation_regime
from mail.compose import parse_address
from mail.domains import check_body_address, check_domain
from mail.errors import AddressError
from storage.directory import (
    IMPORT_BATCH,
    NATIONS,
    DirectoryEntry,
    find_or_add_authority,
    search_authorities,
    set_address,
    upsert_authorities,
)
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
    unchanged: int = 0
    without_address: int = 0  # listed; the first user who writes to one is asked for its address
    left_out: int = 0  # defunct, or FOI no longer applies (WhatDoTheyKnow's tags say so)
    problems: list[str] = field(default_factory=list)


# WhatDoTheyKnow's all-authorities.csv: Name, Short name, URL name, Tags, Home page, … and no email
# (some Alaveteli sites add "Email" or "Request email").
WDTK_COLUMNS = ("name", "short name", "url name", "tags")
_WDTK_NATIONS = {"scotland": "scotland", "scottish": "scotland", "wales": "wales", "welsh": "wales",
                 "northern_ireland": "northern_ireland", "ni": "northern_ireland"}  # fmt: skip
_CENTRAL = {"central_government", "ministerial_department", "non_ministerial_department", "department"}
_LEFT_OUT = {"defunct", "not_apply"}


def is_wdtk(header: Iterable[str]) -> bool:
    """A header in WhatDoTheyKnow's (Alaveteli's) export format rather than ours."""
    names = {h.strip().lower() for h in header}
    return "foi_email" not in names and {"name", "url name"} <= names


class LeftOut(Exception):
    """A row that names a body FOI does not reach (defunct, or not covered)."""


def wdtk_row(row: dict[str, str]) -> dict[str, str]:
    """Our columns from a WhatDoTheyKnow row: nation, regime and the cost-limit tag read from its tags."""
    tags = [t.strip().lower() for t in (row.get("tags") or "").replace(",", " ").split() if t.strip()]
    words = {t.split(":", 1)[0] for t in tags}
    if words & _LEFT_OUT:
        raise LeftOut(", ".join(sorted(words & _LEFT_OUT)))
    nation = next((_WDTK_NATIONS[t] for t in tags if t in _WDTK_NATIONS), "england")
    eir_only = "eir_only" in words
    regime = {"scotland": "eisr" if eir_only else "foisa"}.get(nation, "eir" if eir_only else "foia")
    kept = [t for t in tags if ":" not in t][:20]
    if words & _CENTRAL:
        kept.append("central")  # the £600 cost limit of central government (LAW.md)
    email = (row.get("email") or row.get("request email") or row.get("request_email") or "").strip()
    return {"name": row.get("name") or "", "foi_email": "" if email in ("", "blank") else email, "nation": nation,
            "regime": regime, "tags": ";".join(dict.fromkeys(kept))}  # fmt: skip


def _entry(row: dict[str, str], allow_no_address: bool = False) -> DirectoryEntry:
    name = " ".join((row.get("name") or "").split())[:300]
    email = (row.get("foi_email") or "").strip()
    nation = (row.get("nation") or "england").strip().lower().replace(" ", "_")
    if not name or (not email and not allow_no_address):
        raise ValueError("needs a name and a valid foi_email")
    if nation not in NATIONS:
        raise ValueError(f"nation {nation!r} is not one of {', '.join(NATIONS)}")
    regime = (row.get("regime") or "").strip().lower() or nation_regime(nation)
    if regime not in REGIMES:
        raise ValueError(f"regime {regime!r} is not foia, eir, foisa or eisr")
    senders: dict[str, bool] = {}
    address = ""
    if email:
        address, sender = checked_address(email)
        senders[sender] = False
    for raw in (row.get("domains") or "").split(";"):
        domain = raw.strip()
        if domain:
            subdomains = domain.startswith("*.")
            senders[check_domain(domain.removeprefix("*."))] = subdomains
    tags = list(dict.fromkeys(t.strip().lower() for t in (row.get("tags") or "").split(";") if t.strip()))
    return DirectoryEntry(name, address, nation, regime, tags, senders)


def import_directory(
    session: Session,
    rows: Iterable[dict[str, str]],
    wdtk: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Add or update shared bodies from CSV rows (our CSV_COLUMNS, or WhatDoTheyKnow's with ``wdtk``).

    Bad rows are reported, not fatal. Rows go to the database a thousand at a
    time; ``progress`` is told how many rows each step read.
    """
    report = ImportReport()
    entries: list[DirectoryEntry] = []

    def flush() -> None:
        done = upsert_authorities(session, entries)
        report.added += done.added
        report.updated += done.updated
        report.unchanged += done.unchanged
        if progress is not None:
            progress(len(entries))
        entries.clear()

    for number, row in enumerate(rows, start=2):
        try:
            entry = _entry(wdtk_row(row) if wdtk else row, allow_no_address=wdtk)
        except LeftOut:
            report.left_out += 1
            continue
        except (ValueError, AddressError) as exc:
            report.problems.append(f"line {number}: {exc}")
            continue
        report.without_address += not entry.foi_email
        entries.append(entry)
        if len(entries) >= IMPORT_BATCH:
            flush()
    flush()
    session.flush()
    return report


def give_address(session: Session, authority: AuthorityRow, foi_email: str) -> AuthorityRow:
    """Keep the FOI address a user found for a listed body that had none (checked first; raises AddressError)."""
    address, sender = checked_address(foi_email)
    set_address(session, authority, address, sender)
    session.flush()
    return authority
