"""Every kind of event a ticket's timeline holds, and the sentence each reads as.

The timeline belongs to the tickets app, but its events come from several domains: the
SLA engine warns and breaches, escalations record their steps, releases ship. Each app
owns its kinds (a ``TextChoices``) and one sentence per kind, and registers both from its
``AppConfig.ready``; ``TicketEvent.kind`` takes its choices from here, so a new kind
needs no migration of the tickets app.
"""

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.db import models

if TYPE_CHECKING:
    from hypercare.tickets.models import TicketEvent

# (who acted, as shown; the event) -> one sentence saying who did what.
Sentence = Callable[[str, "TicketEvent"], str]

_labels: dict[str, str] = {}
_sentences: dict[str, Sentence] = {}


def register(kinds: type[models.TextChoices], sentences: Mapping[str, Sentence]) -> None:
    """Add an app's event kinds; every kind must say how it reads."""
    missing = sorted(set(kinds.values) - set(sentences))
    if missing:
        raise ImproperlyConfigured(f"event kinds without a sentence: {', '.join(missing)}")
    for value, label in kinds.choices:
        if _labels.setdefault(value, str(label)) != label:
            raise ImproperlyConfigured(f"event kind {value!r} is registered by two apps")
        _sentences[value] = sentences[value]


def label_of(kinds: type[models.Choices], value: str) -> str:
    """How a stored value of ``kinds`` reads; the value itself if it is not one of them."""
    try:
        return str(kinds(int(value) if issubclass(kinds, models.IntegerChoices) else value).label)
    except ValueError:
        return value


def choices() -> list[tuple[str, str]]:
    """Every registered kind with its label: the choices of ``TicketEvent.kind``."""
    return sorted(_labels.items())


def describe(event: "TicketEvent") -> str:
    """One sentence saying who did what; bodies and reasons are shown beside it."""
    actor = event.actor.display_name if event.actor else "Hypercare"
    sentence = _sentences.get(event.kind)
    if sentence is None:
        return f"{actor}: {_labels.get(event.kind, event.kind)}"
    return sentence(actor, event)
