"""Texts and read-only screens: the request list, a request's page, its messages and files."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.screens import Button, Screen, esc
from foi.actions import Action, open_actions
from foi.deadlines import is_overdue
from foi.laws import law_for
from foi.lifecycle import Status
from mail.parse import DEFAULT_MAX_BYTES, Parser, parse_message, safe_filename
from service import correspondence, request_view
from storage.models import Attachment, FoiRequestRow, MessageLink, MessageRow, TimelineEvent, User

WELCOME = (
    "👋 <b>foibot</b> helps you ask UK public bodies for information under the Freedom of "
    "Information laws, and follows each request through to the end.\n\n"
    "• I help you write a clear request, then email it <b>from my own mailbox</b> to the "
    "body's FOI address, with a reference number.\n"
    "• Their replies come back to me and I bring them to you here, with what they answered, "
    "what they left out and the deadlines that apply.\n"
    "• When a deadline passes or an answer falls short, I draft the chaser, the internal "
    "review or the complaint to the Information Commissioner for you to send.\n\n"
    "<b>Privacy:</b> your requests and the replies are sent and kept by this bot's operator, in its "
    "database and mailbox, for as long as you keep your account. FOI replies are not private: anything "
    "you ask may be published by the body. Your Telegram account is never shown to them; your real name "
    "is. /mydata gives you a copy of everything held about you; /forget erases your account (sent "
    "requests stay, nameless, as correspondence with a public body)."
)
NAME_WHY = (
    "Why your real name: the Freedom of Information Act (s.8) and the Scottish Act need a "
    "request to give the requester's real name. A pseudonym makes the request — and any "
    "later complaint to the Commissioner — invalid. (Environmental requests under the EIR do "
    "not need it, but it does no harm.)"
)
ASK_NAME = f"What is your <b>full real name</b>, as it should appear on your requests?\n\n{NAME_WHY}"
ASK_NAME_SHORT = "Please type your full real name, e.g. <i>Ada Lovelace</i>."
ASK_AUTHORITY = "Which public body do you want to ask? Type part of its name, e.g. <i>barnet</i> or <i>home office</i>."
ASK_TITLE = "Give the request a short title for the subject line, e.g. <i>Remote working devices 2020</i>."
ASK_FIRST_QUESTION = (
    "Now type your first question. Ask for <b>recorded information</b> (documents, figures, "
    "emails), name a <b>time period</b>, and keep it specific. You can add sub-items (a, b, c…) next."
)
COMMAND_LIST = (
    "/new writes a request, /batch one to many bodies, /requests shows yours, /drafts the unsent ones, "
    "/help explains more."
)
HELP = (
    "<b>How foibot works</b>\n\n"
    "/new — pick the public body, give a title, then add numbered questions (with sub-items "
    "a, b, c… if you like). I point out questions that usually get refused. Preview the exact "
    "letter, then send it.\n"
    "/requests — every request, its status and next date, filtered (overdue, answered, refused…), by "
    "project or tag; as CSV or a calendar of deadlines.\n"
    "/batch — one request to many bodies, each with its own reference and deadlines; /batches lists them.\n"
    "/drafts — requests you started but have not sent.\n"
    "/dashboard — a one-time link to all your requests in a web browser (where the operator has it on).\n"
    "/mydata — a copy of everything I hold about you; /forget — erase your account.\n"
    "/settings — your name.\n"
    "/cancel — stop what you are doing (a draft is kept).\n\n"
    "<b>Deadlines.</b> A body must answer within 20 working days of receiving your request "
    "(FOIA s.10, FOISA s.10, EIR/EISR reg 5). I count them for you, including bank holidays."
)

STATUS_LABELS = {
    Status.DRAFT: "📝 draft",
    Status.QUEUED: "⏳ being sent",
    Status.SENT: "📤 sent, awaiting reply",
    Status.UNDELIVERED: "⛔ not delivered",
    Status.ACKNOWLEDGED: "📬 acknowledged",
    Status.CLARIFICATION_REQUESTED: "❓ they asked you to clarify",
    Status.FEE_REQUESTED: "💷 fee requested",
    Status.EXTENDED: "⏳ extended",
    Status.ANSWERED: "✅ answered",
    Status.PARTLY_ANSWERED: "🟡 partly answered",
    Status.REFUSED: "❌ refused",
    Status.NOT_HELD: "🔍 not held",
    Status.REVIEW_REQUESTED: "🔁 review requested",
    Status.REVIEW_ANSWERED: "🔁 review answered",
    Status.COMPLAINT_MADE: "⚖️ complaint made",
    Status.CLOSED: "🏁 closed",
    Status.WITHDRAWN: "↩️ withdrawn",
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(Status(status), status)


def short_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else "—"


def nation_buttons() -> list[list[Button]]:
    return [
        [("England", "nat:england"), ("Wales", "nat:wales")],
        [("Scotland", "nat:scotland"), ("Northern Ireland", "nat:northern_ireland")],
        [("UK-wide body", "nat:uk")],
    ]


def law_switch(regime: str) -> Button | None:
    """Return the button that switches between FOI and the environmental regulations."""
    other = {"foia": "eir", "eir": "foia", "foisa": "eisr", "eisr": "foisa"}[regime]
    return (f"⚖️ Use {law_for(other).short_name} instead", f"law:{other}")


def draft_label(draft: FoiRequestRow) -> str:
    to = draft.authority.name if draft.authority else "no body chosen"
    return f"{(draft.title or 'Untitled')[:30]} → {to[:25]}"


def _due(request: FoiRequestRow) -> dt.date | None:
    return request.promised_on or request.extended_due_on or request.reply_due_on


def request_page(session: Session, request: FoiRequestRow, today: dt.date) -> list[Screen]:
    """Return a request's page: where it stands, its deadlines, timeline, messages and actions."""
    law = law_for(request.regime)
    authority = request.authority
    lines = [
        f"<b>{esc(request.reference or 'Draft')}</b> — {esc(request.title)}",
        f"To: {esc(authority.name) if authority else '—'}"
        + (f" &lt;{esc(authority.foi_email)}&gt;" if authority else ""),
        f"Law: {esc(law.short_name)} · Status: {status_label(request.status)}",
    ]
    dates = [
        ("Received by them", request.received_on),
        ("Reply due", request.reply_due_on),
        ("Chase after", request.reply_due_lenient_on),
        ("Extended to", request.extended_due_on),
        ("They promised", request.promised_on),
        ("Review due", request.review_reply_due_on),
    ]
    shown = [f"{label}: {short_date(day)}" for label, day in dates if day]
    if shown:
        lines.append("")
        lines.extend(shown)
        due = _due(request)
        if request.status in ("sent", "acknowledged", "extended") and is_overdue(due, today):
            lines.append(f"⚠️ <b>Overdue</b> since {short_date(due)}.")
    events = session.scalars(
        select(TimelineEvent)
        .where(TimelineEvent.request_id == request.id)
        .order_by(TimelineEvent.at.desc(), TimelineEvent.id.desc())
        .limit(8)
    ).all()
    if events:
        lines.append("\n<b>Timeline</b>")
        lines.extend(f"{short_date(e.at.date())} — {esc(e.summary[:150])}" for e in reversed(events))
    buttons: list[list[Button]] = []
    messages = session.execute(
        select(MessageRow.id, MessageRow.direction, MessageRow.subject, MessageRow.sent_date, MessageRow.stored_at)
        .join(MessageLink, MessageLink.message_id == MessageRow.id)
        .where(MessageLink.request_id == request.id, MessageLink.status == "attached")
        .order_by(MessageRow.id)
        .limit(12)
    ).all()
    for message_id, direction, subject, sent, stored in messages:
        arrow = "📨" if direction == "in" else "📤"
        when = (sent or stored).date()
        buttons.append([(f"{arrow} {short_date(when)} {(subject or '(no subject)')[:35]}", f"m:{message_id}")])
    buttons.extend(_actions(request, law, today))
    buttons.append([("⬅ Back to the list", "rl:0")])
    return [Screen("\n".join(lines), buttons)]


def _actions(request: FoiRequestRow, law, today: dt.date) -> list[list[Button]]:  # type: ignore[no-untyped-def]
    """Return the buttons for what can be done with the request now (foi/actions.py decides which)."""
    rid = request.id
    buttons: dict[Action, Button] = {
        Action.CORRECT_ADDRESS: ("✏️ Correct the address and resend", f"ca:{rid}"),
        Action.CHASER: ("✍️ Draft a chaser", f"ch:{rid}"),
        Action.REQUIRE_REVIEW: ("✍️ Require a review (no reply)", f"cs:{rid}"),
        Action.REVIEW: (f"🔁 Ask for an {law.review_name}", f"rv:{rid}"),
        Action.COMPLAINT_PACK: ("📄 Complaint pack", f"cp:{rid}"),
        Action.SNOOZE: ("💤 Snooze a week", f"sz:{rid}"),
        Action.STOP_REMINDERS: ("🔕 Stop reminding me", f"so:{rid}"),
        Action.WITHDRAW: ("↩️ Withdraw", f"wd:{rid}"),
    }
    found = open_actions(request_view.situation_of(request), law, today)
    rows = [[buttons[a]] for a in found if a not in (Action.SNOOZE, Action.STOP_REMINDERS, Action.WITHDRAW)]
    quiet = [buttons[a] for a in found if a in (Action.SNOOZE, Action.STOP_REMINDERS)]
    if quiet:
        rows.append(quiet)
    if Action.WITHDRAW in found:
        rows.append([buttons[Action.WITHDRAW]])
    if request.status not in ("draft", "queued") and request.reference:
        rows.append([("📮 Add a letter I received", f"pl:{rid}")])
    if request.status != "draft":
        rows.append([("🏷 Tags", f"tg:{rid}"), ("📁 Project", f"pj:{rid}"), ("📊 Body's record", f"st:{rid}")])
        rows.append([("🗂 All its emails (zip)", f"rz:{rid}")])
    return rows


def own_message(session: Session, user: User, message_id: int) -> tuple[MessageRow, FoiRequestRow] | None:
    """Return the message and its request when the message is attached to a request of ``user``."""
    return correspondence.own_message(session, user.id, message_id)


def message_screens(
    session: Session, message: MessageRow, request: FoiRequestRow, parse: Parser = parse_message
) -> list[Screen]:
    when = message.sent_date or message.stored_at
    who = "You" if message.direction == "out" else esc(message.from_address or "unknown sender")
    label = {"bounce": " · ⛔ bounce", "auto_reply": " · 🤖 automatic reply"}.get(message.label or "", "")
    text = message.parsed_text
    if text is None and message.raw is not None:
        text = parse(message.raw, DEFAULT_MAX_BYTES).text
    header = f"<b>{esc(message.subject or '(no subject)')}</b>\n{who} · {when:%d %b %Y %H:%M} UTC{label}\n\n"
    attachments = session.scalars(
        select(Attachment).where(Attachment.message_id == message.id).order_by(Attachment.position)
    ).all()
    buttons = [
        [(f"📎 {(safe_filename(a.filename) or 'file')[:40]} ({_size(a.size)})", f"f:{a.id}")] for a in attachments[:10]
    ]
    buttons.append([("⬅ Back to the request", f"r:{request.id}")])
    return [Screen(header + esc(text or "(no text)"), buttons)]


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{max(size // 1024, 1)} KB"


TELEGRAM_FILE_LIMIT = 50 * 1024 * 1024


def attachment_screen(session: Session, user: User, attachment_id: int, parse: Parser = parse_message) -> Screen | None:
    """Return the attachment as a file to send, if it belongs to one of the user's messages."""
    try:
        found = correspondence.attachment_file(session, user.id, attachment_id, parse)
    except correspondence.Unreadable as exc:
        return Screen(esc(str(exc)))
    if found is None:
        return None
    if len(found.data) > TELEGRAM_FILE_LIMIT:
        return Screen(f"{esc(found.name)} is too large for Telegram ({_size(len(found.data))}). "
                      f"Its text begins:\n\n{esc(found.text[:3500]) or '(no text)'}")  # fmt: skip
    return Screen(esc(found.name), document=(found.name, found.data))
