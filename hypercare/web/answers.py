"""A ticket's answers to its category's questions, as a person reads them."""

from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.accounts.selectors import institution_people
from hypercare.orgs.selectors import visible_integrations
from hypercare.tickets.models import Ticket
from hypercare.web.forms import DETAILS_FORMS


def category_answers(user: User, ticket: Ticket) -> list[tuple[str, str]]:
    """Each answer with the question's label; chosen records by name, not by number."""
    form_class = DETAILS_FORMS[ticket.category]
    answers = []
    for key, value in ticket.category_details.items():
        field = form_class.base_fields.get(form_class.renamed.get(key, key))
        label = str(field.label) if field and field.label else key.replace("_", " ").capitalize()
        answers.append((label, _readable(user, ticket, key, value, field)))
    return answers


def _readable(user: User, ticket: Ticket, key: str, value: Any, field: Any) -> str:
    if key == "integration_id":
        integration = visible_integrations(user).filter(pk=value).first()
        return integration.name if integration else f"Integration #{value}"
    if key == "data_owner_id":
        owners = institution_people(user, ticket.institution_id, Role.DATA_OWNER)
        owner = owners.filter(pk=value).first()
        return owner.display_name if owner else f"Person #{value}"
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))  # type: ignore[arg-type]
    if isinstance(field, forms.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    return "—" if value in ("", None) else str(value)
