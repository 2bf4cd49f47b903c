"""The authority directory and the people who make requests."""

from __future__ import annotations

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
