"""How much work one message may cost, and the one error for a message that cannot be read.

The stdlib parser reads every body line once per multipart it is nested in, so its time
grows with lines x nesting depth: a few thousand nested containers, or millions of empty
lines, keep a worker busy for minutes. ``check_raw`` measures both on the raw bytes, with
C-speed scans, before the parser sees them; what is left (per-part work after parsing) is
bounded by the part count and by a deadline checked between parts.
"""

import re
import time
from dataclasses import dataclass


class Unparseable(Exception):
    """The message cannot be read safely; ``reason`` says why, for the quarantine list.

    ``parse_message`` adds what its header block still tells (best effort, "" when not
    even that is readable): who sent it, the subject, and why a program sent it, so the
    quarantine can list it and a person (never a program) can be told.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.from_address = ""
        self.subject = ""
        self.automatic = ""


class TooLarge(Unparseable):
    """Over the size limit: the one refusal a human sender is told about."""


@dataclass(frozen=True)
class Limits:
    """The bounds ``parse_message`` holds a message to; the defaults fit real mail."""

    max_bytes: int = 32 * 2**20
    # A header block is small; one this large (or with this many fields) is a header bomb.
    max_header_bytes: int = 256 * 1024
    max_headers: int = 1000
    max_header_length: int = 32 * 1024
    max_depth: int = 20
    max_parts: int = 500
    # Body lines times the depth they are read at: ~3 s of the stdlib parser's time.
    max_line_visits: int = 6_000_000
    # Generous: a legal 30 MiB message takes a few seconds on a busy machine.
    seconds: float = 30.0


LIMITS = Limits()

# Matched on the lower-cased message: a pattern that starts with a literal is searched
# at C speed, where a case-insensitive one over 30 MiB would cost seconds.
BOUNDARY = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))')
NESTED_MESSAGE = re.compile(rb"content-type:\s*message/")
# A boundary declared this many times is a bomb whatever its nesting.
MAX_DECLARED_BOUNDARIES = 400


def check_raw(raw: bytes, limits: Limits) -> None:
    """Refuse, before parsing, a message whose size or nesting would make parsing slow."""
    if len(raw) > limits.max_bytes:
        raise TooLarge(f"the message is larger than {limits.max_bytes // 2**20} MiB")
    check_header_block(raw, limits)
    lowered = raw.lower()
    # Each part has one Content-Type at most: many more are a bomb of empty parts.
    if lowered.count(b"content-type:") > 4 * limits.max_parts:
        raise Unparseable(f"the message has more than {limits.max_parts} parts")
    depth = multipart_depth(raw, lowered) + sum(1 for _ in NESTED_MESSAGE.finditer(lowered))
    if depth > limits.max_depth:
        raise Unparseable(f"MIME parts are nested more than {limits.max_depth} deep")
    if (raw.count(b"\n") + 1) * (depth + 3) > limits.max_line_visits:
        raise Unparseable("the message has too many lines for its nesting to be read safely")


def check_header_block(raw: bytes, limits: Limits) -> None:
    head = raw[: limits.max_header_bytes + 4]
    end = min((i for i in (head.find(b"\r\n\r\n"), head.find(b"\n\n")) if i != -1), default=-1)
    if end == -1 and len(raw) > limits.max_header_bytes:
        raise Unparseable(f"the header block is larger than {limits.max_header_bytes // 1024} KiB")
    block = head if end == -1 else head[:end]
    fields = len(re.findall(rb"(?m)^[^ \t\r\n]", block))
    if fields > limits.max_headers:
        raise Unparseable(f"the message has more than {limits.max_headers} header fields")


def multipart_depth(raw: bytes, lowered: bytes) -> int:
    """How many multipart containers are open at once, at most: each is open from its
    boundary's declaration to its closing delimiter (or the end, when it is never closed)."""
    events: list[tuple[int, int]] = []
    for count, match in enumerate(BOUNDARY.finditer(lowered)):
        if count >= MAX_DECLARED_BOUNDARIES:
            raise Unparseable(f"the message declares more than {count} MIME boundaries")
        # The boundary as written: delimiters are compared case-sensitively.
        boundary = raw[match.start(1) : match.end(1)] or raw[match.start(2) : match.end(2)]
        end = raw.find(b"\n--" + boundary + b"--", match.end())
        events += [(match.start(), 1), (len(raw) if end == -1 else end, -1)]
    depth = deepest = 0
    for _, step in sorted(events):
        depth += step
        deepest = max(deepest, depth)
    return deepest


class Deadline:
    """A time bound checked between steps, so a message of many legal but slow parts
    stops at the limit instead of holding the worker."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.ends:
            raise Unparseable(f"reading the message took longer than {self.seconds:g} s")
