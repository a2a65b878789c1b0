"""Bytes to text whatever the label says: mail is often mislabelled, never a reason to crash.

Labels are read the way browsers read them (WHATWG): ASCII and Latin-1 mean Windows-1252,
whose extra letters (curly quotes, the euro sign) Outlook writes under those labels. Text
that is valid UTF-8 with non-ASCII letters is UTF-8 whatever a single-byte label claims,
since Latin-1 bytes almost never form valid UTF-8 by chance.
"""

import codecs

# Labels that promise a single-byte charset of which Windows-1252 is the superset.
WINDOWS_1252_LABELS = frozenset({"us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "l1"})
FALLBACKS = ("cp1252", "latin-1")


def codec_of(label: str | None) -> str | None:
    """The Python codec for a charset label, or None when it names no text encoding."""
    name = (label or "").strip().strip('"').lower()
    if not name:
        return None
    if name in WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        info = codecs.lookup(name)
        # Only text encodings: bytes.decode refuses "zlib" or "base64" labels itself, but a
        # label should not reach a codec that is not a charset at all.
        "".encode(info.name)
    except (LookupError, ValueError):
        return None
    return info.name


def decode_text(data: bytes, label: str | None) -> str:
    """``data`` as text: UTF-8 when it is valid UTF-8, else the labelled charset when it
    fits, else Windows-1252, else Latin-1.

    Latin-1 maps every byte, so this never fails; a wrong guess shows odd letters, which
    is better than a lost message.
    """
    codec = codec_of(label)
    # ASCII text in UTF-16 or UTF-32 is valid UTF-8 too (with NULs): trust those labels first.
    wide = codec is not None and codec.startswith(("utf-16", "utf-32"))
    candidates = (codec, "utf-8", *FALLBACKS) if wide else ("utf-8", codec, *FALLBACKS)
    for candidate in candidates:
        if candidate is None:
            continue
        try:
            return data.decode(candidate)
        except (UnicodeError, LookupError, ValueError):
            continue
    return data.decode("latin-1")
