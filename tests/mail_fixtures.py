"""Emails of our own that reproduce the quirks of real FOI mail.

Each builder returns raw bytes shaped like a kind of message that Alaveteli and
Froide met in the wild (see shared/fixtures/mail/*/INDEX.md for the list of
quirks); the words, names and files are ours.
"""

from __future__ import annotations

import base64
import io
import struct
import textwrap
from collections.abc import Callable

FIXTURES: dict[str, Callable[[], bytes]] = {}


def fixture(function: Callable[[], bytes]) -> Callable[[], bytes]:
    FIXTURES[function.__name__] = function
    return function


def crlf(text: str, encoding: str = "utf-8") -> bytes:
    """Drop the source indent (that of the first line; inserted blocks have none) and use CRLF line ends."""
    body = text.lstrip("\n")
    indent = " " * (len(body) - len(body.lstrip(" ")))
    lines = [line[len(indent) :] if indent and line.startswith(indent) else line for line in body.split("\n")]
    return "\r\n".join(lines).encode(encoding)


def with_reference(raw: bytes, reference: str) -> bytes:
    """Put a real reference of ours where a fixture says FOI-REFPLACE."""
    return raw.replace(b"FOI-REFPLACE", reference.encode()).replace(b"foi-refplace", reference.lower().encode())


def b64(data: bytes) -> str:
    return "\n".join(textwrap.wrap(base64.b64encode(data).decode(), 76))


def make_pdf(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in text.splitlines():
        pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def make_docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx(rows: list[list[object]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Devices"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_tnef(files: list[tuple[str, bytes]], body: bytes | None = None) -> bytes:
    """A minimal TNEF (winmail.dat) stream: signature, key, then attributes with checksums."""

    def attribute(level: int, name: int, kind: int, data: bytes) -> bytes:
        checksum = sum(data) & 0xFFFF
        return struct.pack("<BHHI", level, name, kind, len(data)) + data + struct.pack("<H", checksum)

    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += attribute(1, 0x9006, 0x0006, struct.pack("<I", 0x00010000))  # TNEF version
    if body is not None:
        out += attribute(1, 0x800C, 0x0002, body)  # attBody
    for name, data in files:
        out += attribute(2, 0x9002, 0x0006, b"\x01\x00\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00")
        out += attribute(2, 0x8010, 0x0001, name.encode("cp1252") + b"\x00")  # attAttachTitle
        out += attribute(2, 0x800F, 0x0006, data)  # attAttachData
    return out


def uuencode(name: str, data: bytes, end: bool = True) -> str:
    import binascii

    lines = [f"begin 644 {name}"]
    for start in range(0, len(data), 45):
        lines.append(binascii.b2a_uu(data[start : start + 45]).decode().rstrip("\n"))
    lines.append("`")
    if end:
        lines.append("end")
    return "\n".join(lines)


# --- A. bounces, delivery reports and automatic replies ----------------------------


@fixture
def exim_bounce() -> bytes:
    return crlf("""
        Return-path: <>
        Envelope-to: foibot@example.org
        X-Failed-Recipients: foi@closed-council.gov.uk
        Auto-Submitted: auto-replied
        From: Mail Delivery System <Mailer-Daemon@mx.example.net>
        To: foibot@example.org
        Subject: Mail delivery failed: returning message to sender
        Message-Id: <E1bounce-0001@mx.example.net>
        Date: Tue, 04 Jun 2024 10:01:00 +0100

        This message was created automatically by mail delivery software.

        A message that you sent could not be delivered to one or more of its
        recipients. This is a permanent error. The following address(es) failed:

          foi@closed-council.gov.uk
            Unrouteable address

        ------ This is a copy of the message, including all the headers. ------

        Message-ID: <OUR-MESSAGE-ID@example.org>
        Subject: Freedom of Information request - Parking [FOI-REFPLACE]
        """)


@fixture
def multipart_report_utf7() -> bytes:
    return crlf("""
        From: postmaster@council.gov.uk
        To: foibot@example.org
        Subject: Delivery Status Notification (Failure)
        Message-ID: <dsn-1@council.gov.uk>
        Date: Tue, 04 Jun 2024 10:02:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="RPT"

        --RPT
        Content-Type: text/plain; charset=unicode-1-1-utf-7

        This is an automatically generated Delivery Status Notification.
        Delivery to the following recipients failed+ACE-

               nobody+AEA-council.gov.uk

        --RPT
        Content-Type: message/delivery-status

        Reporting-MTA: dns;mx.council.gov.uk

        Final-Recipient: rfc822;nobody@council.gov.uk
        Action: failed
        Status: 5.1.1

        --RPT
        Content-Type: message/rfc822

        From: foibot@example.org
        To: nobody@council.gov.uk
        Subject: Freedom of Information request - Grit bins
        Message-ID: <original-1@example.org>

        Dear Council,
        --RPT--
        """)


@fixture
def exchange_delay_notice() -> bytes:
    return crlf("""
        From: postmaster@council.gov.uk
        To: foibot@example.org
        Subject: Delivery Status Notification (Delay)
        Message-ID: <delay-1@council.gov.uk>
        Date: Tue, 04 Jun 2024 12:00:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="D"

        --D
        Content-Type: text/plain

        Delivery to the following recipients has been delayed.

             foi@council.gov.uk

        The server will retry for 2 more days.
        --D
        Content-Type: message/delivery-status

        Final-Recipient: rfc822;foi@council.gov.uk
        Action: delayed
        Status: 4.4.7
        --D
        Content-Type: application/octet-stream; name="scan-report.txt"
        Content-Disposition: attachment; filename="scan-report.txt"

        Scanned by AntiVirus: no threat found
        --D--
        """)


@fixture
def webshield_bounce() -> bytes:
    return crlf("""
        From: WebShield Gateway
        To: foibot@example.org
        Subject: Returned Mail: Error During Delivery
        Message-ID: <ws-1@gateway.council.gov.uk>
        Date: Tue, 04 Jun 2024 10:05:00 +0000

        ------ Failed Recipients ------
        <foi@old-council.gov.uk>: User unknown

        -------- Returned Mail --------
        Subject: Freedom of Information request - Libraries
        """)


@fixture
def exchange_out_of_office() -> bytes:
    return crlf("""
        From: Jo Officer <jo.officer@council.gov.uk>
        To: foibot@example.org
        Subject: Out of Office AutoReply: Freedom of Information request - Libraries
        Message-ID: <oof-1@council.gov.uk>
        Date: Tue, 04 Jun 2024 10:06:00 +0000

        I am out of the office until Monday.
        """)


@fixture
def outlook_out_of_office_alternative() -> bytes:
    return crlf("""
        Return-Path: <bounces@relay.council.gov.uk>
        From: Sam Clerk <sam.clerk@council.gov.uk>
        To: foibot@example.org
        Subject: Out of Office reply
        Message-ID: <oof-2@council.gov.uk>
        Date: Tue, 04 Jun 2024 10:07:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/alternative; boundary="ALT"

        --ALT
        Content-Type: text/plain; charset="us-ascii"

        I am on leave and will reply on my return.
        --ALT
        Content-Type: text/html; charset="us-ascii"

        <html><body><p>I am on leave and will reply on my return.</p></body></html>
        --ALT--
        """)


@fixture
def lotus_out_of_office() -> bytes:
    return crlf("""
        From: Pat Lane/MAIL/COUNCIL@council.gov.uk
        To: foibot@example.org
        Auto-Submitted: auto-generated
        Subject: Pat Lane/MAIL/COUNCIL is out of the office.
        Message-ID: <oof-3@council.gov.uk>
        Date: Tue, 04 Jun 2024 10:08:00 +0000

        I will be out of the office starting 04/06/2024 and will not return until 10/06/2024.
        """)


@fixture
def messagelabs_out_of_office() -> bytes:
    return crlf("""
        From: Member Office <member.office@parliament.example.uk>
        To: foibot@example.org
        Subject: Out of Office
        X-MessageLabs-Scanned: yes
        Message-ID: <oof-4@parliament.example.uk>
        Date: Tue, 04 Jun 2024 10:09:00 +0000

        Thank you for your email. The office is closed this week.
        """)


@fixture
def auto_prefixed_out_of_office() -> bytes:
    return crlf("""
        From: Chris Desk <chris.desk@council.gov.uk>
        To: foibot@example.org
        Auto-Submitted: auto-generated
        Subject: AUTO: Chris Desk is out of the office (returning 10/06/2024)
        Message-ID: <oof-5@council.gov.uk>
        Date: Tue, 04 Jun 2024 10:10:00 +0000

        I am out of the office until 10/06/2024.
        """)


@fixture
def messageclass_autoresponder() -> bytes:
    return crlf("""
        From: Enquiries <enquiries@council.gov.uk>
        To: foibot@example.org
        Subject: Automatic Response
        X-POST-MessageClass: 9; Autoresponder
        Message-ID: <oof-6@council.gov.uk>
        Date: Tue, 04 Jun 2024 10:11:00 +0000

        We have received your email.
        """)


@fixture
def auto_submitted_header_only() -> bytes:
    return crlf("""
        From: noreply@council.gov.uk
        To: foibot@example.org
        Auto-Submitted: auto-replied
        Subject: Your email
        Message-ID: <auto-7@council.gov.uk>
        Date: Tue, 04 Jun 2024 10:12:00 +0000

        Your email has been received.
        """)


@fixture
def empty_return_path_bounce() -> bytes:
    return crlf("""
        Return-path: <>
        X-Failed-Recipients: records@council.gov.uk
        From: Mail Delivery System <Mailer-Daemon@relay.example.net>
        To: foibot@example.org
        Subject: Mail delivery failed: returning message to sender
        Message-Id: <E1bounce-0002@relay.example.net>
        Date: Tue, 04 Jun 2024 10:13:00 +0100

        A message that you sent could not be delivered. This is a permanent error.
        """)


@fixture
def odd_case_multipart_with_envelope_to() -> bytes:
    return crlf("""
        Return-path: <>
        Envelope-to: foibot+foi-refplace@example.org
        X-Failed-Recipients: press@police.example.uk
        Auto-Submitted: auto-replied
        From: Mail Delivery System <MAILER-DAEMON@police.example.uk>
        To: foibot+foi-refplace@example.org
        Cc: foibot+foi-refplace@example.org, Records <records@police.example.uk>
        Subject: Mail delivery failed: returning message to sender
        Message-ID: <E1odd@police.example.uk>
        Date: Tue, 04 Jun 2024 10:14:00 +0000
        MIME-Version: 1.0
        Content-Type: Multipart/Mixed; boundary="ODD"

        --ODD
        Content-Type: Text/Plain; charset=US-ASCII

        This is a permanent error. The following address(es) failed:
          press@police.example.uk
        --ODD--
        """)


@fixture
def plain_reply() -> bytes:
    return crlf("""
        From: FOI Team <foi@council.gov.uk>
        To: Ada Lovelace <foibot+foi-refplace@example.org>
        Subject: Re: Freedom of Information request - Parking fines [FOI-REFPLACE]
        Message-ID: <reply-plain@council.gov.uk>
        Date: Thu, 20 Jun 2024 15:00:00 +0100

        Dear Ada Lovelace,

        Our ref: 6234788

        Please find below the number of parking fines issued in 2023: 4,512.

        Yours sincerely,
        FOI Team
        """)


# --- B. attachments and MIME structure ----------------------------------------------


def _with_attachment(content_type: str, filename: str, data: bytes, extra: str = "") -> bytes:
    return crlf(f"""
        From: FOI Team <foi@council.gov.uk>
        To: foibot@example.org
        Subject: Re: Freedom of Information request - Budgets
        Message-ID: <attach-{filename.replace(" ", "-")}@council.gov.uk>
        Date: Thu, 20 Jun 2024 15:00:00 +0100
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="MIX"

        --MIX
        Content-Type: text/plain; charset=utf-8

        Please see the attached response.
        --MIX
        Content-Type: {content_type}; name="{filename}"
        Content-Disposition: attachment; filename="{filename}"
        Content-Transfer-Encoding: base64
        {extra}
        {b64(data)}
        --MIX--
        """)


@fixture
def pdf_attachment() -> bytes:
    return _with_attachment("application/pdf", "response 123.pdf", make_pdf("Laptops purchased: 512\nTablets: 0"))


@fixture
def pdf_as_document_pdf() -> bytes:
    return _with_attachment("document/pdf", "decision.pdf", make_pdf("Decision notice: refused under s.12"))


@fixture
def tnef_attachments() -> bytes:
    blob = make_tnef([("FOI 1234 part one.doc", b"DOC-ONE"), ("FOI 1234 part two.txt", b"second file text")])
    return _with_attachment("application/ms-tnef", "winmail.dat", blob)


@fixture
def tnef_only_body() -> bytes:
    blob = make_tnef([], body=b"Dear requester,\r\nThe information is not held.\r\n")
    return crlf(f"""
        From: FOI Team <foi@council.gov.uk>
        To: foibot@example.org
        Subject: TNEF only
        Message-ID: <tnef-only@council.gov.uk>
        MIME-Version: 1.0
        Content-Type: application/ms-tnef; name="winmail.dat"
        Content-Transfer-Encoding: base64

        {b64(blob)}
        """)


@fixture
def tnef_truncated() -> bytes:
    blob = make_tnef([("lost.doc", b"x" * 200)])[:40]
    return _with_attachment("application/ms-tnef", "winmail.dat", blob)


@fixture
def outlook_template_octet_stream() -> bytes:
    return _with_attachment(
        "application/octet-stream", "Request form.oft", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64
    )


@fixture
def rfc822_attachment_empty_subject() -> bytes:
    return crlf("""
        From: Records Office <records@council.gov.uk>
        To: foibot@example.org
        Subject:
        Message-ID: <fwd-1@council.gov.uk>
        Date: Thu, 20 Jun 2024 15:00:00 +0100
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="OUT"

        --OUT
        Content-Type: text/plain

        See the attached message.
        --OUT
        Content-Type: message/rfc822

        From: Legal Team <legal@council.gov.uk>
        To: Records Office <records@council.gov.uk>
        Date: Wed, 19 Jun 2024 09:00:00 +0100
        Subject: Disclaimer for FOI replies

        This email and any files transmitted with it are confidential.
        --OUT--
        """)


@fixture
def nested_messages_with_files() -> bytes:
    return crlf(f"""
        From: Groupwise User <gw.user@council.gov.uk>
        To: foibot@example.org
        Subject: Fwd: Re: Freedom of Information request
        Message-ID: <nested-1@council.gov.uk>
        Date: Thu, 20 Jun 2024 15:00:00 +0100
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="L1"

        --L1
        Content-Type: text/plain

        Forwarded below.
        --L1
        Content-Type: message/rfc822

        From: Second Person <second@council.gov.uk>
        Subject: Re: Freedom of Information request
        Date: Wed, 19 Jun 2024 09:00:00 +0100
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="L2"

        --L2
        Content-Type: text/plain

        Here is the spreadsheet.
        --L2
        Content-Type: text/csv; name="budget.csv"
        Content-Disposition: attachment; filename="budget.csv"

        year,amount
        2023,1500
        --L2
        Content-Type: image/gif; name="logo.gif"
        Content-Disposition: attachment; filename="logo.gif"
        Content-Transfer-Encoding: base64

        {b64(b"GIF89a" + bytes(20))}
        --L2--
        --L1--
        """)


@fixture
def premature_outer_end() -> bytes:
    return crlf("""
        From: FOI Team <foi@council.gov.uk>
        To: foibot@example.org
        Subject: some FOI reply
        Message-ID: <premature@council.gov.uk>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="OUTER"

        --OUTER
        Content-Type: multipart/mixed; boundary="INNER"

        --INNER
        Content-Type: text/plain

        The first part of the answer.
        --OUTER--
        --INNER
        Content-Type: text/plain; name="late.txt"
        Content-Disposition: attachment; filename="late.txt"

        A part after the outer end.
        --INNER--
        """)


@fixture
def no_final_boundary() -> bytes:
    return crlf("""
        From: FOI Team <foi@council.gov.uk>
        To: foibot@example.org
        Subject: an acknowledgement
        Message-ID: <nofinal@council.gov.uk>
        MIME-Version: 1.0
        Content-Type: multipart/alternative; boundary="NF"

        --NF
        Content-Type: text/html; charset=utf-8

        <html><body><p>This is an acknowledgement of your email.</p></body></html>
        """)


@fixture
def inline_uuencode() -> bytes:
    return crlf(f"""
        From: Old Mailer <old@council.gov.uk>
        To: foibot@example.org
        Subject: the figures
        Message-ID: <uu-1@council.gov.uk>

        The figures are attached.

        {uuencode("figures.txt", b"Laptops: 512" + bytes([10]) + b"Tablets: 0" + bytes([10]))}

        Regards
        """)


@fixture
def uuencode_without_end() -> bytes:
    data = bytes(range(256)) * 4
    return crlf(f"""
        From: Old Mailer <old@council.gov.uk>
        To: foibot@example.org
        Subject: FW: FOI 34960 response
        Message-ID: <uu-2@council.gov.uk>

        Response attached.
        {uuencode("Response 34960.doc", data, end=False)}
        """)


@fixture
def apple_mail_nested_alternative() -> bytes:
    return crlf(f"""
        From: Reviewer <review@agency.gov.example>
        To: foibot+foi-refplace@example.org
        Subject: Decision
        Message-ID: <apple-1@agency.gov.example>
        MIME-Version: 1.0
        Content-Type: multipart/alternative; boundary="A1"

        --A1
        Content-Type: text/plain; charset=us-ascii

        Please find the decision attached.
        --A1
        Content-Type: multipart/mixed; boundary="A2"

        --A2
        Content-Type: text/html; charset=us-ascii

        <html><body>Please find the decision attached.</body></html>
        --A2
        Content-Type: application/pdf; name="2024-040 Decision.pdf"
        Content-Disposition: attachment; filename="2024-040 Decision.pdf"
        Content-Transfer-Encoding: base64

        {b64(make_pdf("Decision 2024-040: released in part"))}
        --A2
        Content-Type: application/pdf; name="Review Rights.pdf"
        Content-Disposition: attachment; filename="Review Rights.pdf"
        Content-Transfer-Encoding: base64

        {b64(make_pdf("You may ask for a review within 40 working days"))}
        --A2--
        --A1--
        """)


@fixture
def non_utf8_filename() -> bytes:
    head = crlf(
        f"""
        From: FOI Team <foi@council.gov.uk>
        To: foibot@example.org
        Subject: spreadsheet
        Message-ID: <latin-name@council.gov.uk>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="N"

        --N
        Content-Type: text/plain

        Attached.
        --N
        Content-Type: application/vnd.ms-excel; name="Costs \xa312000 or more.xls"
        Content-Disposition: attachment; filename="Costs \xa312000 or more.xls"
        Content-Transfer-Encoding: base64

        {b64(b"not really a spreadsheet")}
        --N--
        """,
        encoding="latin-1",
    )
    return head


# --- C. quoting and body edge cases -----------------------------------------------


@fixture
def lotus_notes_quoting() -> bytes:
    return crlf("""
        From: Notes User <notes.user@council.gov.uk>
        To: foibot@example.org
        Subject: Re: Freedom of Information request
        Message-ID: <lotus-q@council.gov.uk>

        The answer is attached.



                     Ada Lovelace
                     <foibot@example.org>                         To
                     Sent by:                   FOI requests <foi@council.gov.uk>
                     04/06/2024 10:00                             cc

                                                              Subject
                                         Freedom of Information request
        """)


@fixture
def no_body_only_xlsx() -> bytes:
    data = make_xlsx([["Device", "Count"], ["Laptops", 512], ["Tablets", 0]])
    return crlf(f"""
        From: FOI Team <foi@council.gov.uk>
        To: foibot@example.org
        Subject: testing no body
        Message-ID: <nobody@council.gov.uk>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="X"

        --X
        Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; name="devices.xlsx"
        Content-Disposition: attachment; filename="devices.xlsx"
        Content-Transfer-Encoding: base64

        {b64(data)}
        --X--
        """)


# --- D. charsets, encoded headers, addresses ------------------------------------------


@fixture
def iso8859_2_split_subject() -> bytes:
    return crlf(
        """
        From: Urzad <foi@urzad.example.pl>
        To: foibot@example.org
        Subject: =?iso-8859-2?Q?RE:_Wniosek_o_informacj=EA?= =?iso-8859-2?Q?_publiczn=B1?=
        Message-ID: <pl-1@urzad.example.pl>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=iso-8859-2
        Content-Transfer-Encoding: 8bit

        Odpowied\xbc w za\xb3\xb1czniku.
        """,
        encoding="latin-1",
    )


@fixture
def mislabelled_latin1_smart_quotes() -> bytes:
    return crlf(
        """
        From: FOI Team <foi@council.gov.uk>
        To: foibot@example.org
        Subject: some FOI request
        Message-ID: <cp1252@council.gov.uk>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=iso-8859-1
        Content-Transfer-Encoding: 8bit

        We \x93hold\x94 the information \x96 it\x92s attached.
        """,
        encoding="latin-1",
    )


@fixture
def encoded_from_and_html_related() -> bytes:
    return crlf("""
        From: =?iso-8859-1?Q?C=E2mara_Municipal?= <ouvidoria@camara.example.br>
        To: foibot@example.org
        Subject: =?iso-8859-1?Q?C=E2mara_Responde:_Pedido_de_informa=E7=E3o?=
        Message-ID: <br-1@camara.example.br>
        MIME-Version: 1.0
        Content-Type: multipart/related; boundary="REL"

        --REL
        Content-Type: text/html; charset=iso-8859-1
        Content-Transfer-Encoding: quoted-printable

        <html><head><meta http-equiv=3D"Content-Type" content=3D"text/html; charset=3Dutf-8"></head>
        <body><p>Informa=E7=F5es dispon=EDveis <b>no portal</b>.</p><img src=3D"cid:logo1"></body></html>
        --REL
        Content-Type: image/png
        Content-ID: <logo1>
        Content-Transfer-Encoding: base64

        iVBORw0KGgo=
        --REL--
        """)


@fixture
def unquoted_display_names_folded() -> bytes:
    return crlf(f"""
        From: Info Rights <info.rights@university.example.ac.uk>
        To: Ada Lovelace <foibot@example.org>, Records, Central
         <records@university.example.ac.uk>, Smith, John <john.smith@university.example.ac.uk>
        Subject: RE: Freedom of Information request - Participation
        Message-ID: <uni-1@university.example.ac.uk>
        In-Reply-To: <foi-refplace.0001@example.org>
        References: <foi-refplace.0001@example.org>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: base64

        {b64("Thank you — we will reply shortly.".encode())}
        """)


@fixture
def malformed_to_and_cc() -> bytes:
    return crlf("""
        From: FOI Team <foi@council.gov.uk>
        To: <bar@example.org
        Cc: <baz@example.org
        Subject: example email
        Message-ID: <malformed@council.gov.uk>

        Hello.
        """)


@fixture
def utf7_subject_signed() -> bytes:
    return crlf("""
        From: =?utf-7?Q?Podatelna_+APoBWQ-adu?= <podatelna@urad.example.cz>
        To: foibot+foi-refplace@example.org
        Subject: =?utf-7?Q?Va+AWE-e_zpr+AOE-va_byla_p+AVk-evzata?=
        Message-ID: <cz-1@urad.example.cz>
        MIME-Version: 1.0
        Content-Type: multipart/signed; protocol="application/x-pkcs7-signature"; micalg=sha1; boundary="SIG"

        --SIG
        Content-Type: text/plain; charset=utf-7

        Va+AWE-e zpr+AOE-va byla p+AVk-evzata.
        --SIG
        Content-Type: application/x-pkcs7-signature; name="smime.p7s"
        Content-Disposition: attachment; filename="smime.p7s"
        Content-Transfer-Encoding: base64

        MIAGCSqGSIb3DQEHAqCAMIACAQE=
        --SIG--
        """)


# --- Froide-shaped quirks -------------------------------------------------------------


@fixture
def many_cc_umlaut_sender() -> bytes:
    return crlf("""
        From: =?iso-8859-1?Q?Hanna_B=FCrger?= <hb@amt.example.de>
        To: foibot+foi-refplace@example.org
        Cc: a@amt.example.de, b@amt.example.de, c@amt.example.de, d@amt.example.de, e@amt.example.de
        Subject: =?iso-8859-1?Q?Anfrage_nach_dem_Informationsfreiheitsgesetz;_F=F6rderantr?=
         =?iso-8859-1?Q?=E4ge;_Vg._375-2018?=
        Message-ID: <de-1@amt.example.de>
        Date: Mon, 05 Jul 2010 10:00:00 +0200

        Sehr geehrte Damen und Herren,
        """)


@fixture
def docx_with_umlaut_name() -> bytes:
    return _with_attachment(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Antrag Vordruck Übersicht.docx",
        make_docx("Antragsvordruck\nBitte ausfüllen"),
    )


@fixture
def rfc2231_long_filename() -> bytes:
    return crlf(f"""
        From: Ministerium <poststelle@ministerium.example.de>
        To: foibot@example.org
        Subject: Kooperationen
        Message-ID: <de-2231@ministerium.example.de>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="R"

        --R
        Content-Type: text/plain

        Anbei.
        --R
        Content-Type: application/pdf
        Content-Disposition: attachment;
         filename*0*=UTF-8''Kooperationen%20des%20Ministeriums%20f%C3%BCr%20Schule%20;
         filename*1*=%E2%80%93%20Antrag%20vom%2006.12.2012.pdf
        Content-Transfer-Encoding: base64

        {b64(make_pdf("Kooperationen"))}
        --R--
        """)


@fixture
def html_only_x_autoreply() -> bytes:
    return crlf("""
        From: Sender <zuschauer@sender.example.de>
        To: Test User [#123456] <foibot@example.org>
        Cc: =?utf-8?Q?M=C3=BCller?= <m@sender.example.de>
        Subject: Ihr Anliegen vom 06.02.2013
        X-Autoreply: yes
        Message-ID: <de-auto@sender.example.de>
        MIME-Version: 1.0
        Content-Type: text/html; charset=utf-8

        <html><body><h1>Danke</h1>
        <p>Wir haben Ihre <a href="https://sender.example.de/faq">Anfrage</a> erhalten.</p></body></html>
        """)


@fixture
def no_date_forwarded_message() -> bytes:
    return crlf("""
        From: Amt <amt@stadt.example.de>
        To: foibot@example.org
        Subject: Ihre Antraege [#5617]
        Message-ID: <de-nodate@stadt.example.de>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="F"

        --F
        Content-Type: text/plain

        Weitergeleitet.
        --F
        Content-Type: message/rfc822

        From: Kollege <kollege@stadt.example.de>
        Subject: WG: Disziplinarverfahren
        Date: Mon, 03 Feb 2014 09:00:00 +0100

        Text der Weiterleitung.
        --F--
        """)


@fixture
def batv_tagged_recipient() -> bytes:
    return crlf("""
        From: no_reply@versicherung.example.de
        To: prvs=46472e5e2=foibot+foi-refplace@example.org
        Subject: E-Mail Empfangsbestaetigung
        Message-ID: <batv@versicherung.example.de>

        Ihre Nachricht ist eingegangen.
        """)


@fixture
def name_only_in_content_type() -> bytes:
    return crlf(f"""
        From: Amt <amt@stadt.example.de>
        To: foibot@example.org
        Subject: Aktenzeichen: 3378-2017
        Message-ID: <ct-name@stadt.example.de>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="C"

        --C
        Content-Type: text/plain

        Eingangsbestaetigung anbei.
        --C
        Content-Type: application/octet-stream; name="Eingang.doc"
        Content-Transfer-Encoding: base64

        {b64(b"doc bytes")}
        --C--
        """)


@fixture
def html_pasted_in_plain_text() -> bytes:
    return crlf("""
        From: automated-notifications@nomail.example.eu
        To: foibot@example.org
        Subject: Case 1970/1234 - Acknowledgement of receipt
        Message-ID: <eu-ack@nomail.example.eu>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        <html><head><title>Ack</title></head><body><div><p>We acknowledge receipt of your application.</p>
        <p>Your request is registered under <b>reference 1970/1234</b>.</p></div></body></html>
        """)


@fixture
def inline_gif_without_disposition() -> bytes:
    return crlf(f"""
        From: Buergermeister <info@stadt.example.de>
        To: info@foibot.example.org
        Subject: WG: Bewohnerparken [#267938]
        Message-ID: <gif@stadt.example.de>
        MIME-Version: 1.0
        Content-Type: multipart/related; boundary="G"

        --G
        Content-Type: text/plain

        Siehe unten.
        --G
        Content-Type: image/gif
        Content-ID: <_1_0CCE8CEC@stadt.example.de>
        Content-Transfer-Encoding: base64

        {b64(b"GIF89a" + bytes(10))}
        --G--
        """)


@fixture
def encoded_to_name_and_threading() -> bytes:
    return crlf("""
        From: "Mustermann, Markus" <markus.mustermann@stadt.example.de>
        To: =?iso-8859-1?Q?Max_M=F6ster_[#123456]?= <foibot+foi-refplace@example.org>
        Subject: AW: Anfragenr. 123456 Lizenzkosten
        Message-ID: <thread-1@stadt.example.de>
        In-Reply-To: <foi-refplace.0001@example.org>
        References: <foi-refplace.0001@example.org>
        Date: Mon, 16 Mar 2026 09:13:24 +0000

        Die Beantwortung wird sich verzoegern.
        """)


@fixture
def postfix_bounce() -> bytes:
    return crlf("""
        From: MAILER-DAEMON@mail.example.org (Mail Delivery System)
        To: foibot@example.org
        Auto-Submitted: auto-replied
        Subject: Undelivered Mail Returned to Sender
        Message-ID: <pf-1@mail.example.org>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="PF"

        --PF
        Content-Type: text/plain

        I'm sorry to have to inform you that your message could not be delivered.
        --PF
        Content-Type: message/delivery-status

        Final-Recipient: rfc822; nonexistant@example.org
        Action: failed
        Status: 5.0.0
        Diagnostic-Code: smtp; 553 Invalid recipient
        --PF--
        """)


@fixture
def exchange_ndr_encoded_subject() -> bytes:
    return crlf("""
        From: Microsoft Outlook <postmaster@institut.example.de>
        To: foibot@example.org
        Subject: =?iso-8859-1?Q?Unzustellbar:_Sollen_wir_den_Account_l=F6schen=3F?=
        Message-ID: <ndr-de@institut.example.de>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="NDR"

        --NDR
        Content-Type: text/plain; charset=iso-8859-1

        Die Nachricht konnte nicht zugestellt werden.
        --NDR
        Content-Type: message/delivery-status

        Final-Recipient: rfc822;person@institut.example.de
        Action: failed
        Status: 5.1.1
        --NDR--
        """)


@fixture
def exim_mailbox_full() -> bytes:
    return crlf("""
        From: Mail Delivery System <MAILER-DAEMON@mx.provider.example>
        To: bounce+abc=+john.doe=provider.example@foibot.example.org
        X-Failed-Recipients: john.doe@provider.example
        Subject: Mail delivery failed: returning message to sender
        Message-ID: <full@mx.provider.example>

        A message that you sent could not be delivered to one or more of its
        recipients. This is a permanent error. The following address(es) failed:

          john.doe@provider.example
            host mx.provider.example: 552 5.2.2 Mailbox full
        """)


@fixture
def raw_utf8_subject() -> bytes:
    return crlf("""
        From: Amt <amt@stadt.example.de>
        To: foibot@example.org
        Subject: Bestätigung Ihrer Anfrage – Nr. 42
        Message-ID: <raw8@stadt.example.de>

        Text.
        """)


@fixture
def garbage() -> bytes:
    return b"\x00\xff\xfe not an email at all \r\n\r\n\x80\x81 --\r\n"


@fixture
def empty_file() -> bytes:
    return b""
