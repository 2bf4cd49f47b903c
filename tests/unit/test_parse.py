"""The mail parser against our own fixtures, one per real-world quirk (tests/mail_fixtures.py)."""

import datetime as dt
import hashlib

import pytest

from mail.autoreply import label_for
from mail.parse import parse_message
from tests.mail_fixtures import FIXTURES

F = {name: build() for name, build in FIXTURES.items()}


def parsed(name, **options):
    return parse_message(F[name], **options)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_every_fixture_parses_without_raising(name):
    message = parse_message(F[name])
    assert isinstance(message.text, str)
    assert "\x00" not in message.text
    for attachment in message.attachments:
        assert attachment.sha256 == hashlib.sha256(attachment.data).hexdigest()
        assert attachment.size == len(attachment.data)


LABELS = {
    "exim_bounce": "bounce",
    "multipart_report_utf7": "bounce",
    "webshield_bounce": "bounce",
    "empty_return_path_bounce": "bounce",
    "odd_case_multipart_with_envelope_to": "bounce",
    "postfix_bounce": "bounce",
    "exchange_ndr_encoded_subject": "bounce",
    "exim_mailbox_full": "bounce",
    "exchange_delay_notice": "auto_reply",  # a delay is not a bounce
    "exchange_out_of_office": "auto_reply",
    "outlook_out_of_office_alternative": "auto_reply",
    "lotus_out_of_office": "auto_reply",
    "messagelabs_out_of_office": "auto_reply",
    "auto_prefixed_out_of_office": "auto_reply",
    "messageclass_autoresponder": "auto_reply",
    "auto_submitted_header_only": "auto_reply",
    "html_only_x_autoreply": "auto_reply",
    "plain_reply": None,
    "pdf_attachment": None,
    "encoded_to_name_and_threading": None,
    "html_pasted_in_plain_text": None,
}


@pytest.mark.parametrize(("name", "label"), sorted(LABELS.items()))
def test_bounces_and_automatic_replies_are_labelled(name, label):
    assert label_for(parsed(name)) == label


def test_webshield_sender_without_an_address_has_no_from_address():
    assert parsed("webshield_bounce").from_address is None


def test_odd_case_multipart_collects_every_recipient_once():
    message = parsed("odd_case_multipart_with_envelope_to")
    assert message.recipients == ["foibot+foi-refplace@example.org", "records@police.example.uk"]
    assert "permanent error" in message.text


def test_utf7_delivery_report_text_is_decoded():
    assert "failed!" in parsed("multipart_report_utf7").text
    assert "nobody@council.gov.uk" in parsed("multipart_report_utf7").text


def test_pdf_text_is_extracted():
    [pdf] = parsed("pdf_attachment").attachments
    assert pdf.filename == "response 123.pdf"
    assert pdf.content_type == "application/pdf"
    assert "Laptops purchased: 512" in pdf.text


def test_document_pdf_is_normalised_to_application_pdf():
    [pdf] = parsed("pdf_as_document_pdf").attachments
    assert pdf.content_type == "application/pdf"
    assert "refused under s.12" in pdf.text


def test_tnef_is_unpacked_into_its_files():
    files = parsed("tnef_attachments").attachments
    assert [(f.filename, f.data) for f in files] == [
        ("FOI 1234 part one.doc", b"DOC-ONE"),
        ("FOI 1234 part two.txt", b"second file text"),
    ]
    assert files[1].text == "second file text"


def test_tnef_only_message_gives_its_body_without_nul_bytes():
    message = parsed("tnef_only_body")
    assert message.text == "Dear requester,\nThe information is not held."


def test_truncated_tnef_is_kept_whole_and_noted():
    message = parsed("tnef_truncated")
    [kept] = message.attachments
    assert kept.filename == "winmail.dat" and kept.content_type == "application/ms-tnef"
    assert "damaged" in kept.note
    assert any("TNEF" in note for note in message.notes)


def test_outlook_template_keeps_a_type_guessed_from_its_name():
    [template] = parsed("outlook_template_octet_stream").attachments
    assert template.filename == "Request form.oft"
    assert template.content_type != "text/plain"
    assert template.size == 72


def test_attached_message_is_expanded_with_its_headers():
    message = parsed("rfc822_attachment_empty_subject")
    assert message.subject == ""
    [attached] = message.attachments
    assert attached.content_type == "message/rfc822"
    assert attached.filename == "Disclaimer for FOI replies.eml"
    assert "From: Legal Team <legal@council.gov.uk>" in attached.text
    assert "confidential" in attached.text


def test_nested_messages_are_flattened_with_their_files():
    names = [(a.filename, a.note) for a in parsed("nested_messages_with_files").attachments]
    assert names[0][0] == "Re: Freedom of Information request.eml"
    assert ("budget.csv", "inside Re: Freedom of Information request.eml") in names
    assert ("logo.gif", "inside Re: Freedom of Information request.eml") in names
    csv = next(a for a in parsed("nested_messages_with_files").attachments if a.filename == "budget.csv")
    assert csv.text == "year\tamount\n2023\t1500"


def test_outer_boundary_closing_early_does_not_lose_the_first_part():
    message = parsed("premature_outer_end")
    assert "The first part of the answer." in message.text


def test_missing_final_boundary_still_gives_the_body():
    message = parsed("no_final_boundary")
    assert message.text == "This is an acknowledgement of your email."
    assert "MIME defect: CloseBoundaryNotFoundDefect" in message.notes


def test_inline_uuencode_becomes_an_attachment():
    message = parsed("inline_uuencode")
    [figures] = message.attachments
    assert figures.filename == "figures.txt"
    assert figures.data == b"Laptops: 512\nTablets: 0\n"
    assert "begin 644" not in message.text and "Regards" in message.text


def test_uuencode_without_end_line_is_decoded_to_the_last_line():
    [doc] = parsed("uuencode_without_end").attachments
    assert doc.data == bytes(range(256)) * 4


def test_apple_mail_alternative_with_nested_attachments():
    message = parsed("apple_mail_nested_alternative")
    assert message.text == "Please find the decision attached."
    assert [a.filename for a in message.attachments] == ["2024-040 Decision.pdf", "Review Rights.pdf"]
    assert "40 working days" in message.attachments[1].text


def test_non_utf8_filename_is_readable():
    [sheet] = parsed("non_utf8_filename").attachments
    assert sheet.filename == "Costs £12000 or more.xls"


def test_message_with_no_text_part_keeps_its_spreadsheet_and_its_figures():
    message = parsed("no_body_only_xlsx")
    assert message.text == ""
    [sheet] = message.attachments
    assert "Laptops\t512" in sheet.text


def test_split_iso_8859_2_subject_and_body():
    message = parsed("iso8859_2_split_subject")
    assert message.subject == "RE: Wniosek o informację publiczną"
    assert message.text == "Odpowiedź w załączniku."


def test_windows_1252_labelled_as_latin_1():
    assert parsed("mislabelled_latin1_smart_quotes").text == "We “hold” the information – it’s attached."


def test_encoded_sender_and_html_only_related_body():
    message = parsed("encoded_from_and_html_related")
    assert message.from_name == "Câmara Municipal"
    assert message.subject == "Câmara Responde: Pedido de informação"
    assert message.text == "Informações disponíveis no portal."
    assert message.attachments[0].filename == "logo1.png"


def test_unquoted_display_names_over_folded_lines():
    message = parsed("unquoted_display_names_folded")
    assert "records@university.example.ac.uk" in message.to
    assert "john.smith@university.example.ac.uk" in message.to
    assert message.in_reply_to == ["<foi-refplace.0001@example.org>"]
    assert message.text == "Thank you — we will reply shortly."


def test_malformed_to_and_cc_give_no_addresses():
    message = parsed("malformed_to_and_cc")
    assert message.to == [] and message.cc == []


def test_utf7_subject_and_sender_of_a_signed_message():
    message = parsed("utf7_subject_signed")
    assert message.subject == "Vaše zpráva byla převzata"
    assert message.from_name == "Podatelna úřadu"
    assert message.attachments[0].filename == "smime.p7s"


def test_folded_encoded_subject_and_many_cc():
    message = parsed("many_cc_umlaut_sender")
    assert message.subject == "Anfrage nach dem Informationsfreiheitsgesetz; Förderanträge; Vg. 375-2018"
    assert message.from_name == "Hanna Bürger"
    assert len(message.cc) == 5


def test_docx_text_and_umlaut_name():
    [document] = parsed("docx_with_umlaut_name").attachments
    assert document.filename == "Antrag Vordruck Übersicht.docx"
    assert "Bitte ausfüllen" in document.text


def test_rfc2231_continued_filename():
    [pdf] = parsed("rfc2231_long_filename").attachments
    assert pdf.filename == "Kooperationen des Ministeriums für Schule – Antrag vom 06.12.2012.pdf"


def test_html_only_message_becomes_readable_text_with_links():
    text = parsed("html_only_x_autoreply").text
    assert "Danke" in text and "https://sender.example.de/faq" in text and "<p>" not in text


def test_missing_date_is_none_and_forwarded_message_is_named_from_its_subject():
    message = parsed("no_date_forwarded_message")
    assert message.date is None
    assert message.attachments[0].filename == "WG: Disziplinarverfahren.eml"


def test_batv_tagged_recipient_is_kept():
    assert parsed("batv_tagged_recipient").to == ["prvs=46472e5e2=foibot+foi-refplace@example.org"]


def test_filename_only_in_content_type_name():
    [doc] = parsed("name_only_in_content_type").attachments
    assert doc.filename == "Eingang.doc"
    assert doc.content_type == "application/msword"


def test_html_pasted_into_plain_text_is_converted():
    text = parsed("html_pasted_in_plain_text").text
    assert "<p>" not in text and "reference 1970/1234" in text


def test_inline_image_without_disposition_is_named_from_its_content_id():
    [gif] = parsed("inline_gif_without_disposition").attachments
    assert gif.filename == "_1_0CCE8CEC.gif"


def test_encoded_display_name_and_thread_headers():
    message = parsed("encoded_to_name_and_threading")
    assert message.to == ["foibot+foi-refplace@example.org"]
    assert message.in_reply_to == ["<foi-refplace.0001@example.org>"]
    assert message.date == dt.datetime(2026, 3, 16, 9, 13, 24, tzinfo=dt.UTC)


def test_raw_utf8_subject():
    assert parsed("raw_utf8_subject").subject == "Bestätigung Ihrer Anfrage – Nr. 42"


def test_garbage_and_empty_input_do_not_raise():
    assert parsed("garbage").subject == ""
    assert parsed("empty_file").text == ""


def test_oversized_message_is_read_for_headers_only_and_flagged():
    message = parse_message(F["pdf_attachment"], max_bytes=1000)
    assert message.oversized
    assert message.subject == "Re: Freedom of Information request - Budgets"
    assert message.attachments == [] and message.text == ""
    assert "parse limit" in message.notes[0]
