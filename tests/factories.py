"""Builders for test data and a clock tests can move."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from foi.questions import Question
from service.directory import add_authority
from storage.models import FoiRequestRow, User
from storage.requests import replace_questions

TWO_QUESTIONS = [
    Question("Policies in place to enable remote working since 1 January 2020"),
    Question("Number of new devices purchased:", ("Laptops", "Tablet computers", "Mobile phones")),
]


@dataclass
class MovableClock:
    """A clock that stands still until a test moves it."""

    current: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> dt.datetime:
        self.current += dt.timedelta(**delta)
        return self.current


def make_draft(
    session: Session,
    *,
    telegram_id: int | None = 1001,
    name: str = "Ada Lovelace",
    authority: str = "London Borough of Barnet",
    email: str = "foi@barnet.gov.uk",
    title: str = "Remote working",
    regime: str = "foia",
    questions: list[Question] | None = None,
) -> FoiRequestRow:
    """Add a user (or reuse theirs), an authority and a complete draft request."""
    user = session.query(User).filter_by(telegram_id=telegram_id).one_or_none() if telegram_id else None
    if user is None:
        user = User(telegram_id=telegram_id, real_name=name)
        session.add(user)
    body = add_authority(session, authority, email, regime=regime)
    request = FoiRequestRow(owner=user, authority=body, title=title, regime=regime)
    session.add(request)
    session.flush()
    replace_questions(session, request, questions if questions is not None else TWO_QUESTIONS)
    return request
