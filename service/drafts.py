"""Writing a request: a new draft, its authority, title and questions, the letter it makes, deleting it,
and withdrawing a request already sent.

The chat (and later the web) call these; they check what the domain requires
(a body the user may write to, the limits of a shared instance) and leave the
screens to their callers.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from foi import letters
from foi.laws import law_for
from foi.lifecycle import Event, can
from foi.questions import Question
from service import limits
from storage.models import AuthorityRow, FoiRequestRow, User
from storage.requests import assign_reference, questions_of, replace_questions, transition


class DraftRefused(Exception):
    """The user may not start or change this draft now; the message says why."""


def owned_request(session: Session, user: User, request_id: int, sent_only: bool = False) -> FoiRequestRow | None:
    """The user's own request with this id (a sent one only, when ``sent_only``), or None.

    Every id that comes from outside — a button, a URL, a form — goes through
    here: someone else's request is the same None as a missing one.
    """
    request = session.get(FoiRequestRow, request_id)
    if request is None or request.owner_id != user.id or (sent_only and request.status == "draft"):
        return None
    return request


def start_draft(session: Session, user: User, limit: limits.Limits) -> FoiRequestRow:
    """Open a new, empty draft for ``user`` (raise DraftRefused past the instance's limits)."""
    refusal = limits.refusal_for_new_draft(session, user, limit)
    if refusal:
        raise DraftRefused(refusal)
    draft = FoiRequestRow(owner=user, status="draft", title="", regime="foia")
    session.add(draft)
    session.flush()
    return draft


def may_write_to(authority: AuthorityRow, user: User) -> bool:
    """A body of the shared directory, or one the user added themselves (README: "Bodies you add")."""
    return authority.added_by is None or authority.added_by == user.id


def choose_authority(session: Session, draft: FoiRequestRow, authority_id: int, user: User) -> AuthorityRow:
    """Address the draft to a body; its law follows the body's (raise DraftRefused when not open to the user)."""
    authority = session.get(AuthorityRow, authority_id)
    if authority is None or draft.status != "draft" or not may_write_to(authority, user):
        raise DraftRefused("That choice is no longer open.")
    draft.authority = authority
    draft.regime = authority.regime
    return authority


def set_title(draft: FoiRequestRow, title: str) -> None:
    draft.title = " ".join(title.split())


def set_questions(session: Session, draft: FoiRequestRow, questions: list[Question]) -> None:
    replace_questions(session, draft, questions)


def letter_for(session: Session, draft: FoiRequestRow) -> letters.Letter:
    """The request letter as it will be sent (the draft gets its reference now, so the preview is exact)."""
    assert draft.authority is not None
    reference = assign_reference(session, draft)
    addressing = letters.Addressing(draft.authority.name, draft.owner.real_name or "", reference, draft.title)
    return letters.initial_request(law_for(draft.regime), addressing, questions_of(draft))


def delete_draft(session: Session, draft: FoiRequestRow) -> None:
    if draft.status != "draft":
        raise DraftRefused("Only a draft can be deleted.")
    session.delete(draft)


def can_withdraw(request: FoiRequestRow) -> bool:
    return can(request.status, Event.WITHDRAW)


def withdraw(session: Session, request: FoiRequestRow, now: dt.datetime) -> None:
    """The requester withdraws the request: no more reminders (the correspondence is kept)."""
    if not can_withdraw(request):
        raise DraftRefused("That request cannot be withdrawn now.")
    transition(session, request, Event.WITHDRAW, now, "withdrawn by the requester")
