"""What the bot shows: a screen is text (Telegram HTML) with optional buttons or a file.

Screens are plain data, so the conversation logic can be read and tested
without Telegram; ``bot.app`` turns them into Bot API calls.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

MAX_MESSAGE = 4096
MAX_CALLBACK_BYTES = 64

Button = tuple[str, str]  # (label, callback data)


@dataclass
class Screen:
    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    document: tuple[str, bytes] | None = None  # (filename, bytes) sent as a file

    def __post_init__(self) -> None:
        for row in self.buttons:
            for label, data in row:
                if len(data.encode()) > MAX_CALLBACK_BYTES:
                    raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r} ({label})")


def esc(text: object) -> str:
    """Escape user or authority text for Telegram HTML."""
    return html.escape(str(text), quote=False)


MAX_CAPTION = 1024


def cut_html(text: str, limit: int) -> str:
    """Return escaped ``text`` cut to at most ``limit`` characters without splitting an entity (&amp;)."""
    if len(text) <= limit:
        return text
    cut = limit - 1
    amp = text.rfind("&", 0, cut)
    if amp != -1 and ";" not in text[amp:cut]:
        cut = amp
    return text[:cut] + "…"


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split ``text`` under ``limit`` characters, at paragraph, then line, then word boundaries."""
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        for piece in _fit(paragraph, limit):
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks


def _fit(paragraph: str, limit: int) -> list[str]:
    if len(paragraph) <= limit:
        return [paragraph]
    pieces: list[str] = []
    current = ""
    for line in paragraph.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            amp = line.rfind("&", 0, cut)
            if amp != -1 and ";" not in line[amp:cut]:
                cut = amp  # never split an HTML entity
            pieces.append(line[:cut])
            line = line[cut:].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = line
    if current:
        pieces.append(current)
    return pieces
