"""Pre-MIME and Outlook-only attachment formats: inline uuencode and TNEF (winmail.dat)."""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass

# The name is bounded and cannot hold a line break, so a long line costs one failed try.
_BEGIN = re.compile(r"^begin [0-7]{3,4} (?P<name>[^\n]{1,300})$", re.MULTILINE)


@dataclass(frozen=True)
class Unpacked:
    filename: str
    data: bytes


def _uu_line(line: str) -> bytes:
    try:
        return binascii.a2b_uu(line)
    except binascii.Error:
        # Some encoders pad short lines wrongly; decode what the length byte promises.
        length = (ord(line[0]) - 32) & 63 if line else 0
        return binascii.a2b_uu(line[: ((length + 2) // 3) * 4 + 1])


def extract_uuencoded(text: str) -> tuple[str, list[Unpacked]]:
    """Remove inline uuencoded files from ``text``; return the remaining text and the files.

    A file without its ``end`` line is decoded as far as its lines go.
    """
    files: list[Unpacked] = []
    pieces: list[str] = []
    position = 0
    for match in _BEGIN.finditer(text):
        if match.start() < position:
            continue
        lines = text[match.end() :].split("\n")
        data = bytearray()
        consumed = match.end()
        for line in lines[1:] if lines and lines[0] == "" else lines:
            consumed += len(line) + 1
            stripped = line.rstrip("\r")
            if stripped in ("end", "`", ""):
                if stripped == "end":
                    break
                continue
            try:
                data += _uu_line(stripped)
            except (binascii.Error, IndexError):
                consumed -= len(line) + 1
                break
        pieces.append(text[position : match.start()])
        files.append(Unpacked(match.group("name").strip(), bytes(data)))
        position = min(consumed, len(text))
    pieces.append(text[position:])
    return "".join(pieces), files


def unpack_tnef(data: bytes) -> tuple[list[Unpacked], str | None]:
    """Return the files and body text inside a TNEF blob; raise ValueError if it is not readable."""
    from tnefparse import TNEF

    try:
        tnef = TNEF(data, do_checksum=False)
    except Exception as exc:  # tnefparse raises plain Exceptions on truncated data
        raise ValueError(f"unreadable TNEF: {exc}") from exc
    # Outlook's own checksums are not always right, so only missing data counts as damage.
    if any(not a.data for a in tnef.attachments):
        raise ValueError("damaged TNEF: an attachment has no data (truncated?)")
    files = []
    for attachment in tnef.attachments:
        name = attachment.long_filename() or attachment.name or "attachment"
        if isinstance(name, bytes):
            name = name.decode("cp1252", "replace")
        files.append(Unpacked(str(name).rstrip("\x00"), bytes(attachment.data or b"")))
    body = None
    for candidate in (getattr(tnef, "body", None), getattr(tnef, "htmlbody", None)):
        if candidate:
            body = candidate.decode("cp1252", "replace") if isinstance(candidate, bytes) else str(candidate)
            break
    return files, body
