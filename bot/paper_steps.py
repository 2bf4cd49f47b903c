"""Adding a letter that came by post: a photo or a PDF, then the day it arrived."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dateparser

from bot.screens import Screen, esc
from bot.steps import Steps
from foi import deadlines
from service import paper_letters
from service.replies import KIND_WORDS
from storage.models import MessageRow

ASK_FILE = (
    "Send the letter as <b>one photo</b> (a clear, flat, well-lit picture of its first page is usually enough) "
    "or as a <b>PDF</b> if you scanned it. I keep the file whole, read it, and treat it like an emailed reply."
)


class PaperSteps(Steps):
    def paper_buttons(self) -> dict[str, Any]:
        return {"pl": self.on_paper_letter, "pd": self.on_paper_day}

    def paper_texts(self) -> dict[str, Any]:
        return {"paper_letter": self.on_paper_text, "paper_date": self.on_paper_date_text}

    def on_paper_letter(self, request_id: str) -> list[Screen]:
        request = self.own_request(int(request_id))
        if request is None or not request.reference or request.status in ("draft", "queued"):
            return [Screen("A letter can be added to a request of yours that was sent.")]
        self.go("paper_letter", request=request.id)
        return [Screen(f"📮 A letter by post about <b>{esc(request.reference)}</b>. " + ASK_FILE)]

    def on_paper_text(self, text: str) -> list[Screen]:
        return [Screen("Send a photo or a PDF of the letter — or /cancel. " + ASK_FILE)]

    def on_upload(self, filename: str, content_type: str, data: bytes) -> list[Screen]:
        request = self.own_request(int(self.conversation.get("request") or 0)) if self.state == "paper_letter" else None
        if request is None:
            return [Screen("To add a letter that came by post, open its request (/requests) and press "
                           "“📮 Add a letter I received”. Otherwise I read text messages only.")]  # fmt: skip
        try:
            row = paper_letters.receive(self.session, request, filename, content_type, data, self.now)
        except paper_letters.PaperRefused as refusal:
            return [Screen(f"I cannot use that: {esc(str(refusal))}.")]
        self.go("paper_date", request=request.id, message=row.id)
        today = self.now.astimezone(deadlines.LONDON).date()
        return [
            Screen(
                "Kept. <b>When did it arrive?</b> The deadlines run from that day. Choose, or type the date "
                "(e.g. <i>3 June</i>).",
                [[("Today", f"pd:{row.id}:0"), ("Yesterday", f"pd:{row.id}:1"),
                  (f"{(today - dt.timedelta(days=2)):%a %d %b}", f"pd:{row.id}:2")]],
            )
        ]  # fmt: skip

    def on_paper_day(self, message_id: str, days_ago: str) -> list[Screen]:
        today = self.now.astimezone(deadlines.LONDON).date()
        return self._arrived(int(message_id), today - dt.timedelta(days=min(int(days_ago), 400)))

    def on_paper_date_text(self, text: str) -> list[Screen]:
        when = dateparser.parse(
            text[:60], languages=["en"],
            settings={"DATE_ORDER": "DMY", "PREFER_DATES_FROM": "past", "RELATIVE_BASE": self.now.replace(tzinfo=None)},
        )  # fmt: skip
        if when is None:
            return [Screen("I could not read that as a date. Type it like <i>3 June</i> or <i>03/06/2026</i>.")]
        return self._arrived(int(self.conversation.get("message") or 0), when.date())

    def _arrived(self, message_id: int, day: dt.date) -> list[Screen]:
        request = self.own_request(int(self.conversation.get("request") or 0)) if self.state == "paper_date" else None
        row = self.session.get(MessageRow, message_id)
        if request is None or row is None or int(self.conversation.get("message") or 0) != message_id:
            return [Screen("That letter is no longer waiting for its date.")]
        try:
            analysis = paper_letters.arrived(self.session, request, row, day, self.now, self.parse)
        except paper_letters.PaperRefused as refusal:
            return [Screen(f"{esc(str(refusal)).capitalize()}. Choose or type the day it arrived.")]
        self.go("idle")
        if analysis is None:
            notes = "; ".join(row.parse_notes[-1:]) if row.parse_notes else ""
            return [Screen(f"📮 Added to <b>{esc(request.reference)}</b> (arrived {day:%d %b %Y}), but {esc(notes)}. "
                           "Its page shows it; tell me what kind of letter it is from there.",
                           [[("See the request", f"r:{request.id}")]])]  # fmt: skip
        return [
            Screen(
                f"📮 Added to <b>{esc(request.reference)}</b>, arrived {day:%d %b %Y}. I read it as "
                f"<b>{esc(KIND_WORDS.get(analysis.kind, analysis.kind))}</b>; what it means for the request comes "
                "next, as for an emailed reply.",
                [[("See the request", f"r:{request.id}")]],
            )
        ]
