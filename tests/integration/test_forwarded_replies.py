"""A requester forwards the authority's reply that reached them directly: it is attached like any reply,
to their own request only, and only when the letter inside comes from the authority."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from service.ingest import InboxProcessor
from storage.models import FoiRequestRow, MessageLink
from tests.factories import MovableClock
from tests.integration.test_ingest import sent_request
from tests.mail_fixtures import crlf

START = dt.datetime(2024, 6, 3, 9, 0, tzinfo=dt.UTC)


def forward(sender: str, inner_from: str, subject: str, n: int) -> bytes:
    return crlf(f"""
        From: Nellie Bly <{sender}>
        To: foibot@example.org
        Subject: Fwd: {subject}
        Message-ID: <forward-{n}@example.net>
        Date: Mon, 10 Jun 2024 09:00:00 +0100

        They answered me directly, see below.

        ---------- Forwarded message ---------
        From: FOI Team <{inner_from}>
        Date: Fri, 7 Jun 2024 at 16:02
        Subject: {subject}
        To: Nellie Bly <nellie@example.net>

        Dear Ms Bly,

        Thank you for your request. We can confirm that we do not hold the information you asked for.

        Yours sincerely,
        FOI Team
        """)


def test_a_forward_from_the_requester_is_read_as_the_authoritys_letter(database):
    clock = MovableClock(START)
    request_id, reference, _ = sent_request(database, clock, telegram_id=None, name="Nellie Bly",
                                            email="foi@barnet.gov.uk")  # fmt: skip
    with database.unit_of_work() as session:
        session.get(FoiRequestRow, request_id).owner.email = "Nellie@Example.net"
    processor = InboxProcessor(database, clock)

    done = processor.ingest(forward("nellie@example.net", "foi@barnet.gov.uk", f"RE: FOI request [{reference}]", 1))
    assert done.state == "matched" and [(m.request_id, m.reason, m.status) for m in done.matches] == [
        (request_id, "forwarded", "attached")
    ]
    with database.unit_of_work() as session:
        request = session.get(FoiRequestRow, request_id)
        assert request.status == "not_held"  # read from the letter inside, not the covering note

    # Someone else forwarding the same letter is not the requester: the normal path holds it.
    stranger = processor.ingest(forward("someone@else.net", "foi@barnet.gov.uk", f"RE: [{reference}]", 2))
    assert all(m.status != "attached" for m in stranger.matches)
    # The requester forwarding a letter that is not from the authority: not attached either.
    spoof = processor.ingest(forward("nellie@example.net", "foi@spoof.example", f"RE: [{reference}]", 3))
    assert all(m.status != "attached" for m in spoof.matches)
    with database.unit_of_work() as session:
        attached = session.scalars(
            select(MessageLink).where(MessageLink.request_id == request_id, MessageLink.status == "attached")
        ).all()
        assert len(attached) == 2  # the request as sent, and the one forward
