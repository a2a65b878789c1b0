"""The handover record's free text, as ``HandoverText`` holds it; the handover services
judge every answer."""

from typing import Any

from django import forms

from hypercare.handover.choices import GateKind
from hypercare.handover.content import HandoverText
from hypercare.handover.gate_settings import THRESHOLD_RANGES
from hypercare.handover.services import LINE_MAX, NOTES_MAX
from hypercare.handover.steady_state import REASON_MAX
from hypercare.sla.models import SlaPolicy
from hypercare.web.forms import TEXT, ServiceErrors


class HandoverForm(ServiceErrors, forms.Form):
    """Backup expectations, open risks (one a line) and notes; ``read_version`` is the
    version the page showed, so a save over a newer one is refused."""

    read_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    backup_what = forms.CharField(
        required=False,
        max_length=LINE_MAX * 4,
        widget=TEXT,
        label="What is backed up",
        help_text="The databases, files and systems the backups cover.",
    )
    backup_frequency = forms.CharField(
        required=False, max_length=LINE_MAX, label="How often", help_text="For example: nightly."
    )
    restore_time = forms.CharField(
        required=False,
        max_length=LINE_MAX,
        label="Restore time",
        help_text="How long a restore from backup takes.",
    )
    open_risks = forms.CharField(
        required=False, widget=TEXT, label="Open risks", help_text="One risk a line."
    )
    notes = forms.CharField(required=False, max_length=NOTES_MAX, widget=TEXT, label="Notes")

    @staticmethod
    def initial_of(text: HandoverText, version: int) -> dict[str, Any]:
        return {
            "read_version": version,
            "backup_what": text.backup_what,
            "backup_frequency": text.backup_frequency,
            "restore_time": text.restore_time,
            "open_risks": "\n".join(text.open_risks),
            "notes": text.notes,
        }

    @staticmethod
    def text_of(data: dict[str, Any]) -> HandoverText:
        return HandoverText(
            backup_what=data["backup_what"],
            backup_frequency=data["backup_frequency"],
            restore_time=data["restore_time"],
            open_risks=data["open_risks"].splitlines(),
            notes=data["notes"],
        )


class SteadyStateForm(ServiceErrors, forms.Form):
    """Move the institution to steady state; the reason is needed only when a gate is
    not met."""

    needed_when = {"override_reason": "a gate is not met"}

    override_reason = forms.CharField(
        required=False,
        max_length=REASON_MAX,
        widget=TEXT,
        label="Reason to move it anyway",
        help_text="Why the institution leaves hypercare although a gate is not met.",
    )
    sla_policy = forms.ModelChoiceField[SlaPolicy](
        queryset=SlaPolicy.objects.order_by("name"),
        required=False,
        empty_label="Keep the current policy",
        label="SLA policy from now on",
        help_text="The institution's own policy takes this policy's targets and calendar.",
    )


class ExitGatesForm(ServiceErrors, forms.Form):
    """A set of exit gates: each kind held or not, with its threshold; the gates service
    judges each threshold against its kind's range. Its fields are added per gate kind
    below the class."""

    needed_when = {f"threshold_{kind}": "when the gate is ticked" for kind in GateKind}

    def field_for(self, key: str) -> str | None:
        """``gates.backlog`` is the backlog's threshold; ``gates`` the set as a whole."""
        _, _, kind = key.partition(".")
        name = f"threshold_{kind}"
        return name if name in self.fields else None

    @staticmethod
    def initial_of(gates: dict[str, int]) -> dict[str, Any]:
        initial: dict[str, Any] = {f"held_{kind}": True for kind in gates}
        initial.update({f"threshold_{kind}": threshold for kind, threshold in gates.items()})
        return initial

    def gates(self) -> dict[str, int | None]:
        data = self.cleaned_data
        return {kind: data[f"threshold_{kind}"] for kind in GateKind if data[f"held_{kind}"]}

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"held_{kind}"], self[f"threshold_{kind}"]) for kind in GateKind]


for _kind in GateKind:
    _low, _high = THRESHOLD_RANGES[_kind]
    ExitGatesForm.base_fields[f"held_{_kind}"] = forms.BooleanField(
        required=False, label=str(_kind.label)
    )
    ExitGatesForm.base_fields[f"threshold_{_kind}"] = forms.IntegerField(
        required=False,
        label="Threshold",
        help_text=f"From {_low} to {_high}.",
        widget=forms.NumberInput(attrs={"min": _low, "max": _high}),
    )
