"""Digests: one message a day or a week with what needs the user's action, what arrived and what falls due.

For a user who reads digests, a prompt the sweep claims is held (``held_for_digest``) instead of
being sent on its own; the next digest tells it, and only then is it noted on the request's
timeline. Reply notices still come at once: a reply is news. A digest is claimed by moving the
user's ``digest_sent_at`` on (one conditional UPDATE, so two bots never send the same one) and put
back if Telegram refuses it; held prompts stay held until a digest that carried them was accepted,
so a crash loses none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from foi import deadlines
from foi.digests import AUTOMATIC_FROM, DigestChoice, effective, is_due
from foi.followup import Prompt, PromptKind
from foi.lifecycle import OPEN
from service import listing, prompts
from service.listing import Filter
from storage.db import Database
from storage.models import AuthorityRow, FoiRequestRow, MessageLink, MessageRow, PromptSent, User

_OPEN = [s.value for s in OPEN]
LOOK_AHEAD = dt.timedelta(days=7)
PERIOD = {DigestChoice.DAILY: dt.timedelta(days=1), DigestChoice.WEEKLY: dt.timedelta(days=7)}


def _open_counts(session: Session, user_ids: list[int]) -> dict[int, int]:
    if not user_ids:
        return {}
    rows = session.execute(
        select(FoiRequestRow.owner_id, func.count(FoiRequestRow.id))
        .where(FoiRequestRow.owner_id.in_(user_ids), FoiRequestRow.status.in_(_OPEN))
        .group_by(FoiRequestRow.owner_id)
    )
    return {owner: count for owner, count in rows}


def choice_of(session: Session, user: User) -> DigestChoice:
    return effective(user.digest, _open_counts(session, [user.id]).get(user.id, 0))


def set_choice(user: User, choice: DigestChoice) -> None:
    user.digest = choice.value


def hold_for_digest(db: Database, claimed: list[prompts.DuePrompt]) -> list[prompts.DuePrompt]:
    """Hold the prompts of users who read digests; return the others, to be told one by one."""
    if not claimed:
        return []
    with db.unit_of_work() as session:
        owners = dict(
            session.execute(
                select(FoiRequestRow.id, FoiRequestRow.owner_id).where(
                    FoiRequestRow.id.in_({due.request_id for due in claimed})
                )
            ).all()
        )
        choices = dict(session.execute(select(User.id, User.digest).where(User.id.in_(set(owners.values())))).all())
        counts = _open_counts(session, list(choices))
        reading = {user for user, choice in choices.items() if effective(choice, counts.get(user, 0)) != "off"}
        held = [due for due in claimed if owners.get(due.request_id) in reading]
        if held:
            session.execute(
                update(PromptSent).where(PromptSent.id.in_([due.claim_id for due in held])).values(held_for_digest=True)
            )
    return [due for due in claimed if due not in held]


@dataclass(frozen=True)
class Item:
    request_id: int
    reference: str
    authority: str
    what: str
    day: dt.date | None = None


@dataclass
class Digest:
    user_id: int
    telegram_id: int | None  # None: the email channel's
    choice: DigestChoice
    since: dt.datetime
    previous: dt.datetime | None
    open_requests: int
    actions: list[Item] = field(default_factory=list)
    arrived: list[Item] = field(default_factory=list)
    overdue: list[Item] = field(default_factory=list)
    coming: list[Item] = field(default_factory=list)
    held: list[prompts.DuePrompt] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.actions or self.arrived or self.overdue or self.coming)


def _candidates(session: Session, audience: str) -> list[User]:
    """Users who chose a digest, and those who get one by default (many open requests, no choice)."""
    many = (
        select(FoiRequestRow.owner_id)
        .where(FoiRequestRow.status.in_(_OPEN))
        .group_by(FoiRequestRow.owner_id)
        .having(func.count(FoiRequestRow.id) >= AUTOMATIC_FROM)
    )
    return list(
        session.scalars(
            select(User).where(
                User.telegram_id.is_not(None)
                if audience == prompts.TELEGRAM
                else (User.telegram_id.is_(None) & User.email.is_not(None)),
                User.banned_at.is_(None),
                or_(User.digest.in_([DigestChoice.DAILY.value, DigestChoice.WEEKLY.value]),
                    and_(User.digest.is_(None), User.id.in_(many))),
            )
        )
    )  # fmt: skip


def take_due(db: Database, now: dt.datetime, audience: str = prompts.TELEGRAM) -> list[Digest]:
    """Claim and build every digest due now, for the chat's users or the email channel's."""
    local = now.astimezone(deadlines.LONDON)
    taken: list[Digest] = []
    with db.unit_of_work() as session:
        users = _candidates(session, audience)
        counts = _open_counts(session, [u.id for u in users])
        due = []
        for user in users:
            choice = effective(user.digest, counts.get(user.id, 0))
            last = user.digest_sent_at.astimezone(deadlines.LONDON) if user.digest_sent_at else None
            if is_due(choice, last, local):
                due.append((user.id, user.telegram_id, choice, user.digest_sent_at))
    for user_id, telegram_id, choice, previous in due:
        with db.unit_of_work() as session:
            moved = session.execute(
                update(User)
                .where(
                    User.id == user_id,
                    User.digest_sent_at.is_(None) if previous is None else User.digest_sent_at == previous,
                )
                .values(digest_sent_at=now)
                .execution_options(synchronize_session=False)
            )
            if moved.rowcount != 1:  # type: ignore[attr-defined]
                continue  # another process took it
            since = previous or now - PERIOD[choice]
            digest = _build(session, Digest(user_id, telegram_id, choice, since, previous, counts.get(user_id, 0)), now)
        taken.append(digest)
    return taken


def _build(session: Session, digest: Digest, now: dt.datetime) -> Digest:
    today = now.astimezone(deadlines.LONDON).date()
    held = session.execute(
        select(PromptSent, FoiRequestRow.reference, AuthorityRow.name, User.telegram_id)
        .join(FoiRequestRow, FoiRequestRow.id == PromptSent.request_id)
        .join(User, User.id == FoiRequestRow.owner_id)
        .outerjoin(AuthorityRow, AuthorityRow.id == FoiRequestRow.authority_id)
        .where(FoiRequestRow.owner_id == digest.user_id, PromptSent.held_for_digest.is_(True))
        .order_by(PromptSent.due_on, PromptSent.id)
    ).all()
    for claim, reference, authority, telegram_id in held:
        kind = PromptKind(claim.kind)
        digest.actions.append(
            Item(claim.request_id, reference or "", authority or "", PROMPT_WORDS[kind], claim.due_on)
        )
        digest.held.append(prompts.DuePrompt(claim.request_id, telegram_id, Prompt(kind, claim.due_on), claim.id))
    arrived = session.execute(
        select(FoiRequestRow.id, FoiRequestRow.reference, AuthorityRow.name, MessageRow.classification,
               MessageRow.stored_at)
        .join(MessageLink, MessageLink.request_id == FoiRequestRow.id)
        .join(MessageRow, MessageRow.id == MessageLink.message_id)
        .outerjoin(AuthorityRow, AuthorityRow.id == FoiRequestRow.authority_id)
        .where(FoiRequestRow.owner_id == digest.user_id, MessageLink.status == "attached",
               MessageRow.direction == "in", MessageRow.stored_at > digest.since)
        .order_by(MessageRow.stored_at)
        .limit(50)
    ).all()  # fmt: skip
    for request_id, reference, authority, kind, stored in arrived:
        what = (kind or "a message").replace("_", " ")
        digest.arrived.append(Item(request_id, reference or "", authority or "", what, stored.date()))
    soon = listing.find(
        session, Filter(owner_id=digest.user_id, due_before=today + dt.timedelta(days=8)), today, per_page=50
    )
    for listed in soon.items:
        item = Item(listed.id, listed.reference or "", listed.authority, _next_words(listed), listed.next_due_on)
        (digest.overdue if listed.next_due_on and listed.next_due_on < today else digest.coming).append(item)
    return digest


PROMPT_WORDS = {
    PromptKind.REPLY_DUE_SOON: "the reply is due soon",
    PromptKind.CHASER: "no reply by the due date: send a chaser",
    PromptKind.COMPLAINT_NO_REPLY: "still no reply: you can complain to the regulator",
    PromptKind.REVIEW_NO_REPLY: "no reply: you can require a review",
    PromptKind.REVIEW: "the answer fell short: ask for an internal review",
    PromptKind.REVIEW_REMINDER: "the window to ask for a review is closing",
    PromptKind.COMPLAINT_REVIEW_OVERDUE: "the review is overdue: you can complain",
    PromptKind.COMPLAINT_AFTER_REVIEW: "after the review: you can complain to the regulator",
    PromptKind.COMPLAINT_REMINDER: "the window to complain is closing",
}


def _next_words(listed: listing.Listed) -> str:
    status = listed.status
    if status in ("answered", "partly_answered", "refused", "not_held"):
        return "last day to ask for an internal review"
    if status == "review_requested":
        return "internal review decision due"
    if status == "review_answered":
        return "last day to complain to the regulator"
    return "reply due"


def digest_told(db: Database, digest: Digest, now: dt.datetime) -> None:
    """Telegram accepted the digest: its prompts are told (and noted on each request's timeline)."""
    if not digest.held:
        return
    prompts.record_told(db, digest.held, now)
    with db.unit_of_work() as session:
        session.execute(
            update(PromptSent)
            .where(PromptSent.id.in_([due.claim_id for due in digest.held]))
            .values(held_for_digest=False)
        )


def digest_failed(db: Database, digest: Digest) -> None:
    """Telegram refused it: the digest is due again (its prompts stay held)."""
    with db.unit_of_work() as session:
        session.execute(update(User).where(User.id == digest.user_id).values(digest_sent_at=digest.previous))
