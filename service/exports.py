"""Taking requests away: a CSV of any list, a calendar of deadlines, a zip of whole correspondence.

- CSV: one row per request, the columns of ``CSV_COLUMNS`` (stdlib ``csv``).
- iCalendar: one whole-day event per deadline (reply due, review window
  closes, review decision due, complaint window closes). Each event's UID is
  fixed by the request and the kind of deadline, and its SEQUENCE grows with
  every change of the request, so a calendar that imports the file again
  moves the event rather than adding a second one (RFC 5545 §3.8.7.4).
- zip: for each request, every email sent and received exactly as kept
  (``.eml``, byte for byte), each attachment as its own file, and the
  timeline; a project's zip adds the CSV of its requests. Written to a file
  object so a large project never sits whole in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from typing import BinaryIO

import icalendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from foi.tracking import DEADLINE_SUMMARIES, deadline_events
from mail.parse import DEFAULT_MAX_BYTES, parse_message
from service.listing import Listed, dates_of
from storage.models import FoiRequestRow, MessageLink, MessageRow

CSV_COLUMNS = (
    "reference", "authority", "title", "status", "overdue", "project", "tags", "sent", "reply_due",
    "responded", "review_request_by", "review_due", "next_due", "exemptions", "parts_unanswered",
)  # fmt: skip


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def csv_of(items: Iterable[Listed]) -> str:
    """The list as CSV text (UTF-8, a header row, dates as YYYY-MM-DD, lists joined with '; ')."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in items:
        writer.writerow(
            [
                item.reference or "", item.authority, item.title, item.status, "yes" if item.overdue else "",
                item.project or "", "; ".join(item.tags), _day(item.sent_on), _day(item.due_on),
                _day(item.responded_on), _day(item.review_request_by), _day(item.review_due_on),
                _day(item.next_due_on), "; ".join(item.exemptions), "; ".join(item.parts_unanswered),
            ]
        )  # fmt: skip
    return out.getvalue()


def ics_of(requests: Iterable[FoiRequestRow], now: dt.datetime, name: str = "FOI deadlines") -> bytes:
    """The requests' deadlines as an iCalendar file."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//foibot//FOI deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for request in requests:
        if not request.reference:
            continue
        authority = request.authority.name if request.authority else ""
        changed = request.updated_at or now
        for deadline in deadline_events(request.reference, dates_of(request)):
            event = icalendar.Event()
            event.add("uid", deadline.uid)
            event.add("summary", f"{request.reference}: {DEADLINE_SUMMARIES[deadline.kind]} — {authority}")
            event.add("description", f"{request.title}\nTo: {authority}\nStatus: {request.status.replace('_', ' ')}")
            event.add("dtstart", deadline.day)  # a date: a whole-day event
            event.add("dtend", deadline.day + dt.timedelta(days=1))
            event.add("dtstamp", now)
            event.add("last-modified", changed)
            event.add("sequence", max(0, int(changed.timestamp()) - 1_700_000_000))
            event.add("transp", "TRANSPARENT")
            event.add("categories", ["FOI"])
            calendar.add_component(event)
    return calendar.to_ical()


_UNSAFE = re.compile(r"[^\w.\- ()]+")


def safe_name(name: str, fallback: str) -> str:
    """A file name that cannot leave its folder or upset an unzip tool."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" ._")[:120]
    return cleaned or fallback


def write_zip(
    session: Session,
    requests: list[FoiRequestRow],
    out: BinaryIO,
    index_csv: str | None = None,
    max_parse_bytes: int = DEFAULT_MAX_BYTES,
) -> int:
    """Write every request's correspondence to ``out`` as a zip; return how many emails it holds."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if index_csv is not None:
            archive.writestr("requests.csv", index_csv)
        return write_requests(session, archive, requests, max_parse_bytes)


def write_requests(
    session: Session, archive: zipfile.ZipFile, requests: list[FoiRequestRow], max_parse_bytes: int = DEFAULT_MAX_BYTES
) -> int:
    """Add a folder per request to ``archive``: its emails as sent and received, their attachments, its timeline."""
    emails = 0
    for request in requests:
        authority = request.authority.name if request.authority else "unknown body"
        folder = safe_name(f"{request.reference or f'draft-{request.id}'} {authority}", f"request-{request.id}")
        archive.writestr(f"{folder}/timeline.txt", _timeline(request))
        for number, message in enumerate(_messages(session, request.id), start=1):
            when = message.sent_date or message.stored_at
            direction = "sent" if message.direction == "out" else "received"
            stem = f"{number:03d}-{when:%Y-%m-%d}-{direction}"
            archive.writestr(f"{folder}/{stem}.eml", message.raw or b"")
            emails += 1
            if message.direction == "in" and message.raw:
                _attachments(archive, f"{folder}/{stem}-attachments", message.raw, max_parse_bytes)
    return emails


def _messages(session: Session, request_id: int) -> list[MessageRow]:
    return list(
        session.scalars(
            select(MessageRow)
            .join(MessageLink, MessageLink.message_id == MessageRow.id)
            .where(MessageLink.request_id == request_id, MessageLink.status == "attached")
            .order_by(MessageRow.sent_date, MessageRow.id)
        )
    )


def _attachments(archive: zipfile.ZipFile, folder: str, raw: bytes, max_parse_bytes: int) -> None:
    try:
        parsed = parse_message(raw, max_parse_bytes)
    except Exception:  # the .eml itself is in the zip; a part we cannot read is left inside it
        return
    used: set[str] = set()
    for position, attachment in enumerate(parsed.attachments, start=1):
        if not attachment.data:
            continue
        name = safe_name(attachment.filename or "", f"attachment-{position}")
        while name in used:
            name = f"{position}-{name}"
        used.add(name)
        archive.writestr(f"{folder}/{name}", attachment.data)


def _timeline(request: FoiRequestRow) -> str:
    lines = [f"{request.reference or 'draft'}: {request.title}", f"Status: {request.status}", ""]
    for event in request.events:
        lines.append(f"{event.at:%Y-%m-%d %H:%M} UTC  {event.summary}")
    return "\n".join(lines) + "\n"
