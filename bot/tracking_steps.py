"""The chat for many requests: filtered lists and exports, tags and projects, batches, a body's record.

States added to the conversation (bot/flow.py)::

    idle ─/batch─▶ batch_title ─▶ batch_questions ─▶ batch_bodies ─▶ (preview: bv/bs/bx buttons) ─▶ idle
    request page ─🏷─▶ tag_text ─▶ idle          request page ─📁─▶ project_text ─▶ idle

The list's filter is kept in the conversation (``list``), so paging, opening
a request and coming back keep it. Every id from a button is checked
against the user (``own_request``, ``batches.owned``, ``owned_project``).
"""

from __future__ import annotations

import csv
import io
import tempfile
from typing import Any

from bot import tracking_views as tv
from bot.screens import Screen, esc
from bot.steps import Steps
from foi.digests import DigestChoice
from foi.tracking import StatusGroup
from service import batches, digests, exports, listing, projects, statistics
from service.listing import Filter
from storage.models import FoiRequestRow

MAX_FILE = 45 * 1024 * 1024  # Telegram bots may send files up to 50 MB
MAX_BODIES_TYPED = 500
BODIES_HELP = (
    "Which bodies? Send one of:\n"
    "• a directory tag, like <code>#council</code>;\n"
    "• names, one per line (exact names, as in the directory);\n"
    "• CSV pasted as text, with a header row naming <code>name</code> or <code>foi_email</code>, "
    "and optionally <code>note</code> (the text for {note})."
)


class TrackingSteps(Steps):
    def tracking_commands(self) -> dict[str, Any]:
        return {"batch": self.cmd_batch, "batches": self.cmd_batches}

    def tracking_texts(self) -> dict[str, Any]:
        return {
            "batch_title": self.on_batch_title,
            "batch_questions": self.on_batch_questions,
            "batch_bodies": self.on_batch_bodies,
            "tag_text": self.on_tag_text,
            "project_text": self.on_project_text,
            "list_body": self.on_list_body_text,
        }

    def tracking_buttons(self) -> dict[str, Any]:
        return {
            "lf": self.on_list_group, "lp": self.on_list_project, "lpp": self.on_list_projects,
            "lt": self.on_list_tag, "ltt": self.on_list_tags, "l0": self.on_list_clear,
            "xc": self.on_export_csv, "xi": self.on_export_ics, "xz": self.on_export_zip,
            "tg": self.on_tag_button, "pj": self.on_project_button, "st": self.on_body_record,
            "bv": self.on_batch_letter, "bs": self.on_batch_send, "bx": self.on_batch_delete,
            "bxy": self.on_batch_delete_confirmed, "br": self.on_batch_revoke, "bt": self.on_batch_table,
            "bc": self.on_batch_csv, "bi": self.on_batch_ics, "bz": self.on_batch_zip, "bk": self.on_batch_record,
            "dg": self.on_digest_choice, "lb": self.on_list_body, "rz": self.on_request_zip,
        }  # fmt: skip

    # --- the list -----------------------------------------------------------------------------

    def _filter(self) -> Filter:
        kept = self.conversation.get("list") or {}
        project = kept.get("project")
        if project is not None and projects.owned_project(self.session, self.user, int(project)) is None:
            project = None
        return Filter(
            owner_id=self.user.id,
            groups=frozenset(StatusGroup(g) for g in kept.get("groups", []) if g in StatusGroup._value2member_map_),
            project_id=int(project) if project is not None else None,
            tag=kept.get("tag"),
            authority=kept.get("body"),
        )

    def _keep_filter(self, **changes: Any) -> None:
        kept = dict(self.conversation.get("list") or {})
        kept.update(changes)
        self.remember(list={k: v for k, v in kept.items() if v not in (None, [], "")})

    def requests_page(self, page: int) -> list[Screen]:
        wanted = self._filter()
        found = listing.find(self.session, wanted, self.now.date(), page=page)
        return [tv.requests_list(found, wanted, self._labels(wanted))]

    def _labels(self, wanted: Filter) -> dict[str, str]:
        if wanted.project_id is None:
            return {}
        project = projects.owned_project(self.session, self.user, wanted.project_id)
        return {"project": project.name if project else "?"}

    def on_list_group(self, group: str) -> list[Screen]:
        if group not in StatusGroup._value2member_map_:
            raise ValueError(group)
        current = set(self.conversation.get("list", {}).get("groups", []))
        current ^= {group}  # pressing a chosen group again takes it off
        self._keep_filter(groups=sorted(current))
        return self.requests_page(0)

    def on_list_projects(self) -> list[Screen]:
        mine = projects.projects_of(self.session, self.user)
        if not mine:
            return [Screen("You have no projects yet. Open a request and press 📁 Project to file it in one.")]
        rows = [[(f"{'📦' if p.kind == 'batch' else '📁'} {p.name[:50]}", f"lp:{p.id}")] for p in mine[:30]]
        return [Screen("Show the requests of which project?", rows)]

    def on_list_project(self, project_id: str) -> list[Screen]:
        if projects.owned_project(self.session, self.user, int(project_id)) is None:
            return [Screen("That project is not yours or no longer exists.")]
        self._keep_filter(project=int(project_id))
        return self.requests_page(0)

    def on_list_tags(self) -> list[Screen]:
        tags = projects.tags_of_user(self.session, self.user)
        if not tags:
            return [Screen("You have not tagged any request. Open a request and press 🏷 Tags.")]
        rows = [[(f"#{tag} ({count})", f"lt:{index}")] for index, (tag, count) in enumerate(tags[:30])]
        return [Screen("Show the requests with which tag?", rows)]

    def on_list_tag(self, index: str) -> list[Screen]:
        tags = projects.tags_of_user(self.session, self.user)
        if int(index) >= len(tags):
            return [Screen("That tag is no longer used. /requests shows them all.")]
        self._keep_filter(tag=tags[int(index)][0])
        return self.requests_page(0)

    def on_list_body(self) -> list[Screen]:
        self.go("list_body")
        return [Screen("Show the requests to which body? Type part of its name, e.g. <i>barnet</i>.")]

    def on_list_body_text(self, text: str) -> list[Screen]:
        self.go("idle")
        self._keep_filter(body=" ".join(text.split())[:100] or None)
        return self.requests_page(0)

    def on_request_zip(self, request_id: str) -> list[Screen]:
        request = self.own_request(int(request_id))
        if request is None:
            return [Screen("That request is not yours or no longer exists.")]
        return [self._zip([request], request.reference or f"request-{request.id}")]

    def on_list_clear(self) -> list[Screen]:
        self.remember(list={})
        return self.requests_page(0)

    # --- exports ------------------------------------------------------------------------------

    def _listed(self, wanted: Filter) -> list[listing.Listed]:
        return listing.find(self.session, wanted, self.now.date(), per_page=None).items

    def on_export_csv(self) -> list[Screen]:
        items = self._listed(self._filter())
        if not items:
            return [Screen("Nothing to export: no request matches.")]
        data = exports.csv_of(items).encode("utf-8")
        return [Screen(f"{len(items)} requests as CSV.", document=(f"foi-requests-{self.now:%Y-%m-%d}.csv", data))]

    def on_export_ics(self) -> list[Screen]:
        return [self._ics(listing.requests_for(self.session, self._filter(), self.now.date()), "foi-deadlines.ics")]

    def _ics(self, requests: list[FoiRequestRow], filename: str) -> Screen:
        data = exports.ics_of(requests, self.now)
        count = data.count(b"BEGIN:VEVENT")
        if not count:
            return Screen("No deadlines to put in a calendar: nothing is waiting on a date.")
        return Screen(
            f"{count} deadlines as a calendar file. Import it again after changes: the same events move, "
            "none is added twice.",
            document=(filename, data),
        )

    def on_export_zip(self) -> list[Screen]:
        wanted = self._filter()
        if wanted.project_id is None:
            return [Screen("Choose a project first (📁 Projects): the zip holds one project's emails.")]
        return [self._zip(listing.requests_for(self.session, wanted, self.now.date()), f"project-{wanted.project_id}")]

    def _zip(self, requests: list[FoiRequestRow], stem: str) -> Screen:
        if not requests:
            return Screen("Nothing to put in a zip.")
        with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
            emails = exports.write_zip(self.session, requests, spool)  # type: ignore[arg-type]
            if spool.tell() > MAX_FILE:
                return Screen(
                    f"The zip of {len(requests)} requests is over {MAX_FILE // 2**20} MB, more than Telegram carries. "
                    "Ask the operator for `foibot export zip`, or export a smaller project."
                )
            spool.seek(0)
            data = spool.read()
        return Screen(
            f"{len(requests)} requests, {emails} emails: every message as sent and received (.eml), "
            "each attachment and the timeline.",
            document=(f"{stem}-emails.zip", data),
        )

    # --- tags and projects on a request ---------------------------------------------------------

    def on_tag_button(self, request_id: str) -> list[Screen]:
        request = self.own_request(int(request_id))
        if request is None:
            return [Screen("That request is not yours or no longer exists.")]
        self.go("tag_text", request=request.id)
        have = " ".join(f"#{t.tag}" for t in request.tag_rows) or "none yet"
        return [Screen(f"Tags of {esc(request.reference or request.title)}: {esc(have)}\n\n"
                       "Type tags to add, separated by spaces (e.g. <i>housing repairs</i>); "
                       "<i>-housing</i> takes one off.")]  # fmt: skip

    def on_tag_text(self, text: str) -> list[Screen]:
        request = self.own_request(int(self.conversation.get("request", 0)))
        self.go("idle")
        if request is None:
            return [Screen("That request is no longer open.")]
        words = text.replace(",", " ").split()[:25]
        try:
            tags = projects.tag(self.session, self.user, request, [w for w in words if not w.startswith("-")])
            for word in (w[1:] for w in words if w.startswith("-")):
                tags = projects.untag(self.session, self.user, request, word)
        except projects.FilingRefused as exc:
            return [Screen(esc(str(exc)))]
        shown = " ".join(f"#{t}" for t in tags) or "none"
        return [Screen(f"Tags of {esc(request.reference or request.title)}: {esc(shown)}",
                       [[("⬅ Back to the request", f"r:{request.id}")]])]  # fmt: skip

    def on_project_button(self, request_id: str) -> list[Screen]:
        request = self.own_request(int(request_id))
        if request is None:
            return [Screen("That request is not yours or no longer exists.")]
        self.go("project_text", request=request.id)
        mine = [p.name for p in projects.projects_of(self.session, self.user) if p.kind != "batch"][:10]
        known = ("\nYour projects: " + ", ".join(esc(n) for n in mine)) if mine else ""
        return [Screen(f"Which project should {esc(request.reference or request.title)} be in? "
                       f"Type its name (a new name makes a new project).{known}")]  # fmt: skip

    def on_project_text(self, text: str) -> list[Screen]:
        request = self.own_request(int(self.conversation.get("request", 0)))
        self.go("idle")
        if request is None:
            return [Screen("That request is no longer open.")]
        try:
            project = projects.file_in(self.session, self.user, request, text)
        except projects.FilingRefused as exc:
            return [Screen(esc(str(exc)))]
        return [Screen(f"{esc(request.reference or request.title)} is in the project <b>{esc(project.name)}</b>.",
                       [[("📁 Show the project", f"lp:{project.id}"), ("⬅ Back", f"r:{request.id}")]])]  # fmt: skip

    def on_body_record(self, request_id: str) -> list[Screen]:
        request = self.own_request(int(request_id))
        if request is None or request.authority is None:
            return [Screen("That request is not yours or no longer exists.")]
        stats = statistics.one_authority(self.session, request.authority, self.now.date())
        return [Screen(tv.authority_record(stats), [[("⬅ Back to the request", f"r:{request.id}")]])]

    # --- digests ------------------------------------------------------------------------------

    def digest_settings(self) -> Screen:
        chosen = digests.choice_of(self.session, self.user)
        how = {"off": "off: each prompt comes on its own", "daily": "daily", "weekly": "weekly, on Mondays"}[chosen]
        automatic = " (chosen for you by how many requests you follow)" if self.user.digest is None else ""
        text = (
            f"<b>Digest:</b> {how}{automatic}.\n\nA digest is one message, after 8 am, with what needs your "
            "action, what arrived and what falls due; its prompts then do not come one by one. Replies "
            "still reach you at once."
        )
        choices = [(("• " if chosen == c else "") + label, f"dg:{c}") for c, label in
                   (("off", "Off"), ("daily", "Daily"), ("weekly", "Weekly"))]  # fmt: skip
        return Screen(text, [choices])

    def on_digest_choice(self, choice: str) -> list[Screen]:
        digests.set_choice(self.user, DigestChoice(choice))
        return [self.digest_settings()]

    # --- batches ------------------------------------------------------------------------------

    def cmd_batch(self) -> list[Screen]:
        if not self.user.real_name:
            self.go("ask_name")
            return [Screen("Before the first request I need your real name. What is your full real name?")]
        self.go("batch_title")
        return [Screen(
            "<b>One request to many bodies.</b> Each body gets its own letter, reference and deadlines; "
            "I send them spaced out and you can take them back before the first goes.\n\n"
            "First, a short title for the subject line. <code>{authority}</code> stands for each body's name, "
            "e.g. <i>Home working at {authority}</i>."
        )]  # fmt: skip

    def cmd_batches(self) -> list[Screen]:
        mine = [p for p in projects.projects_of(self.session, self.user) if p.kind == batches.BATCH]
        if not mine:
            return [Screen("You have no batches. /batch sends one request to many bodies.")]
        rows = [[(f"📦 {p.name[:45]} ({len(p.requests)})", f"bt:{p.id}:0")] for p in mine[:30]]
        return [Screen("Your batches — pick one to see where it stands:", rows)]

    def on_batch_title(self, text: str) -> list[Screen]:
        title = " ".join(text.split())
        if not 3 <= len(title) <= 150:
            return [Screen("Please type a title of 3 to 150 characters.")]
        try:
            batches.check_letter(title, "1. x")
        except batches.BatchRefused as exc:
            return [Screen(esc(str(exc)))]
        self.go("batch_questions", title=title)
        return [Screen(
            "Now the questions, all in one message, numbered (<code>1.</code>, <code>2.</code>) with sub-items "
            "as <code>a)</code>. Use <code>{authority}</code> for the body's name and <code>{note}</code> for a "
            "note you give each body (from a CSV)."
        )]  # fmt: skip

    def on_batch_questions(self, text: str) -> list[Screen]:
        title = self.conversation.get("title", "")
        try:
            batches.check_letter(title, text)
        except batches.BatchRefused as exc:
            return [Screen(esc(str(exc)) + "\n\nSend the questions again.")]
        self.go("batch_bodies", title=title, questions=text[:20000])
        return [Screen(BODIES_HELP)]

    def on_batch_bodies(self, text: str) -> list[Screen]:
        chosen = self._bodies(text)
        if not chosen.bodies:
            problems = "; ".join(chosen.problems[:5]) or "no body chosen"
            return [Screen(f"{esc(problems)}.\n\n{BODIES_HELP}")]
        try:
            project = batches.create(self.session, self.user, self.conversation.get("title", ""),
                                     self.conversation.get("questions", ""), chosen.bodies, self.batches)  # fmt: skip
        except batches.BatchRefused as exc:
            return [Screen(esc(str(exc)) + f"\n\n{BODIES_HELP}")]
        self.go("idle")
        screens = []
        if chosen.problems:
            shown = "\n".join(f"• {esc(p)}" for p in chosen.problems[:10])
            more = f"\n… and {len(chosen.problems) - 10} more" if len(chosen.problems) > 10 else ""
            screens.append(Screen(f"Left out:\n{shown}{more}"))
        return screens + self.on_batch_letter(str(project.id), "0")

    def _bodies(self, text: str) -> batches.Chosen:
        stripped = text.strip()
        if stripped.startswith("#") and len(stripped.split()) == 1:
            return batches.bodies_tagged(self.session, self.user, stripped[1:])
        lines = [line for line in stripped.splitlines() if line.strip()][: MAX_BODIES_TYPED + 1]
        header = lines[0].lower() if lines else ""
        if "," in header and ("name" in header or "foi_email" in header):
            reader = csv.DictReader(io.StringIO("\n".join(lines)))
            rows = [{(k or "").strip().lower(): (v or "") for k, v in row.items()} for row in reader]
            return batches.bodies_from_rows(self.session, self.user, rows)
        return batches.bodies_named(self.session, self.user, lines)

    def _batch(self, project_id: str):  # type: ignore[no-untyped-def]
        return batches.owned(self.session, self.user, int(project_id))

    def on_batch_letter(self, project_id: str, shown: str = "0") -> list[Screen]:
        project = self._batch(project_id)
        if project is None:
            return [Screen("That batch is not yours or no longer exists.")]
        letters = batches.preview(self.session, project)
        drafts = [
            (request.reference or "", request.authority.name if request.authority else "?",
             f"Subject: {letter.subject}\n\n{letter.body}")
            for request, letter in letters
            if request.status == "draft"
        ]  # fmt: skip
        if not drafts:
            return self.on_batch_table(project_id, "0")
        return [tv.batch_preview(project.name, project.id, drafts, min(int(shown), len(drafts) - 1))]

    def on_batch_send(self, project_id: str) -> list[Screen]:
        project = self._batch(project_id)
        if project is None:
            return [Screen("That batch is not yours or no longer exists.")]
        try:
            queued = batches.queue(self.session, project, self.mailbox, self.now, self.batches)
        except batches.BatchRefused as exc:
            return [Screen(esc(str(exc)))]
        assert queued.first_at is not None and queued.last_at is not None
        minutes = round(self.batches.revoke_window.total_seconds() / 60)
        window = f"You have {minutes} minutes to take it back. " if minutes else ""
        last_day = "" if queued.last_at.date() == queued.first_at.date() else f" on {queued.last_at:%d %b}"
        return [Screen(
            f"📤 Queued {queued.queued} letters. The first goes at {queued.first_at:%H:%M} UTC, the last at "
            f"{queued.last_at:%H:%M} UTC{last_day} (spaced out so no mail service sees a burst). {window}",
            [[("↩️ Take it back", f"br:{project.id}"), ("📋 Where it stands", f"bt:{project.id}:0")]],
        )]  # fmt: skip

    def on_batch_revoke(self, project_id: str) -> list[Screen]:
        project = self._batch(project_id)
        if project is None:
            return [Screen("That batch is not yours or no longer exists.")]
        done = batches.revoke(self.session, project, self.now)
        if not done.revoked:
            gone = f" {done.already_gone} letters had already gone." if done.already_gone else ""
            return [Screen(f"Nothing was taken back.{gone}", [[("📋 Where it stands", f"bt:{project.id}:0")]])]
        gone = f" {done.already_gone} had already gone and stay sent." if done.already_gone else ""
        return [Screen(
            f"↩️ Took back {done.revoked} letters before they went: they are drafts again.{gone}",
            [[("📤 Send again", f"bs:{project.id}"), ("👁 Letters", f"bv:{project.id}:0")],
             [("🗑 Delete the batch", f"bx:{project.id}")]],
        )]  # fmt: skip

    def on_batch_delete(self, project_id: str) -> list[Screen]:
        project = self._batch(project_id)
        if project is None:
            return [Screen("That batch is not yours or no longer exists.")]
        return [Screen(f"Delete the letters of <b>{esc(project.name)}</b> not yet sent? Sent ones stay.",
                       [[("🗑 Yes, delete them", f"bxy:{project.id}"), ("Keep", f"bt:{project.id}:0")]])]  # fmt: skip

    def on_batch_delete_confirmed(self, project_id: str) -> list[Screen]:
        project = self._batch(project_id)
        if project is None:
            return [Screen("That batch is not yours or no longer exists.")]
        deleted = batches.delete_drafts(self.session, project)
        return [Screen(f"Deleted {deleted} letters that had not been sent.")]

    def on_batch_table(self, project_id: str, page: str = "0") -> list[Screen]:
        project = self._batch(project_id)
        if project is None:
            return [Screen("That batch is not yours or no longer exists.")]
        progress = batches.progress(self.session, project)
        return [tv.batch_table(project.name, project.id, progress, int(page))]

    def _batch_filter(self, project_id: str) -> Filter | None:
        project = self._batch(project_id)
        return None if project is None else Filter(owner_id=self.user.id, project_id=project.id, include_drafts=True)

    def on_batch_csv(self, project_id: str) -> list[Screen]:
        wanted = self._batch_filter(project_id)
        if wanted is None:
            return [Screen("That batch is not yours or no longer exists.")]
        items = self._listed(wanted)
        return [Screen(f"{len(items)} requests as CSV.", document=(f"batch-{project_id}.csv",
                                                                   exports.csv_of(items).encode()))]  # fmt: skip

    def on_batch_ics(self, project_id: str) -> list[Screen]:
        wanted = self._batch_filter(project_id)
        if wanted is None:
            return [Screen("That batch is not yours or no longer exists.")]
        return [self._ics(listing.requests_for(self.session, wanted, self.now.date()), f"batch-{project_id}.ics")]

    def on_batch_zip(self, project_id: str) -> list[Screen]:
        wanted = self._batch_filter(project_id)
        if wanted is None:
            return [Screen("That batch is not yours or no longer exists.")]
        return [self._zip(listing.requests_for(self.session, wanted, self.now.date()), f"batch-{project_id}")]

    def on_batch_record(self, project_id: str) -> list[Screen]:
        project = self._batch(project_id)
        if project is None:
            return [Screen("That batch is not yours or no longer exists.")]
        records = statistics.records(self.session, [r.id for r in batches.requests_of(self.session, project)])
        from foi.statistics import by_authority

        found = by_authority(records, self.now.date())
        if not found:
            return [Screen("Nothing sent yet: no record to show.")]
        replied = sum(s.replied for s in found)
        late = sum(s.late.count for s in found)
        overdue = sum(s.overdue_now.count for s in found)
        waiting = sum(s.overdue_now.of for s in found)
        withheld = sum(s.withheld.count for s in found)
        lines = [
            f"<b>{esc(project.name)}</b> across its {len(found)} bodies:",
            f"• replied: {replied} of {sum(s.requests for s in found)}",
            f"• replied late: {late} of {replied}",
            f"• waiting and overdue: {overdue} of {waiting}",
            f"• refused, in part or whole: {withheld} of {replied}",
        ]
        return [Screen("\n".join(lines), [[("📋 The table", f"bt:{project.id}:0")]])]
