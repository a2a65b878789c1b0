"""The calendar page's editor for working hours: a row per weekday, not raw JSON.

The editor only reads the rows into the stored shape (see ``Calendar``); whether the
shifts make sense (start before end, no overlap) is the model's check, run when the
page saves through ``hypercare.sla.policies``.
"""

import re
from datetime import time
from functools import cache
from typing import Any

import holidays
from django import forms
from holidays.registry import COUNTRIES

from hypercare.admin_fields import TimeZoneField
from hypercare.sla.business_time import WEEKDAY_KEYS, WEEKDAYS
from hypercare.sla.models import Calendar

EDGES = ("start", "end")
# Two shifts a day cover a lunch break; a calendar stored with more shows them all.
SHIFTS_SHOWN = 2


def _shown_time(text: Any) -> str:
    """The stored ``"24:00"`` (midnight at the end of a shift) as a time box shows it."""
    return "00:00" if text == "24:00" else str(text)


class WorkingHoursWidget(forms.MultiWidget):
    """A table: each weekday a row, each shift a start and an end time."""

    template_name = "admin/sla/working_hours.html"

    def __init__(self, shifts: int = SHIFTS_SHOWN) -> None:
        self.shifts = shifts
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            f"{key}_{shift}_{edge}": forms.TimeInput(
                format="%H:%M",
                attrs={"type": "time", "aria-label": f"{day}, shift {shift + 1}, {edge}"},
            )
            for key, day in zip(WEEKDAY_KEYS, WEEKDAYS, strict=True)
            for shift in range(shifts)
            for edge in EDGES
        }
        super().__init__(widgets)

    def decompress(self, value: Any) -> list[str]:
        """The stored ``{"mon": [["09:00", "17:30"]], ...}`` as one box per time."""
        hours = value if isinstance(value, dict) else {}
        boxes: list[str] = []
        for key in WEEKDAY_KEYS:
            shifts = [list(pair) for pair in hours.get(key) or []]
            shifts += [["", ""]] * (self.shifts - len(shifts))
            boxes += [_shown_time(text) for pair in shifts[: self.shifts] for text in pair]
        return boxes

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        boxes = context["widget"]["subwidgets"]
        per_day = self.shifts * len(EDGES)
        context["widget"]["days"] = [
            (day, boxes[index * per_day : (index + 1) * per_day])
            for index, day in enumerate(WEEKDAYS)
        ]
        context["widget"]["shifts"] = range(1, self.shifts + 1)
        return context


class WorkingHoursField(forms.MultiValueField):
    """Reads the editor's rows into the stored shifts; a day with no times is closed."""

    def __init__(self, *, shifts: int = SHIFTS_SHOWN, **kwargs: Any) -> None:
        self.shifts = shifts
        boxes = len(WEEKDAY_KEYS) * shifts * len(EDGES)
        super().__init__(
            fields=[forms.TimeField(required=False) for _ in range(boxes)],
            widget=WorkingHoursWidget(shifts),
            require_all_fields=False,
            required=False,
            **kwargs,
        )

    def compress(self, data_list: list[time | None]) -> dict[str, list[list[str]]]:
        values = list(data_list) or [None] * len(self.fields)
        per_day = self.shifts * len(EDGES)
        hours: dict[str, list[list[str]]] = {}
        for index, (key, day) in enumerate(zip(WEEKDAY_KEYS, WEEKDAYS, strict=True)):
            row = values[index * per_day : (index + 1) * per_day]
            hours[key] = []
            for start, end in zip(row[::2], row[1::2], strict=True):
                if (start is None) != (end is None):
                    raise forms.ValidationError(
                        f"{day}: give both the start and the end of each shift, or neither."
                    )
                if start is not None and end is not None:
                    hours[key].append([start.strftime("%H:%M"), end.strftime("%H:%M")])
        return hours


def _most_shifts(hours: Any) -> int:
    if not isinstance(hours, dict):
        return 0
    return max((len(shifts) for shifts in hours.values() if isinstance(shifts, list)), default=0)


@cache
def holiday_country_choices() -> list[tuple[str, str]]:
    """The countries whose public holidays the ``holidays`` package knows, by name."""
    names = {entry[1]: entry[0] for entry in COUNTRIES.values()}
    countries = sorted(
        (re.sub(r"(?<=[a-z])(?=[A-Z])", " ", names.get(code, code)), code)
        for code in holidays.list_supported_countries(include_aliases=False)
    )
    return [("", "No public holidays"), *((code, f"{name} ({code})") for name, code in countries)]


class CalendarForm(forms.ModelForm[Calendar]):
    """Hours in a weekday table, the time zone from the IANA list, the country from the
    ``holidays`` package's; the subdivision is checked against that country's list."""

    time_zone = TimeZoneField(help_text="The zone the working hours are in.")
    holiday_country = forms.ChoiceField(
        choices=holiday_country_choices, required=False, label="Holiday country"
    )
    # No length limit in the browser: a code typed too long is refused with a reason
    # by the model's checks, never cut short while typing.
    holiday_subdivision = forms.CharField(
        required=False,
        label="Holiday subdivision",
        help_text=str(Calendar._meta.get_field("holiday_subdivision").help_text),
    )

    class Meta:
        model = Calendar
        fields = ("name", "time_zone", "working_hours", "holiday_country", "holiday_subdivision")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shifts = max(SHIFTS_SHOWN, _most_shifts(self.instance.working_hours))
        self.fields["working_hours"] = WorkingHoursField(
            shifts=shifts,
            label="Working hours",
            help_text="Leave a day empty when the desk is closed; use the second shift for a "
            "lunch break. An end of 00:00 means midnight.",
        )
        country = self.instance.holiday_country
        if country:
            known = holidays.list_supported_countries(include_aliases=False).get(country, [])
            subdivisions = self.fields["holiday_subdivision"]
            subdivisions.help_text = (
                f"{subdivisions.help_text} For {country}: {', '.join(known) or 'none'}."
            )
