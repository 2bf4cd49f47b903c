"""A letter that came by post: photographed (read by Tesseract) or scanned to PDF, dated by its requester,
and fed to the same ladder as an emailed reply."""

from __future__ import annotations

import datetime as dt
import io
from email import message_from_bytes
from email.policy import default

import pytest
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from mail.compose import Mailbox
from mail.ocr import MISSING, read_image
from service import outgoing
from storage import outbox
from storage.models import AuthorityReference, FoiRequestRow, MessageRow
from tests.factories import make_draft
from tests.integration.test_bot import ALICE, BOB, NOW, Chat, bot, clock  # noqa: F401  (fixtures)
from tests.servers.common import unavailable

MAILBOX = Mailbox("foibot@example.org", "+")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
REFUSAL = [
    "Information Governance Team",
    "Our ref: 4471923",
    "Dear Ms Lovelace,",
    "Freedom of Information Act 2000 request",
    "The council holds the information you asked for.",
    "However, we are refusing your request. The",
    "information is exempt under section 43 of the",
    "Act because its release would prejudice the",
    "commercial interests of the council.",
    "If you are unhappy with this response you may",
    "ask for an internal review within 40 working days.",
    "Yours sincerely,",
    "Information Governance Team",
]


def photographed(lines: list[str]) -> bytes:
    """A photo of a letter, as a phone sends it to Telegram: a JPEG."""
    image = Image.new("RGB", (1400, 110 + 62 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 38)
    for n, line in enumerate(lines):
        draw.text((70, 60 + 62 * n), line, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def scanned(lines: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    for line in lines:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def delivered(server):  # noqa: F811
    """The notice that the request was delivered comes first; wait for it so it does not cut into the steps."""
    server.wait_for(lambda c: "has been delivered" in c.params.get("text", ""), timeout=20)


@pytest.fixture
def sent_request(database):
    with database.unit_of_work() as session:
        request = make_draft(session, telegram_id=ALICE, name="Ada Lovelace", email="foi@council.gov.uk")
        request.owner.conversation = {"state": "idle"}
        queued = outgoing.queue_request(session, request, MAILBOX, NOW)
        outgoing.mark_sent(session, outbox.claim(session, queued.outbox_id, NOW, dt.timedelta(minutes=1)), NOW)
        return request.id, queued.reference


def test_a_photographed_refusal_is_read_dated_and_moves_the_request_on(server, bot, database, clock, sent_request):  # noqa: F811
    import shutil

    if shutil.which("tesseract") is None:
        unavailable("Tesseract is not installed (apt install tesseract-ocr)")
    request_id, reference = sent_request
    delivered(server)
    clock.current = NOW + dt.timedelta(days=12)
    chat = Chat(server, ALICE)
    chat.press(f"r:{request_id}")
    chat.press(chat.button("📮 Add a letter I received"))
    assert "one photo" in chat.text
    photo = photographed(REFUSAL)
    mark = server.mark()
    server.send_file(ALICE, photo)
    chat.replies = server.replies_after(mark, ALICE, settle=0.3, timeout=30)
    assert "When did it arrive?" in chat.text
    chat.press(chat.button("Yesterday"))
    assert "read it as <b>a refusal</b>" in chat.text, chat.text
    arrived = (NOW + dt.timedelta(days=11)).date()
    with database.unit_of_work() as session:
        request = session.get(FoiRequestRow, request_id)
        assert request.status == "refused" and request.responded_on == arrived
        assert request.review_request_by is not None and request.review_request_by > arrived
        row = session.scalar(select(MessageRow).where(MessageRow.arrived_on.is_not(None)))
        assert row.state == "matched" and "section 43" in row.parsed_text
        kept = message_from_bytes(row.raw, policy=default)
        [attachment] = list(kept.iter_attachments())
        assert attachment.get_content() == photo  # the photo whole, as Telegram gave it
        refs = session.scalars(select(AuthorityReference.normalized).where(
            AuthorityReference.request_id == request_id)).all()  # fmt: skip
        assert "4471923" in refs
    # And the same notice as for an emailed reply, with the review it opens.
    notice = server.wait_for(lambda c: c.method == "sendMessage" and int(c.params.get("chat_id", 0)) == ALICE
                             and "internal review" in c.params.get("text", "").lower()
                             and "43" in c.params.get("text", ""), timeout=20)  # fmt: skip
    assert reference in notice.params["text"]


def test_a_scanned_pdf_answer_is_read_without_ocr_on_the_day_typed(server, bot, database, clock, sent_request):  # noqa: F811
    request_id, reference = sent_request
    delivered(server)
    clock.current = NOW + dt.timedelta(days=15)
    chat = Chat(server, ALICE)
    chat.press(f"pl:{request_id}")
    mark = server.mark()
    server.send_file(ALICE, scanned(["Dear Ms Lovelace,", "Please find below the information you requested.",
                                     "1. Our policies on remote working are attached.",
                                     "2. We purchased 120 laptops, 30 tablets and 45 mobile phones.",
                                     "Yours sincerely, FOI Team"]), "scan.pdf", "application/pdf")  # fmt: skip
    chat.replies = server.replies_after(mark, ALICE, settle=0.3, timeout=30)
    chat.say("tomorrow")
    assert "has not come yet" in chat.text.lower()
    chat.say((NOW + dt.timedelta(days=13)).strftime("%d %B %Y"))
    assert "Added to" in chat.text and "an answer" in chat.text
    with database.unit_of_work() as session:
        request = session.get(FoiRequestRow, request_id)
        assert request.status == "answered" and request.responded_on == (NOW + dt.timedelta(days=13)).date()


def test_a_file_out_of_turn_or_of_the_wrong_kind_is_refused_clearly(server, bot, database, sent_request):  # noqa: F811
    request_id, _ = sent_request
    delivered(server)
    chat = Chat(server, ALICE)
    mark = server.mark()
    server.send_file(ALICE, b"%PDF-1.4 stray", "stray.pdf", "application/pdf")
    chat.replies = server.replies_after(mark, ALICE)
    assert "open its request" in chat.text
    chat.press(f"pl:{request_id}")
    mark = server.mark()
    server.send_file(ALICE, b"PK\x03\x04 not a letter", "letter.zip", "application/zip")
    chat.replies = server.replies_after(mark, ALICE)
    assert "photo or a PDF" in chat.text
    bob = Chat(server, BOB)
    bob.press(f"pl:{request_id}")  # not Bob's request
    assert "request of yours" in bob.text


def test_without_tesseract_a_photo_is_kept_with_a_note_saying_so():
    assert read_image(b"\xff\xd8 jpeg bytes", binary="no-such-tesseract-here") == ("", MISSING)
