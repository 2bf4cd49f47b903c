"""Conversation steps for what happens after sending: replies, kinds, held mail, follow-up letters.

Mixed into ``bot.flow.Flow``; every id from a button is checked against the
owner before anything is shown or changed.
"""

from __future__ import annotations

from sqlalchemy import select

from bot import views
from bot.screens import Screen, esc
from bot.steps import Steps
from foi import deadlines, letters
from foi.laws import law_for
from foi.lifecycle import Event, can
from mail.errors import AddressError
from mail.parse import DEFAULT_MAX_BYTES
from service import corrections, followups, outgoing
from service.ingest import assign
from service.replies import KIND_WORDS, correct_kind, on_reply_attached
from storage.models import FoiRequestRow, MessageLink, MessageRow


class FollowUpSteps(Steps):
    """Replies to authorities, kind corrections, held mail, prompts' letters and the complaint pack."""

    def _own_message(self, message_id: str) -> tuple[MessageRow, FoiRequestRow] | None:
        return views.own_message(self.session, self.user, int(message_id))

    def on_reply_button(self, message_id: str) -> list[Screen]:
        found = self._own_message(message_id)
        if found is None:
            return [Screen("That message is not yours or no longer exists.")]
        message, request = found
        self.go("reply_text", message=message.id, request=request.id)
        hint = " Your answer restarts the 20 working days." if request.status == "clarification_requested" else ""
        return [Screen(f"Type your reply to {esc(request.authority.name if request.authority else 'them')}. "
                       f"I will email it in the same thread, after you see it.{hint}")]  # fmt: skip

    def on_reply_text(self, text: str) -> list[Screen]:
        found = self._own_message(str(self.conversation.get("message", 0)))
        if found is None:
            self.go("idle")
            return [Screen("That conversation is no longer open.")]
        if not 2 <= len(text) <= 10_000:
            return [Screen("Type your reply (2 to 10,000 characters).")]
        message, request = found
        to = followups.addressing(request)
        body = f"Dear {to.authority_name},\n\n{text.strip()}\n\nYours faithfully,\n\n{to.requester_name}\n"
        subject = letters.reply_subject(
            message.subject or letters.request_subject(law_for(request.regime), to.title, to.reference)
        )
        if to.reference not in subject:
            subject = f"{subject} [{to.reference}]"
        return self._show_letter(request, letters.Letter("reply", subject, body), reply_to=message.id)

    def _show_letter(self, request: FoiRequestRow, letter: letters.Letter, reply_to: int | None = None) -> list[Screen]:
        self.go(
            "letter",
            letter={"request": request.id, "kind": letter.kind, "subject": letter.subject, "body": letter.body,
                    "reply_to": reply_to},
        )  # fmt: skip
        assert request.authority is not None
        return [
            Screen(
                f"<b>To:</b> {esc(request.authority.name)} &lt;{esc(request.authority.foi_email)}&gt;\n"
                f"<b>Subject:</b> {esc(letter.subject)}\n\n{esc(letter.body)}"
            ),
            Screen(
                "Send it as it is? Nothing goes out without your tap.",
                [[("📤 Send", "ls"), ("✏️ Edit", "le"), ("🗑 Cancel", "lx")]],
            ),  # fmt: skip
        ]

    def _pending_letter(self) -> tuple[FoiRequestRow, letters.Letter, int | None] | None:
        data = self.conversation.get("letter")
        if not data or self.state not in ("letter", "letter_edit"):
            return None
        request = self.own_request(int(data["request"]))
        if request is None:
            return None
        return request, letters.Letter(data["kind"], data["subject"], data["body"]), data.get("reply_to")

    def on_letter_edit_button(self) -> list[Screen]:
        pending = self._pending_letter()
        if pending is None:
            return [Screen("There is no letter waiting.")]
        self.remember(state="letter_edit")
        return [Screen("Send the whole letter as you want it, and I will show it again before it goes.")]

    def on_letter_edit(self, text: str) -> list[Screen]:
        pending = self._pending_letter()
        if pending is None:
            self.go("idle")
            return [Screen("There is no letter waiting.")]
        if not 10 <= len(text) <= 20_000:
            return [Screen("A letter has 10 to 20,000 characters. Send it again.")]
        request, letter, reply_to = pending
        return self._show_letter(request, letters.Letter(letter.kind, letter.subject, text.strip() + "\n"), reply_to)

    def on_letter_send(self) -> list[Screen]:
        pending = self._pending_letter()
        if pending is None:
            return [Screen("There is no letter waiting to be sent.")]
        request, letter, reply_to = pending
        try:
            queued = followups.send_letter(self.session, request, letter, self.mailbox, self.now, reply_to)
        except outgoing.CannotSend as exc:
            return [Screen(esc(str(exc)))]
        self.go("idle")
        return [Screen(f"📤 Sent to the outbox in the thread of <b>{esc(queued.reference)}</b>.",
                       [[("See the request", f"r:{request.id}")]])]  # fmt: skip

    def on_correct_address(self, request_id: str) -> list[Screen]:
        request = self.own_request(int(request_id))
        if request is None or not corrections.can_resend(request) or request.authority is None:
            return [Screen("That request is not waiting to be resent.")]
        self.go("correct_address", request=request.id)
        return [Screen(f"What is the right FOI address of <b>{esc(request.authority.name)}</b>? "
                       f"I used {esc(request.authority.foi_email)}. Their website usually lists it.")]  # fmt: skip

    def on_corrected_address(self, text: str) -> list[Screen]:
        request = self.own_request(int(self.conversation.get("request", 0)))
        if request is None or not corrections.can_resend(request):
            self.go("idle")
            return [Screen("That request is not waiting to be resent.")]
        try:
            queued = corrections.correct_address_and_resend(self.session, request, text, self.mailbox, self.now)
        except AddressError as exc:
            return [Screen(f"I cannot use that address: {esc(str(exc))}. Type the right FOI address again.")]
        self.go("idle")
        assert request.authority is not None
        return [Screen(f"📤 <b>{esc(queued.reference)}</b> goes again, to {esc(request.authority.foi_email)}. "
                       "I will tell you when it has been delivered.",
                       [[("See the request", f"r:{request.id}")]])]  # fmt: skip

    def on_letter_cancel(self) -> list[Screen]:
        self.go("idle")
        return [Screen("The letter is dropped; nothing was sent.")]

    def on_kind_confirmed(self, message_id: str) -> list[Screen]:
        found = self._own_message(message_id)
        if found is None:
            return [Screen("That message is not yours or no longer exists.")]
        message, _ = found
        message.classification_by_user = message.classification
        return [Screen("Thanks — noted.")]

    def on_kind_choices(self, message_id: str) -> list[Screen]:
        if self._own_message(message_id) is None:
            return [Screen("That message is not yours or no longer exists.")]
        rows = [[(label.capitalize(), f"ks:{message_id}:{kind}")] for kind, label in KIND_WORDS.items()]
        return [Screen("What kind of letter is it?", rows)]

    def on_kind_set(self, message_id: str, kind: str) -> list[Screen]:
        found = self._own_message(message_id)
        if found is None or kind not in KIND_WORDS:
            return [Screen("That message is not yours or no longer exists.")]
        message, request = found
        correct_kind(self.session, request, message, kind, self.now)
        return [Screen(f"Noted: {esc(KIND_WORDS[kind])}. Status now: {views.status_label(request.status)}.")]

    def on_dismiss(self, message_id: str) -> list[Screen]:
        return [Screen("OK.")] if self._own_message(message_id) else [Screen("That message is not yours.")]

    def _request_for_letter(self, request_id: str) -> FoiRequestRow | None:
        request = self.own_request(int(request_id))
        return request if request is not None and request.reference and request.authority else None

    def on_draft_review(self, request_id: str) -> list[Screen]:
        request = self._request_for_letter(request_id)
        if request is None or not can(request.status, Event.REQUEST_REVIEW):
            return [Screen("A review cannot be asked for on that request now.")]
        today = self.now.astimezone(deadlines.LONDON).date()
        return self._show_letter(request, followups.draft_review(self.session, request, today))

    def on_draft_chaser(self, request_id: str) -> list[Screen]:
        request = self._request_for_letter(request_id)
        if request is None:
            return [Screen("That request is not yours or has not been sent.")]
        return self._show_letter(request, followups.draft_chaser(self.session, request))

    def on_draft_requirement(self, request_id: str) -> list[Screen]:
        request = self._request_for_letter(request_id)
        if request is None or not law_for(request.regime).is_scottish:
            return [Screen("A requirement for review applies to Scottish requests only.")]
        today = self.now.astimezone(deadlines.LONDON).date()
        return self._show_letter(request, followups.draft_requirement_for_review(self.session, request, today))

    def on_complaint_pack(self, request_id: str) -> list[Screen]:
        request = self._request_for_letter(request_id)
        if request is None:
            return [Screen("That request is not yours or has not been sent.")]
        today = self.now.astimezone(deadlines.LONDON).date()
        filename, data, grounds = followups.complaint_pack(self.session, request, today)
        law = law_for(request.regime)
        return [
            Screen(
                f"<b>Grounds</b> ({len(grounds)} characters, the limit is 2,000 — edit them as you wish):\n\n"
                f"{esc(grounds)}\n\n<b>Where and how:</b> {esc(letters.where_to_complain(law))}"
            ),  # fmt: skip
            Screen(f"Complaint pack for {esc(request.reference)}", document=(filename, data)),
            Screen(
                "Tell me when you have sent it, and I will stop these reminders.",
                [[("I have complained", f"cm:{request.id}")]],
            ),  # fmt: skip
        ]

    def on_complained(self, request_id: str) -> list[Screen]:
        request = self.own_request(int(request_id))
        if request is None or not followups.record_complaint(self.session, request, self.now):
            return [Screen("That request cannot be marked as complained about now.")]
        return [Screen(f"Noted: complaint made about {esc(request.reference)}.")]

    def on_snooze(self, request_id: str) -> list[Screen]:
        request = self.own_request(int(request_id))
        if request is None:
            return [Screen("That request is not yours or no longer exists.")]
        followups.snooze(request, self.now.astimezone(deadlines.LONDON).date())
        return [
            Screen(f"💤 No reminders about {esc(request.reference)} until {views.short_date(request.snoozed_until)}.")
        ]

    def on_stop_reminders(self, request_id: str) -> list[Screen]:
        request = self.own_request(int(request_id))
        if request is None:
            return [Screen("That request is not yours or no longer exists.")]
        followups.stop_reminders(request)
        return [Screen(f"🔕 No more reminders about {esc(request.reference)}. Its page still shows the deadlines.")]

    def _suggested(self, message_id: str, request_id: str) -> tuple[MessageLink, FoiRequestRow] | None:
        request = self.own_request(int(request_id))
        if request is None:
            return None
        link = self.session.scalar(
            select(MessageLink).where(
                MessageLink.message_id == int(message_id),
                MessageLink.request_id == request.id,
                MessageLink.status == "suggested",
            )
        )
        return (link, request) if link is not None else None

    def on_held_yes(self, message_id: str, request_id: str) -> list[Screen]:
        found = self._suggested(message_id, request_id)
        if found is None:
            return [Screen("That message is no longer waiting for you.")]
        link, request = found
        assign(self.session, link.message_id, request.id, self.now)
        message = self.session.get(MessageRow, link.message_id)
        if message is not None and message.raw is not None and message.analysis is None:
            # Read it now, as if it had been attached on arrival: the request follows its kind.
            on_reply_attached(self.session, request, message, self.parse(message.raw, DEFAULT_MAX_BYTES), self.now)
        link.notified_at = None  # tell the user about it as a reply now
        link.notice_claimed_at = None
        return [Screen(f"Attached to {esc(request.reference)}.")]

    def on_held_no(self, message_id: str, request_id: str) -> list[Screen]:
        found = self._suggested(message_id, request_id)
        if found is None:
            return [Screen("That message is no longer waiting for you.")]
        link, _ = found
        link.status = "rejected"
        return [Screen("OK, it stays in the holding pen for the operator.")]
