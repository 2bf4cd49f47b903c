"""Parse a raw email into what foibot needs: headers, the best body text, attachments.

The parser never raises on a message's content. Malformed MIME, unknown
charsets, missing boundaries, inline uuencode and TNEF are handled; what
cannot be decoded is kept as a raw attachment and noted in ``notes``. A
message over the size cap is parsed for headers only and flagged.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Any

from mail.extract import extract_text, html_to_text, normalise_content_type
from mail.headers import addresses, decode_bytes, decode_value, message_ids, parse_date
from mail.legacy import extract_uuencoded, unpack_tnef

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
_UNFOLDED = compat32.clone(max_line_length=0)  # re-serialising without folding: linear in a header's length
MAX_HEADER_BLOCK = 1024 * 1024  # headers past the first megabyte are not read
MAX_BODY_CHARS = 2_000_000  # body text past this is cut (and noted)
MAX_PARTS = 500  # MIME parts read per message; the rest are kept in the raw bytes only
_LOOKS_LIKE_HTML = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<div|<p[ >]|<table|<meta)", re.IGNORECASE)
_TAGS = re.compile(r"</?(html|body|div|p|br|table|span|font)\b", re.IGNORECASE)
_TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}


@dataclass
class ParsedAttachment:
    filename: str | None
    content_type: str
    size: int
    sha256: str
    data: bytes = field(repr=False)
    text: str | None = None
    note: str | None = None


@dataclass
class ParsedMessage:
    subject: str = ""
    from_name: str | None = None
    from_address: str | None = None
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    delivered_to: list[str] = field(default_factory=list)
    date: Any = None  # datetime | None
    message_id: str | None = None
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    return_path: str | None = None
    headers: dict[str, list[str]] = field(default_factory=dict)  # lower-case name → decoded values
    content_type: str = "text/plain"
    text: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    oversized: bool = False
    size: int = 0

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None

    @property
    def recipients(self) -> list[str]:
        """Every address the message was delivered to: To, Cc, Delivered-To, X-Original-To, Envelope-To."""
        return list(dict.fromkeys([*self.to, *self.cc, *self.delivered_to]))

    def full_text(self) -> str:
        """Return the body and the text of every attachment, for searching references."""
        parts = [self.text] + [a.text for a in self.attachments if a.text]
        return "\n\n".join(parts)


def parse_message(raw: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedMessage:
    """Parse ``raw`` as far as it goes; never raise on bad content."""
    parsed = ParsedMessage(size=len(raw))
    if len(raw) > max_bytes:
        parsed.oversized = True
        parsed.notes.append(f"message of {len(raw):,} bytes is over the {max_bytes:,}-byte parse limit: headers only")
        return headers_only(raw, parsed)
    try:
        message = message_from_bytes(raw, policy=compat32)
    except Exception as exc:  # the stdlib parser is lenient; this is a last line of defence
        # (RecursionError from a thousand nested parts among them): the headers still match it.
        parsed.notes.append(f"unparseable message ({exc.__class__.__name__}); headers only, kept raw")
        return headers_only(raw, parsed)
    _read_headers(message, parsed)
    walker = _Walker(parsed)
    try:
        walker.walk(message)
    except Exception as exc:
        parsed.notes.append(f"stopped reading the MIME structure ({exc.__class__.__name__}: {exc})"[:300])
        parsed.attachments.append(_attachment("message.eml", "message/rfc822", raw, note="MIME not fully readable"))
    try:
        text = walker.body_text()
    except Exception as exc:  # an HTML converter's surprise must not lose the message
        parsed.notes.append(f"could not turn the body into text ({exc.__class__.__name__})")
        text = ""
    if len(text) > MAX_BODY_CHARS:
        parsed.notes.append(f"body text cut at {MAX_BODY_CHARS:,} characters")
        text = text[:MAX_BODY_CHARS]
    parsed.text = _without_nul(text) or ""
    parsed.subject = _without_nul(parsed.subject) or ""
    for attachment in parsed.attachments:
        attachment.text = _without_nul(attachment.text)
        attachment.filename = _without_nul(attachment.filename)
    _note_defects(message, parsed)
    return parsed


def headers_only(raw: bytes, parsed: ParsedMessage | None = None) -> ParsedMessage:
    """Return what the header block says (never the body): for mail too large or too broken to read."""
    parsed = parsed or ParsedMessage(size=len(raw))
    block = raw[:MAX_HEADER_BLOCK]
    end = min((i for i in (block.find(b"\r\n\r\n"), block.find(b"\n\n")) if i != -1), default=len(block))
    try:
        _read_headers(BytesHeaderParser(policy=compat32).parsebytes(block[: end + 4]), parsed)
    except Exception as exc:  # nothing more can be read from it; the raw bytes are kept
        parsed.notes.append(f"the header block is unreadable too ({exc.__class__.__name__})")
    parsed.subject = _without_nul(parsed.subject) or ""
    return parsed


def _raw_headers(message: Message) -> dict[str, list[str]]:
    """Return header values as sent (raw 8-bit bytes kept as surrogates), by lower-case name."""
    found: dict[str, list[str]] = {}
    for name, value in message.raw_items():
        found.setdefault(name.lower(), []).append(str(value))
    return found


def _read_headers(message: Message, parsed: ParsedMessage) -> None:
    raw = _raw_headers(message)

    def first(name: str) -> str | None:
        values = raw.get(name)
        return values[0] if values else None

    for name, values in raw.items():
        parsed.headers[name] = [decode_value(value) for value in values]
    parsed.subject = decode_value(first("subject") or "")
    sender = addresses(first("from"))
    if sender:
        parsed.from_name, parsed.from_address = sender[0][0] or None, sender[0][1]
    parsed.to = [a for _, a in addresses(*raw.get("to", []))]
    parsed.cc = [a for _, a in addresses(*raw.get("cc", []))]
    envelope = [
        v for name in ("delivered-to", "x-original-to", "envelope-to", "x-envelope-to") for v in raw.get(name, [])
    ]
    parsed.delivered_to = [a for _, a in addresses(*envelope)]
    parsed.date = parse_date(first("date"))
    ids = message_ids(first("message-id"))
    parsed.message_id = ids[0] if ids else None
    parsed.in_reply_to = message_ids(first("in-reply-to"))
    parsed.references = message_ids(" ".join(raw.get("references", [])))
    return_path = first("return-path")
    parsed.return_path = decode_value(return_path).strip() if return_path is not None else None
    try:
        parsed.content_type = message.get_content_type()
    except Exception:
        parsed.content_type = "text/plain"


def _note_defects(message: Message, parsed: ParsedMessage) -> None:
    seen = set()
    for part in message.walk() if message.is_multipart() else [message]:
        for defect in getattr(part, "defects", []):
            name = type(defect).__name__
            if name not in seen:
                seen.add(name)
                parsed.notes.append(f"MIME defect: {name}")


MAX_FILENAME = 150
_UNSAFE_IN_NAME = re.compile(r'[<>"|?*]')


def safe_filename(name: str | None) -> str | None:
    """Return a base name that is safe to save and to show: no path, control, format or bidi characters.

    Senders choose attachment names: "../../etc/passwd", an ESC sequence or a
    right-to-left override (U+202E, which shows "exe.pdf" as "fdp.exe") must
    not reach a disk or a user's screen.
    """
    if not name:
        return None
    cleaned = unicodedata.normalize("NFC", name)
    # Cc: control characters; Cf: format characters, bidi overrides and zero-width ones among them.
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in cleaned)
    cleaned = cleaned.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE_IN_NAME.sub("_", " ".join(cleaned.split())).strip(" .")
    if len(cleaned) > MAX_FILENAME:
        stem, dot, extension = cleaned.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            cleaned = f"{stem[: MAX_FILENAME - len(extension) - 1].rstrip()}.{extension}"
        else:
            cleaned = cleaned[:MAX_FILENAME].rstrip()
    return cleaned or None


def _attachment(
    filename: str | None, content_type: str, data: bytes, text: str | None = None, note: str | None = None
) -> ParsedAttachment:
    return ParsedAttachment(
        filename=safe_filename(filename),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        text=text,
        note=note,
    )


class _Walker:
    """Collects body candidates and attachments from a MIME tree."""

    def __init__(self, parsed: ParsedMessage, depth: int = 0, budget: list[int] | None = None) -> None:
        self.parsed = parsed
        self.depth = depth
        self.budget = budget if budget is not None else [MAX_PARTS]  # parts left to read, shared by nested walkers
        self.plain: list[str] = []
        self.html: list[str] = []

    def body_text(self) -> str:
        if self.plain:
            text = "\n\n".join(_lf(t).strip("\n") for t in self.plain if t.strip())
            if _is_html(text):
                return html_to_text(text)  # HTML pasted into text/plain
            return text
        if self.html:
            return "\n\n".join(html_to_text(h) for h in self.html)
        return ""

    def walk(self, part: Message) -> None:
        self.budget[0] -= 1
        if self.budget[0] == 0:
            self.parsed.notes.append(f"more than {MAX_PARTS} MIME parts: the rest are kept in the raw message only")
        if self.budget[0] <= 0:
            return
        content_type = _content_type(part)
        if content_type == "multipart/alternative" and part.is_multipart():
            self._alternative(part)
        elif content_type in ("message/rfc822", "message/global") and part.is_multipart():
            self._attached_message(part)
        elif content_type == "message/delivery-status":
            self._delivery_status(part)
        elif part.is_multipart():
            payload = part.get_payload()
            for sub in payload if isinstance(payload, list) else []:
                self.walk(sub)
        else:
            self._leaf(part, content_type)

    def _alternative(self, part: Message) -> None:
        subparts = [p for p in part.get_payload() if isinstance(p, Message)]
        plain = [p for p in subparts if _content_type(p) == "text/plain" and not _is_attachment(p)]
        html = [p for p in subparts if _content_type(p) == "text/html" and not _is_attachment(p)]
        chosen = plain[:1] or html[:1]
        for sub in subparts:
            if sub in chosen:
                self._leaf(sub, _content_type(sub))
            elif sub.is_multipart():
                # Apple Mail nests mixed/related parts (with attachments) inside alternatives.
                nested = _Walker(self.parsed, self.depth, self.budget)
                nested.walk(sub)
                if not chosen:
                    self.plain += nested.plain
                    self.html += nested.html
            # Other leaves are alternative renderings of the chosen body: skip them.

    def _attached_message(self, part: Message) -> None:
        inner = part.get_payload()
        inner_message = inner[0] if isinstance(inner, list) and inner else None
        if not isinstance(inner_message, Message):
            return
        try:
            raw = inner_message.as_bytes(policy=_UNFOLDED)
        except Exception:
            raw = str(inner_message).encode("utf-8", "replace")
        nested = ParsedMessage()
        _read_headers(inner_message, nested)
        walker = _Walker(nested, self.depth + 1, self.budget)
        if self.depth < 5:
            walker.walk(inner_message)
        nested.text = walker.body_text()
        summary = "\n".join(
            f"{label}: {value}"
            for label, value in (
                ("From", nested.header("from")),
                ("To", nested.header("to")),
                ("Date", nested.header("date")),
                ("Subject", nested.subject),
            )
            if value
        )
        name = _filename(part) or f"{(nested.subject or 'attached message')[:80]}.eml"
        self.parsed.attachments.append(_attachment(name, "message/rfc822", raw, text=f"{summary}\n\n{nested.text}"))
        for attachment in nested.attachments:
            attachment.note = f"inside {name}" + (f"; {attachment.note}" if attachment.note else "")
            self.parsed.attachments.append(attachment)

    def _delivery_status(self, part: Message) -> None:
        payload = part.get_payload()
        if isinstance(payload, list):
            # The fields as sent: str(block) would re-fold every header, which is quadratic in its length.
            text = "\n\n".join(
                "\n".join(f"{name}: {decode_value(value)}" for name, value in block.raw_items())
                for block in payload
                if isinstance(block, Message)
            )
            data = text.encode("utf-8", "replace")
        else:
            data = part.get_payload(decode=True) or b""
            text, _ = decode_bytes(data, part.get_content_charset())
        self.parsed.attachments.append(_attachment("delivery-status.txt", "message/delivery-status", data, text=text))

    def _leaf(self, part: Message, content_type: str) -> None:
        data = _payload(part, self.parsed)
        filename = _filename(part)
        if content_type in ("text/plain", "text/html") and not _is_attachment(part, filename):
            text, note = decode_bytes(data, part.get_content_charset())
            if note:
                self.parsed.notes.append(note)
            if content_type == "text/plain":
                text, files = extract_uuencoded(text)
                for unpacked in files:
                    self._add_file(unpacked.filename, "application/octet-stream", unpacked.data, note="uuencoded")
                self.plain.append(text)
            else:
                self.html.append(text)
            return
        if content_type in _TNEF_TYPES or (filename or "").lower() == "winmail.dat":
            self._tnef(filename, data)
            return
        self._add_file(filename or _name_from_content_id(part, content_type), content_type, data)

    def _tnef(self, filename: str | None, data: bytes) -> None:
        try:
            files, body = unpack_tnef(data)
        except ValueError as exc:
            self.parsed.attachments.append(
                _attachment(filename or "winmail.dat", "application/ms-tnef", data, note=str(exc)[:300])
            )
            self.parsed.notes.append("a TNEF (winmail.dat) part could not be unpacked; kept as it is")
            return
        for unpacked in files:
            self._add_file(unpacked.filename, "application/octet-stream", unpacked.data, note="from winmail.dat")
        if body and not self.plain:
            self.plain.append(body)
        if not files and not body:
            self.parsed.attachments.append(_attachment(filename or "winmail.dat", "application/ms-tnef", data))

    def _add_file(self, filename: str | None, content_type: str, data: bytes, note: str | None = None) -> None:
        kind = normalise_content_type(content_type, filename)
        text, extract_note = extract_text(kind, data)
        notes = "; ".join(n for n in (note, extract_note) if n) or None
        self.parsed.attachments.append(_attachment(filename, kind, data, text=text, note=notes))


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type().lower()
    except Exception:
        return "application/octet-stream"


_UNREAD = object()


def _is_attachment(part: Message, filename: object = _UNREAD) -> bool:
    """``filename``: the part's ``_filename``, when the caller has it already."""
    disposition = str(part.get("Content-Disposition", "")).split(";")[0].strip().lower()
    if disposition in ("attachment", "inline"):
        return disposition == "attachment"
    return (_filename(part) if filename is _UNREAD else filename) is not None


_RAW_FILENAME = re.compile(r'(?:file)?name\s*=\s*(?:"([^"]*)"|([^;]+))', re.IGNORECASE)


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if name is not None and "\ufffd" in name:
        # Raw 8-bit bytes in the header: read them from the header as sent.
        raw = _raw_headers(part)
        for header in ("content-disposition", "content-type"):
            for value in raw.get(header, []):
                if match := _RAW_FILENAME.search(value):
                    name = match.group(1) if match.group(1) is not None else match.group(2)
                    break
            else:
                continue
            break
    if name is None:
        return None
    decoded = decode_value(name).strip().strip('"')
    return decoded or None


def _name_from_content_id(part: Message, content_type: str) -> str | None:
    content_id = str(part.get("Content-ID", "")).strip("<> ")
    if not content_id:
        return None
    extension = content_type.rsplit("/", 1)[-1] if content_type.startswith("image/") else "bin"
    return f"{content_id.split('@')[0]}.{extension}"


def _payload(part: Message, parsed: ParsedMessage) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception as exc:
        parsed.notes.append(f"could not decode a part ({exc.__class__.__name__}); kept raw")
        data = None
    if data is None:
        raw = part.get_payload()
        if isinstance(raw, str):
            return raw.encode("utf-8", "surrogateescape")
        return b""
    return data


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _without_nul(text: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL, and no reader wants it (TNEF bodies carry it).
    return text.replace("\x00", "") if text else text


def _is_html(text: str) -> bool:
    return bool(_LOOKS_LIKE_HTML.match(text)) or len(_TAGS.findall(text[:5000])) >= 5


# parse_message, or mail.sandbox.SafeParser (worker processes with a time and memory budget)
Parser = Callable[[bytes, int], ParsedMessage]
