"""Forwarded replies: the letter inside a forward, in each mail program's way of forwarding."""

from __future__ import annotations

from mail.forwards import is_forward, unwrap
from mail.parse import parse_message
from tests.mail_fixtures import crlf

OUTER = """
    From: Nellie Bly <nellie@example.net>
    To: foibot@example.org
    Subject: {subject}
    Message-ID: <fwd-1@example.net>
    Date: Mon, 10 Jun 2024 09:00:00 +0100
    {extra}
    """


def _mail(subject: str, body: str, extra: str = "") -> bytes:
    return crlf(OUTER.format(subject=subject, extra=extra) + "\n" + body)


def test_a_gmail_forward_gives_the_authoritys_sender_subject_date_and_letter():
    parsed = parse_message(_mail("Fwd: RE: FOI request [FOI-7K3M9Q]", """
        Here is what they sent me directly.

        ---------- Forwarded message ---------
        From: FOI Team <FOI@Barnet.gov.uk>
        Date: Fri, 7 Jun 2024 at 16:02
        Subject: RE: FOI request [FOI-7K3M9Q]
        To: Nellie Bly <nellie@example.net>

        Dear Ms Bly,

        We do not hold the information you asked for.
        """))  # fmt: skip
    assert is_forward(parsed)
    inner = unwrap(parsed)
    assert inner is not None
    assert (inner.from_address, inner.from_name) == ("foi@barnet.gov.uk", "FOI Team")
    assert inner.subject == "RE: FOI request [FOI-7K3M9Q]"
    assert inner.text.startswith("Dear Ms Bly,") and "do not hold" in inner.text
    assert "Here is what they sent me" not in inner.text


def test_an_outlook_forward_with_mailto_and_sent():
    parsed = parse_message(_mail("FW: Your request 12345", """
        -----Original Message-----
        From: Information Governance [mailto:infogov@leeds.gov.uk]
        Sent: 07 June 2024 16:02
        To: Nellie Bly
        Subject: Your request 12345

        Please find our response attached.
        """))  # fmt: skip
    inner = unwrap(parsed)
    assert inner is not None and inner.from_address == "infogov@leeds.gov.uk"
    assert inner.subject == "Your request 12345" and inner.text == "Please find our response attached."


def test_a_forward_as_attachment_is_the_attached_message_itself():
    attached = crlf("""
        From: foi@camden.gov.uk
        To: nellie@example.net
        Subject: Re: [FOI-7K3M9Q]
        Message-ID: <orig@camden.gov.uk>

        The information is attached.
        """)
    raw = (
        crlf("""
        From: nellie@example.net
        To: foibot@example.org
        Subject: Fwd: Re: [FOI-7K3M9Q]
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b"

        --b
        Content-Type: text/plain

        See attached.
        --b
        Content-Type: message/rfc822

        """)
        + attached
        + b"\r\n--b--\r\n"
    )
    inner = unwrap(parse_message(raw))
    assert (
        inner is not None and inner.from_address == "foi@camden.gov.uk" and inner.message_id == "<orig@camden.gov.uk>"
    )


def test_an_ordinary_email_is_no_forward():
    parsed = parse_message(_mail("Question about my request", "Hello, could you tell me where it stands?"))
    assert not is_forward(parsed) and unwrap(parsed) is None
    # A forward marker without a sender inside gives nothing to match.
    assert unwrap(parse_message(_mail("Fwd: notes", "---------- Forwarded message ---------\nno fields"))) is None
