"""Text from attachments: PDF, DOCX, XLSX, CSV, HTML and plain text.

Each extractor gets bytes and returns text, or raises; ``extract_text``
turns any failure into a note, so a broken file never stops a message.
"""

from __future__ import annotations

import csv
import io
import logging
import mimetypes
import re
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


MAX_HTML_CHARS = 2_000_000
CAREFUL_HTML_CHARS = 300_000  # html2text reads about 250 KB a second; larger documents get the quick reading
_BLOCK_TAG = re.compile(r"<(?:/?(?:p|div|tr|li|h[1-6]|table|blockquote)\b|br\b)[^<>]{0,2000}>", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]{0,2000}>")


def html_to_text(html: str) -> str:
    """Return readable text for an HTML document (links kept, no markup); never raises."""
    html = html[:MAX_HTML_CHARS]
    if len(html) <= CAREFUL_HTML_CHARS:
        try:
            return _html2text(html)
        except Exception:  # html2text asserts on some broken markup: fall back to the quick reading
            pass
    return _quick_text(html)


def _quick_text(html: str) -> str:
    """Return the text of HTML by dropping its tags: linear, for documents too large or broken for html2text."""
    import html as entities

    text = _TAG.sub(" ", _BLOCK_TAG.sub("\n", html))
    lines = (" ".join(entities.unescape(line).split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _html2text(html: str) -> str:
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


MAX_UNZIPPED = 64 * 1024 * 1024  # an office file that unpacks to more is not read
MAX_ZIP_RATIO = 200  # nor one whose parts expand more than this (a zip bomb)
MAX_SHEET_COLUMNS = 200
MAX_SHEET_CELLS = 500_000


def _check_zip(data: bytes) -> None:
    """Refuse an office file (a zip) that would expand past the budget, before any reader opens it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        total = 0
        for info in archive.infolist():
            total += info.file_size
            if info.file_size > 1_000_000 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
                raise ValueError(f"{info.filename} expands {info.file_size // max(info.compress_size, 1)}-fold")
        if total > MAX_UNZIPPED:
            raise ValueError(f"it unpacks to {total:,} bytes, over the {MAX_UNZIPPED:,}-byte budget")


def _docx(data: bytes) -> str:
    import docx

    _check_zip(data)
    document = docx.Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _xlsx(data: bytes) -> str:
    import openpyxl

    _check_zip(data)
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines = []
    cells = 0
    try:
        for sheet in workbook.worksheets:
            lines.append(f"# {sheet.title}")
            for count, row in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_SHEET_COLUMNS)):
                cells += len(row)
                if count >= MAX_SHEET_ROWS or cells > MAX_SHEET_CELLS:
                    lines.append("…")
                    break
                values = list(row)
                while values and values[-1] is None:
                    values.pop()
                if values:
                    lines.append("\t".join("" if cell is None else str(cell) for cell in values))
            if cells > MAX_SHEET_CELLS:
                break
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
    "text/rfc822-headers": _plain,  # the returned message's headers in a bounce
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
