"""Decoding header values the way real mail writes them, not the way RFCs wish.

Handles RFC 2047 encoded words (split across words, UTF-7, mislabelled
ISO-8859-1 that is really Windows-1252), raw 8-bit bytes in headers, and
malformed address lists. Nothing here raises on bad input: a value that
cannot be decoded comes back with replacement characters.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from email.header import decode_header
from email.utils import getaddresses, parsedate_to_datetime

# Charset names seen in the wild that Python does not know, or knows wrongly.
_ALIASES = {
    "unicode-1-1-utf-7": "utf-7",
    "x-unknown": "cp1252",
    "unknown-8bit": "cp1252",
    "x-user-defined": "cp1252",
    "ks_c_5601-1987": "cp949",
    # Mail that says ISO-8859-1 is usually Windows-1252 (smart quotes in 0x80–0x9F).
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}

_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,998}>")


# Codecs that are not text encodings, or that raise on ordinary input: never taken from a message.
_REFUSED_CODECS = {"idna", "punycode", "raw-unicode-escape", "unicode-escape", "rot-13", "uu", "zlib", "bz2"}
MAX_HEADER_CHARS = 16_384  # a header value longer than this is cut (a subject is rarely 200)


def codec_for(charset: str | None) -> str:
    """Return a Python codec for a MIME charset name, falling back to UTF-8."""
    name = (charset or "utf-8").strip().strip('"').lower()[:60]
    name = _ALIASES.get(name, name)
    try:
        codec = codecs.lookup(name).name
    except (LookupError, ValueError, TypeError):  # unknown, or a name with a NUL in it
        return "utf-8"
    return "utf-8" if codec in _REFUSED_CODECS else codec


def printable(text: str) -> str:
    """Return ``text`` without NULs and lone surrogates (which UTF-7 can produce): safe to print and store."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """Decode ``data`` in ``charset``; return the text and a note when a fallback was needed."""
    text, note = _decode(data, charset)
    return printable(text), note


def _decode(data: bytes, charset: str | None) -> tuple[str, str | None]:
    codec = codec_for(charset)
    shown = (charset or "")[:60]
    if codec == "cp1252" and not data.isascii():
        # Labelled Latin-1 or ASCII but valid UTF-8: it is UTF-8 (cp1252 text almost never is).
        try:
            return data.decode("utf-8"), f"declared charset {shown!r} but the text is UTF-8"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode(codec), None
    except (UnicodeError, LookupError, ValueError):  # UTF-7 and friends raise more than UnicodeDecodeError
        pass
    for fallback in ("utf-8", "cp1252"):
        try:
            return data.decode(fallback), f"declared charset {shown!r} did not fit; read as {fallback}"
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace"), f"undecodable bytes in charset {shown!r} replaced"


_ESCAPED = re.compile("[\udc80-\udcff]")  # the surrogates ``surrogateescape`` makes of raw bytes


def _unescape(value: str) -> str:
    """Turn surrogate-escaped raw 8-bit header bytes back into text (UTF-8, else Windows-1252)."""
    if not _ESCAPED.search(value):
        return value
    raw = value.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


# Encoded text holds no "?" (RFC 2047 §2), so each try stops at the next one: linear in the header.
_ENCODED_WORD = re.compile(r"=\?[^?\s]{1,75}\?[bBqQ]\?[^?]{0,2000}\?=")
_FOLD = re.compile(r"\r?\n[ \t]*")


def _mend_encoded_words(text: str) -> str:
    """Rejoin encoded words that a mailer folded in the middle (common, though illegal)."""
    return _ENCODED_WORD.sub(lambda m: _FOLD.sub("", m.group(0)), text)


def decode_value(value: object) -> str:
    """Return a header value as readable text, decoding RFC 2047 words leniently."""
    if value is None:
        return ""
    text = _unescape(str(value)[:MAX_HEADER_CHARS])
    if "=?" not in text:  # no encoded word (most headers): nothing to decode
        return printable(" ".join(text.split()))
    text = _mend_encoded_words(text)
    try:
        pieces = decode_header(text)
    except Exception:  # email.header raises assorted errors on garbage
        return printable(" ".join(text.split()))
    out: list[str] = []
    for piece, charset in pieces:
        if isinstance(piece, bytes):
            decoded, _ = decode_bytes(piece, charset)
            out.append(decoded)
        else:
            out.append(piece)
    joined = "".join(out) if any(isinstance(p, bytes) for p, _ in pieces) else text
    return printable(" ".join(joined.split()))


# One mailbox written plainly: "Name <local@domain>", '"Name" <local@domain>', "<local@domain>" or
# "local@domain", the name made of atoms (RFC 5322 specials and quotes left out) and the address a dot-atom.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_DOT_ATOM = rf"{_ATEXT}+(?:\.{_ATEXT}+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
_PLAIN_MAILBOX = re.compile(
    rf'(?:(?P<name>[^\x00-\x20()<>\[\]:;@\\,."]+(?: [^\x00-\x20()<>\[\]:;@\\,."]+)*)|"(?P<quoted>[^"\\,]*)")? ?'
    rf"<(?P<enclosed>{_DOT_ATOM})>|(?P<bare>{_DOT_ATOM})"
)


def _plain_mailbox(text: str) -> list[tuple[str, str]] | None:
    """``getaddresses([text])`` for one plainly written mailbox (most senders and recipients); None otherwise."""
    match = _PLAIN_MAILBOX.fullmatch(text)
    if match is None:
        return None
    name = match["name"] or match["quoted"] or ""
    return [(name, match["enclosed"] or match["bare"])]


def addresses(*values: object) -> list[tuple[str, str]]:
    """Return (display name, lower-cased address) pairs; malformed entries are dropped."""
    found: list[tuple[str, str]] = []
    for value in values:
        if value is None:
            continue
        text = decode_value(value)
        if text.count("<") != text.count(">"):
            continue  # e.g. "<bar@example.org" — unusable, not guessed at
        for name, address in _plain_mailbox(text) or getaddresses([text]):
            address = address.strip().strip("'\"").lower()
            if _ADDRESS.match(address) and (name, address) not in found:
                found.append((name.strip(), address))
    return found


def message_ids(value: object) -> list[str]:
    """Return every <id> in a Message-ID, In-Reply-To or References value, in order."""
    if value is None:
        return []
    found = _MESSAGE_ID.findall(printable(_unescape(str(value)[: 4 * MAX_HEADER_CHARS])))
    return list(dict.fromkeys(found))[:500]


def parse_date(value: object) -> dt.datetime | None:
    """Return the Date header as an aware datetime, or None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(decode_value(value))
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)  # RFC 5322 "-0000": zone unknown
    return parsed


_MESSAGE_ID_FIELD = re.compile(rb"^message-id[ \t]*:(.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)
_END_OF_HEADERS = re.compile(rb"\r?\n\r?\n")


def header_message_id(raw: bytes) -> str | None:
    """Return the Message-ID of raw mail without parsing its body.

    The watcher asks this of every message it stores, so the usual case is a
    search of the header block only; a header block the search cannot read
    goes to the email package's header parser.
    """
    head = raw[: 256 * 1024]
    end = _END_OF_HEADERS.search(head)
    field = _MESSAGE_ID_FIELD.search(head, 0, end.start() if end else len(head))
    if field is not None:
        ids = message_ids(field.group(1).decode("latin-1"))
        if ids:
            return ids[0][:998]
    from email.parser import BytesHeaderParser
    from email.policy import compat32

    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(head)
        for name, value in headers.raw_items():
            if name.lower() == "message-id":
                ids = message_ids(value)
                return ids[0][:998] if ids else None
    except Exception:  # a header block too broken to read has no usable id
        return None
    return None
