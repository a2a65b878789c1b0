"""What text people send may hold: the one rule for control characters.

A single line (a title, a name, a subject) can reach a mail header or a file name, where
a CR or LF would start a new header and a NUL would cut the value short, so it may hold
no C0 control character at all. A text body may hold tabs and line breaks, nothing else
from C0. NUL is refused everywhere: PostgreSQL cannot store it in text.
"""

import re
from typing import Annotated

from django.core.exceptions import ValidationError
from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

LINE_CONTROLS = re.compile(r"[\x00-\x1f]")
BODY_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
LINE_PROBLEM = "must be one line, without control characters"
BODY_PROBLEM = "must not contain control characters other than tabs and line breaks"
# The same rules as JSON Schema patterns, so the OpenAPI document says what is refused.
LINE_PATTERN = r"^[^\x00-\x1f]*$"
BODY_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"


def line_problem(value: str) -> str | None:
    """What is wrong with ``value`` as a single line, or None."""
    return LINE_PROBLEM if LINE_CONTROLS.search(value) else None


def body_problem(value: str) -> str | None:
    """What is wrong with ``value`` as a text body, or None."""
    return BODY_PROBLEM if BODY_CONTROLS.search(value) else None


def validate_single_line(value: str) -> None:
    """The rule as a model field validator, for what the admin's forms save."""
    if problem := line_problem(value):
        raise ValidationError(problem, code="control_characters")


def one_line(value: str) -> str:
    """``value`` as one line: control characters and runs of spaces become one space.

    For text the desk writes itself into a header (a mail subject rendered from a
    template), where refusing is not an option.
    """
    return " ".join(LINE_CONTROLS.sub(" ", value).split())


def _checked_line(value: str) -> str:
    if problem := line_problem(value):
        raise PydanticCustomError("control_characters", problem)
    return value


def _checked_body(value: str) -> str:
    if problem := body_problem(value):
        raise PydanticCustomError("control_characters", problem)
    return value


def single_line(*, min_length: int = 0, max_length: int | None = None) -> object:
    """A pydantic type for one line of text: stripped, length-limited, no control character."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(_checked_line),
        Field(json_schema_extra={"pattern": LINE_PATTERN}),
    ]


def body_text(*, min_length: int = 0, max_length: int | None = None) -> object:
    """A pydantic type for a text body: stripped, length-limited, tabs and line breaks only."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(_checked_body),
        Field(json_schema_extra={"pattern": BODY_PATTERN}),
    ]
