"""Many requests in the chat: the filtered list in pages of ten, tags and projects, a body's record,
and a batch that only its owner can see or touch."""

from __future__ import annotations

import datetime as dt

from service import projects
from storage.models import AuthorityRow, FoiRequestRow, User
from tests.integration.test_bot import ALICE, BOB, NOW, Chat, bot, clock  # noqa: F401  (fixtures)


def _seed(database, count: int = 14) -> list[int]:  # type: ignore[no-untyped-def]
    """Alice's requests to Barnet: the first three overdue, the rest due later; one of Bob's."""
    today = NOW.date()
    with database.unit_of_work() as session:
        alice = User(telegram_id=ALICE, real_name="Ada Lovelace", conversation={"state": "idle"})
        bob = User(telegram_id=BOB, real_name="Bob Dylan", conversation={"state": "idle"})
        session.add_all([alice, bob])
        barnet = session.query(AuthorityRow).filter_by(name="London Borough of Barnet").one()
        ids = []
        for n in range(count):
            due = today - dt.timedelta(days=3 - n) if n < 3 else today + dt.timedelta(days=n)
            request = FoiRequestRow(owner=alice, authority=barnet, title=f"Topic {n:02d}", status="acknowledged",
                                    reference=f"FOI-TEST{n:02d}", received_on=today - dt.timedelta(days=30),
                                    reply_due_on=due)  # fmt: skip
            session.add(request)
            session.flush()
            ids.append(request.id)
        bobs = FoiRequestRow(owner=bob, authority=barnet, title="Bob's", status="sent", reference="FOI-BOB001",
                             received_on=today, reply_due_on=today - dt.timedelta(days=9))  # fmt: skip
        session.add(bobs)
        session.flush()
        project = projects.file_in(session, bob, bobs, "Bob's secrets")
        return [*ids, bobs.id, project.id]


def test_the_list_filters_pages_by_ten_and_keeps_the_filter(server, bot, database):  # noqa: F811
    *alices, bobs, bobs_project = _seed(database)
    chat = Chat(server, ALICE)
    chat.say("/requests")
    assert "(14) — page 1 of 2" in chat.text
    assert chat.text.index("FOI-TEST00") < chat.text.index("FOI-TEST09")  # the next date first
    assert "FOI-TEST10" not in chat.text and "FOI-BOB001" not in chat.text
    assert chat.text.count("overdue") == 3
    chat.press(chat.button("Next ➡"))
    assert "page 2 of 2" in chat.text and "FOI-TEST13" in chat.text

    chat.press(chat.button("⚠️ Overdue"))
    assert "overdue (3)" in chat.text and "FOI-TEST03" not in chat.text
    chat.press(chat.button("1. FOI-TEST00"))
    assert "FOI-TEST00" in chat.text
    chat.press(chat.button("🏷 Tags"))
    chat.say("Housing  damp, #Housing")
    assert "#damp #housing" in chat.text
    chat.press(chat.button("⬅ Back to the request"))
    chat.press(chat.button("⬅ Back to the list"))
    assert "overdue (3)" in chat.text  # the filter was kept

    chat.press(chat.button("• ⚠️ Overdue"))  # pressed again: off
    chat.press(chat.button("🏷 Tags"))
    chat.press(chat.button("#damp (1)"))
    assert "#damp (1)" in chat.text and "FOI-TEST00" in chat.text
    chat.press(chat.button("⬇ CSV"))
    [document] = [c for c in chat.replies if c.method == "sendDocument"]
    [(name, data)] = document.files.values()
    assert name.endswith(".csv") and data.decode().count("\n") == 2  # the header and the one request

    chat.press("l0")
    chat.press(chat.button("🏛 Body"))
    chat.say("camden")
    assert "to “camden”" in chat.text and "Nothing matches" in chat.text
    chat.press(chat.button("🏛 Body"))
    chat.say("BARNET")
    assert "to “BARNET” (14)" in chat.text
    chat.press(chat.button("1. FOI-TEST00"))
    chat.press(chat.button("🗂 All its emails"))
    [(name, data)] = next(c for c in chat.replies if c.method == "sendDocument").files.values()
    assert name == "FOI-TEST00-emails.zip" and data[:2] == b"PK"
    chat.press("l0")
    chat.press(chat.button("1. FOI-TEST00"))
    chat.press(chat.button("📊 Body's record"))
    assert "London Borough of Barnet" in chat.text and "still waiting and overdue: 4 of 15" in chat.text


def test_nobody_reaches_anothers_requests_projects_or_batches_by_a_forged_button(server, bot, database):  # noqa: F811
    *alices, bobs, bobs_project = _seed(database, count=2)
    chat = Chat(server, ALICE)
    forgeries = [f"tg:{bobs}", f"pj:{bobs}", f"st:{bobs}", f"lp:{bobs_project}", f"bt:{bobs_project}:0",
                 f"bs:{bobs_project}", f"br:{bobs_project}", f"bz:{bobs_project}", f"bv:{bobs_project}:0"]  # fmt: skip
    for forged in forgeries:
        chat.press(forged)
        assert "not yours" in chat.text, (forged, chat.text)
        assert "FOI-BOB001" not in chat.text and "secrets" not in chat.text
    chat.press("lf:nonsense")
    assert "no longer works" in chat.text


def test_a_batch_in_the_chat_refuses_a_wrong_field_and_a_body_nobody_chose(server, bot, database):  # noqa: F811
    chat = Chat(server, ALICE)
    chat.say("/start")
    chat.say("Ada Lovelace")
    chat.say("/batch")
    chat.say("Parking at {council}")
    assert "unknown merge field {council}" in chat.text
    chat.say("Parking at {authority}")
    chat.say("1. How many parking fines did {authority} issue in 2025?")
    chat.say("London Borough of Barnet\nLondon Borough of Nowhere\ncamden")
    assert "no body found for 'London Borough of Nowhere'" in chat.text
    assert "2 letters" in chat.text  # Barnet by its name, Camden as the one name containing "camden"
    assert "How many parking fines did London Borough of Barnet issue in 2025?" in chat.text
    chat.press(chat.button("🗑 Delete this batch"))
    chat.press(chat.button("🗑 Yes"))
    assert "Deleted 2 letters" in chat.text
    chat.say("/batches")
    assert "You have no batches" in chat.text


def test_the_digest_is_chosen_in_settings(server, bot, database):  # noqa: F811
    chat = Chat(server, ALICE)
    chat.say("/start")
    chat.say("Ada Lovelace")
    chat.say("/settings")
    assert "Digest:</b> off: each prompt comes on its own (chosen for you" in chat.text
    chat.press(chat.button("Daily"))
    assert "Digest:</b> daily." in chat.text and "• Daily" in chat.buttons
    with database.unit_of_work() as session:
        assert session.query(User).filter_by(telegram_id=ALICE).one().digest == "daily"
    chat.press("dg:hourly")
    assert "no longer works" in chat.text
