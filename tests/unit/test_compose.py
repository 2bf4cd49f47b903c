"""Outgoing emails: headers, threading and header safety."""

import datetime as dt
from email import message_from_bytes
from email.policy import SMTP, default

import pytest

from foi import letters
from foi.laws import FOIA
from foi.questions import Question
from mail.compose import AddressError, Mailbox, Thread, compose, new_message_id, one_line, parse_address

WHEN = dt.datetime(2024, 6, 4, 9, 30, tzinfo=dt.UTC)
SUBADDRESSED = Mailbox("foibot@example.org", "+")


def build(title="Remote working", name="Ada Lovelace", mailbox=SUBADDRESSED, thread=None):
    to = letters.Addressing("London Borough of Barnet", name, "FOI-7K3M9Q", title)
    letter = letters.initial_request(FOIA, to, [Question("Policies", ("Laptops",))])
    message = compose(
        letter,
        mailbox=mailbox,
        sender_name=name,
        to_address="foi@barnet.gov.uk",
        reference="FOI-7K3M9Q",
        message_id=new_message_id("FOI-7K3M9Q", mailbox.domain),
        date=WHEN,
        thread=thread,
    )
    raw = message.as_bytes(policy=SMTP)
    return raw, message_from_bytes(raw, policy=default)


def test_headers_of_a_new_request():
    raw, parsed = build()
    assert parsed["From"] == "Ada Lovelace <foibot@example.org>"
    assert parsed["To"] == "foi@barnet.gov.uk"
    assert parsed["Reply-To"] == "Ada Lovelace <foibot+foi-7k3m9q@example.org>"
    assert parsed["Subject"] == "Freedom of Information request - Remote working [FOI-7K3M9Q]"
    assert parsed["Message-ID"].startswith("<foi-7k3m9q.") and parsed["Message-ID"].endswith("@example.org>")
    assert parsed["In-Reply-To"] is None
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert "   a) Laptops" in parsed.get_content()


def test_reply_to_is_the_mailbox_without_sub_addressing():
    _, parsed = build(mailbox=Mailbox("foibot@example.org", None))
    assert parsed["Reply-To"] == "Ada Lovelace <foibot@example.org>"


def test_follow_up_is_threaded():
    thread = Thread(in_reply_to="<reply@barnet.gov.uk>", references=("<foi-7k3m9q.1@example.org>",))
    _, parsed = build(thread=thread)
    assert parsed["In-Reply-To"] == "<reply@barnet.gov.uk>"
    assert parsed["References"] == "<foi-7k3m9q.1@example.org> <reply@barnet.gov.uk>"


@pytest.mark.parametrize(
    "evil", ["x\r\nBcc: a@b", "x\nBcc: a@b", "x\rBcc: a@b", "x\u2028Bcc: a@b", "x\x00\r\n\r\nBcc: a@b"]
)
def test_header_injection_in_a_title_or_name_stays_inside_its_header(evil):
    raw, parsed = build(title=evil, name=evil)
    assert parsed["Bcc"] is None
    assert "Bcc" in parsed["Subject"]  # the text is kept, harmlessly
    header_block = raw.split(b"\r\n\r\n", 1)[0]
    assert not any(line.lower().startswith(b"bcc:") for line in header_block.split(b"\r\n"))
    assert parsed["From"].addresses[0].addr_spec == "foibot@example.org"
    assert len(parsed["From"].addresses) == 1


def test_long_and_non_ascii_titles_are_folded_and_encoded():
    title = "Dépenses de la mairie " * 10
    raw, parsed = build(title=title, name="Zoë Ó Briain")
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert max(len(line) for line in raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")) <= 78
    assert raw.isascii()
    assert parsed["Subject"] == f"Freedom of Information request - {one_line(title)} [FOI-7K3M9Q]"
    assert parsed["From"].addresses[0].display_name == "Zoë Ó Briain"


@pytest.mark.parametrize(
    "bad", ["", "not-an-address", "a@b@c", "a@b.org, c@d.org", "Name <a@b.org>", "a@b.org\r\nBcc: x@y.org"]
)
def test_bad_recipient_addresses_are_refused(bad):
    with pytest.raises(AddressError):
        parse_address(bad)
