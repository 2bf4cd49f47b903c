"""The complaint pack's PDF and zip, with and without a Unicode font installed."""

import datetime as dt
import io
import zipfile

import pytest
from pypdf import PdfReader

from service import complaint_pack
from service.complaint_pack import PackContents, PackMessage, build_pdf, build_zip
from tests.mail_fixtures import crlf

MESSAGE = crlf("""
    From: FOI Team <foi@council.gov.uk>
    To: foibot@example.org
    Subject: Refusal – Zoë's request
    Message-ID: <pack-1@council.gov.uk>
    Date: Mon, 10 Jun 2024 10:00:00 +0100

    We refuse your request under section 12. Costs: £450.
    """)


def contents():
    return PackContents(
        title="Parking fines", reference="FOI-7K3M9Q", requester="Zoë Ó Briain", authority="Council",
        authority_email="foi@council.gov.uk", law_title="Freedom of Information Act 2000",
        grounds="The council refused under s.12 without advice and assistance.",
        where_to_submit="ICO, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF",
        chronology=[(dt.date(2024, 6, 4), "request delivered"), (dt.date(2024, 6, 10), "refusal received")],
        messages=[PackMessage("in", MESSAGE, dt.datetime(2024, 6, 10, 9, tzinfo=dt.UTC))],
    )  # fmt: skip


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.mark.parametrize("unicode_font", [True, False])
def test_the_pack_holds_grounds_chronology_and_the_unedited_message(monkeypatch, unicode_font):
    if not unicode_font:
        monkeypatch.setattr(complaint_pack, "FONT_CANDIDATES", ("/nonexistent/font.ttf",))
    pdf = build_pdf(contents())
    text = text_of(pdf)
    assert "Grounds of complaint" in text and "without advice and assistance" in text
    assert "10 June 2024: refusal received" in text
    assert "From: FOI Team <foi@council.gov.uk>" in text
    assert "We refuse your request under section 12. Costs: £450." in text
    archive = zipfile.ZipFile(io.BytesIO(build_zip(contents(), pdf)))
    assert archive.read("messages/01-received.eml") == MESSAGE
