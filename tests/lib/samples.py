"""Tiny but well-formed files of each kind an attachment can be, built from bytes."""

import io
import struct
import zipfile
import zlib


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png() -> bytes:
    """A 1x1 transparent pixel."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00\x00\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def webp() -> bytes:
    body = b"WEBPVP8L" + struct.pack("<I", 5) + b"\x2f\x00\x00\x00\x00" + b"\x00"
    return b"RIFF" + struct.pack("<I", len(body)) + body


def gif() -> bytes:
    return (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00"
        b"!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def log() -> bytes:
    return (
        "2025-06-02 09:14:03 ERROR fee_receipt: template 'Receipt-A4' not found\n"
        "2025-06-02 09:14:04 WARN  retrying with default template — ₹ amounts kept\n"
    ).encode()


def csv() -> bytes:
    return b"roll_no,name,section\n2301,Asha Rao,A\n2302,Vikram Shah,B\n"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def xlsx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            "xl/workbook.xml": b'<?xml version="1.0"?><workbook/>',
        }
    )


def docx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "word/document.xml": b'<?xml version="1.0"?><document/>',
        }
    )


def plain_zip() -> bytes:
    return _zip({"notes.txt": b"hello"})


def svg() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def svg_with_declaration() -> bytes:
    return b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>'


def html() -> bytes:
    return b"<!DOCTYPE html>\n<html><body><h1>Receipt</h1></body></html>"


def elf() -> bytes:
    """A 64-bit ELF header, as at the start of a Linux executable."""
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + b"\x02\x00\x3e\x00" + b"\x00" * 44


def pe() -> bytes:
    """A DOS stub pointing at a PE header, as at the start of a Windows executable."""
    stub = b"MZ" + b"\x90\x00" + b"\x00" * 56 + struct.pack("<I", 64)
    return stub + b"PE\x00\x00" + b"\x00" * 64


def text_with_script() -> bytes:
    return b"Steps to reproduce:\n1. open the receipt\n<script>alert('x')</script>\n"


def xlsm() -> bytes:
    """A macro-enabled workbook: it carries VBA code."""
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "xl/workbook.xml": b'<?xml version="1.0"?><workbook/>',
            "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macros",
        }
    )


def xlsx_not_first() -> bytes:
    """A workbook whose first member is not the content-types list (some exporters do this)."""
    return _zip(
        {
            "xl/workbook.xml": b'<?xml version="1.0"?><workbook/>',
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
        }
    )
