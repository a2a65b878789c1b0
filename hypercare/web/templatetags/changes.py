"""Change requests in templates: a step of a change's history, its risk answers."""

from django import template

from hypercare.changes.events import describe
from hypercare.changes.models import ChangeEvent, ChangeRequest
from hypercare.web.changes.forms import QUESTIONS

register = template.Library()


@register.filter
def change_step(event: ChangeEvent) -> str:
    return describe(event)


@register.simple_tag
def risk_answers(change: ChangeRequest) -> str:
    """The questionnaire as answered, one "yes"/"no" per question."""
    return "; ".join(
        f"{question}: {'yes' if getattr(change, name) else 'no'}"
        for name, question in QUESTIONS.items()
    )
