"""SLA policies with their targets, and business calendars with their closure days.

The pages validate as the models do, then save through the services in
``hypercare.sla.policies``, the one write path for SLA configuration: a change re-plans
the open tickets it governs, whether made here or through the services.
"""

from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_protect

from hypercare.accounts.models import User
from hypercare.admin_fields import DurationField, LabelledRowsFormSet
from hypercare.errors import ValidationFailed
from hypercare.lib.durations import format_duration
from hypercare.sla.admin_forms import CalendarForm
from hypercare.sla.clocks import Target
from hypercare.sla.models import Calendar, ClosureDay, SlaPolicy, SlaTarget
from hypercare.sla.policies import (
    CalendarSettings,
    PolicySettings,
    check_business_hours_calendar,
    create_calendar,
    create_policy,
    delete_policy,
    update_calendar,
    update_policy,
)
from hypercare.tickets.choices import PRIORITY_ORDER, Priority
from hypercare.tickets.selectors import PRIORITY_RANK

NEXT_RELEASE = "next release"


def _kept_rows(formsets: Any) -> list[dict[str, Any]]:
    """The inline rows the page keeps: filled in and not marked for deletion."""
    return [
        inline.cleaned_data
        for formset in formsets
        for inline in formset.forms
        if inline.cleaned_data and not inline.cleaned_data.get("DELETE")
    ]


def _actor(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise TypeError("the admin is for signed-in people")
    return request.user


M = TypeVar("M", Calendar, SlaPolicy)


class SavedByServiceAdmin(admin.ModelAdmin[M]):
    """An admin page whose writes are one service call each.

    The services run their own durable transaction, so the page's changes are not
    wrapped in the admin's; the form, its inlines and the service all validate the same
    way (the models' own rules), so a page that validated saves.
    """

    def save_model(self, request: HttpRequest, obj: M, form: ModelForm[M], change: bool) -> None:
        """Saved with its inline rows by ``save_related``, in one service call."""

    def construct_change_message(
        self, request: HttpRequest, form: forms.Form, formsets: Any, add: bool = False
    ) -> list[dict[str, dict[str, list[str]]]]:
        """What changed on the page's own form; its rows were saved by the service."""
        return super().construct_change_message(request, form, [], add)

    # Django runs a page's POST in one transaction of its own; the services' durable
    # transactions must be the outermost, so these pages run without it. The private
    # views are Django's own pages, unchanged otherwise.
    @method_decorator(csrf_protect)
    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        view = self._changeform_view  # type: ignore[attr-defined]
        response: HttpResponse = view(request, object_id, form_url, extra_context)
        return response

    @method_decorator(csrf_protect)
    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        view = self._delete_view  # type: ignore[attr-defined]
        response: HttpResponse = view(request, object_id, extra_context)
        return response


class ClosureDayInline(admin.TabularInline[ClosureDay, Calendar]):
    model = ClosureDay
    formset = LabelledRowsFormSet
    extra = 1


@admin.register(Calendar)
class CalendarAdmin(SavedByServiceAdmin[Calendar]):
    list_display = ("name", "time_zone", "holiday_country", "holiday_subdivision", "updated_at")
    search_fields = ("name",)
    readonly_fields = ("updated_at",)
    form = CalendarForm
    inlines = [ClosureDayInline]

    def save_related(
        self, request: HttpRequest, form: ModelForm[Calendar], formsets: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        settings = CalendarSettings(
            name=data["name"],
            time_zone=data["time_zone"],
            working_hours=data["working_hours"],
            holiday_country=data["holiday_country"],
            holiday_subdivision=data["holiday_subdivision"],
            closures={row["date"]: row["reason"] for row in _kept_rows(formsets)},
        )
        actor = _actor(request)
        if change:
            update_calendar(actor=actor, calendar=form.instance, settings=settings)
        else:
            form.instance.pk = create_calendar(actor=actor, settings=settings).pk


class TargetFormSet(LabelledRowsFormSet):
    def clean(self) -> None:
        """Business-hours targets need the calendar chosen on the policy form."""
        super().clean()
        try:
            check_business_hours_calendar(
                has_calendar=self.instance.calendar_id is not None, targets=_targets([self])
            )
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.errors["calendar"]) from None


def _targets(formsets: Any) -> dict[str, Target]:
    return {
        row["priority"]: Target(
            row.get("first_response_minutes") or 0,
            row.get("resolution_minutes"),
            row.get("business_hours", False),
        )
        for row in _kept_rows(formsets)
        if row.get("priority")
    }


def _help(name: str) -> str:
    field = SlaTarget._meta.get_field(name)
    return str(field.help_text) if isinstance(field, models.Field) else ""


class TargetForm(ModelForm[SlaTarget]):
    """Targets in days, hours and minutes; an empty resolution waits for the next release."""

    first_response_minutes = DurationField(
        label="First response", help_text="E.g. 15 min, 4 h, 2 d or 1 d 4 h."
    )
    resolution_minutes = DurationField(
        label="Resolution (empty: next release)",
        required=False,
        help_text=f"E.g. 4 h or 3 d. {_help('resolution_minutes')}",
        widget=forms.TextInput(attrs={"placeholder": NEXT_RELEASE}),
    )

    class Meta:
        model = SlaTarget
        fields = ("priority", "first_response_minutes", "resolution_minutes", "business_hours")


class TargetInline(admin.TabularInline[SlaTarget, SlaPolicy]):
    model = SlaTarget
    form = TargetForm
    formset = TargetFormSet
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[SlaTarget]:
        """Most urgent first, as the desk reads priorities."""
        return super().get_queryset(request).order_by(PRIORITY_RANK)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(SavedByServiceAdmin[SlaPolicy]):
    list_display = (
        "name",
        "institution",
        "is_default",
        "calendar",
        "targets_shown",
        "warning_percent",
    )
    list_filter = ("is_default", "calendar")
    search_fields = ("name", "institution__name")
    list_select_related = ("institution", "calendar")
    inlines = [TargetInline]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """A plain list of institutions (few, and readable by screen readers), the empty
        choice saying what it means."""
        empty = {"institution": "None: the default policy", "calendar": "None: around the clock"}
        if db_field.name in empty:
            kwargs["empty_label"] = empty[db_field.name]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[SlaPolicy]:
        return super().get_queryset(request).prefetch_related("targets")

    @admin.display(description="Targets: first response / resolution")
    def targets_shown(self, policy: SlaPolicy) -> str:
        """``Critical 15 min / 4 h · Low 2 d / next release``, most urgent first."""
        targets = {target.priority: target for target in policy.targets.all()}
        return " · ".join(
            f"{Priority(priority).label} {format_duration(target.first_response_minutes)} / "
            + (
                format_duration(target.resolution_minutes)
                if target.resolution_minutes is not None
                else NEXT_RELEASE
            )
            for priority in PRIORITY_ORDER
            if (target := targets.get(priority)) is not None
        )

    def save_related(
        self, request: HttpRequest, form: ModelForm[SlaPolicy], formsets: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        settings = PolicySettings(
            name=data["name"],
            institution=data["institution"],
            is_default=data["is_default"],
            calendar=data["calendar"],
            pause_on_third_party=data["pause_on_third_party"],
            warning_percent=data["warning_percent"],
            bump_priority_on_breach=data["bump_priority_on_breach"],
            bump_tier_on_breach=data["bump_tier_on_breach"],
            targets=_targets(formsets),
        )
        actor = _actor(request)
        if change:
            update_policy(actor=actor, policy=form.instance, settings=settings)
        else:
            form.instance.pk = create_policy(actor=actor, settings=settings).pk

    def delete_model(self, request: HttpRequest, obj: SlaPolicy) -> None:
        delete_policy(actor=_actor(request), policy=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SlaPolicy]) -> None:
        for policy in queryset:
            delete_policy(actor=_actor(request), policy=policy)
