"""What ``foibot timeline REF`` prints: a request's whole history, for the operator."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from foi.laws import law_for
from storage.models import FoiRequestRow, MessageLink, MessageRow, PromptSent, TimelineEvent

DATE_FIELDS = (
    ("received by the authority", "received_on"),
    ("reply due", "reply_due_on"),
    ("chase after", "reply_due_lenient_on"),
    ("very overdue after", "very_overdue_on"),
    ("extended to", "extended_due_on"),
    ("promised by", "promised_on"),
    ("clarification asked", "clarification_asked_on"),
    ("clarification sent", "clarification_sent_on"),
    ("responded", "responded_on"),
    ("review request by", "review_request_by"),
    ("review requested", "review_requested_on"),
    ("review reply due", "review_reply_due_on"),
    ("review reply due at the latest", "review_reply_due_max_on"),
    ("review decided", "review_decided_on"),
    ("complain by", "complaint_by"),
    ("complaint made", "complaint_made_on"),
    ("snoozed until", "snoozed_until"),
)


def render(session: Session, request: FoiRequestRow) -> str:
    law = law_for(request.regime)
    authority = request.authority
    lines = [
        f"{request.reference}  {request.title}",
        f"to {authority.name} <{authority.foi_email}>" if authority else "to (no authority)",
        f"by {request.owner.real_name} · {law.short_name} · status {request.status}"
        + (" · reminders off" if request.reminders_off else ""),
        "",
        "Dates:",
    ]
    for label, field in DATE_FIELDS:
        value = getattr(request, field)
        if value:
            lines.append(f"  {label:<32} {value:%a %d %b %Y}")
    lines += ["", "History:"]
    events = session.scalars(
        select(TimelineEvent).where(TimelineEvent.request_id == request.id).order_by(TimelineEvent.at, TimelineEvent.id)
    )
    lines.extend(f"  {e.at:%Y-%m-%d %H:%M} UTC  {e.kind:<20} {e.summary}" for e in events)
    lines += ["", "Messages:"]
    rows = session.execute(
        select(MessageRow, MessageLink.reason, MessageLink.status)
        .join(MessageLink, MessageLink.message_id == MessageRow.id)
        .where(MessageLink.request_id == request.id)
        .order_by(MessageRow.id)
    ).all()
    for message, reason, status in rows:
        when = message.sent_date or message.stored_at
        who = f"from {message.from_address}" if message.direction == "in" else f"to {', '.join(message.to_addresses)}"
        kind = message.classification_by_user or message.classification or "-"
        label = f" [{message.label}]" if message.label else ""
        lines.append(
            f"  #{message.id} {when:%Y-%m-%d %H:%M} {message.direction:<3} {who}  {message.subject or '(no subject)'}"
            f"  kind={kind}{label} match={reason}/{status}"
        )
    prompts = session.scalars(select(PromptSent).where(PromptSent.request_id == request.id).order_by(PromptSent.id))
    lines += ["", "Prompts sent:"]
    lines.extend(f"  {p.sent_at:%Y-%m-%d %H:%M} UTC  {p.kind} (for {p.due_on:%d %b %Y})" for p in prompts)
    return "\n".join(lines)
