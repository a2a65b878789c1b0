"""Markdown people write, as HTML a page or a mail may show: rendered without raw HTML
(markdown-it's CommonMark with ``html`` off escapes it), then sanitised by nh3 so that
nothing a browser would run survives, whatever the renderer lets through."""

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False})


def rendered_markdown(text: str) -> str:
    """``text`` as safe HTML: paragraphs, lists, headings, links, code; no script."""
    return nh3.clean(_markdown.render(text))
