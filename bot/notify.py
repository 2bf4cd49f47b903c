"""What the bot tells a user unprompted: a new reply, a message to confirm, a due follow-up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.screens import Button, Screen, esc
from bot.views import TELEGRAM_FILE_LIMIT, short_date, status_label
from foi.analysis import CONFIDENT
from foi.deadlines import late_promise
from foi.followup import Prompt
from foi.laws import law_for
from mail.matching import AUTH_FAILED
from mail.parse import DEFAULT_MAX_BYTES, Parser, parse_message
from service import notices
from service.replies import KIND_WORDS
from storage.models import FoiRequestRow, MessageRow

REVIEWABLE = {"partial", "refusal", "not_held", "information_provided"}


@dataclass
class Notice:
    telegram_id: int
    screens: list[Screen]
    pending: notices.PendingNotice | None = None  # what it tells: marked told once Telegram accepted it


NOTICE_LEASE = notices.LEASE


def claim_notices(
    session: Session,
    now: dt.datetime,
    limit: int = 20,
    parse: Parser = parse_message,
    lease: dt.timedelta = NOTICE_LEASE,
) -> list[Notice]:
    """Claim the chat's notices not yet told (``service.notices``) and return the screens that tell them."""
    told = []
    for pending in notices.claim(session, now, notices.TELEGRAM, limit, lease):
        screens = notice_screens(session, pending, parse)
        if pending.telegram_id is None or not screens:  # the request or its letter is gone meanwhile
            notices.told(session, pending, now)
            continue
        told.append(Notice(pending.telegram_id, screens, pending))
    return told


def notice_screens(session: Session, pending: notices.PendingNotice, parse: Parser = parse_message) -> list[Screen]:
    """The screens that tell one notice, in the chat's words."""
    request = session.get(FoiRequestRow, pending.request_id)
    if request is None:
        return []
    if pending.kind == notices.NoticeKind.SEND_FAILED:
        return [failed_letter_screen(request, pending.letter_kind or "letter", pending.error)]
    message = session.get(MessageRow, pending.message_id) if pending.message_id is not None else None
    if message is None:
        return []
    if pending.kind == notices.NoticeKind.DELIVERED:
        return [sent_screen(request, message)]
    if pending.kind == notices.NoticeKind.REPLY:
        return reply_screens(request, message, parse)
    return held_screens(request, message, pending.reason or "", pending.note)


def failed_letter_screen(request: FoiRequestRow, kind: str, error: str | None) -> Screen:
    """Tell the owner that a letter of theirs could not be delivered, and offer to correct the address."""
    text = (
        f"⛔ Your {esc(kind)} for <b>{esc(request.reference)}</b> could not be delivered to "
        f"{esc(request.authority.foi_email if request.authority else 'the authority')}.\n"
        f"The mail server said: <code>{esc(error or 'no reason given')}</code>\n\n"
        "Check the address on the authority's website, then correct it here and I will send it again."
    )
    buttons = [[("See the request", f"r:{request.id}")]]
    if kind == "request":
        buttons.insert(0, [("✏️ Correct the address and resend", f"ca:{request.id}")])
    return Screen(text, buttons)


def sent_screen(request: FoiRequestRow, message: MessageRow) -> Screen:
    """Tell the owner that a message of theirs has gone, and what it means for the deadlines."""
    authority = request.authority.name if request.authority else "the authority"
    kind = message.classification or "letter"
    if kind == "request" and request.reply_due_on:
        text = (
            f"✅ <b>{esc(request.reference)}</b> has been delivered to {esc(authority)}. "
            f"They received it on {short_date(request.received_on)}; the reply is due by "
            f"<b>{short_date(request.reply_due_on)}</b>."
        )
    elif kind == "clarification" and request.reply_due_on:
        text = (
            f"✅ Your clarification on <b>{esc(request.reference)}</b> has gone. A fresh 20 working days run: "
            f"the reply is now due by <b>{short_date(request.reply_due_on)}</b>."
        )
    else:
        text = f"✅ Your {esc(kind)} on <b>{esc(request.reference)}</b> has been delivered to {esc(authority)}."
    return Screen(text, [[("See the request", f"r:{request.id}")]])


def reply_screens(request: FoiRequestRow, message: MessageRow, parse: Parser = parse_message) -> list[Screen]:
    """Return the notice of a reply: who, what kind, what changed, its first lines, its files, and what to do."""
    authority = request.authority.name if request.authority else message.from_address or "the authority"
    analysis = message.analysis or {}
    kind = message.classification_by_user or message.classification or "other"
    uncertain = (
        message.label is None
        and message.classification_by_user is None
        and float(analysis.get("confidence", 1.0)) < CONFIDENT
    )
    if message.label == "bounce":
        headline = f"⛔ Your email about <b>{esc(request.reference)}</b> bounced: it did not reach {esc(authority)}."
    elif message.label == "auto_reply":
        headline = f"🤖 An automatic reply from {esc(authority)} on <b>{esc(request.reference)}</b>."
    elif uncertain:
        looks = f" (it may be {esc(KIND_WORDS.get(kind, kind))})" if kind != "other" else ""
        headline = (
            f"📨 <b>{esc(request.reference)}</b>: a letter from {esc(authority)}. I cannot tell for sure what kind "
            f"of letter it is{looks} — <b>what is it?</b> Your answer decides the next steps."
        )
    else:
        headline = f"📨 <b>{esc(request.reference)}</b>: {esc(KIND_WORDS.get(kind, kind))} from {esc(authority)}."
    lines = [
        headline,
        f"Subject: {esc(message.subject or '(no subject)')}",
        f"Status now: {status_label(request.status)}",
    ]
    changes = []
    law = law_for(request.regime)
    promised = dt.date.fromisoformat(analysis["promised_date"]) if analysis.get("promised_date") else None
    late = late_promise(law, request.received_on, promised, extension=kind == "extension")
    if late is not None:
        changes.append(
            f"⚠️ they promise a reply by {short_date(late.promised)}, <b>later than the law allows</b>: it is due by "
            f"<b>{short_date(late.allowed)}</b> ({esc(late.rule)}). I will offer a chaser after that date."
        )
    elif promised:
        changes.append(f"they promise a reply by {short_date(promised)}")
    if request.status == "clarification_requested":
        changes.append("the clock has stopped until you clarify — use Reply")
    unanswered = [c for c in analysis.get("coverage") or [] if c["status"] != "answered"]
    if unanswered:
        names = "\n".join(
            f"   {esc(c['part'])} — {esc(_short(c['text']))} ({c['status'].replace('_', ' ')})" for c in unanswered
        )
        changes.append(f"not fully answered:\n{names}")
    if analysis.get("exemptions"):
        changes.append(f"exemptions cited: {esc(', '.join(analysis['exemptions']))}")
    if request.review_request_by and kind in REVIEWABLE:
        changes.append(f"you can ask for a review until {short_date(request.review_request_by)}")
    if changes:
        lines.append("\n" + "\n".join(f"• {c}" for c in changes))
    preview = (message.parsed_text or "").strip()
    if preview:
        snippet = preview[:600] + ("…" if len(preview) > 600 else "")
        lines.append(f"\n<i>{esc(snippet)}</i>")
    if message.label == "bounce":
        # Answering a bounce would write to the address that bounced: offer to correct it instead.
        buttons: list[list[Button]] = [[("✏️ Correct the address and resend", f"ca:{request.id}")]]
        buttons.append([("See the request", f"r:{request.id}")])
        return [Screen("\n".join(lines), buttons)]
    if uncertain:
        choices = ("information_provided", "partial", "refusal", "not_held", "acknowledgement", "clarification")
        buttons = [
            [(KIND_WORDS[k].removeprefix("an ").removeprefix("a ").capitalize(), f"ks:{message.id}:{k}") for k in pair]
            for pair in (choices[:2], choices[2:4], choices[4:])
        ]
        buttons.append([("Something else…", f"kx:{message.id}"), ("↩️ Reply", f"rp:{message.id}")])
        return [Screen("\n".join(lines), buttons), *attachment_documents(message, parse=parse)]
    buttons = [[("↩️ Reply", f"rp:{message.id}"), ("✅ Kind is right", f"kc:{message.id}")]]
    buttons.append([("✏️ Correct the kind", f"kx:{message.id}"), ("🙈 Dismiss", f"dm:{message.id}")])
    if kind in REVIEWABLE and message.label is None:
        buttons.insert(1, [(f"🔁 Ask for an {law_for(request.regime).review_name}", f"rv:{request.id}")])
    screens = [Screen("\n".join(lines), buttons)]
    screens.extend(attachment_documents(message, parse=parse))
    return screens


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def attachment_documents(message: MessageRow, limit: int = 5, parse: Parser = parse_message) -> list[Screen]:
    """Return the message's attachments as documents; too large ones as a note with their text."""
    if message.raw is None or not message.attachments:
        return []
    parsed = parse(message.raw, DEFAULT_MAX_BYTES)
    screens = []
    for attachment in parsed.attachments[:limit]:
        name = attachment.filename or "attachment"
        if attachment.size > TELEGRAM_FILE_LIMIT:
            text = (attachment.text or "")[:3000]
            screens.append(Screen(f"📎 {esc(name)} is too large for Telegram ({attachment.size // 1_048_576} MB). "
                                  f"Its text begins:\n\n{esc(text) or '(no text)'}"))  # fmt: skip
        else:
            screens.append(Screen(f"📎 {esc(name)}", document=(name, attachment.data)))
    return screens


def held_screens(request: FoiRequestRow, message: MessageRow, reason: str, note: str | None = None) -> list[Screen]:
    """Ask the likely owner whether a held message belongs to their request."""
    why = {
        "sender_domain": "it comes from the same organisation",
        "our_reference": "it quotes your reference, but from an address I do not know",
        "thread": "it answers your email, but from an address I do not know",
        "reply_address": "it was sent to this request's address, from an address I do not know",
        "authority_reference": "it quotes their reference, from an address I do not know",
    }.get(reason, "it looks related")
    if note and note.startswith(AUTH_FAILED):
        why = "it names your request, but ⚠️ <b>its sender could not be verified</b> (it may be forged)"
    text = (
        f"📥 A message may belong to <b>{esc(request.reference)}</b> ({esc(request.title)}): {why}.\n"
        f"From: {esc(message.from_address or 'unknown')}\nSubject: {esc(message.subject or '(no subject)')}\n\n"
        f"<i>{esc((message.parsed_text or '')[:400])}</i>\n\nIs it about this request?"
    )
    buttons = [[("Yes, attach it", f"hy:{message.id}:{request.id}"), ("No", f"hn:{message.id}:{request.id}")]]
    return [Screen(text, buttons)]


PROMPT_TEXTS = {
    "reply_due_soon": "⏰ The reply to <b>{ref}</b> ({title}) is due by <b>{due}</b>.",
    "chaser": "⌛ The reply to <b>{ref}</b> ({title}) was due by <b>{due}</b> and has not come. Send a polite chaser?",
    "complaint_no_reply": (
        "⚖️ <b>{ref}</b> ({title}) is still unanswered well past {due}. You can complain to the "
        "Information Commissioner now; no internal review is needed for a missing reply."
    ),
    "review_no_reply": (
        "⚖️ <b>{ref}</b> ({title}) is still unanswered. In Scotland the next step is a requirement for "
        "review (FOISA s.20); after that the Scottish Information Commissioner."
    ),
    "review": (
        "🔁 The reply to <b>{ref}</b> ({title}) did not give you everything. You can ask for an internal "
        "review until <b>{window}</b>."
    ),
    "review_reminder": "🔁 Last days to ask for a review of <b>{ref}</b> ({title}): the window closes on <b>{due}</b>.",
    "complaint_review_overdue": (
        "⚖️ The review of <b>{ref}</b> ({title}) was due by <b>{due}</b> and has not come. You can complain "
        "to the regulator now."
    ),
    "complaint_after_review": (
        "⚖️ The review of <b>{ref}</b> ({title}) is decided. If you are not satisfied, you can complain to "
        "the regulator until <b>{window}</b>."
    ),
    "complaint_reminder": "⚖️ Last days to complain about <b>{ref}</b> ({title}): the window closes on <b>{due}</b>.",
}


def prompt_screen(
    request: FoiRequestRow, prompt: Prompt, unanswered: list[tuple[str, str, str]] | None = None
) -> Screen:
    """Return the prompt for the user, with the buttons that act on it."""
    window = request.review_request_by if prompt.kind.startswith("review") else request.complaint_by
    text = PROMPT_TEXTS[prompt.kind].format(
        ref=esc(request.reference), title=esc(request.title), due=short_date(prompt.due_on), window=short_date(window)
    )
    if unanswered and prompt.kind in ("review", "review_reminder", "complaint_after_review"):
        listed = "\n".join(
            f"• part {esc(label)}: {esc(text_)} — {status.replace('_', ' ')}" for label, text_, status in unanswered
        )
        text += f"\n\nNot fully answered:\n{listed}"
    rid = request.id
    actions: list[list[Button]] = []
    if prompt.kind == "chaser":
        actions.append([("✍️ Draft the chaser", f"ch:{rid}")])
    elif prompt.kind == "review_no_reply":
        actions.append([("✍️ Draft the requirement for review", f"cs:{rid}")])
    elif prompt.kind in ("review", "review_reminder"):
        actions.append([(f"✍️ Draft the {law_for(request.regime).review_name} request", f"rv:{rid}")])
    elif prompt.kind.startswith("complaint"):
        actions.append([("📄 Get the complaint pack", f"cp:{rid}"), ("I have complained", f"cm:{rid}")])
    if prompt.kind != "reply_due_soon":
        actions.append([("💤 Remind me in a week", f"sz:{rid}"), ("🔕 Stop reminding me", f"so:{rid}")])
    actions.append([("See the request", f"r:{rid}")])
    return Screen(text, actions)
