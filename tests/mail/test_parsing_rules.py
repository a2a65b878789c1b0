"""The rules parsing applies, one at a time: charsets, encoded words, automatic mail,
quoted history and signatures, HTML as text."""

import pytest

from hypercare.mail.parsing import parse_message
from hypercare.mail.parsing.bodies import (
    html_to_text,
    sanitised_html,
    split_text,
    with_images_in_place,
)
from hypercare.mail.parsing.charsets import codec_of, decode_text
from hypercare.mail.parsing.headers import decode_words
from hypercare.mail.parsing.parts import safe_filename


@pytest.mark.parametrize(
    ("data", "label", "text"),
    [
        ("Grüße".encode(), "iso-8859-1", "Grüße"),  # UTF-8 under a Latin-1 label
        ("Grüße".encode("cp1252"), "utf-8", "Grüße"),  # Latin-1 under a UTF-8 label
        (b"\x93quoted\x94 \x80", "us-ascii", "“quoted” €"),  # Windows-1252 as ASCII
        ("Привет".encode("koi8-r"), "koi8-r", "Привет"),
        ("hi".encode("utf-16-le"), "utf-16le", "hi"),  # also valid UTF-8: the label wins
        ("café".encode("cp1252"), "x-no-such-charset", "café"),
        ("café".encode("cp1252"), "zlib", "café"),  # a codec, but not a charset
        (b"\x81\x8d\x8f", "utf-8", "\x81\x8d\x8f"),  # nothing fits but Latin-1
    ],
)
def test_text_is_decoded_whatever_its_label_says(data: bytes, label: str, text: str) -> None:
    assert decode_text(data, label) == text


def test_only_text_encodings_are_charsets() -> None:
    assert codec_of("UTF8") == "utf-8"
    assert codec_of("latin1") == "cp1252"
    assert codec_of("base64") is None
    assert codec_of("") is None


@pytest.mark.parametrize(
    ("value", "decoded"),
    [
        ("=?utf-8?q?Gr=C3=BC=C3=9Fe?=", "Grüße"),
        ("=?utf-8?b?R3LDvMOfZQ?=", "Grüße"),  # base64 without its padding
        ("=?UTF-8*de?Q?Gr=C3=BC=C3=9Fe?=", "Grüße"),  # RFC 2231 language tag
        ("=?utf-8?q?a?= =?utf-8?q?b?=", "ab"),  # folding between words is dropped
        ("=?utf-8?q?a?= and =?utf-8?q?b?=", "a and b"),
        ("=?utf-8?q?two_words?=", "two words"),
        ("plain text", "plain text"),
        ("=?utf-8?x?unknown encoding?=", "=?utf-8?x?unknown encoding?="),
    ],
)
def test_encoded_words_are_decoded(value: str, decoded: str) -> None:
    assert decode_words(value) == decoded


def headers(*lines: str) -> bytes:
    return ("\r\n".join(["From: someone@northfield.example.edu", *lines]) + "\r\n\r\nx").encode()


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (["Auto-Submitted: auto-generated"], "Auto-Submitted: auto-generated"),
        (["Auto-Submitted: no"], ""),
        (["Precedence: bulk"], "Precedence: bulk"),
        (["Precedence: list"], "Precedence: list"),
        (["Precedence: first-class"], ""),
        (["X-Auto-Response-Suppress: OOF"], "X-Auto-Response-Suppress is set"),
        (["X-Autoreply: yes"], "X-Autoreply is set"),
        (["Return-Path: <>"], "the Return-Path is empty (a bounce)"),
        (["Return-Path: <someone@northfield.example.edu>"], ""),
        (["Subject: Out of Office: back on Monday"], "an out-of-office reply"),
        (["Subject: Question about the office move"], ""),
    ],
)
def test_automatic_mail_is_told_by_its_headers(lines: list[str], reason: str) -> None:
    assert parse_message(headers(*lines)).automatic == reason


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example.org", "postmaster@example.org"])
def test_mail_systems_are_automatic_senders(sender: str) -> None:
    raw = f"From: {sender}\r\nSubject: Delivery failure\r\n\r\nx".encode()

    assert parse_message(raw).automatic == "a mail system"


def test_an_out_of_office_subject_alone_marks_an_absence_notice() -> None:
    message = parse_message(headers("Subject: Abwesenheitsnotiz: Re: [HC-000123] x"))

    assert message.out_of_office
    assert message.automatic == "an out-of-office reply"


def test_interleaved_quotes_stay_with_the_new_text() -> None:
    text = "> Does it fail every time?\nYes, every time.\n> Which browser?\nFirefox."

    assert split_text(text).new == text


def test_a_signature_is_cut_above_the_history() -> None:
    parts = split_text("Fixed, thanks.\n-- \nRiya\n\nOn Monday, Desk wrote:\n> Try again")

    assert parts.new == "Fixed, thanks."
    assert parts.signature == "-- \nRiya"
    assert parts.quoted == "On Monday, Desk wrote:\n> Try again"


def test_outlook_history_in_german_is_history() -> None:
    parts = split_text("Danke!\n\nVon: Hypercare Support\nGesendet: Montag, 30. November")

    assert parts.new == "Danke!"
    assert parts.quoted.startswith("Von: Hypercare Support")


def test_html_blocks_become_lines_and_blockquotes_quoted_lines() -> None:
    html = "<div>One<br>Two</div><p>Three &amp; four</p><blockquote><p>Old</p></blockquote>"

    assert html_to_text(html) == "One\nTwo\n\nThree & four\n\n> Old"


def test_sanitised_html_keeps_inline_image_references_and_drops_handlers() -> None:
    html = '<img src="cid:a@b" onerror="x()"><a href="vbscript:x">y</a><style>a{}</style>'

    assert sanitised_html(html) == '<img src="cid:a@b"><a rel="noopener noreferrer">y</a>'


def test_inline_images_are_placed_where_their_cid_names_them() -> None:
    html = '<p>Before</p><img src="cid:a%40b" alt="shot"><p>After</p><img src="CID:a@b">'

    shown, placed = with_images_in_place(html, {"a@b": "/attachments/7/"})

    assert shown == (
        '<p>Before</p><img src="/attachments/7/" alt="shot"><p>After</p><img src="/attachments/7/">'
    )
    assert placed == {"a@b"}


def test_images_not_stored_and_remote_images_lose_their_source() -> None:
    html = (
        '<img src="cid:missing@x"><img src="https://tracker.example/p.gif">'
        '<a href="cid:a@b">part</a><img src="cid:a@b" onerror="x()">'
    )

    shown, placed = with_images_in_place(html, {"a@b": "/attachments/7/"})

    assert shown == '<img><img><a rel="noopener noreferrer">part</a><img src="/attachments/7/">'
    assert placed == {"a@b"}


def test_an_empty_plain_part_beside_the_html_gives_way_to_the_html() -> None:
    raw = (
        b"Content-Type: multipart/alternative; boundary=a\r\n\r\n"
        b"--a\r\nContent-Type: text/plain\r\n\r\n \r\n"
        b"--a\r\nContent-Type: text/html\r\n\r\n<p>The words</p>\r\n--a--\r\n"
    )

    assert parse_message(raw).text == "The words"


@pytest.mark.parametrize(
    ("name", "kind", "safe"),
    [
        ("C:\\Users\\riya\\report.pdf", "application/pdf", "report.pdf"),
        ("a\r\nb.txt", "text/plain", "a b.txt"),
        ("..", "image/png", "image-3.png"),
        ("", "application/x-nothing-known", "attachment-3.bin"),
        ("x" * 300 + ".pdf", "application/pdf", "x" * 196 + ".pdf"),
    ],
)
def test_file_names_are_plain_names(name: str, kind: str, safe: str) -> None:
    assert safe_filename(name, kind, 3) == safe
