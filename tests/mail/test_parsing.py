"""Reading mail: every file of the corpus (tests/mail/corpus, written for these tests)
parsed into the values the intake relies on, and every hostile or broken message refused
with one typed error."""

import datetime as dt
import struct
from pathlib import Path

import pytest

from hypercare.mail.parsing import (
    ParsedMessage,
    Unparseable,
    first_line_marks_internal,
    parse_message,
    subject_reference,
)
from hypercare.mail.parsing.tnef import unpack_tnef

CORPUS = Path(__file__).parent / "corpus"


def parse(name: str) -> ParsedMessage:
    return parse_message((CORPUS / name).read_bytes())


def test_outlook_reply_is_threaded_by_headers_and_keeps_its_history_apart() -> None:
    message = parse("outlook.eml")

    assert message.message_id == "<DB9PR10MB1234ABCD@DB9PR10MB1234.EURPRD10.PROD.OUTLOOK.COM>"
    assert message.in_reply_to == ("<ticket.123.event.9@hypercare.example>",)
    assert message.references == ("<ticket.123.event.9@hypercare.example>",)
    assert subject_reference(message.subject) == "HC-000123"
    assert message.from_address == "chidi.okafor@northfield.example.edu"
    assert message.from_name == "Okafor, Chidi"
    assert message.date == dt.datetime(2026, 12, 1, 8, 14, 2, tzinfo=dt.UTC)
    # Windows-1252 quotes and dashes under an ISO-8859-1 label, as Outlook writes them.
    assert "It still doesn’t print after the update – the page is empty." in message.new_text
    assert message.new_text.endswith("Kind regards\nChidi")
    assert message.quoted_text.startswith("-----Original Message-----\nFrom: Hypercare Support")
    assert "Please try again after the update." in message.quoted_text
    assert "<p>Hello,</p>" in message.html
    assert "<style>" not in message.html
    assert message.automatic == ""
    assert not message.looped
    assert message.attachments == ()


def test_outlook_winmail_dat_is_unpacked_into_its_files() -> None:
    message = parse("outlook-tnef.eml")

    files = {attachment.filename: attachment for attachment in message.attachments}
    assert set(files) == {"Prüfbericht März.pdf", "notes.txt"}
    assert files["Prüfbericht März.pdf"].data.startswith(b"%PDF-1.4")
    assert files["Prüfbericht März.pdf"].content_type == "application/pdf"
    assert files["notes.txt"].data == b"Step 1: open Payroll\r\nStep 2: export\r\n"
    assert message.text == "The export failed again; the report and my notes are attached."


def test_a_winmail_dat_that_cannot_be_unpacked_is_kept_as_it_is() -> None:
    raw = (CORPUS / "outlook-tnef.eml").read_bytes().replace(b"eJ8+", b"AAAA", 1)

    message = parse_message(raw)

    assert [a.filename for a in message.attachments] == ["winmail.dat"]
    assert message.attachments[0].content_type == "application/ms-tnef"


def test_a_hostile_winmail_dat_is_stopped_by_its_own_process_limits() -> None:
    # A property list that claims four billion properties: tnefparse would loop on it.
    props = struct.pack("<I", 0xFFFFFFFF)
    blob = struct.pack("<IH", 0x223E9F78, 1)
    blob += struct.pack("<BHHI", 1, 0x9003, 6, len(props)) + props + struct.pack("<H", 0)

    assert unpack_tnef(blob, seconds=1.0) is None


def test_gmail_reply_decodes_the_subject_and_cuts_the_attribution() -> None:
    message = parse("gmail.eml")

    assert message.subject == "Re: [HC-000045] Resolved: Fee receipt — A4 only"
    assert subject_reference(message.subject) == "HC-000045"
    assert message.from_address == "riya.sharma.northfield@gmail.com"
    assert message.new_text == (
        "Hi,\n\nThanks — the receipt prints now. One question: can we get it in A5?\n\nRiya"
    )
    assert message.quoted_text.startswith("On Tue, 1 Dec 2026 at 10:02, Hypercare Support")
    assert "> We believe HC-000045 is resolved." in message.quoted_text
    assert 'href="mailto:support@hypercare.example"' in message.html
    assert "gmail_quote" not in message.html  # classes are not kept


def test_apple_mail_keeps_its_inline_image_between_the_text_parts() -> None:
    message = parse("apple-mail.eml")

    assert message.from_name == "Anaïs Lévesque"
    assert message.new_text == "Here is the screen I get:\n\n\nIt happens for every class."
    assert message.signature == "Sent from my iPhone"
    assert message.quoted_text.startswith("> On 1 Dec 2026, at 13:50, Hypercare Support")
    [image] = message.attachments
    assert image.filename == "IMG_0042.png"
    assert image.content_type == "image/png"
    assert image.inline
    assert image.data.startswith(b"\x89PNG")


def test_thunderbird_signature_history_and_rfc_2231_attachment_name() -> None:
    message = parse("thunderbird.eml")

    assert message.from_name == "Jürgen Müller"
    assert message.references == (
        "<ticket.87.event.1@hypercare.example>",
        "<ticket.87.event.4@hypercare.example>",
    )
    assert message.new_text.endswith("Grüße\nJürgen")
    assert message.signature == "-- \nJürgen Müller\nRegistrar's Office, Northfield University"
    assert message.quoted_text.startswith("Am 01.12.26 um 16:20 schrieb Hypercare Support:")
    [csv] = message.attachments
    assert csv.filename == "Notenübersicht.csv"
    assert csv.content_type == "text/csv"
    assert not csv.inline
    assert csv.data == "Name;Note\nMüller;1,7\n".encode()


def test_a_forwarded_mail_keeps_the_forwarded_text_as_content() -> None:
    message = parse("forwarded.eml")

    assert message.subject == "Fwd: Payment gateway error 502"
    assert subject_reference(message.subject) is None
    assert message.new_text.startswith("Please see the error a student got below.")
    assert 'got "502 Bad Gateway" twice.' in message.new_text
    assert message.quoted_text == ""


def test_a_delivery_status_notification_names_the_bounced_message_and_recipient() -> None:
    message = parse("dsn-bounce.eml")

    assert message.bounce is not None
    assert message.bounce.original_message_id == "<notification.991.7f3a@hypercare.example>"
    assert message.bounce.recipient == "old.staff@northfield.example.edu"
    assert message.bounce.action == "failed"
    assert message.bounce.status == "5.1.1"
    assert message.bounce.hard
    assert "User unknown" in message.bounce.diagnostic
    assert message.automatic == "Auto-Submitted: auto-replied"
    # The loop header inside the returned original is not the bounce's own.
    assert not message.looped


def test_a_delayed_delivery_is_a_soft_bounce() -> None:
    raw = (CORPUS / "dsn-bounce.eml").read_bytes()
    raw = raw.replace(b"Action: failed", b"Action: delayed").replace(
        b"Status: 5.1.1", b"Status: 4.4.1"
    )

    message = parse_message(raw)

    assert message.bounce is not None
    assert message.bounce.action == "delayed"
    assert not message.bounce.hard


def test_an_out_of_office_reply_is_automatic_and_out_of_office() -> None:
    message = parse("out-of-office.eml")

    assert message.out_of_office
    assert message.automatic == "Auto-Submitted: auto-replied"
    assert subject_reference(message.subject) == "HC-000123"


def test_mislabelled_and_unknown_charsets_are_read_without_loss() -> None:
    message = parse("bad-charset.eml")

    # 8-bit UTF-8 in the subject, and an encoded word in a charset that does not exist.
    assert message.subject == "Mahnung für Gebühren café"
    # UTF-8 labelled us-ascii; Windows-1252 labelled with a charset that does not exist.
    assert "Die Gebühren für März sind falsch berechnet." in message.text
    assert "Invoice total: 120 € – please check “quickly”." in message.text


def test_rfc_2231_and_2047_file_names_are_decoded_and_made_safe() -> None:
    message = parse("rfc2231-filenames.eml")

    assert [a.filename for a in message.attachments] == [
        "Ведомость оплаты 2026.pdf",
        "Übersicht Kosten.pdf",
        "passwd",  # "../../etc/passwd": never a path
    ]


def test_outlooks_inline_image_is_named_by_its_html_and_its_text() -> None:
    message = parse("outlook-inline-image.eml")

    [image] = message.attachments
    assert image.inline
    assert image.filename == "image001.png"
    assert image.content_id == "image001.png@01DB44A1.2F3E4D50"
    assert '<img width="640" height="360" src="cid:image001.png@01DB44A1.2F3E4D50">' in (
        message.html
    )
    assert "style" not in message.html
    # The text alternative marks the place as Outlook writes it.
    assert "halfway:\n\n[cid:image001.png@01DB44A1.2F3E4D50]\n\nIt is" in message.text


def test_an_inline_image_keeps_its_content_id_for_the_html() -> None:
    message = parse("inline-image.eml")

    [image] = message.attachments
    assert image.inline
    assert image.content_id == "screen.01@northfield.example.edu"
    assert image.filename == "image-1.png"
    assert 'src="cid:screen.01@northfield.example.edu"' in message.html
    assert message.text == "This is what I see:"


def test_a_header_bomb_is_refused() -> None:
    with pytest.raises(Unparseable, match="more than 1000 header fields"):
        parse("header-bomb.eml")


def test_a_nested_mime_bomb_is_refused_before_the_parser_reads_it() -> None:
    with pytest.raises(Unparseable, match="nested more than 20 deep"):
        parse("mime-bomb.eml")


def test_our_own_mail_come_back_is_marked_as_a_loop() -> None:
    message = parse("loop.eml")

    assert message.looped
    assert message.automatic == "Auto-Submitted: auto-generated"


def test_a_spoofed_reply_is_identified_by_from_never_by_reply_to_or_sender() -> None:
    message = parse("spoofed-reply.eml")

    assert message.from_address == "mallory@southbank.example.ac.uk"
    assert message.from_name == "Riya Sharma"
    assert [a.address for a in message.reply_to] == ["riya@northfield.example.edu"]
    assert subject_reference(message.subject) == "HC-000077"
    assert message.automatic == ""


def test_html_only_mail_is_sanitised_and_read_as_text() -> None:
    message = parse("html-only-script.eml")

    for unsafe in ("<script", "onclick", "onload", "onerror", "javascript:", "<iframe", "style"):
        assert unsafe not in message.html
    assert "document.cookie" not in message.html
    assert '<a href="https://northfield.example.edu/help"' in message.html
    assert message.text == (
        "Login page broken\n\nThe login button does nothing & the page reloads.\nClick here or help"
    )


@pytest.mark.parametrize(
    ("subject", "reference"),
    [
        ("[HC-000123] We have your request", "HC-000123"),
        ("Re: [HC-000123] We have your request", "HC-000123"),
        ("RE: AW: SV: Fwd: TR: re: [HC-000123] x", "HC-000123"),
        ("AW: Re[2]: [hc-123] x", "HC-000123"),
        ("[EXTERNAL] Re: [HC-000042] x", "HC-000042"),
        ("Re: HC-000123 without brackets", None),
        ("Re: [HC-000000] no ticket zero", None),
        ("Re: [HC-12a] not a number", None),
        ("", None),
    ],
)
def test_the_subject_reference_survives_reply_and_forward_prefixes(
    subject: str, reference: str | None
) -> None:
    assert subject_reference(subject) == reference


@pytest.mark.parametrize(
    ("body", "internal"),
    [
        ("#internal\nThe customer is on the old release.", True),
        ("\n\n  #Internal: check the logs", True),
        ("#internalise the process", False),
        ("Thanks!\n#internal", False),
        ("", False),
    ],
)
def test_the_first_line_marks_an_internal_note(body: str, internal: bool) -> None:
    assert first_line_marks_internal(body) is internal


def test_the_internal_prefix_is_configurable() -> None:
    assert first_line_marks_internal("!note see ticket", prefix="!note")
    assert not first_line_marks_internal("#internal see ticket", prefix="!note")


def test_only_the_first_few_winmail_dat_files_are_unpacked() -> None:
    raw = (CORPUS / "outlook-tnef.eml").read_bytes()
    delimiter = b"------=_NextPart_000_0001_01D9A1B2.C3D4E5F0"
    tnef_part = raw.split(delimiter)[2]  # preamble, text part, winmail.dat part, end
    five = raw.replace(delimiter + b"--", (delimiter + tnef_part) * 4 + delimiter + b"--")

    names = [attachment.filename for attachment in parse_message(five).attachments]

    assert names.count("notes.txt") == 3
    assert names.count("winmail.dat") == 2
