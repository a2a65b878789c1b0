"""What the change services share: the refusals, the row lock, the risk questionnaire."""

from collections.abc import Sequence
from dataclasses import dataclass

from hypercare.changes.choices import RISK_ORDER, Risk
from hypercare.changes.models import ChangeRequest

WORK_REFUSED = "Only support staff work on change requests."


def not_concerned(references: Sequence[str]) -> str:
    """The refusal of linked records (tickets, problems) of an institution the change
    does not concern: that institution's people could not read the change."""
    verb = "is" if len(references) == 1 else "are"
    return f"{', '.join(references)} {verb} of an institution this change does not concern"


def lock(change: ChangeRequest) -> ChangeRequest:
    """The change's current row, locked until the transaction ends (no lost updates)."""
    return ChangeRequest.objects.select_for_update().get(pk=change.pk)


@dataclass(frozen=True)
class RiskAnswers:
    """The short questionnaire a change's risk follows from."""

    touches_finance_or_exam_data: bool = False
    reversible_in_minutes: bool = True
    affects_several_institutions: bool = False
    in_production_hours: bool = False

    @classmethod
    def of(cls, change: ChangeRequest) -> "RiskAnswers":
        return cls(
            touches_finance_or_exam_data=change.touches_finance_or_exam_data,
            reversible_in_minutes=change.reversible_in_minutes,
            affects_several_institutions=change.affects_several_institutions,
            in_production_hours=change.in_production_hours,
        )


def assess_risk(answers: RiskAnswers) -> str:
    """Low with no concern, medium with one, high with two or more: finance or exam
    data, no rollback within minutes, several institutions, production hours."""
    concerns = sum(
        (
            answers.touches_finance_or_exam_data,
            not answers.reversible_in_minutes,
            answers.affects_several_institutions,
            answers.in_production_hours,
        )
    )
    return RISK_ORDER[min(concerns, len(RISK_ORDER) - 1)]


def is_below(risk: str, other: str) -> bool:
    return RISK_ORDER.index(Risk(risk)) < RISK_ORDER.index(Risk(other))
