"""Taking people and institutions out of a ticket's text, so that what one institution
asked can become an article every institution reads. Pure functions over strings: the
service gathers the names, these decide what is left.

Everything is found in one pass of one pattern, so a placeholder put in is never read
again (an institution called "Person" does not turn ``[person]`` into ``[[person]]``).
"""

import re
from collections.abc import Iterable

INSTITUTION = "[institution]"
PERSON = "[person]"
EMAIL = "[email]"
PHONE = "[phone]"
TICKET = "[ticket]"

# Every character RFC 5322 lets a local part hold unquoted.
_EMAIL = r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+"
# The desk's own references (HC-000123), as people quote them.
_TICKET = r"(?<!\w)HC-?\d{3,}(?!\w)"
# Eight to fifteen digits in groups, perhaps after a country code: a phone number, not a
# year or an amount. An ISO date has eight digits too and is kept (see _replacement).
_PHONE = r"(?<![\w+])\+?\(?\d[\d ().-]{6,}\d(?!\w)"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHORTEST_NAME = 2


def institution_terms(name: str, slug: str) -> list[str]:
    """How an institution is written: its name, its code (the slug, with hyphens and as
    words) and its initials ("Northfield Business School" is also "NBS")."""
    words = re.findall(r"[^\W_]+", name)
    initials = "".join(word[0] for word in words if word[0].isupper())
    terms = [name, slug, slug.replace("-", " ")]
    if len(initials) >= 3:  # two letters ("NU") stand for too many other things
        terms.append(initials)
    return terms


def person_terms(full_name: str, username: str) -> list[str]:
    """How a person is written: the full name, each part of it ("Hi Riya,"), and the
    username, which mail signatures and log lines carry."""
    return [full_name, *full_name.split(), username]


def scrubbed(
    text: str, *, institution_names: Iterable[str] = (), person_names: Iterable[str] = ()
) -> str:
    """``text`` with every e-mail address, phone number, ticket reference, institution
    name and person's name put as a placeholder. Names are found whole (not inside
    another word), in any case; the longest first, so "Riya Sen" is one ``[person]``."""
    names = {
        term: placeholder
        for placeholder, terms in ((PERSON, person_names), (INSTITUTION, institution_names))
        for term in (t.strip() for t in terms)
        if len(term) >= _SHORTEST_NAME
    }
    alternatives = [f"(?P<email>{_EMAIL})", f"(?P<ticket>{_TICKET})", f"(?P<phone>{_PHONE})"]
    kinds = {term.lower(): placeholder for term, placeholder in names.items()}
    if names:
        by_length = sorted(names, key=lambda term: (-len(term), term))
        joined = "|".join(re.escape(term) for term in by_length)
        alternatives.append(rf"(?P<name>(?<!\w)(?:{joined})(?!\w))")
    pattern = re.compile("|".join(alternatives), re.IGNORECASE)

    def _replacement(found: re.Match[str]) -> str:
        if found["email"]:
            return EMAIL
        if found["ticket"]:
            return TICKET
        if found["phone"]:
            return _phone(found[0])
        return kinds.get(found[0].lower(), PERSON)

    return pattern.sub(_replacement, text)


def _phone(candidate: str) -> str:
    digits = sum(char.isdigit() for char in candidate)
    if _DATE.fullmatch(candidate.strip()) or not 8 <= digits <= 15:
        return candidate
    return PHONE
