"""Form fields the admin's pages share: settings entered in the product's words.

Each field only reads and shows a value; what makes a value valid stays in the models and
services the pages save through.
"""

import zoneinfo
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin
from django.db.models import ForeignKey, ManyToManyField, Model, QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest

from hypercare.accounts.models import User
from hypercare.lib.durations import format_duration, parse_duration


class DurationField(forms.Field):
    """Minutes, entered and shown as ``4 h``, ``2 d`` or ``1 d 4 h``."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        try:
            return parse_duration(str(value))
        except ValueError as exc:
            raise forms.ValidationError(str(exc).capitalize() + ".") from None

    def prepare_value(self, value: Any) -> Any:
        return format_duration(value) if isinstance(value, int) else value


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone, by name: the zones ``validate_time_zone`` accepts."""
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class TimeZoneField(forms.ChoiceField):
    """A picker of IANA time zones instead of a free-text box."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("max_length", None)
        kwargs.pop("empty_value", None)
        super().__init__(choices=time_zone_choices, **kwargs)


M = TypeVar("M", bound=Model)


def _by_name(user: User) -> str:
    """The name; for an institution's people, which institution too (selectors join it)."""
    if user.institution_id is None:
        return user.display_name
    return f"{user.display_name} ({user.institution})"


class EligiblePeople(BaseModelAdmin[M]):
    """Lists only the people who may fill a field, by name: a team's members are support
    agents, never requesters. ``eligible_people`` maps a field to the selector naming
    them; anyone else posted is refused as "not one of the available choices"."""

    eligible_people: Mapping[str, Callable[[], QuerySet[User]]] = {}

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name in self.eligible_people:
            kwargs["queryset"] = self.eligible_people[db_field.name]()
        return self._named(super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name in self.eligible_people:
            kwargs["queryset"] = self.eligible_people[db_field.name]()
            # A box per person, each with its own label: the lists are short, and Django's
            # two-pane filter widget breaks ARIA rules.
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return self._named(super().formfield_for_manytomany(db_field, request, **kwargs))

    @staticmethod
    def _named(field: Any) -> Any:
        if (
            isinstance(field, forms.ModelChoiceField)
            and getattr(field.queryset, "model", None) is User
        ):
            field.label_from_instance = _by_name  # type: ignore[method-assign,assignment]
        return field


class EligiblePeopleAdmin(EligiblePeople[M], admin.ModelAdmin[M]):
    """A model's page whose people fields list only the eligible."""


class EligiblePeopleInline(EligiblePeople[M], admin.TabularInline[M, Any]):
    """Inline rows whose people fields list only the eligible."""


class LabelledRowsFormSet(BaseInlineFormSet[Any, Any, Any]):
    """Inline rows whose boxes name themselves: a table row's boxes have no ``<label>``,
    only the column header above them, which screen readers do not tie to the box."""

    def add_fields(self, form: forms.BaseForm, index: int | None) -> None:
        super().add_fields(form, index)
        for name, field in form.fields.items():
            field.widget.attrs.setdefault("aria-label", str(field.label or name))
