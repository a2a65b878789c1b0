"""The questions each category asks at intake: one spec per category, and its validation.

``QUESTIONS`` is the one definition of every question: what is asked (label and help
text), what kind of answer it takes, its choices and limits. Everything else is derived
from it: the pydantic model the services and the API validate with
(``DETAILS_BY_CATEGORY``), the form the portal and the desk show (``hypercare.web``),
the answers as a person reads them on the ticket page and in mail
(``readable_answers``), and the OpenAPI description of ``category_details``.

Answers are stored on the ticket as a JSON object (``Ticket.category_details``). A
question about a record (an integration, a data owner) is stored as that record's id
under ``<name>_id``, the way Django names a foreign key's column, and is checked against
the ticket's institution, so a record of another institution can never be named.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import ValidationFailed
from hypercare.lib.text import body_text, single_line
from hypercare.lib.times import Moment, parse_moment
from hypercare.lib.validation import choose, schema_problem
from hypercare.orgs.models import Institution, Integration
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket

FIELD_PREFIX = "category_details"
ANSWER_MAX = 2000


class AnswerKind(StrEnum):
    LINE = "line"  # a line of text
    TEXT = "text"  # a paragraph
    CHOICE = "choice"  # one of the question's choices
    MOMENT = "moment"  # a date and time
    COUNT = "count"  # a whole number
    INTEGRATION = "integration"  # one of the institution's integrations
    DATA_OWNER = "data_owner"  # one of the institution's data owners


RECORD_KINDS = frozenset({AnswerKind.INTEGRATION, AnswerKind.DATA_OWNER})


@dataclass(frozen=True)
class Question:
    """One question of a category: ``name`` is how the form and the spec call it."""

    name: str
    kind: AnswerKind
    label: str
    help_text: str = ""
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int = ANSWER_MAX
    min_value: int | None = None
    max_value: int | None = None

    @property
    def key(self) -> str:
        """Where the answer is stored and how the API names it: a record by its id."""
        return f"{self.name}_id" if self.kind in RECORD_KINDS else self.name

    @property
    def description(self) -> str:
        return self.help_text or self.label


QUESTIONS: dict[str, tuple[Question, ...]] = {
    Category.QUESTION: (
        Question("screen_or_report", AnswerKind.LINE, "Which screen or report is it about?"),
    ),
    Category.CONFIGURATION: (
        Question(
            "area",
            AnswerKind.CHOICE,
            "What needs changing?",
            choices=(
                ("permissions", "Who may do what (permissions)"),
                ("workflow", "Workflow steps or approvals"),
                ("form", "A form"),
                ("alert", "Alerts and notifications"),
                ("report", "A report"),
            ),
        ),
        Question("current_behaviour", AnswerKind.TEXT, "What happens now?"),
        Question("wanted_behaviour", AnswerKind.TEXT, "What should happen instead?"),
    ),
    Category.DATA_CORRECTION: (
        Question(
            "records_affected",
            AnswerKind.TEXT,
            "Which records are wrong?",
            "IDs, names or a range, such as roll numbers 2024001 to 2024040.",
        ),
        Question("correction_wanted", AnswerKind.TEXT, "What should they say instead?"),
        Question(
            "data_owner",
            AnswerKind.DATA_OWNER,
            "Who owns this data?",
            "The data owner signs off the correction before it is made.",
        ),
    ),
    Category.INTEGRATION: (
        Question("integration", AnswerKind.INTEGRATION, "Which connection is failing?"),
        Question(
            "transaction_reference",
            AnswerKind.LINE,
            "Reference of a failing transaction",
            "A payment ID, message ID or file name we can trace.",
        ),
    ),
    Category.ACCESS: (
        Question(
            "action",
            AnswerKind.CHOICE,
            "What should happen?",
            choices=(
                ("add", "Add access"),
                ("change", "Change access"),
                ("remove", "Remove access"),
            ),
        ),
        Question("user", AnswerKind.LINE, "Whose access?", "Their name or ERP login."),
        Question("role", AnswerKind.LINE, "Which ERP role?"),
    ),
    Category.INCIDENT: (
        Question("since", AnswerKind.MOMENT, "Since when?"),
        Question(
            "users_affected",
            AnswerKind.COUNT,
            "About how many people are affected?",
            min_value=1,
            max_value=1_000_000,
        ),
    ),
    Category.ENHANCEMENT: (
        Question("business_need", AnswerKind.TEXT, "What do you need to be able to do, and why?"),
        Question(
            "proposed_solution", AnswerKind.TEXT, "Any idea how it could work?", required=False
        ),
    ),
}


def _annotation(question: Question) -> Any:
    """The pydantic type of an answer, with its limits."""
    if question.kind in (AnswerKind.LINE, AnswerKind.TEXT):
        text = single_line if question.kind == AnswerKind.LINE else body_text
        limits = text(min_length=1 if question.required else 0, max_length=question.max_length)
        return Annotated[str, limits]
    if question.kind == AnswerKind.CHOICE:
        return Literal[tuple(value for value, _ in question.choices)]
    if question.kind == AnswerKind.MOMENT:
        return datetime
    if question.kind == AnswerKind.COUNT:
        return Annotated[int, Field(ge=question.min_value, le=question.max_value)]
    return Annotated[int, Field(ge=1)]


def _default(question: Question) -> Any:
    if question.required:
        return ...
    return "" if question.kind in (AnswerKind.LINE, AnswerKind.TEXT) else None


def _details_model(category: str, questions: tuple[Question, ...]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        question.key: (
            _annotation(question),
            Field(_default(question), title=question.label, description=question.description),
        )
        for question in questions
    }
    name = "".join(part.capitalize() for part in category.split("_")) + "Details"
    return create_model(
        name,
        __config__=ConfigDict(extra="forbid", title=f"{Category(category).label} details"),
        **fields,
    )


# What the services and the API validate the answers with, derived from the spec.
DETAILS_BY_CATEGORY: dict[str, type[BaseModel]] = {
    category: _details_model(category, questions) for category, questions in QUESTIONS.items()
}


def question_for_key(category: str, key: str) -> Question | None:
    """The question whose answer is stored under ``key`` (``integration_id`` → integration)."""
    return next((q for q in QUESTIONS.get(category, ()) if q.key == key), None)


def validate_category_details(
    *, category: str, details: dict[str, Any], institution: Institution
) -> dict[str, Any]:
    """Check the answers for ``category`` and return them as stored JSON."""
    if category not in QUESTIONS:
        raise ValidationFailed({"category": choose("category")})
    try:
        parsed = DETAILS_BY_CATEGORY[category].model_validate(details).model_dump()
    except ValidationError as exc:
        raise ValidationFailed(_pydantic_errors(exc)) from None
    for question in QUESTIONS[category]:
        value = parsed[question.key]
        if question.kind in RECORD_KINDS:
            _check_record(question, value, institution)
        elif question.kind == AnswerKind.MOMENT and value is not None and value.tzinfo is None:
            # "Since 09:00" typed by a person means 09:00 where their institution is.
            parsed[question.key] = value.replace(tzinfo=ZoneInfo(institution.time_zone))
    return {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in parsed.items()
    }


def _pydantic_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        path = ".".join(str(part) for part in (FIELD_PREFIX, *error["loc"]))
        errors.setdefault(path, schema_problem(error))
    return errors


def _check_record(question: Question, pk: int, institution: Institution) -> None:
    if question.kind == AnswerKind.INTEGRATION:
        if not Integration.objects.filter(pk=pk, institution=institution).exists():
            raise ValidationFailed(
                {f"{FIELD_PREFIX}.{question.key}": "no such integration at this institution"}
            )
    elif not data_owners(institution).filter(pk=pk).exists():
        raise ValidationFailed(
            {f"{FIELD_PREFIX}.{question.key}": "not a data owner at this institution"}
        )


def data_owners(institution: Institution) -> QuerySet[User]:
    """The people who may sign off a data correction at ``institution``."""
    return User.objects.filter(
        institution=institution, is_active=True, role_grants__role=Role.DATA_OWNER
    )


def readable_answers(ticket: Ticket) -> list[tuple[str, str | Moment]]:
    """The ticket's answers with their questions' labels, as a person reads them.

    Records by name, choices by label, times as Moments: they read in the zone of
    whoever reads them, the page's viewer or the mail's recipient. The records named
    were checked against the ticket's institution at intake, so whoever may read the
    ticket may read their names.
    """
    answers = []
    for question in QUESTIONS[ticket.category]:
        if question.key in ticket.category_details:
            value = ticket.category_details[question.key]
            answers.append((question.label, _readable(question, value, ticket)))
    return answers


def _readable(question: Question, value: Any, ticket: Ticket) -> str | Moment:
    if value in ("", None):
        return "—"
    if question.kind == AnswerKind.INTEGRATION:
        integration = Integration.objects.filter(pk=value, institution=ticket.institution_id)
        name = integration.values_list("name", flat=True).first()
        return name or f"Integration #{value}"
    if question.kind == AnswerKind.DATA_OWNER:
        owner = User.objects.filter(pk=value, institution=ticket.institution_id).first()
        return owner.display_name if owner else f"Person #{value}"
    if question.kind == AnswerKind.CHOICE:
        return dict(question.choices).get(value, str(value))
    if question.kind == AnswerKind.MOMENT:
        moment = parse_moment(str(value))
        if moment is not None:
            return moment
    return str(value)
