"""A user's own data: everything held about them as one zip (/mydata), and erasing their account (/forget).

What /forget keeps, and why (README "Privacy"): a request that was sent is
correspondence with a public body — the body holds it too, and it may be
needed to answer the body, the regulator or a tribunal — so each sent
request stays, with its letters, replies and timeline, attached to a
nameless placeholder account that no one can sign in to and that is never
prompted again. Everything else goes: the name, Telegram id, email address
and settings; drafts never sent; projects and tags; prompts; digests;
sign-in links, browser sessions and calendar feeds; letters offered by
email; and bodies the user added for themselves that no kept request uses.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from service.exports import write_requests
from storage.models import (
    AuthorityRow,
    CalendarFeed,
    EmailAction,
    FoiRequestRow,
    OutboxMessage,
    Project,
    PromptSent,
    RequestTag,
    User,
    WebSession,
    WebSignIn,
)

KEPT_NOTE = (
    "Sent requests are kept with their correspondence: it is correspondence with a public body, which "
    "holds it too. They are attached to a nameless account that can no longer be used."
)


def _day(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _request(session: Session, request: FoiRequestRow) -> dict[str, Any]:
    dates = {
        column.key: _day(getattr(request, column.key))
        for column in FoiRequestRow.__table__.columns  # type: ignore[attr-defined]
        if column.key.endswith(("_on", "_by", "_at", "_until"))
    }
    prompts = session.scalars(select(PromptSent).where(PromptSent.request_id == request.id).order_by(PromptSent.id))
    return {
        "reference": request.reference,
        "title": request.title,
        "status": request.status,
        "law": request.regime,
        "authority": request.authority.name if request.authority else None,
        "authority_email": request.authority.foi_email if request.authority else None,
        "project": request.project.name if request.project else None,
        "tags": [t.tag for t in request.tag_rows],
        "questions": [{"position": p.position, "parent": p.parent_id, "text": p.text} for p in request.parts],
        "dates": dates,
        "timeline": [{"at": e.at.isoformat(), "kind": e.kind, "summary": e.summary} for e in request.events],
        "prompts": [
            {"kind": p.kind, "due_on": _day(p.due_on), "sent_at": _day(p.sent_at), "answered": p.answered}
            for p in prompts
        ],  # fmt: skip
    }


def my_data(session: Session, user: User, now: dt.datetime) -> bytes:
    """Everything held about ``user`` as a zip: their account, each request with its emails, analyses and prompts."""
    requests = list(session.scalars(select(FoiRequestRow).where(FoiRequestRow.owner_id == user.id).order_by(
        FoiRequestRow.id)))  # fmt: skip
    from storage.models import MessageLink, MessageRow

    analyses = [
        {"request": reference, "message": message_id, "subject": subject, "kind": kind, "analysis": analysis}
        for reference, message_id, subject, kind, analysis in session.execute(
            select(FoiRequestRow.reference, MessageRow.id, MessageRow.subject, MessageRow.classification,
                   MessageRow.analysis)
            .join(MessageLink, MessageLink.request_id == FoiRequestRow.id)
            .join(MessageRow, MessageRow.id == MessageLink.message_id)
            .where(FoiRequestRow.owner_id == user.id, MessageRow.analysis.is_not(None))
            .order_by(MessageRow.id)
        )
    ]  # fmt: skip
    account = {
        "made_at": now.isoformat(),
        "telegram_id": user.telegram_id,
        "real_name": user.real_name,
        "email": user.email,
        "created_at": _day(user.created_at),
        "digest": user.digest,
        "projects": [p.name for p in session.scalars(select(Project).where(Project.owner_id == user.id))],
        "bodies_you_added": [
            {"name": a.name, "foi_email": a.foi_email}
            for a in session.scalars(select(AuthorityRow).where(AuthorityRow.added_by == user.id))
        ],
        "calendar_feeds": len(session.scalars(select(CalendarFeed.id).where(CalendarFeed.user_id == user.id)).all()),
        "conversation_in_progress": user.conversation or {},
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", (
            "Everything this foibot holds about you.\n\naccount.json — your account and settings\n"
            "requests.json — each request: its questions, dates, timeline and the prompts you were sent\n"
            "analyses.json — how each reply was read\n<reference> <body>/ — each request's emails (.eml, "
            "exactly as sent and received), their attachments and its timeline\n"))  # fmt: skip
        archive.writestr("account.json", json.dumps(account, indent=2, ensure_ascii=False))
        archive.writestr("requests.json", json.dumps([_request(session, r) for r in requests], indent=2,
                                                     ensure_ascii=False))  # fmt: skip
        archive.writestr("analyses.json", json.dumps(analyses, indent=2, ensure_ascii=False))
        write_requests(session, archive, requests)
    return out.getvalue()


def forget(session: Session, user: User, now: dt.datetime) -> int:
    """Erase the user's account as the module docstring says; return how many sent requests are kept."""
    mine = select(FoiRequestRow.id).where(FoiRequestRow.owner_id == user.id)
    sent = select(OutboxMessage.request_id).where(OutboxMessage.request_id.is_not(None))
    never_sent = list(session.scalars(mine.where(~FoiRequestRow.id.in_(sent))))
    kept = list(session.scalars(mine.where(FoiRequestRow.id.in_(sent))))
    session.execute(delete(EmailAction).where(EmailAction.user_id == user.id))
    for table in (WebSignIn, WebSession, CalendarFeed):
        session.execute(delete(table).where(table.user_id == user.id))
    session.execute(delete(PromptSent).where(PromptSent.request_id.in_(kept)))
    session.execute(delete(RequestTag).where(RequestTag.request_id.in_(kept)))
    session.execute(update(FoiRequestRow).where(FoiRequestRow.id.in_(kept)).values(project_id=None, reminders_off=True))
    if never_sent:  # drafts: the database cascades to their questions, events and tags
        session.execute(delete(FoiRequestRow).where(FoiRequestRow.id.in_(never_sent)))
        session.expire(user, ["requests"])
    session.execute(delete(Project).where(Project.owner_id == user.id))
    used = exists().where(FoiRequestRow.authority_id == AuthorityRow.id)
    session.execute(delete(AuthorityRow).where(AuthorityRow.added_by == user.id, ~used))  # the rest stay private
    user.telegram_id = None
    user.real_name = None
    user.email = None
    user.conversation = {}
    user.digest = "off"
    user.digest_sent_at = None
    user.banned_at = user.banned_at or now  # nothing can be done in its name any more
    user.ban_reason = "forgotten at the user's request"
    return len(kept)
