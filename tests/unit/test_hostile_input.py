"""Hostile and careless input: nothing raises, nothing is quadratic, nothing unprintable comes out.

Each class of problem found by fuzzing has a property here (Hypothesis with a
fixed seed, bounded examples) or an adversarial input timed against a bound
far below what a quadratic reading would take.
"""

import time
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foi.analysis import analyse
from foi.analysis.text import clean
from foi.authority_refs import find_authority_refs, reference_tokens
from foi.questions import Question
from foi.references import find_references, new_reference, normalize
from mail.autoreply import label_for
from mail.domains import check_body_address, registrable_domain, sender_key
from mail.errors import AddressError
from mail.headers import codec_for, decode_bytes, decode_value, message_ids
from mail.legacy import extract_uuencoded
from mail.parse import MAX_FILENAME, parse_message, safe_filename
from tests.mail_fixtures import FIXTURES

# Each reading must finish within a bound of seconds: timed with nothing running beside it.
pytestmark = pytest.mark.serial

FUZZ = settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def printable(text: str | None) -> bool:
    if text is None:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def seconds(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


# --- decoding never raises, and what comes out can be printed and stored -------------------


@FUZZ
@given(st.text(max_size=80))
def test_any_charset_name_gives_a_codec(name):
    assert codec_for(name)


@FUZZ
@given(st.binary(max_size=300), st.sampled_from(["utf-7", "utf-8\x00x", "idna", "punycode", "x-bogus", "utf-16", None]))
def test_decoding_bytes_never_raises_and_is_printable(data, charset):
    text, _ = decode_bytes(data, charset)
    assert printable(text)


@FUZZ
@given(st.text(max_size=300))
def test_header_values_decode_to_printable_text(value):
    assert printable(decode_value(value))
    assert all(printable(i) for i in message_ids(value))


def test_utf7_lone_surrogates_become_printable():
    raw = b"From: a@b.example\r\nSubject: =?utf-7?q?+2D0-?=\r\nContent-Type: text/plain; charset=utf-7\r\n\r\n+2D0-"
    parsed = parse_message(raw)
    assert printable(parsed.subject) and printable(parsed.text)


def mutations():
    """Real-world-shaped fixtures, cut, doubled and bit-flipped in many places."""
    names = sorted(FIXTURES)
    return st.tuples(
        st.sampled_from(names), st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=12)
    )


@settings(max_examples=200, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations(), st.integers(0, 3))
def test_mutated_real_world_mail_never_breaks_the_parser(mutation, how):
    name, flips = mutation
    raw = bytearray(FIXTURES[name]())
    for position, value in flips:
        if raw:
            raw[position % len(raw)] = value
    if how == 1:
        raw = raw[: len(raw) // 2]
    elif how == 2:
        raw = raw + raw
    elif how == 3:
        raw = raw.replace(b"\r\n", b"\n")
    parsed = parse_message(bytes(raw))
    label_for(parsed)
    for value in (parsed.subject, parsed.text, parsed.from_address, *parsed.to):
        assert printable(value)
    for attachment in parsed.attachments:
        assert printable(attachment.filename) and printable(attachment.text)


def test_a_nul_in_a_header_and_a_bad_punycode_domain_are_read():
    raw = b"From: Officer <foi@xn--zz-broken.example>\r\nTo: bot@x.example\r\nSubject: Re: a\x00b\r\n\r\nHello"
    parsed = parse_message(raw)
    assert parsed.subject == "Re: ab" and parsed.text == "Hello"


def test_a_thousand_nested_parts_still_give_the_headers():
    raw = b"From: foi@council.example\r\nSubject: Your request FOI-7K3M9Q\r\n"
    raw += b"Content-Type: multipart/mixed; boundary=b0\r\n\r\n"
    for depth in range(1000):
        raw += f"--b{depth}\r\nContent-Type: multipart/mixed; boundary=b{depth + 1}\r\n\r\n".encode()
    parsed = parse_message(raw)
    assert parsed.subject == "Your request FOI-7K3M9Q" and parsed.from_address == "foi@council.example"
    assert any("headers only" in note or "MIME" in note for note in parsed.notes)


def test_broken_html_falls_back_to_its_text():
    raw = b"From: a@b.example\r\nSubject: x\r\nContent-Type: text/html\r\n\r\n<table><tr><td>" + b"<td>cell" * 5000
    assert "cell" in parse_message(raw).text


# --- file names ------------------------------------------------------------------------------


@FUZZ
@given(st.text(max_size=400))
def test_a_file_name_is_reduced_to_a_safe_base_name(name):
    safe = safe_filename(name)
    if safe is None:
        return
    assert "/" not in safe and "\\" not in safe and not safe.startswith(".")
    assert len(safe) <= MAX_FILENAME
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in safe)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("invoice\u202efdp.exe", "invoice fdp.exe"),
        ("red\x1b[31m.pdf", "red [31m.pdf"),
        ("...", None),
    ],
)
def test_hostile_file_names(name, safe):
    assert safe_filename(name) == safe


# --- references: Unicode look-alikes never raise ------------------------------------------------


@FUZZ
@given(st.text(max_size=60))
def test_references_are_found_in_any_text_without_raising(text):
    for found in find_references(text):
        assert normalize(found) == found
    normalize(text)


def test_the_kelvin_sign_and_dotted_capital_i_are_not_errors():
    reference = new_reference()
    kelvin = reference.replace("K", "\u212a")
    assert find_references(f"Your ref {kelvin}") == [reference]
    assert normalize("F\u0130\u0130-7K3M9Q") is None


# --- linear time on adversarial text --------------------------------------------------------

ADVERSARIAL = {
    "encoded words": lambda: decode_value("=?a?q?x " * 6000),
    "an unclosed encoded word": lambda: decode_value("=?utf-8?q?" * 5000),
    "underscores as reference tokens": lambda: reference_tokens("_" * 200_000),
    "ref followed by spaces": lambda: find_authority_refs("ref" + " " * 200_000),
    "our ref followed by dashes": lambda: find_authority_refs("Our ref:" + "-" * 200_000),
    "a uuencode begin line of spaces": lambda: extract_uuencoded("begin 644 " + " " * 200_000 + "x"),
    "brackets in a letter": lambda: clean("[" * 200_000),
    "unclosed links": lambda: clean("[x](" * 50_000),
    "unclosed angle links": lambda: clean("<http://" * 25_000),
    "the delay-notice subject": lambda: label_for(
        parse_message(b"From: a@b.example\r\nSubject: warning: message " + b"x" * 40_000 + b"\r\n\r\nbody")
    ),
    "a megabyte of letter": lambda: analyse("We do not hold the information. Please find attached. " * 20_000),
}


@pytest.mark.parametrize("case", sorted(ADVERSARIAL))
def test_adversarial_text_is_read_in_linear_time(case):
    assert seconds(ADVERSARIAL[case]) < 1.5, case  # quadratic readings took 4 s to minutes here


def test_coverage_is_bounded_however_many_parts_a_request_has():
    questions = [Question(f"number of widgets of type {i} bought in {2000 + i % 20}") for i in range(400)]
    letter = "\n".join(f"Line {i}: we bought {i} widgets of type {i % 50}." for i in range(800))
    started = time.perf_counter()
    result = analyse(letter, questions)
    assert time.perf_counter() - started < 5
    assert result.coverage is not None and len(result.coverage) <= 100


# --- the domains a body may be trusted for ------------------------------------------------------


@pytest.mark.parametrize("address", ["foi@gov.uk", "x@nhs.uk", "y@co.uk", "z@uk", "q@localhost"])
def test_a_public_suffix_is_refused_as_a_bodys_address(address):
    with pytest.raises(AddressError):
        check_body_address(address)


def test_registrable_domains_and_shared_providers():
    assert registrable_domain("mail.barnet.gov.uk") == "barnet.gov.uk"
    assert check_body_address("FOI@Barnet.gov.uk") == "barnet.gov.uk"
    assert sender_key("Parish.Clerk@gmail.com") == "parish.clerk@gmail.com"


def test_an_office_file_that_expands_like_a_bomb_is_refused_unopened():
    import io
    import zipfile

    from mail.extract import DOCX, XLSX, extract_text

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:t>" + b"x" * 40_000_000 + b"</w:t>")
    for kind in (DOCX, XLSX):
        started = time.perf_counter()
        text, note = extract_text(kind, buffer.getvalue())
        assert text is None and "expands" in note
        assert time.perf_counter() - started < 1


def test_a_very_wide_sheet_is_read_for_its_first_columns():
    from mail.extract import MAX_SHEET_COLUMNS, XLSX, extract_text
    from tests.mail_fixtures import make_xlsx

    text, _ = extract_text(XLSX, make_xlsx([list(range(1000)) for _ in range(5)]))
    rows = text.splitlines()[1:]
    assert len(rows) == 5 and all(len(row.split("\t")) == MAX_SHEET_COLUMNS for row in rows)


def test_a_delivery_report_with_a_huge_header_is_read_in_linear_time():
    long = " ".join(f"wörd{n}" for n in range(3000))  # raw 8-bit: re-folding it took 5 s
    raw = (
        "From: MAILER-DAEMON@mx.example\r\nSubject: Undelivered\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nfailed\r\n"
        f"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\nX-Long: {long}\r\n\r\n"
        "Final-Recipient: rfc822; a@b.example\r\nAction: failed\r\n--B--\r\n"
    ).encode()
    started = time.perf_counter()
    parsed = parse_message(raw)
    assert time.perf_counter() - started < 1.5
    assert any("Action: failed" in (a.text or "") for a in parsed.attachments)


def test_a_long_blank_run_inside_a_line_is_read_in_linear_time():
    assert seconds(analyse, "Date: " + " " * 50_000 + "x\n" + "_" * 50_000 + "y") < 1.5  # took 7 s
