"""Who an internal note mentions: ``@username``, as the note's autocomplete inserts it."""

import re

# A username as Django allows it (letters, digits and @.+-_), after an @ that starts a
# word: "mail ana@example.org" mentions nobody. It ends on a letter or digit, so the full
# stop closing a sentence ("ask @ana.") is not part of the name.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]*\w)")


def mentioned_usernames(text: str) -> set[str]:
    """The usernames ``text`` mentions; whether they are people who may be told is the
    notices' question (``access.staff_scope``)."""
    return set(MENTION.findall(text))
