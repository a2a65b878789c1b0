"""Deciding what an uploaded file really is, from its bytes rather than its name."""

import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

import filetype

ALLOWED_BINARY_TYPES = {
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/webp": "WebP image",
    "image/gif": "GIF image",
    "application/pdf": "PDF",
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_TYPES = frozenset({"application/zip", XLSX_TYPE})
# Markup a browser would render or run: refused even though it is text.
ACTIVE_MARKUP = (b"<svg", b"<html", b"<!doctype", b"<script", b"<?xml", b"<iframe", b"<body")
# Every type ``sniff`` can answer: browsers check a chosen file against this list too.
ACCEPTED_TYPES = (*ALLOWED_BINARY_TYPES, XLSX_TYPE, "text/plain", "text/csv")
# Text files browsers give no type or a vague one: their bytes decide on the server.
TEXT_EXTENSIONS = (".txt", ".log", ".csv")
ALLOWED_DESCRIPTION = "PNG, JPEG, WebP or GIF images, PDF, plain-text logs, CSV or XLSX"
SCAN_CHUNK = 1 << 16
# Control characters a text file may hold: whitespace, and ESC for a log's terminal colours.
TEXT_CONTROLS = frozenset("\r\n\t\f\x1b")


class RefusedFile(Exception):
    """The content is not a type Hypercare accepts."""


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str


def sniff(head: bytes, name: str, open_whole: IO[bytes] | None = None) -> FileType:
    """The type of a file from its first bytes (and its whole body for ZIP containers and text).

    The name only chooses between plain text and CSV once the bytes are known to be text.
    Text is searched end to end for active markup: a script after the sniffed head is
    still a script.
    """
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime in ALLOWED_BINARY_TYPES:
            return FileType(kind.mime, ALLOWED_BINARY_TYPES[kind.mime])
        # filetype names a workbook from its first ZIP member when that is the content-types
        # list (as Excel writes it), else calls it a plain ZIP; either way the members decide.
        if kind.mime in ZIP_TYPES and open_whole is not None and _is_xlsx(open_whole):
            return FileType(XLSX_TYPE, "Excel workbook")
        raise RefusedFile(f"{kind.mime} files are not accepted; send {ALLOWED_DESCRIPTION}")
    if _is_plain_text(head) and (open_whole is None or not _has_active_markup(open_whole)):
        if name.lower().endswith(".csv"):
            return FileType("text/csv", "CSV")
        return FileType("text/plain", "Plain text")
    raise RefusedFile(f"this file's type is not accepted; send {ALLOWED_DESCRIPTION}")


def _is_xlsx(body: IO[bytes]) -> bool:
    """A workbook without macros: a macro-enabled one (.xlsm) carries code that runs."""
    try:
        with zipfile.ZipFile(body) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        body.seek(0)
    return (
        "[Content_Types].xml" in names
        and "xl/workbook.xml" in names
        and "xl/vbaProject.bin" not in names
    )


def _has_active_markup(body: IO[bytes]) -> bool:
    longest = max(len(marker) for marker in ACTIVE_MARKUP)
    carried = b""
    try:
        while chunk := body.read(SCAN_CHUNK):
            # Keep the end of the last chunk so a marker split across two reads is found.
            window = carried + chunk.lower()
            if any(marker in window for marker in ACTIVE_MARKUP):
                return True
            carried = window[-longest:]
    finally:
        body.seek(0)
    return False


def _is_plain_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 4:
            return False
        text = head[: exc.start].decode("utf-8")
    lowered = text.lstrip().lower().encode()
    if any(marker in lowered for marker in ACTIVE_MARKUP):
        return False
    # Only control characters mark binary data; format characters such as the byte-order
    # mark Excel writes at the start of a UTF-8 CSV, or the joiners in emoji, are text.
    return all(char in TEXT_CONTROLS or unicodedata.category(char) != "Cc" for char in text)
