"""The key a ticket's title is grouped by: similar titles share it.

Tickets store it (``Ticket.title_key``, written with the title on every save) so that the
recurring issues report groups a period's tickets by it in the database.
"""

import re

# Significant words of a title that make its key.
TITLE_WORDS = 4
# The key is stored beside the title, no longer than it.
TITLE_KEY_MAX = 200
# Words of two letters or fewer are left out as well.
STOP_WORDS = frozenset(
    {
        "and",
        "are",
        "but",
        "can",
        "cannot",
        "could",
        "does",
        "error",
        "for",
        "from",
        "has",
        "have",
        "how",
        "its",
        "not",
        "our",
        "please",
        "the",
        "there",
        "this",
        "was",
        "what",
        "when",
        "where",
        "which",
        "why",
        "will",
        "with",
        "you",
        "your",
        "issue",
        "problem",
        "help",
    }
)
_NOT_A_LETTER = re.compile(r"[^a-z]+")


def title_key(title: str) -> str:
    """A title's significant words: lower case, no digits nor punctuation nor stop words,
    the first ``TITLE_WORDS`` of them sorted, so "Invoice 123 won't post!" and "invoice
    won't post" fall together. A title with no significant word is its own key, in lower
    case, so it still falls together with the same title written again."""
    words = [
        word
        for word in _NOT_A_LETTER.split(title.lower())
        if len(word) > 2 and word not in STOP_WORDS
    ]
    key = " ".join(sorted(dict.fromkeys(words[:TITLE_WORDS]))) or title.lower()
    return key[:TITLE_KEY_MAX]
