"""Filling ``{{name}}`` placeholders in text that people write, such as saved replies."""

import re
from collections.abc import Mapping

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """Replace each known ``{{name}}``; an unknown one stays as written so the writer sees it.

    No template language is involved: the text is written by agents and must not be able
    to reach anything but the values it is handed.
    """

    def replace(match: re.Match[str]) -> str:
        return values.get(match.group(1), match.group(0))

    return PLACEHOLDER.sub(replace, text)
