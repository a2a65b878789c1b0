"""Typing an upload from its bytes, never from its name."""

import io
from collections.abc import Callable

import pytest

from hypercare.lib.files import XLSX_TYPE, RefusedFile, sniff
from tests.lib import samples

HEAD = 8192


def _sniff(data: bytes, name: str) -> str:
    return sniff(data[:HEAD], name, io.BytesIO(data)).content_type


@pytest.mark.parametrize(
    ("make", "name", "content_type"),
    [
        (samples.png, "screen.png", "image/png"),
        (samples.jpeg, "photo.jpg", "image/jpeg"),
        (samples.webp, "shot.webp", "image/webp"),
        (samples.gif, "spinner.gif", "image/gif"),
        (samples.pdf, "receipt.pdf", "application/pdf"),
        (samples.log, "erp.log", "text/plain"),
        (samples.csv, "students.csv", "text/csv"),
        (samples.xlsx, "marks.xlsx", XLSX_TYPE),
        (samples.xlsx_not_first, "marks.xlsx", XLSX_TYPE),
    ],
)
def test_accepted_types_are_typed_from_content(
    make: Callable[[], bytes], name: str, content_type: str
) -> None:
    assert _sniff(make(), name) == content_type


@pytest.mark.parametrize(
    ("make", "content_type"),
    [
        (samples.png, "image/png"),
        (samples.pdf, "application/pdf"),
        (samples.xlsx, XLSX_TYPE),
    ],
)
@pytest.mark.parametrize("name", ["x.pdf", "x.exe", "x.csv.png", "noextension", ""])
def test_the_name_never_changes_a_binary_type(
    make: Callable[[], bytes], content_type: str, name: str
) -> None:
    assert _sniff(make(), name) == content_type


def test_png_named_pdf_is_a_png() -> None:
    assert _sniff(samples.png(), "x.pdf") == "image/png"


def test_name_only_chooses_csv_for_text() -> None:
    assert _sniff(samples.csv(), "Students.CSV") == "text/csv"
    assert _sniff(samples.csv(), "students.txt") == "text/plain"


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (samples.svg, "logo.svg"),
        (samples.svg_with_declaration, "logo.png"),
        (samples.html, "receipt.html"),
        (samples.html, "receipt.txt"),
        (samples.elf, "erp-agent"),
        (samples.pe, "setup.exe"),
        (samples.pe, "report.pdf"),
        (samples.plain_zip, "logs.zip"),
        (samples.plain_zip, "marks.xlsx"),
        (samples.docx, "letter.docx"),
        (samples.xlsm, "macros.xlsx"),
        (samples.text_with_script, "steps.txt"),
    ],
)
def test_refused_types(make: Callable[[], bytes], name: str) -> None:
    with pytest.raises(RefusedFile):
        _sniff(make(), name)


@pytest.mark.parametrize(
    "markup", [b"<script>", b"<SCRIPT src=x>", b"<iframe>", b"<body onload=x>", b"<svg>"]
)
def test_active_markup_anywhere_in_text_is_refused(markup: bytes) -> None:
    with pytest.raises(RefusedFile):
        _sniff(b"log line\n" + markup + b"\nmore", "erp.log")


@pytest.mark.parametrize("offset", [HEAD - 3, HEAD, 70_000, (1 << 16) - 4])
def test_markup_after_the_sniffed_head_is_still_refused(offset: int) -> None:
    data = b"a" * offset + b"<script>alert(1)</script>\n"
    with pytest.raises(RefusedFile):
        _sniff(data, "big.log")


def test_long_plain_log_is_accepted() -> None:
    data = b"2025-06-02 INFO all fine <br> still fine\n" * 5000
    assert _sniff(data, "big.log") == "text/plain"


def test_text_with_a_nul_byte_is_refused() -> None:
    with pytest.raises(RefusedFile):
        _sniff(b"looks like text\x00but is not", "x.txt")


def test_text_with_control_characters_is_refused() -> None:
    with pytest.raises(RefusedFile):
        _sniff(b"abc\x01\x02\x03def", "x.txt")


def test_latin1_bytes_are_not_utf8_text() -> None:
    with pytest.raises(RefusedFile):
        _sniff("Café receipt naïve".encode("latin-1"), "x.txt")


def test_utf8_csv_with_byte_order_mark_is_accepted() -> None:
    # Excel's "CSV UTF-8" starts with a byte-order mark.
    assert _sniff(b"\xef\xbb\xbf" + samples.csv(), "students.csv") == "text/csv"


def test_log_with_terminal_colours_and_emoji_is_text() -> None:
    data = "\x1b[31mERROR\x1b[0m payment failed 👩‍💻\r\n\tretrying\f\n".encode()
    assert _sniff(data, "worker.log") == "text/plain"


def test_multibyte_character_cut_by_the_head_is_still_text() -> None:
    data = b"a" * (HEAD - 1) + "₹".encode() + b" fee\n"
    assert _sniff(data, "fees.log") == "text/plain"


def test_invalid_utf8_inside_the_head_is_refused() -> None:
    with pytest.raises(RefusedFile):
        _sniff(b"a" * 100 + b"\xe2\x82" + b"b" * 100, "x.txt")


def test_refusal_names_what_is_accepted() -> None:
    with pytest.raises(RefusedFile) as refused:
        _sniff(samples.pe(), "setup.exe")
    assert "application/x-msdownload" in str(refused.value)
    assert "PNG" in str(refused.value)


def test_sniffing_leaves_the_file_at_its_start() -> None:
    for make in (samples.xlsx, samples.log):
        body = io.BytesIO(make())
        sniff(body.getvalue()[:HEAD], "x", body)
        assert body.tell() == 0
