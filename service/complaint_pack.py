"""The complaint pack: grounds, chronology and every message, unedited, as a PDF (and a zip with the originals).

The regulator asks for unedited copies with full dates and addresses of the
request, the response, the review request and the review outcome (LAW.md);
the pack holds every message sent and received on the request, each with
its headers, decoded from the raw bytes kept since it arrived.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from mail.parse import parse_message

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)


@dataclass(frozen=True)
class PackMessage:
    direction: str  # "in" or "out"
    raw: bytes
    stored_at: dt.datetime


@dataclass(frozen=True)
class PackContents:
    title: str
    reference: str
    requester: str
    authority: str
    authority_email: str
    law_title: str
    grounds: str
    where_to_submit: str
    chronology: list[tuple[dt.date, str]]
    messages: list[PackMessage]


def _font(pdf: FPDF) -> bool:
    """Use a Unicode font when one is installed; return False for the Latin-1 core font."""
    for path in FONT_CANDIDATES:
        if Path(path).exists():
            pdf.add_font("Body", "", path)
            return True
    return False


def _latin1(text: str) -> str:
    normalized = unicodedata.normalize("NFKD", text)
    return normalized.encode("latin-1", "replace").decode("latin-1")


def build_pdf(contents: PackContents) -> bytes:
    """Return the pack as PDF bytes."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    unicode_font = _font(pdf)
    family = "Body" if unicode_font else "Helvetica"

    def text(value: str) -> str:
        return value if unicode_font else _latin1(value)

    def heading(value: str) -> None:
        pdf.set_font(family, size=14)
        pdf.multi_cell(0, 8, text(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    def para(value: str, size: int = 10) -> None:
        pdf.set_font(family, size=size)
        pdf.multi_cell(0, 5, text(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    pdf.add_page()
    heading(f"Complaint: {contents.title} ({contents.reference})")
    para(
        f"Requester: {contents.requester}\nPublic authority: {contents.authority} <{contents.authority_email}>\n"
        f"Law: {contents.law_title}"
    )
    heading("Grounds of complaint")
    para(contents.grounds)
    heading("Where and how to submit")
    para(contents.where_to_submit)
    heading("Chronology")
    for day, event in contents.chronology:
        para(f"{day.day} {day:%B %Y}: {event}", size=9)
    for number, message in enumerate(contents.messages, start=1):
        parsed = parse_message(message.raw)
        pdf.add_page()
        label = "Sent by the requester" if message.direction == "out" else "Received from the authority"
        heading(f"Message {number}: {label}")
        date = parsed.date or message.stored_at
        header_lines = [
            f"Date: {date:%A %d %B %Y %H:%M %Z}".strip(),
            f"From: {parsed.header('from') or '-'}",
            f"To: {parsed.header('to') or '-'}",
        ]
        if parsed.header("cc"):
            header_lines.append(f"Cc: {parsed.header('cc')}")
        header_lines += [f"Subject: {parsed.subject}", f"Message-ID: {parsed.message_id or '-'}"]
        para("\n".join(header_lines), size=9)
        para(parsed.text or "(no text)", size=9)
        for attachment in parsed.attachments:
            name = attachment.filename or "unnamed"
            para(
                f"[Attachment: {name}, {attachment.content_type}, {attachment.size:,} bytes]",
                size=8,
            )
    return bytes(pdf.output())


def build_zip(contents: PackContents, pdf: bytes) -> bytes:
    """Return a zip of the PDF and every original message as an .eml file."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"complaint-{contents.reference}.pdf", pdf)
        for number, message in enumerate(contents.messages, start=1):
            direction = "sent" if message.direction == "out" else "received"
            archive.writestr(f"messages/{number:02d}-{direction}.eml", message.raw)
    return out.getvalue()
