"""The conversation: what each command, text and button does, as one table per input kind.

States (kept in ``users.conversation``, so a restart resumes where the user was)::

    idle ─/new─▶ authority_query ─pick─▶ title ─▶ question ─▶ questions ⇄ (sub_item | edit_question)
                   │  └─add─▶ authority_name ─▶ authority_email ─▶ authority_nation ─┘      │
                   └── (no name yet) ask_name ◀─ /start, /settings                          ▼
                                                                           preview ─send─▶ idle

Invariants: a user only ever sees and changes their own requests and drafts;
every id that arrives in button data is checked against the owner; wrong
input re-prompts and keeps what was entered. Business state (drafts,
questions) lives in the database; the conversation only says where we are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import views
from bot.followup_steps import FollowUpSteps
from bot.paper_steps import PaperSteps
from bot.privacy_steps import PrivacySteps
from bot.screens import Screen, esc
from bot.tracking_steps import TrackingSteps
from foi import advice, deadlines, letters
from foi.laws import law_for
from foi.questions import Question, parse_questions, sub_label
from mail.compose import Mailbox
from mail.errors import AddressError
from mail.parse import Parser, parse_message
from service import drafts, limits, outgoing, web_access
from service.batches import BatchSettings
from service.directory import add_authority, checked_address, find_authorities, give_address
from service.limits import Limits
from storage.directory import NATIONS
from storage.models import AuthorityRow, FoiRequestRow, User
from storage.requests import questions_of

MAX_TITLE = 150
MAX_ID = 2**62  # ids in buttons beyond any row id (forged data must not overflow the database)
MAX_QUESTION = 2000
MAX_PASTED = 40  # questions taken from one pasted request
_NUMBERED_LINE = re.compile(r"^\s*\(?\d{1,3}\s*[.)]\s+")

COMMANDS = {
    "start": "What foibot does, and your name",
    "new": "Write a new FOI request",
    "requests": "Your requests and where they stand",
    "drafts": "Requests you have not sent yet",
    "batch": "One request to many bodies",
    "batches": "Your batches and where they stand",
    "dashboard": "A sign-in link to your requests on the web",
    "mydata": "A copy of everything I hold about you",
    "forget": "Erase your account",
    "settings": "Your name",
    "cancel": "Stop what you are doing (drafts are kept)",
    "help": "How foibot works",
}


class Flow(FollowUpSteps, TrackingSteps, PrivacySteps, PaperSteps):
    """One update's worth of conversation for one user, inside one database transaction."""

    def __init__(
        self,
        session: Session,
        user: User,
        mailbox: Mailbox,
        now: dt.datetime,
        parse: Parser = parse_message,
        limits: Limits | None = None,
        batches: BatchSettings | None = None,
        dashboard_url: str | None = None,
    ) -> None:
        self.dashboard_url = dashboard_url
        self.session = session
        self.user = user
        self.mailbox = mailbox
        self.now = now
        self.parse = parse  # reads stored mail back (a worker process in production)
        self.limits = limits or Limits()
        self.batches = batches or BatchSettings()

    # --- conversation state ---------------------------------------------------------------

    @property
    def conversation(self) -> dict[str, Any]:
        return dict(self.user.conversation or {})

    @property
    def state(self) -> str:
        return self.conversation.get("state", "idle")

    def go(self, state: str, **data: Any) -> None:
        """Move to ``state``, keeping the draft and replacing the step's data."""
        keep = {k: v for k, v in self.conversation.items() if k in ("draft", "list")}  # the list's filter too
        self.user.conversation = {**keep, **data, "state": state}

    def remember(self, **data: Any) -> None:
        self.user.conversation = {**self.conversation, **data}

    def draft(self) -> FoiRequestRow | None:
        draft_id = self.conversation.get("draft")
        if draft_id is None:
            return None
        draft = self.own_request(int(draft_id))
        return draft if draft is not None and draft.status == "draft" else None

    def own_request(self, request_id: int) -> FoiRequestRow | None:
        """Return the request only if it belongs to this user."""
        return drafts.owned_request(self.session, self.user, request_id)

    # --- entry points -----------------------------------------------------------------------

    def command(self, name: str) -> list[Screen]:
        handler = {
            "start": self.cmd_start,
            "help": self.cmd_help,
            "settings": self.cmd_settings,
            "new": self.cmd_new,
            "requests": lambda: self.requests_page(0),
            "drafts": self.cmd_drafts,
            "cancel": self.cmd_cancel,
            "dashboard": self.cmd_dashboard,
            **self.tracking_commands(),
            **self.privacy_commands(),
        }.get(name)
        if handler is None:
            return [Screen(f"I don't know /{esc(name)}. " + views.COMMAND_LIST)]
        return handler()

    def cmd_dashboard(self) -> list[Screen]:
        if not self.dashboard_url:
            return [Screen("The web dashboard is not switched on here (the operator sets WEB_PORT).")]
        token = web_access.new_sign_in(self.session, self.user, self.now)
        minutes = int(web_access.SIGN_IN_LIFETIME.total_seconds() // 60)
        return [
            Screen(
                f"Your sign-in link — it works once, in the next {minutes} minutes, and only for you:\n"
                f"{esc(self.dashboard_url)}/sign-in/{token}\n\nDo not forward it. Send /dashboard again for a new one."
            )
        ]

    def text(self, text: str) -> list[Screen]:
        handler: Callable[[str], list[Screen]] | None = {
            "ask_name": self.on_name,
            "authority_query": self.on_authority_query,
            "authority_name": self.on_authority_name,
            "authority_email": self.on_authority_email,
            "directory_email": self.on_directory_email,
            "authority_nation": self.on_authority_nation_text,
            "title": self.on_title,
            "question": self.on_question,
            "questions": self.on_question,
            "sub_item": self.on_sub_item,
            "edit_question": self.on_edit_question,
            "reply_text": self.on_reply_text,
            "letter_edit": self.on_letter_edit,
            "correct_address": self.on_corrected_address,
            **self.tracking_texts(),
            **self.paper_texts(),
        }.get(self.state)
        if handler is None:
            return [Screen("Use /new to write a request, /requests to see yours, or /help.")]
        if self.state.startswith(("authority", "title", "question", "sub", "edit")):
            if self.draft() is None:
                self.go("idle")
                return [Screen("That draft is no longer open. Start again with /new or pick one in /drafts.")]
        return handler(text.strip())

    def button(self, data: str) -> list[Screen]:
        verb, _, rest = data.partition(":")
        args = rest.split(":") if rest else []
        if any(not arg.isdigit() or int(arg) > MAX_ID for arg in args if arg and arg[0].isdigit()):
            return [Screen("That button no longer works. " + views.COMMAND_LIST)]
        handler = {
            "a": self.on_pick_authority,
            "an": self.on_add_authority,
            "nat": self.on_nation,
            "q+": self.on_add_question,
            "qs": self.on_show_question,
            "qe": self.on_edit_question_button,
            "qa": self.on_add_sub_item_button,
            "qd": self.on_delete_question,
            "qu": self.on_move_up,
            "sd": self.on_delete_sub_item,
            "qb": lambda *_: self.questions_screen(),
            "pq": lambda: self.on_pasted(),
            "p1": lambda: self.on_pasted(keep_as_one=True),
            "pv": self.on_preview,
            "law": self.on_switch_law,
            "send": self.on_send,
            "edit": lambda *_: self.questions_screen(),
            "save": self.on_save,
            "cx": self.on_cancel_draft,
            "cxy": self.on_cancel_draft_confirmed,
            "d": self.on_resume_draft,
            "nm": self.on_change_name,
            "rl": self.on_requests_page,
            "r": self.on_request_page,
            "m": self.on_message,
            "f": self.on_file,
            "wd": self.on_withdraw,
            "wdy": self.on_withdraw_confirmed,
            "rp": self.on_reply_button,
            "kc": self.on_kind_confirmed,
            "kx": self.on_kind_choices,
            "ks": self.on_kind_set,
            "dm": self.on_dismiss,
            "rv": self.on_draft_review,
            "ch": self.on_draft_chaser,
            "cs": self.on_draft_requirement,
            "cp": self.on_complaint_pack,
            "cm": self.on_complained,
            "sz": self.on_snooze,
            "so": self.on_stop_reminders,
            "hy": self.on_held_yes,
            "hn": self.on_held_no,
            "ls": self.on_letter_send,
            "le": self.on_letter_edit_button,
            "lx": self.on_letter_cancel,
            "ca": self.on_correct_address,
            **self.tracking_buttons(),
            **self.privacy_buttons(),
            **self.paper_buttons(),
        }.get(verb)
        if handler is None:
            return [Screen("That button no longer works. " + views.COMMAND_LIST)]
        try:
            return handler(*args)
        except (TypeError, ValueError):
            return [Screen("That button no longer works. " + views.COMMAND_LIST)]

    # --- commands ---------------------------------------------------------------------------

    def cmd_start(self) -> list[Screen]:
        if not self.user.real_name:
            self.go("ask_name")
            return [Screen(views.WELCOME), Screen(views.ASK_NAME)]
        self.go("idle")
        return [
            Screen(views.WELCOME),
            Screen(f"You are set up as <b>{esc(self.user.real_name)}</b>. " + views.COMMAND_LIST),
        ]

    def cmd_help(self) -> list[Screen]:
        return [Screen(views.HELP)]

    def cmd_settings(self) -> list[Screen]:
        name = esc(self.user.real_name) if self.user.real_name else "<i>not set</i>"
        return [
            Screen(f"Your name on requests: <b>{name}</b>\n\n{views.NAME_WHY}", [[("Change my name", "nm")]]),
            self.digest_settings(),
        ]

    def cmd_new(self) -> list[Screen]:
        if not self.user.real_name:
            self.go("ask_name", then="new")
            return [Screen("Before the first request I need your real name.\n\n" + views.ASK_NAME)]
        try:
            draft = drafts.start_draft(self.session, self.user, self.limits)
        except drafts.DraftRefused as refusal:
            return [Screen(esc(str(refusal)))]
        self.user.conversation = {"state": "authority_query", "draft": draft.id}
        return [Screen(views.ASK_AUTHORITY)]

    def cmd_drafts(self) -> list[Screen]:
        drafts = self.session.scalars(
            select(FoiRequestRow)
            .where(FoiRequestRow.owner_id == self.user.id, FoiRequestRow.status == "draft")
            .order_by(FoiRequestRow.id.desc())
            .limit(10)
        ).all()
        if not drafts:
            return [Screen("You have no drafts. /new writes a request.")]
        rows = [[(views.draft_label(d), f"d:{d.id}")] for d in drafts]
        return [Screen("Your drafts — pick one to carry on:", rows)]

    def cmd_cancel(self) -> list[Screen]:
        had_draft = self.draft() is not None
        self.user.conversation = {"state": "idle"}
        tail = " Your draft is saved: /drafts to go back to it." if had_draft else ""
        return [Screen("Cancelled." + tail)]

    # --- name -------------------------------------------------------------------------------

    def on_change_name(self) -> list[Screen]:
        self.go("ask_name")
        return [Screen(views.ASK_NAME)]

    def on_name(self, text: str) -> list[Screen]:
        problem = advice.problem_with_name(text)
        if problem:
            return [Screen(f"{esc(problem)}\n\n{views.ASK_NAME_SHORT}")]
        self.user.real_name = " ".join(text.split())
        then = self.conversation.get("then")
        self.go("idle")
        screens = [Screen(f"Thank you, <b>{esc(self.user.real_name)}</b>. Requests will be signed with this name.")]
        if then == "new":
            return screens + self.cmd_new()
        return screens + [Screen(views.COMMAND_LIST)]

    # --- authority --------------------------------------------------------------------------

    def on_authority_query(self, text: str) -> list[Screen]:
        if len(text) < 2:
            return [Screen("Type at least two letters of the public body's name, e.g. <i>barnet</i>.")]
        hits = find_authorities(self.session, text, self.user.id)
        self.remember(query=text[:200])
        add = [("➕ Add a public body that is not listed", "an")]
        if not hits:
            return [
                Screen(
                    f"I found nothing like “{esc(text)}”. Type another name, or add it:",
                    [add],
                )
            ]
        rows = [[(f"{a.name[:55]}", f"a:{a.id}")] for a in hits]
        return [Screen("Which one? (Or type another name.)", rows + [add])]

    def on_pick_authority(self, authority_id: str) -> list[Screen]:
        draft = self.draft()
        try:
            if draft is None:
                raise drafts.DraftRefused("That choice is no longer open.")
            authority = drafts.choose_authority(self.session, draft, int(authority_id), self.user)
        except drafts.DraftRefused as refusal:
            return [Screen(f"{esc(str(refusal))} /new starts a request.")]
        if not authority.foi_email:
            # Listed (from WhatDoTheyKnow's directory, say) without an FOI address: the first writer finds it.
            self.go("directory_email", authority=authority.id)
            return [
                Screen(
                    f"I have <b>{esc(authority.name)}</b> in the directory but not its FOI email address. "
                    "What is it? Their website usually lists it (look for “Freedom of Information”). "
                    "I will check it and keep it for everyone."
                )
            ]
        self.go("title")
        law = law_for(draft.regime)
        return [
            Screen(
                f"To: <b>{esc(authority.name)}</b> ({esc(authority.foi_email)}), under the {esc(law.title)}.\n\n"
                + views.ASK_TITLE
            )
        ]

    def on_add_authority(self) -> list[Screen]:
        if self.draft() is None:
            return [Screen("That draft is no longer open. /new starts a request.")]
        query = self.conversation.get("query", "")
        self.go("authority_name", query=query)
        return [Screen("What is the public body's full name? e.g. <i>London Borough of Barnet</i>")]

    def on_authority_name(self, text: str) -> list[Screen]:
        if not 3 <= len(text) <= 200:
            return [Screen("Please type the full name of the public body (3 to 200 characters).")]
        self.go("authority_email", new_name=" ".join(text.split()))
        return [Screen(f"What is the FOI email address of <b>{esc(text)}</b>? Their website usually lists it.")]

    def on_authority_email(self, text: str) -> list[Screen]:
        try:
            address, _ = checked_address(text)
        except AddressError as exc:
            if "@" not in text or " " in text.strip():
                return [Screen(f"“{esc(text[:100])}” is not an email address. Type it like <i>foi@council.gov.uk</i>.")]
            return [Screen(f"I cannot use “{esc(text[:100])}”: {esc(str(exc))}.")]
        self.go("authority_nation", new_name=self.conversation.get("new_name"), new_email=address)
        return [
            Screen("Where is it? (This decides the law: Scottish bodies answer under FOISA.)", views.nation_buttons())
        ]

    def on_directory_email(self, text: str) -> list[Screen]:
        draft = self.draft()
        authority = self.session.get(AuthorityRow, int(self.conversation.get("authority") or 0))
        if draft is None or authority is None or draft.authority_id != authority.id:
            self.go("idle")
            return [Screen("That choice is no longer open. /new starts a request.")]
        if not authority.foi_email:
            try:
                give_address(self.session, authority, text)
            except AddressError as exc:
                return [Screen(f"I cannot use “{esc(text[:100])}”: {esc(str(exc))}. Type the FOI address again.")]
        return self.on_pick_authority(str(authority.id))

    def on_authority_nation_text(self, text: str) -> list[Screen]:
        return [Screen("Please choose with one of the buttons:", views.nation_buttons())]

    def on_nation(self, nation: str) -> list[Screen]:
        draft = self.draft()
        name, email = self.conversation.get("new_name"), self.conversation.get("new_email")
        if draft is None or nation not in NATIONS or not name or not email or self.state != "authority_nation":
            return [Screen("That choice is no longer open. /new starts a request.")]
        try:
            authority = add_authority(self.session, name, email, nation=nation, added_by=self.user.id)
        except AddressError as exc:
            self.go("authority_email", new_name=name)
            return [Screen(f"I cannot use that address: {esc(str(exc))}. Type the body's FOI address again.")]
        return self.on_pick_authority(str(authority.id))

    # --- title and questions ------------------------------------------------------------------

    def on_title(self, text: str) -> list[Screen]:
        if not 3 <= len(text) <= MAX_TITLE:
            return [Screen(f"A title has 3 to {MAX_TITLE} characters. " + views.ASK_TITLE)]
        draft = self.draft()
        assert draft is not None
        drafts.set_title(draft, text)
        self.go("question")
        return [Screen(views.ASK_FIRST_QUESTION)]

    def _questions(self) -> list[Question]:
        draft = self.draft()
        return questions_of(draft) if draft is not None else []

    def _save_questions(self, questions: list[Question]) -> None:
        draft = self.draft()
        assert draft is not None
        drafts.set_questions(self.session, draft, questions)

    def on_question(self, text: str) -> list[Screen]:
        pasted = parse_questions(text)
        if len(pasted) > 1 or (pasted and pasted[0].sub_items):
            return self._confirm_pasted(pasted)
        if pasted and pasted[0].text != text and _NUMBERED_LINE.match(text):
            text = pasted[0].text  # "1. Breakdown…": the letter numbers its questions itself
        if not 3 <= len(text) <= MAX_QUESTION:
            return [Screen(f"A question has 3 to {MAX_QUESTION} characters. Type it again.")]
        questions = self._questions() + [Question(text)]
        self._save_questions(questions)
        return self.questions_screen(new_advice=advice.advise_question(text))

    def _confirm_pasted(self, pasted: list[Question]) -> list[Screen]:
        """Show a pasted numbered request back as questions and sub-items, to use or to keep as one."""
        pasted = pasted[:MAX_PASTED]
        too_long = [n for n, q in enumerate(pasted, 1) if not 3 <= len(q.text) <= MAX_QUESTION]
        if too_long or any(len(item) > MAX_QUESTION for q in pasted for item in q.sub_items):
            return [Screen(f"A question has 3 to {MAX_QUESTION} characters; question {too_long[0] if too_long else ''} "
                           "is too long. Shorten it and send it again.")]  # fmt: skip
        self.remember(pasted=[[q.text, list(q.sub_items)] for q in pasted])
        count = sum(1 + len(q.sub_items) for q in pasted)
        return [
            Screen(
                f"I read {len(pasted)} question{'s' if len(pasted) > 1 else ''} ({count} parts in all):\n\n"
                f"{esc(letters.render_questions(pasted))}\n\nAdd them like this?",
                [[("✅ Yes, add them", "pq"), ("↩️ No, keep my text as one question", "p1")]],
            )
        ]

    def on_pasted(self, keep_as_one: bool = False) -> list[Screen]:
        data = self.conversation.get("pasted")
        if self.draft() is None or not data:
            return [Screen("Nothing pasted is waiting. Send your questions again.")]
        pasted = [Question(text, tuple(items)) for text, items in data]
        if keep_as_one:
            joined = " ".join(" ".join([q.text, *q.sub_items]) for q in pasted)[:MAX_QUESTION]
            pasted = [Question(joined)]
        self.remember(pasted=None)
        self._save_questions(self._questions() + pasted)
        tips = [tip for q in pasted for text in (q.text, *q.sub_items) for tip in advice.advise_question(text)]
        return self.questions_screen(new_advice=list({t.code: t for t in tips}.values()))

    def on_add_question(self) -> list[Screen]:
        if self.draft() is None:
            return [Screen("That draft is no longer open. /new starts a request.")]
        self.go("question")
        return [Screen(f"Type question {len(self._questions()) + 1}.")]

    def _question_number(self, number: str) -> int | None:
        index = int(number) - 1
        return index if 0 <= index < len(self._questions()) else None

    def on_show_question(self, number: str) -> list[Screen]:
        index = self._question_number(number)
        if index is None:
            return self.questions_screen()
        question = self._questions()[index]
        n = index + 1
        text = f"<b>Question {n}</b>\n{esc(question.text)}"
        for k, item in enumerate(question.sub_items):
            text += f"\n   {sub_label(k)}) {esc(item)}"
        rows = [[("✏️ Edit text", f"qe:{n}"), ("➕ Add sub-item", f"qa:{n}")]]
        rows += [[(f"🗑 Remove sub-item {sub_label(k)})", f"sd:{n}:{k + 1}")] for k in range(len(question.sub_items))]
        rows += [[("⬆ Move up", f"qu:{n}"), ("🗑 Delete question", f"qd:{n}")], [("⬅ Back", "qb")]]
        return [Screen(text, rows)]

    def on_edit_question_button(self, number: str) -> list[Screen]:
        index = self._question_number(number)
        if index is None:
            return self.questions_screen()
        self.go("edit_question", question=index + 1)
        return [
            Screen(f"Type the new text of question {index + 1}. Now it reads:\n\n{esc(self._questions()[index].text)}")
        ]

    def on_edit_question(self, text: str) -> list[Screen]:
        index = self._question_number(str(self.conversation.get("question", 0)))
        if index is None:
            return self.questions_screen()
        if not 3 <= len(text) <= MAX_QUESTION:
            return [Screen(f"A question has 3 to {MAX_QUESTION} characters. Type it again.")]
        questions = self._questions()
        questions[index] = Question(text, questions[index].sub_items)
        self._save_questions(questions)
        return self.questions_screen(new_advice=advice.advise_question(text))

    def on_add_sub_item_button(self, number: str) -> list[Screen]:
        index = self._question_number(number)
        if index is None:
            return self.questions_screen()
        self.go("sub_item", question=index + 1)
        count = len(self._questions()[index].sub_items)
        return [Screen(f"Type sub-item {sub_label(count)}) of question {index + 1}.")]

    def on_sub_item(self, text: str) -> list[Screen]:
        index = self._question_number(str(self.conversation.get("question", 0)))
        if index is None:
            return self.questions_screen()
        if not 1 <= len(text) <= MAX_QUESTION:
            return [Screen(f"A sub-item has 1 to {MAX_QUESTION} characters. Type it again.")]
        questions = self._questions()
        if len(questions[index].sub_items) >= 26:
            return self.questions_screen()
        questions[index] = Question(questions[index].text, (*questions[index].sub_items, text))
        self._save_questions(questions)
        return self.questions_screen(new_advice=advice.advise_question(text), sub_item_of=index + 1)

    def on_delete_question(self, number: str) -> list[Screen]:
        index = self._question_number(number)
        if index is not None:
            questions = self._questions()
            del questions[index]
            self._save_questions(questions)
        return self.questions_screen()

    def on_move_up(self, number: str) -> list[Screen]:
        index = self._question_number(number)
        if index:
            questions = self._questions()
            questions[index - 1], questions[index] = questions[index], questions[index - 1]
            self._save_questions(questions)
        return self.questions_screen()

    def on_delete_sub_item(self, number: str, item: str) -> list[Screen]:
        index = self._question_number(number)
        if index is not None:
            questions = self._questions()
            subs = list(questions[index].sub_items)
            k = int(item) - 1
            if 0 <= k < len(subs):
                del subs[k]
                questions[index] = Question(questions[index].text, tuple(subs))
                self._save_questions(questions)
        return self.questions_screen()

    def questions_screen(
        self, new_advice: list[advice.Advice] | None = None, sub_item_of: int | None = None
    ) -> list[Screen]:
        draft = self.draft()
        if draft is None:
            return [Screen("That draft is no longer open. /new starts a request.")]
        self.go("questions")
        questions = self._questions()
        body = esc(letters.render_questions(questions)) if questions else "<i>No questions yet.</i>"
        text = f"<b>{esc(draft.title)}</b> — your questions so far:\n\n{body}"
        screens = []
        if new_advice:
            tips = "\n\n".join(f"💡 {esc(a.message)}" for a in new_advice)
            screens.append(Screen(tips))
        rows = [[(f"{n}. {q.text[:30]}", f"qs:{n}")] for n, q in enumerate(questions[:10], start=1)]
        next_hint = "Send another question as a message, or use the buttons."
        add_row = [("➕ Question", "q+")]
        if questions:
            last = sub_item_of or len(questions)
            add_row.append((f"➕ Sub-item to {last}", f"qa:{last}"))
        rows.append(add_row)
        if questions:
            rows.append([("👁 Preview the letter", "pv")])
        screens.append(Screen(f"{text}\n\n{next_hint}", rows))
        return screens

    # --- preview and send ---------------------------------------------------------------------

    def on_preview(self) -> list[Screen]:
        draft = self.draft()
        if draft is None:
            return [Screen("That draft is no longer open. /new starts a request.")]
        problem = self._not_ready(draft)
        if problem:
            return [Screen(esc(problem))] + self.questions_screen()
        self.go("preview")
        law = law_for(draft.regime)
        letter = drafts.letter_for(self.session, draft)
        assert draft.authority is not None
        central = "central" in (draft.authority.tags or [])
        tips = advice.advise_request(law, draft.title, self._questions(), central_government=central)
        screens = [
            Screen(
                f"<b>To:</b> {esc(draft.authority.name)} &lt;{esc(draft.authority.foi_email)}&gt;\n"
                f"<b>Subject:</b> {esc(letter.subject)}\n\n{esc(letter.body)}"
            )
        ]
        if tips:
            screens.append(Screen("\n\n".join(f"💡 {esc(t.message)}" for t in tips)))
        rows = [[("📤 Send", "send"), ("✏️ Edit", "edit")], [("💾 Save draft", "save"), ("🗑 Cancel", "cx")]]
        switch = views.law_switch(draft.regime)
        if switch:
            rows.append([switch])
        screens.append(Screen("Send it as it is?", rows))
        return screens

    def _not_ready(self, draft: FoiRequestRow) -> str | None:
        try:
            outgoing.check_ready(draft)
        except outgoing.CannotSend as exc:
            return str(exc).capitalize() + "."
        return None

    def on_switch_law(self, regime: str) -> list[Screen]:
        draft = self.draft()
        if draft is None or regime not in ("foia", "eir", "foisa", "eisr"):
            return [Screen("That choice is no longer open.")]
        draft.regime = regime
        return self.on_preview()

    def on_send(self) -> list[Screen]:
        draft = self.draft()
        if draft is None or self.state != "preview":
            return [Screen("Nothing is waiting to be sent. /drafts lists your drafts.")]
        refusal = limits.refusal_for_sending(self.session, self.user, self.limits, self.now)
        if refusal:
            return [Screen(esc(refusal), [[("💾 Keep the draft", "save")]])]
        try:
            queued = outgoing.queue_request(self.session, draft, self.mailbox, self.now)
        except outgoing.CannotSend as exc:
            return [Screen(esc(str(exc).capitalize()) + ".")] + self.questions_screen()
        law = law_for(draft.regime)
        due = deadlines.reply_due(law, deadlines.receipt_day(self.now))
        self.user.conversation = {"state": "idle"}
        assert draft.authority is not None
        return [
            Screen(
                f"📤 Sent to the outbox: <b>{esc(queued.reference)}</b> to {esc(draft.authority.name)}.\n\n"
                f"If it is delivered today, the reply is due by <b>{letters.long_date(due)}</b> "
                f"({esc(law.reply.describe())}). I will tell you when it has gone and when they answer.",
                [[("See the request", f"r:{draft.id}")]],
            )
        ]

    def on_save(self) -> list[Screen]:
        self.user.conversation = {"state": "idle"}
        return [Screen("💾 Saved. /drafts takes you back to it.")]

    def on_cancel_draft(self) -> list[Screen]:
        if self.draft() is None:
            return [Screen("There is no open draft.")]
        return [Screen("Delete this draft?", [[("Yes, delete it", "cxy"), ("No, keep it", "pv")]])]

    def on_cancel_draft_confirmed(self) -> list[Screen]:
        draft = self.draft()
        self.user.conversation = {"state": "idle"}
        if draft is None:
            return [Screen("There is no open draft to delete; nothing was changed. /drafts lists yours.")]
        drafts.delete_draft(self.session, draft)
        return [Screen("The draft is deleted. /new starts another.")]

    def on_resume_draft(self, request_id: str) -> list[Screen]:
        draft = self.own_request(int(request_id))
        if draft is None or draft.status != "draft":
            return [Screen("That draft is not yours or no longer exists.")]
        self.user.conversation = {"state": "idle", "draft": draft.id}
        if draft.authority is None:
            self.go("authority_query")
            return [Screen(views.ASK_AUTHORITY)]
        if not draft.title:
            self.go("title")
            return [Screen(views.ASK_TITLE)]
        if not self._questions():
            self.go("question")
            return [Screen(views.ASK_FIRST_QUESTION)]
        return self.questions_screen()

    # --- requests -----------------------------------------------------------------------------

    def on_requests_page(self, page: str) -> list[Screen]:
        return self.requests_page(max(int(page), 0))

    def on_request_page(self, request_id: str) -> list[Screen]:
        request = self.own_request(int(request_id))
        if request is None:
            return [Screen("That request is not yours or no longer exists.")]
        return views.request_page(self.session, request, self.now.date())

    def on_message(self, message_id: str) -> list[Screen]:
        found = views.own_message(self.session, self.user, int(message_id))
        if found is None:
            return [Screen("That message is not yours or no longer exists.")]
        return views.message_screens(self.session, *found, parse=self.parse)

    def on_file(self, attachment_id: str) -> list[Screen]:
        screen = views.attachment_screen(self.session, self.user, int(attachment_id), parse=self.parse)
        return [screen or Screen("That file is not yours or no longer exists.")]

    def on_withdraw(self, request_id: str) -> list[Screen]:
        request = self.own_request(int(request_id))
        if request is None or not drafts.can_withdraw(request):
            return [Screen("That request cannot be withdrawn now.")]
        return [
            Screen(
                f"Withdraw <b>{esc(request.reference or request.title)}</b>? No more reminders will be sent.",
                [[("Yes, withdraw it", f"wdy:{request.id}"), ("No", f"r:{request.id}")]],
            )
        ]

    def on_withdraw_confirmed(self, request_id: str) -> list[Screen]:
        request = self.own_request(int(request_id))
        if request is None or not drafts.can_withdraw(request):
            return [Screen("That request cannot be withdrawn now.")]
        drafts.withdraw(self.session, request, self.now)
        return [Screen(f"{esc(request.reference or request.title)} is withdrawn.")]
