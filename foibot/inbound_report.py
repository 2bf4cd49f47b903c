"""What ``foibot parse`` prints about an email."""

from __future__ import annotations

from typing import Any

from foi.authority_refs import find_authority_refs
from foi.references import find_references
from mail.autoreply import label_for
from mail.parse import parse_message


def describe(raw: bytes, max_bytes: int) -> dict[str, Any]:
    """Return the parser's view of ``raw`` as plain data."""
    parsed = parse_message(raw, max_bytes)
    searchable = f"{parsed.subject}\n{parsed.full_text()}"
    sender = parsed.from_address
    if sender and parsed.from_name:
        sender = f"{parsed.from_name} <{sender}>"
    return {
        "subject": parsed.subject,
        "from": sender,
        "date": parsed.date.isoformat() if parsed.date else None,
        "message_id": parsed.message_id,
        "in_reply_to": parsed.in_reply_to,
        "to": parsed.recipients,
        "text": parsed.text,
        "attachments": [
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "text_chars": len(a.text or ""),
                "note": a.note,
            }
            for a in parsed.attachments
        ],
        "label": label_for(parsed),
        "our_refs": find_references(searchable),
        "authority_refs": find_authority_refs(searchable),
        "oversized": parsed.oversized,
        "notes": parsed.notes,
    }


def as_text(report: dict[str, Any]) -> str:
    """Return the report as a short readable summary."""
    lines = [
        f"Subject:  {report['subject']}",
        f"From:     {report['from']}",
        f"Date:     {report['date']}",
        f"Label:    {report['label'] or '-'}",
        f"Our refs: {', '.join(report['our_refs']) or '-'}",
        f"Their refs: {', '.join(report['authority_refs']) or '-'}",
    ]
    for attachment in report["attachments"]:
        lines.append(
            f"Attachment: {attachment['filename'] or '(no name)'} {attachment['content_type']} "
            f"{attachment['size']:,} bytes, {attachment['text_chars']:,} characters of text"
        )
    lines.extend(f"Note: {note}" for note in report["notes"])
    lines += ["", report["text"]]
    return "\n".join(lines)
