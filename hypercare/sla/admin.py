"""SLA policies with their targets, and business calendars with their closure days.

Saving either re-plans the open tickets it governs once the change has committed, each
ticket in its own transaction (``hypercare.sla.services``), as the services in
``hypercare.sla.policies`` do; validation is the models' own, which the services run too.
"""

from collections.abc import Iterable
from functools import partial
from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from hypercare.errors import ValidationFailed
from hypercare.sla.clocks import Target
from hypercare.sla.models import Calendar, ClosureDay, SlaPolicy, SlaTarget
from hypercare.sla.policies import check_business_hours_calendar, mark_calendar_changed
from hypercare.sla.services import (
    replan_calendar_tickets,
    replan_open_tickets,
    replan_policy_tickets,
)


class ClosureDayInline(admin.TabularInline[ClosureDay, Calendar]):
    model = ClosureDay
    extra = 1


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin[Calendar]):
    list_display = ("name", "time_zone", "holiday_country", "holiday_subdivision", "updated_at")
    search_fields = ("name",)
    readonly_fields = ("updated_at",)
    inlines = [ClosureDayInline]

    def save_related(
        self, request: HttpRequest, form: ModelForm[Calendar], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        calendar = form.instance
        mark_calendar_changed(calendar)
        transaction.on_commit(partial(replan_calendar_tickets, calendar))


class TargetFormSet(BaseInlineFormSet[SlaTarget, SlaPolicy, ModelForm[SlaTarget]]):
    def clean(self) -> None:
        """Business-hours targets need the calendar chosen on the policy form."""
        super().clean()
        targets = {
            form.cleaned_data["priority"]: Target(
                form.cleaned_data.get("first_response_minutes") or 0,
                form.cleaned_data.get("resolution_minutes"),
                form.cleaned_data.get("business_hours", False),
            )
            for form in self.forms
            if form.cleaned_data.get("priority") and not form.cleaned_data.get("DELETE")
        }
        try:
            check_business_hours_calendar(
                has_calendar=self.instance.calendar_id is not None, targets=targets
            )
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.errors["calendar"]) from None


class TargetInline(admin.TabularInline[SlaTarget, SlaPolicy]):
    model = SlaTarget
    formset = TargetFormSet
    extra = 0


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin[SlaPolicy]):
    list_display = ("name", "institution", "is_default", "calendar", "warning_percent")
    list_filter = ("is_default", "calendar")
    search_fields = ("name", "institution__name")
    list_select_related = ("institution", "calendar")
    autocomplete_fields = ("institution",)
    inlines = [TargetInline]

    def save_related(
        self, request: HttpRequest, form: ModelForm[SlaPolicy], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        transaction.on_commit(partial(replan_policy_tickets, form.instance))

    def delete_model(self, request: HttpRequest, obj: SlaPolicy) -> None:
        _replan_after_removing([obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SlaPolicy]) -> None:
        _replan_after_removing(queryset)
        super().delete_queryset(request, queryset)


def _replan_after_removing(policies: Iterable[SlaPolicy]) -> None:
    """The tickets of a removed policy fall back to the default (or to none)."""
    institution_ids = [policy.institution_id for policy in policies]
    if any(pk is None for pk in institution_ids):
        transaction.on_commit(replan_open_tickets)
    else:
        transaction.on_commit(
            partial(replan_open_tickets, institution_ids=[pk for pk in institution_ids if pk])
        )
