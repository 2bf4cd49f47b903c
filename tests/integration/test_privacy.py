"""/mydata and /forget in the chat: a copy of everything, then an erasure that keeps only sent correspondence."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

from sqlalchemy import inspect, select, text

from mail.compose import Mailbox
from service import outgoing, projects, web_access
from storage import outbox
from storage.models import CalendarFeed, FoiRequestRow, PromptSent, User
from tests.factories import make_draft
from tests.integration.test_bot import ALICE, BOB, NOW, Chat, bot, clock  # noqa: F401  (fixtures)

MAILBOX = Mailbox("foibot@example.org", "+")
NAME = "Ada Quillfeather"  # a name found nowhere else in the database


def _seed(database):  # type: ignore[no-untyped-def]
    """Alice: one sent request (in a project, tagged, prompted), one draft, a feed, a web session; Bob: one."""
    with database.unit_of_work() as session:
        sent = make_draft(session, telegram_id=ALICE, name=NAME, title="Tree felling")
        queued = outgoing.queue_request(session, sent, MAILBOX, NOW)
        outgoing.mark_sent(session, outbox.claim(session, queued.outbox_id, NOW, dt.timedelta(minutes=1)), NOW)
        alice = session.scalar(select(User).where(User.telegram_id == ALICE))
        alice.email = "ada.quillfeather@example.net"
        alice.conversation = {"state": "idle"}
        projects.file_in(session, alice, sent, "Trees 2026")
        projects.tag(session, alice, sent, ["arboreal"])
        session.add(PromptSent(request_id=sent.id, kind="chaser", due_on=NOW.date(), sent_at=NOW))
        draft = make_draft(session, telegram_id=ALICE, title="Unsent draft about bins")
        web_access.new_sign_in(session, alice, NOW)
        web_access.new_feed(session, alice, "status=overdue", NOW)
        bobs = make_draft(session, telegram_id=BOB, name="Bob Other", title="Bob's request")
        return sent.id, draft.id, bobs.id, queued.reference


def test_mydata_sends_everything_held_about_the_user_as_a_zip(server, bot, database):  # noqa: F811
    sent_id, draft_id, _, reference = _seed(database)
    chat = Chat(server, ALICE).say("/mydata")
    [document] = [c for c in chat.replies if c.method == "sendDocument"]
    name, data = document.files["document"]
    archive = zipfile.ZipFile(io.BytesIO(data))
    account = json.loads(archive.read("account.json"))
    assert account["real_name"] == NAME and account["telegram_id"] == ALICE
    assert account["email"] == "ada.quillfeather@example.net" and account["projects"] == ["Trees 2026"]
    requests = {r["title"]: r for r in json.loads(archive.read("requests.json"))}
    assert set(requests) == {"Tree felling", "Unsent draft about bins"}  # Bob's is not in it
    assert requests["Tree felling"]["prompts"][0]["kind"] == "chaser"
    assert requests["Tree felling"]["tags"] == ["arboreal"] and requests["Tree felling"]["questions"]
    emails = [n for n in archive.namelist() if n.endswith(".eml")]
    assert len(emails) == 1 and reference in emails[0]
    assert NAME.encode() in archive.read(emails[0])  # the letter exactly as it was sent


def test_forget_warns_then_erases_all_but_the_sent_correspondence(server, bot, database):  # noqa: F811
    sent_id, draft_id, bobs_id, reference = _seed(database)
    chat = Chat(server, ALICE).say("/forget")
    assert "cannot be undone" in chat.text and "correspondence with a public body" in chat.text
    chat.press(chat.button("No, keep it"))
    assert "Nothing was erased" in chat.text
    with database.unit_of_work() as session:
        assert session.scalar(select(User).where(User.telegram_id == ALICE)) is not None

    chat.say("/forget")
    chat.press(chat.button("Yes, erase my account"))
    assert "erased" in chat.text and "1 sent request is kept" in chat.text

    with database.unit_of_work() as session:
        assert session.scalar(select(User).where(User.telegram_id == ALICE)) is None
        kept = session.get(FoiRequestRow, sent_id)
        assert kept is not None and kept.reference == reference and kept.reminders_off and kept.project_id is None
        ghost = session.get(User, kept.owner_id)
        assert (ghost.telegram_id, ghost.real_name, ghost.email, ghost.conversation) == (None, None, None, {})
        assert session.get(FoiRequestRow, draft_id) is None
        assert session.get(FoiRequestRow, bobs_id) is not None  # someone else's, untouched
        assert session.scalars(select(CalendarFeed)).all() == []
        # What is left of Alice anywhere in the database: her name only inside the kept letter itself.
        found = []
        for table in inspect(session.get_bind()).get_table_names():
            if table.startswith("authorities_fts"):
                continue
            for row in session.execute(text(f'SELECT * FROM "{table}"')).mappings():
                for column, value in row.items():
                    shown = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                    if NAME in shown or "quillfeather@" in shown or (column.endswith("telegram_id") and value == ALICE):
                        found.append((table, column))
        kept_correspondence = {("messages", "raw"), ("outbox", "raw"), ("messages", "parsed_text")}
        assert set(found) <= kept_correspondence, found
        tables_with_alice = {t for t, _ in found}
        assert tables_with_alice <= {"messages", "outbox"}

    # The same Telegram account starts afresh.
    again = Chat(server, ALICE).say("/start")
    assert "full real name" in again.text
