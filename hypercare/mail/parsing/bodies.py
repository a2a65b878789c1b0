"""A message's text: HTML made safe and readable as text, and the new words told apart
from the quoted history and the signature (both kept, to show collapsed)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote

import nh3

# nh3's defaults less nothing, plus "cid:" so an inline image still names its part.
URL_SCHEMES = nh3.ALLOWED_URL_SCHEMES | {"cid"}
BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre"}
)
# Elements whose content is not text to read: dropped with their content.
HIDDEN_TAGS = frozenset({"script", "style", "title", "template"})
# Lines that start the quoted history, in the words of the common mail programs.
QUOTE_HEADERS = re.compile(
    r"(?im)^[ \t]*("
    r"-{2,}\s*(original message|ursprüngliche nachricht|message d'origine)\s*-{2,}"
    r"|_{10,}"
    r"|(on|am|le|den|op|el)\s[^\n]{0,200}(\n[^\n]{0,200})?"
    r"(wrote|schrieb|a écrit|skrev|schreef|escribió)[^\n]{0,200}:[ \t]*$"
    r"|(from|von|de|från|van):\s.*\n\s*(sent|gesendet|envoyé|skickat|verzonden|date|datum):"
    r")"
)
# A forward's own text is content, not history, even where it looks like a quote.
FORWARD_MARKERS = re.compile(
    r"(?im)^[ \t]*(-{2,}\s*forwarded message\s*-{2,}|begin forwarded message:"
    r"|-{2,}\s*weitergeleitete nachricht\s*-{2,})"
)
SIGNATURE_LINES = re.compile(r"(?im)^(-- ?|sent from my [^\n]{1,40}|get outlook for [^\n]{1,40})$")


@dataclass(frozen=True)
class TextParts:
    """A text body cut in three; joined, they are the whole body again."""

    new: str
    quoted: str
    signature: str


def sanitised_html(html: str) -> str:
    """HTML safe to show: no script, no event handler, no style, only harmless links."""
    return nh3.clean(
        html,
        clean_content_tags=HIDDEN_TAGS,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def with_images_in_place(html: str, sources: Mapping[str, str]) -> tuple[str, frozenset[str]]:
    """Sanitised ``html`` with each ``cid:`` image pointed at ``sources[content_id]``, and
    the content ids it placed. Any other image source is dropped: no ``cid:`` left to
    fail, and no remote image that would tell the sender when the message was read."""
    placed: set[str] = set()

    def image_source(element: str, attribute: str, value: str) -> str | None:
        names_part = value[:4].lower() == "cid:"
        if element != "img" or attribute != "src":
            return None if names_part else value
        content_id = unquote(value[4:]) if names_part else ""
        if content_id not in sources:
            return None
        placed.add(content_id)
        return sources[content_id]

    cleaned = nh3.clean(
        html,
        clean_content_tags=HIDDEN_TAGS,
        attribute_filter=image_source,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return cleaned, frozenset(placed)


class _TextWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.hidden = 0
        self.quoting = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in HIDDEN_TAGS
        self.quoting += tag == "blockquote"
        if tag in BLOCK_TAGS or tag == "blockquote":
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in HIDDEN_TAGS and self.hidden > 0
        self.quoting -= tag == "blockquote" and self.quoting > 0
        if tag in BLOCK_TAGS or tag == "blockquote":
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        text = re.sub(r"\s+", " ", data)
        if self.quoting and (not self.chunks or self.chunks[-1].endswith("\n")):
            text = "> " * self.quoting + text
        self.chunks.append(text)


def html_to_text(html: str) -> str:
    """The words of an HTML body, one block per line; blockquotes as "> " quoted lines."""
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    lines = (" ".join(line.split()) for line in "".join(writer.chunks).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def split_text(text: str) -> TextParts:
    """The new words, then the quoted history (from the first attribution line such as
    "On ... wrote:", or the trailing "> " lines), and the signature above the history."""
    history_starts = _history_start(text)
    before, quoted = text[:history_starts], text[history_starts:]
    signature = SIGNATURE_LINES.search(before)
    if signature is None:
        return TextParts(before.rstrip(), quoted.strip(), "")
    return TextParts(
        before[: signature.start()].rstrip(), quoted.strip(), before[signature.start() :].strip()
    )


def _history_start(text: str) -> int:
    forward = FORWARD_MARKERS.search(text)
    header = QUOTE_HEADERS.search(text, 0, forward.start() if forward else len(text))
    if header is not None:
        return header.start()
    if forward is not None:
        return len(text)
    lines = text.splitlines(keepends=True)
    end = len(text)
    for line in reversed(lines):
        if line.strip() and not line.lstrip().startswith(">"):
            break
        end -= len(line)
    # Only a trailing block that quotes something: blank lines alone are not history.
    return end if text[end:].strip() else len(text)


def first_line_marks_internal(body: str, prefix: str = "#internal") -> bool:
    """Whether the first line with words starts with ``prefix`` (any case): a staff
    member's mail meant as an internal note, not a reply to the requester."""
    for line in body.splitlines():
        if line.strip():
            words = line.strip()
            return words.lower().startswith(prefix.lower()) and (
                len(words) == len(prefix) or not words[len(prefix)].isalnum()
            )
    return False
