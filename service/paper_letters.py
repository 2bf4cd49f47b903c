"""A letter that came by post: added by its requester as a photo or a PDF, read, and fed to the same ladder.

The file is kept whole at once, inside an email of our own making (so every
letter, whatever way it came, is one raw message with its attachments). It
waits for the requester to say the day it arrived — the legal dates run from
then — and is then read like any reply: its text from the PDF, or by OCR from
a photo, analysed against the request's questions, and the request moves on.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy.orm import Session

from foi import deadlines
from foi.analysis import Analysis
from foi.authority_refs import find_authority_refs, normalize_authority_ref
from foi.correspondence import LinkStatus, MessageState
from mail.compose import new_message_id
from mail.extract import extract_text
from mail.headers import header_message_id
from mail.ocr import read_image
from mail.parse import DEFAULT_MAX_BYTES, ParsedMessage, Parser, parse_message
from service.replies import analyse_reply, on_reply_attached
from storage import inbox
from storage.models import Attachment, FoiRequestRow, MessageLink, MessageRow
from storage.requests import add_event, questions_of

MAX_FILE_BYTES = 20 * 1024 * 1024  # what the Bot API lets a bot download
PAPER_DOMAIN = "paper.invalid"  # a letter by post has no sender address: this reserved name says so
KINDS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp",
         "image/tiff": "tif", "image/heic": "heic"}  # fmt: skip
OLDEST = dt.timedelta(days=400)


class PaperRefused(Exception):
    """The file or the date cannot be used; the message says why."""


def receive(
    session: Session, request: FoiRequestRow, filename: str, content_type: str, data: bytes, now: dt.datetime
) -> MessageRow:
    """Keep the file at once, whole, as a message waiting for the day it arrived."""
    content_type = content_type.lower().split(";")[0].strip()
    if content_type not in KINDS:
        raise PaperRefused("send the letter as a photo or a PDF")
    if not data:
        raise PaperRefused("that file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise PaperRefused(f"that file is over {MAX_FILE_BYTES // 1_048_576} MB")
    authority = request.authority.name if request.authority else "the public body"
    letter = EmailMessage()
    letter["From"] = f'"{authority[:100]} (by post)" <post@{PAPER_DOMAIN}>'.replace("\n", " ")
    letter["To"] = f"requester@{PAPER_DOMAIN}"
    letter["Subject"] = f"Letter received by post [{request.reference}]"
    letter["Date"] = format_datetime(now)
    letter["Message-ID"] = new_message_id(request.reference, PAPER_DOMAIN)
    letter["X-Foibot-Paper-Letter"] = "added by the requester"
    letter.set_content(f"A letter from {authority} that came by post, added by the requester as a file.\n")
    name = (filename or "").strip() or f"letter.{KINDS[content_type]}"
    main, sub = content_type.split("/")
    letter.add_attachment(data, maintype=main, subtype=sub, filename=name[:200])
    raw = letter.as_bytes()
    stored = inbox.store_raw(session, raw, header_message_id(raw), now)
    row = session.get(MessageRow, stored.message_id)
    assert row is not None
    row.state = MessageState.PAPER  # not for the inbox processor: it waits for its date
    row.subject = str(letter["Subject"])
    row.from_address = f"post@{PAPER_DOMAIN}"
    row.parse_notes = [f"a letter by post, added to {request.reference} by its requester"]
    return row


def _read(content_type: str, data: bytes) -> tuple[str, str | None]:
    if content_type.startswith("image/"):
        return read_image(data)
    text, note = extract_text(content_type, data)
    text = (text or "").strip()
    if not text and note is None:
        note = "the PDF holds no text (a scan?): send a photo of it instead, and it will be read by OCR"
    return text, note


def arrived(
    session: Session,
    request: FoiRequestRow,
    row: MessageRow,
    arrived_on: dt.date,
    now: dt.datetime,
    parse: Parser = parse_message,
) -> Analysis | None:
    """The requester says the letter arrived on ``arrived_on``: read it, attach it, and let the request follow."""
    today = now.astimezone(deadlines.LONDON).date()
    if arrived_on > today:
        raise PaperRefused("that day has not come yet")
    if arrived_on < today - OLDEST:
        raise PaperRefused("that is more than a year ago: give the day the letter arrived")
    if row.state != MessageState.PAPER or row.raw is None:
        raise PaperRefused("that letter has been added already")
    parsed_mail = parse(row.raw, DEFAULT_MAX_BYTES)
    scan = next((a for a in parsed_mail.attachments if a.content_type in KINDS), None)
    if scan is None:
        raise PaperRefused("the file could not be read back")
    if scan.content_type == "application/pdf" and scan.text:
        text, note = scan.text.strip(), scan.note  # the parser has read it already
    else:
        text, note = _read(scan.content_type, scan.data)
    arrival = dt.datetime.combine(arrived_on, dt.time(12), deadlines.LONDON)
    row.arrived_on = arrived_on
    row.sent_date = arrival
    row.parsed_text = text
    row.parse_notes = [*(row.parse_notes or []), *([note] if note else [])]
    row.state = MessageState.MATCHED
    session.add(
        Attachment(message_id=row.id, position=0, filename=scan.filename or None, content_type=scan.content_type,
                   size=scan.size, sha256=scan.sha256, extracted_text=text or None, note=note)
    )  # fmt: skip
    session.add(MessageLink(message_id=row.id, request_id=request.id, reason="paper", status=LinkStatus.ATTACHED))
    add_event(session, request, now, "received",
              f"a letter by post, arrived {arrived_on:%d %b %Y}, added by you" + (f" ({note})" if note else ""),
              message_id=row.id, reason="paper")  # fmt: skip
    session.flush()
    if not text:
        return None  # nothing to read: kept and shown, the request does not move
    letter = ParsedMessage(subject=row.subject or "", from_address=row.from_address, text=text, date=arrival)
    printed = find_authority_refs(text[:20000])  # "Our ref: …" on the letter: later emails match by it
    learned = inbox.learn_authority_refs(
        session, request.id, [(ref, normalize_authority_ref(ref)) for ref in printed], row.id
    )
    if learned:
        add_event(session, request, now, "authority_reference", f"the authority's reference: {', '.join(learned)}",
                  message_id=row.id, references=learned)  # fmt: skip
    analysis = analyse_reply(questions_of(request), letter, None)
    on_reply_attached(session, request, row, letter, now, analysis)
    return analysis
