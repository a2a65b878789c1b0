"""Parsing is bounded: what a hostile or broken message does ends in one typed error."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hypercare.mail.parsing import Limits, ParsedMessage, TooLarge, Unparseable, parse_message

CORPUS_DIR = Path(__file__).parent / "corpus"
SIMPLE = b"From: a@northfield.example.edu\r\nSubject: hi\r\n\r\nbody\r\n"


def multipart(parts: int) -> bytes:
    body = b"".join(b"--p\r\nContent-Type: text/plain\r\n\r\npart\r\n" for _ in range(parts))
    return b"Content-Type: multipart/mixed; boundary=p\r\n\r\n" + body + b"--p--\r\n"


def test_a_message_over_the_size_limit_is_refused() -> None:
    with pytest.raises(Unparseable, match="larger than 1 MiB"):
        parse_message(SIMPLE + b"x" * 2**20, Limits(max_bytes=2**20))


def test_a_header_block_that_never_ends_is_refused() -> None:
    raw = b"Subject: " + b"x" * 300_000

    with pytest.raises(Unparseable, match="header block is larger than 256 KiB"):
        parse_message(raw)


def test_too_many_parts_are_refused() -> None:
    assert len(parse_message(multipart(10)).text.split("\n\n")) == 10

    with pytest.raises(Unparseable, match="more than 500 parts"):
        parse_message(multipart(600))


def test_a_part_header_that_is_too_long_is_refused() -> None:
    raw = multipart(1).replace(b"text/plain", b"text/plain; x=" + b"a" * 40_000)

    with pytest.raises(Unparseable, match="longer than 32 KiB"):
        parse_message(raw)


def test_millions_of_short_lines_are_refused_before_parsing() -> None:
    with pytest.raises(Unparseable, match="too many lines"):
        parse_message(SIMPLE + b"\n" * 3_000_000)


def test_the_time_bound_stops_a_slow_message() -> None:
    with pytest.raises(Unparseable, match="took longer than 0 s"):
        parse_message(multipart(3), Limits(seconds=0))


def test_a_message_without_headers_or_body_is_read_as_empty() -> None:
    message = parse_message(b"")

    assert message.from_address == ""
    assert message.subject == ""
    assert message.text == ""
    assert message.date is None


def _parses_or_is_refused(raw: bytes) -> None:
    """Any other exception fails the test; a refusal must say why."""
    reason = ""
    try:
        result = parse_message(raw)
    except Unparseable as refusal:
        reason = refusal.reason or "(no reason)"
    else:
        assert isinstance(result, ParsedMessage)
    assert reason != "(no reason)"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4000))
def test_arbitrary_bytes_parse_or_raise_unparseable(raw: bytes) -> None:
    _parses_or_is_refused(raw)


HEADER_NAMES = st.sampled_from(
    [
        "From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To",
        "References", "Content-Type", "Content-Disposition", "Content-Transfer-Encoding",
        "Auto-Submitted", "Precedence", "Return-Path", "Content-ID", "X-Hypercare-Loop",
    ]
)  # fmt: skip
HEADER_VALUES = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "multipart/mixed; boundary=b",
            "multipart/report; report-type=delivery-status; boundary=b",
            "message/delivery-status",
            "message/rfc822",
            "application/ms-tnef; name=winmail.dat",
            "text/plain; charset=x-bogus",
            "text/html; charset=utf-16",
            "attachment; filename*=UTF-8''%E2%82%AC%ZZ",
            "attachment; filename*0*=bogus''%FF; filename*1=\"x",
            "=?utf-8?B?////?= =?x?Q?=ZZ?=",
            "base64",
            "quoted-printable",
            '"a, b" <@>, <x@y>, ;;;',
            "<>",
            "Tue, 31 Feb 99999 25:61:61 +9999",
        ]
    ),
)
LINES = st.one_of(st.text(max_size=60), st.sampled_from(["--b", "--b--", "", "=FF=", "<p>"]))


@st.composite
def messages(draw: st.DrawFn) -> bytes:
    """Messages shaped like mail, with hostile values where the parser decides things."""
    headers = draw(st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=12))
    lines = draw(st.lists(LINES, max_size=30))
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    text = head + "\r\n" + "\r\n".join(lines)
    return text.encode("utf-8", "surrogatepass")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages())
def test_mail_shaped_input_parses_or_raises_unparseable(raw: bytes) -> None:
    _parses_or_is_refused(raw)


CORPUS = sorted(CORPUS_DIR.glob("*.eml"))


@st.composite
def damaged_mail(draw: st.DrawFn) -> bytes:
    """A corpus message cut, spliced and overwritten at random places."""
    raw = bytearray(draw(st.sampled_from(CORPUS)).read_bytes()[:20_000])
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(raw)))
        end = draw(st.integers(start, min(len(raw), start + 200)))
        raw[start:end] = draw(st.binary(max_size=40))
    return bytes(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_mail())
def test_damaged_real_mail_parses_or_raises_unparseable(raw: bytes) -> None:
    _parses_or_is_refused(raw)


def test_a_refusal_says_who_sent_the_message_and_what_about() -> None:
    raw = b"From: Riya <Riya@northfield.example.edu>\r\nSubject: =?utf-8?q?Gro=C3=9F?=\r\n\r\n"

    with pytest.raises(TooLarge) as refused:
        parse_message(raw + b"x" * 2**20, Limits(max_bytes=2**20))

    assert refused.value.from_address == "riya@northfield.example.edu"
    assert refused.value.subject == "Groß"
    assert refused.value.automatic == ""


def test_a_refused_automatic_message_says_so() -> None:
    raw = (CORPUS_DIR / "out-of-office.eml").read_bytes()

    with pytest.raises(TooLarge) as refused:
        parse_message(raw, Limits(max_bytes=100))

    assert refused.value.automatic == "Auto-Submitted: auto-replied"
