"""Who may use the web dashboard: one-time sign-in links, browser sessions and private calendar feeds.

No passwords. The chat's /dashboard (or ``foibot web link``) makes a link
that signs its user in once, within a few minutes; the browser then holds a
session cookie. Every token is 256 random bits and only its SHA-256 is
stored, so a copy of the database signs nobody in. Redeeming a link is one
conditional UPDATE: two browsers racing with the same link, one wins.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage.models import CalendarFeed, User, WebSession, WebSignIn

SIGN_IN_LIFETIME = dt.timedelta(minutes=15)
SESSION_LIFETIME = dt.timedelta(days=14)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _token() -> str:
    return secrets.token_urlsafe(32)


def new_sign_in(session: Session, user: User, now: dt.datetime, lifetime: dt.timedelta = SIGN_IN_LIFETIME) -> str:
    """Return a fresh one-time sign-in token for ``user`` (put it in a link; it is not kept)."""
    token = _token()
    session.add(WebSignIn(token_sha256=_digest(token), user_id=user.id, created_at=now, expires_at=now + lifetime))
    session.flush()
    return token


class Refusal(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    BANNED = "banned"


@dataclass(frozen=True)
class SignedIn:
    user_id: int
    cookie: str  # the session token for the browser's cookie
    csrf: str


def check(session: Session, token: str, now: dt.datetime) -> Refusal | None:
    """Say whether the sign-in token would work now, without spending it."""
    row = session.scalar(select(WebSignIn).where(WebSignIn.token_sha256 == _digest(token)))
    if row is None:
        return Refusal.UNKNOWN
    if row.used_at is not None:
        return Refusal.USED
    if row.expires_at <= now:
        return Refusal.EXPIRED
    return None


def redeem(session: Session, token: str, now: dt.datetime) -> SignedIn | Refusal:
    """Spend a sign-in token and open a browser session, or say why not."""
    digest = _digest(token)
    spent = session.execute(
        update(WebSignIn)
        .where(WebSignIn.token_sha256 == digest, WebSignIn.used_at.is_(None), WebSignIn.expires_at > now)
        .values(used_at=now)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        row = session.scalar(select(WebSignIn).where(WebSignIn.token_sha256 == digest))
        if row is None:
            return Refusal.UNKNOWN
        return Refusal.USED if row.used_at is not None else Refusal.EXPIRED
    user_id = session.scalar(select(WebSignIn.user_id).where(WebSignIn.token_sha256 == digest))
    user = session.get(User, user_id)
    if user is None or user.banned_at is not None:
        return Refusal.BANNED
    cookie, csrf = _token(), secrets.token_hex(16)
    session.add(
        WebSession(
            token_sha256=_digest(cookie), user_id=user.id, csrf=csrf, created_at=now, expires_at=now + SESSION_LIFETIME
        )
    )
    # Old links and sessions are not kept beyond their life.
    session.execute(delete(WebSignIn).where(WebSignIn.expires_at < now - dt.timedelta(days=1)))
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    return SignedIn(user.id, cookie, csrf)


@dataclass(frozen=True)
class Visitor:
    user: User
    csrf: str


def visitor(session: Session, cookie: str | None, now: dt.datetime) -> Visitor | None:
    """Return who holds this session cookie, or None (no cookie, unknown, expired, banned)."""
    if not cookie or len(cookie) > 100:
        return None
    row = session.scalar(select(WebSession).where(WebSession.token_sha256 == _digest(cookie)))
    if row is None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or user.banned_at is not None:
        return None
    return Visitor(user, row.csrf)


def sign_out(session: Session, cookie: str | None) -> None:
    if cookie:
        session.execute(delete(WebSession).where(WebSession.token_sha256 == _digest(cookie)))


def csrf_matches(expected: str, given: str | None) -> bool:
    return bool(given) and secrets.compare_digest(expected, given or "")


# --- calendar feeds ------------------------------------------------------------


def new_feed(session: Session, user: User, query: str, now: dt.datetime) -> str:
    """Return the token of a new private feed of the list ``query`` (a URL query string) names."""
    token = _token()
    session.add(CalendarFeed(token_sha256=_digest(token), user_id=user.id, query=query[:1000], created_at=now))
    session.flush()
    return token


def feeds_of(session: Session, user: User) -> list[CalendarFeed]:
    return list(
        session.scalars(
            select(CalendarFeed)
            .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
            .order_by(CalendarFeed.id)
        )
    )


def revoke_feed(session: Session, user: User, feed_id: int, now: dt.datetime) -> bool:
    """Revoke one of the user's feeds; False when it is not theirs or already revoked."""
    done = session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.id == feed_id, CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return done.rowcount == 1  # type: ignore[attr-defined]


def feed(session: Session, token: str) -> tuple[User, str] | None:
    """Return the owner and list query of a live feed token, or None."""
    if not token or len(token) > 100:
        return None
    row = session.scalar(
        select(CalendarFeed).where(CalendarFeed.token_sha256 == _digest(token), CalendarFeed.revoked_at.is_(None))
    )
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or user.banned_at is not None:
        return None
    return user, row.query
