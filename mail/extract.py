"""Text from attachments: PDF, DOCX, XLSX, CSV, HTML and plain text.

Each extractor gets bytes and returns text, or raises; ``extract_text``
turns any failure into a note, so a broken file never stops a message.
"""

from __future__ import annotations

import csv
import io
import logging
import mimetypes
import zipfile
from collections.abc import Callable

import html2text

from mail.headers import decode_bytes

# pypdf logs every oddity of a broken PDF as a warning; a bad file becomes a note instead.
logging.getLogger("pypdf").setLevel(logging.ERROR)
logging.getLogger("tnefparse").setLevel(logging.ERROR)

MAX_TEXT_CHARS = 1_000_000
MAX_PDF_PAGES = 300
MAX_SHEET_ROWS = 20_000

# Content types that mean something else, or nothing (Alaveteli normalises these too).
_NORMAL_TYPES = {
    "document/pdf": "application/pdf",
    "application/x-pdf": "application/pdf",
    "application/acrobat": "application/pdf",
    "applications/pdf": "application/pdf",
    "application/vnd.pdf": "application/pdf",
    "application/msword-doc": "application/msword",
    "text/x-csv": "text/csv",
    "application/csv": "text/csv",
}
_GENERIC = {"application/octet-stream", "application/x-unknown", "application/unknown", "binary/octet-stream"}

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def normalise_content_type(content_type: str, filename: str | None) -> str:
    """Return a usable content type: fix known aliases, guess generic ones from the file name."""
    kind = _NORMAL_TYPES.get(content_type.lower(), content_type.lower())
    if (kind in _GENERIC or "/" not in kind) and filename:
        guessed, _ = mimetypes.guess_type(filename, strict=False)
        if guessed:
            return _NORMAL_TYPES.get(guessed, guessed)
    return kind if "/" in kind else "application/octet-stream"


def html_to_text(html: str) -> str:
    """Return readable text for an HTML document (links kept, no markup)."""
    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_images = True
    converter.ignore_emphasis = True
    converter.unicode_snob = True
    converter.single_line_break = False
    return converter.handle(html).strip()


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    pages = []
    for page in reader.pages[:MAX_PDF_PAGES]:
        pages.append(page.extract_text() or "")
    return "\n\n".join(pages)


def _docx(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _xlsx(data: bytes) -> str:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines = []
    try:
        for sheet in workbook.worksheets:
            lines.append(f"# {sheet.title}")
            for count, row in enumerate(sheet.iter_rows(values_only=True)):
                if count >= MAX_SHEET_ROWS:
                    lines.append("…")
                    break
                if any(cell is not None for cell in row):
                    lines.append("\t".join("" if cell is None else str(cell) for cell in row))
    finally:
        workbook.close()
    return "\n".join(lines)


def _csv(data: bytes) -> str:
    text, _ = decode_bytes(data, "utf-8")
    rows = csv.reader(io.StringIO(text))
    return "\n".join("\t".join(row) for row in rows)


def _html(data: bytes) -> str:
    text, _ = decode_bytes(data, "utf-8")
    return html_to_text(text)


def _plain(data: bytes) -> str:
    text, _ = decode_bytes(data, "utf-8")
    return text


EXTRACTORS: dict[str, Callable[[bytes], str]] = {
    "application/pdf": _pdf,
    DOCX: _docx,
    XLSX: _xlsx,
    "text/csv": _csv,
    "text/html": _html,
    "text/plain": _plain,
}


def extract_text(content_type: str, data: bytes) -> tuple[str | None, str | None]:
    """Return (text, note) for an attachment; text is None when there is nothing to extract."""
    extractor = EXTRACTORS.get(content_type)
    if extractor is None:
        return None, None
    try:
        text = extractor(data)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, OSError, AttributeError) as exc:
        return None, f"could not read the {content_type} file: {exc.__class__.__name__}: {exc}"[:300]
    except Exception as exc:  # third-party parsers raise their own error types on bad files
        return None, f"could not read the {content_type} file: {exc.__class__.__name__}"[:300]
    if len(text) > MAX_TEXT_CHARS:
        return text[:MAX_TEXT_CHARS], f"text cut at {MAX_TEXT_CHARS:,} characters"
    return text, None
