"""The authority directory and the people who make requests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, case, func, insert, or_, select, text, update
from sqlalchemy.orm import Session

from storage.db import insert_rows_ignoring
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


CANDIDATES = 150  # names the index hands to the fuzzy ranking
RARE_REACH = 1500  # at most about this many names are read for a query's triples


def search_authorities(session: Session, query: str, limit: int = 6, user_id: int | None = None) -> list[AuthorityRow]:
    """Return the bodies ``user_id`` may use whose names best match ``query``, forgiving typos.

    An index (SQLite FTS5 with trigrams, PostgreSQL pg_trgm) finds the few
    hundred names sharing most of the query's letter triples; rapidfuzz then
    ranks those. Typing "barnat" still finds Barnet: most of its triples match.
    """
    from rapidfuzz import fuzz, process, utils

    cleaned = " ".join(query.split())[:200]
    if not cleaned:
        return []
    candidates = session.execute(
        select(AuthorityRow.id, AuthorityRow.name).where(_name_candidates(session, cleaned), visible_to(user_id))
    ).all()
    names = {row_id: name for row_id, name in candidates}
    scored = process.extract(
        cleaned, names, scorer=fuzz.WRatio, processor=utils.default_process, limit=limit * 3, score_cutoff=60
    )
    lowered = cleaned.lower()
    # A name that contains the query as typed beats a fuzzy near-miss.
    ranked = sorted(scored, key=lambda hit: (lowered not in hit[0].lower(), -hit[1], len(hit[0])))
    ids = [row_id for _, _, row_id in ranked[:limit]]
    by_id = {a.id: a for a in session.scalars(select(AuthorityRow).where(AuthorityRow.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]


def _trigrams(text_: str) -> list[str]:
    grams: list[str] = []
    for word in text_.lower().split():
        grams.extend(word[i : i + 3] for i in range(len(word) - 2))
    return list(dict.fromkeys(grams))[:40]


def _name_candidates(session: Session, query: str):  # type: ignore[no-untyped-def]
    """SQL condition: the ids the name index ranks highest for ``query`` (a prefix match for very short queries)."""
    grams = _trigrams(query)
    dialect = session.get_bind().dialect.name
    if not grams:  # one or two letters: names that start with them
        return func.lower(AuthorityRow.name).like(f"{query.lower().replace('%', '').replace('_', '')}%")
    if dialect == "postgresql":
        lowered = query.lower()
        # A typo loses a few triples: 0.3 keeps "barnat" → "barnet" (the default 0.6 would not), for this transaction.
        session.execute(text("SET LOCAL pg_trgm.word_similarity_threshold = 0.3"))
        best = (
            select(AuthorityRow.id)
            .where(func.lower(AuthorityRow.name).op("%>")(lowered))  # word similarity above the threshold
            .order_by(func.word_similarity(lowered, func.lower(AuthorityRow.name)).desc())
            .limit(CANDIDATES)
        )
        return AuthorityRow.id.in_(best.scalar_subquery())
    # SQLite FTS5 with the trigram tokenizer. First the names holding every word as typed (a word with a
    # triple no name holds is a typo, and is left out); when that finds nothing, the names holding most of
    # the query's rarer triples — a typo spoils only a few — counted here from each triple's short list of
    # names, so the commonest triples ("cil" of every council) are never read.
    counts = _triple_counts(session)
    connection = session.connection()
    words = [w for w in query.lower().split() if len(w) >= 3]
    typed = [w for w in words if all(counts.get(w[i : i + 3]) for i in range(len(w) - 2))]
    found: list[int] = []
    if typed:
        found = [row[0] for row in connection.exec_driver_sql(
            "SELECT rowid FROM authorities_fts WHERE authorities_fts MATCH ? LIMIT ?",
            (" ".join(_phrase(w) for w in typed), CANDIDATES),
        )]  # fmt: skip
    if found and len(typed) == len(words):
        return AuthorityRow.id.in_(found)
    present = sorted((counts[g], g) for g in grams if counts.get(g))
    tally: dict[int, int] = dict.fromkeys(found, len(grams))  # names holding the words as typed stay first
    reach = 0
    for count, gram in present:
        if reach and reach + count > RARE_REACH:
            break
        reach += count
        for (rowid,) in connection.exec_driver_sql(
            "SELECT rowid FROM authorities_fts WHERE authorities_fts MATCH ?", (_phrase(gram),)
        ):
            tally[rowid] = tally.get(rowid, 0) + 1
    best = sorted(tally, key=lambda rowid: -tally[rowid])[:CANDIDATES]
    return AuthorityRow.id.in_(best)


_COUNTS: dict[tuple[str, int | None], dict[str, int]] = {}  # per database and directory size


def _triple_counts(session: Session) -> dict[str, int]:
    """How many names hold each letter triple, read once per process and again when bodies are added."""
    bind = session.get_bind()
    key = (str(bind.url), session.scalar(select(func.max(AuthorityRow.id))))
    counts = _COUNTS.get(key)
    if counts is None:
        counts = {term: doc for term, doc in session.execute(text("SELECT term, doc FROM authorities_fts_vocab"))}
        _COUNTS.clear()
        _COUNTS[key] = counts
    return counts


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


@dataclass
class DirectoryEntry:
    """One checked row of a directory file: a shared body."""

    name: str
    foi_email: str
    nation: str
    regime: str
    tags: list[str]
    senders: dict[str, bool]  # sender key -> whether its subdomains count too


IMPORT_BATCH = 1000


@dataclass
class Upserted:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def upsert_authorities(session: Session, entries: list[DirectoryEntry]) -> Upserted:
    """Add or update shared bodies in a few statements per batch: found by FOI address, or by name when it has none.

    A re-import of the same file changes nothing and writes nothing.
    """
    result = Upserted()
    for start in range(0, len(entries), IMPORT_BATCH):
        _upsert_batch(session, entries[start : start + IMPORT_BATCH], result)
    return result


def _key(entry_email: str, name: str) -> str:
    return f"@{entry_email.lower()}" if entry_email else f"#{' '.join(name.lower().split())}"


def _listed(session: Session, unique: dict[str, DirectoryEntry]) -> dict[str, tuple]:
    """The shared bodies these entries name, by key: (id, foi_email, name, nation, regime, tags)."""
    emails = [e.foi_email.lower() for e in unique.values() if e.foi_email]
    names = [" ".join(e.name.lower().split()) for e in unique.values() if not e.foi_email]
    either = []
    if emails:
        either.append(func.lower(AuthorityRow.foi_email).in_(emails))
    if names:
        either.append(and_(AuthorityRow.foi_email == "", func.lower(AuthorityRow.name).in_(names)))
    if not either:
        return {}
    found = session.execute(
        select(AuthorityRow.id, AuthorityRow.foi_email, AuthorityRow.name, AuthorityRow.nation, AuthorityRow.regime,
               AuthorityRow.tags)
        .where(AuthorityRow.added_by.is_(None), or_(*either))
        .order_by(AuthorityRow.id)
    ).all()  # fmt: skip
    existing: dict[str, tuple] = {}
    for row in found:
        existing.setdefault(_key(row.foi_email, row.name), tuple(row))
    return existing


def _upsert_batch(session: Session, entries: list[DirectoryEntry], result: Upserted) -> None:
    unique = {_key(e.foi_email, e.name): e for e in entries}  # the last row for a body wins
    existing = _listed(session, unique)
    new_rows, changed = [], []
    for key, entry in unique.items():
        known = existing.get(key)
        if known is None:
            new_rows.append(entry)
            continue
        if (known[2], known[3], known[4], list(known[5] or [])) == (entry.name, entry.nation, entry.regime, entry.tags):
            result.unchanged += 1
        else:
            changed.append({"id": known[0], "name": entry.name, "nation": entry.nation, "regime": entry.regime,
                            "tags": entry.tags})  # fmt: skip
    if changed:
        session.execute(update(AuthorityRow), changed)
        result.updated += len(changed)
    ids: dict[str, int] = {key: known[0] for key, known in existing.items()}
    listed = set(ids.values())
    if new_rows:
        session.execute(
            insert(AuthorityRow),
            [{"name": e.name, "foi_email": e.foi_email, "nation": e.nation, "regime": e.regime, "tags": e.tags}
             for e in new_rows],
        )  # fmt: skip
        fresh = _listed(session, {_key(e.foi_email, e.name): e for e in new_rows})
        ids.update({key: known[0] for key, known in fresh.items()})
        result.added += len(new_rows)
    domains = [
        {"authority_id": ids[key], "domain": sender, "include_subdomains": subdomains}
        for key, entry in unique.items()
        for sender, subdomains in sorted(entry.senders.items())
    ]
    if domains:
        insert_rows_ignoring(session, AuthorityDomain, domains, ["authority_id", "domain"])
        # Bodies already listed: each domain takes the file's word on its subdomains ("*." added or dropped).
        kept = [
            {"a": d["authority_id"], "d": d["domain"], "w": d["include_subdomains"]}
            for d in domains
            if d["authority_id"] in listed
        ]
        if kept:
            session.connection().execute(
                update(AuthorityDomain.__table__)
                .where(AuthorityDomain.authority_id == bindparam("a"), AuthorityDomain.domain == bindparam("d"),
                       AuthorityDomain.include_subdomains != bindparam("w"))
                .values(include_subdomains=bindparam("w")),
                kept,
            )  # fmt: skip


def set_address(session: Session, authority: AuthorityRow, foi_email: str, sender: str) -> None:
    """Give a listed body without an address the one a user found (checked by the caller), and trust its domain."""
    authority.foi_email = foi_email
    if sender not in {d.domain for d in authority.domains}:
        authority.domains.append(AuthorityDomain(domain=sender))


def authorities_tagged(session: Session, tag: str, user_id: int | None, limit: int = 10_000) -> list[AuthorityRow]:
    """Return the bodies ``user_id`` may use that carry directory tag ``tag`` (any letter case), by name."""
    wanted = tag.strip().lower()
    if session.get_bind().dialect.name == "postgresql":
        elements = "jsonb_array_elements_text(authorities.tags::jsonb) AS tag(value)"
    else:
        elements = "json_each(authorities.tags) AS tag"
    has_tag = text(f"EXISTS (SELECT 1 FROM {elements} WHERE lower(tag.value) = :wanted)").bindparams(wanted=wanted)
    statement = (
        select(AuthorityRow)
        .where(has_tag, visible_to(user_id), AuthorityRow.foi_email != "")  # a batch cannot write to an unknown address
        .order_by(AuthorityRow.name)
        .limit(limit)
    )
    return list(session.scalars(statement))
