"""What text people send may hold: the one rule for control characters.

A single line (a title, a name, a subject) can reach a mail header or a file name, where
a CR or LF would start a new header and a NUL would cut the value short, so it may hold
no C0 control character at all. A text body may hold tabs and line breaks, nothing else
from C0. NUL is refused everywhere: PostgreSQL cannot store it in text.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from annotated_types import GroupedMetadata
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


@dataclass(frozen=True)
class TextRule(GroupedMetadata):
    """Pydantic metadata for text a person sends: stripped, then length-limited (so blank
    text is empty), then checked for control characters; the JSON-Schema ``pattern``
    tells a client what is refused."""

    min_length: int
    max_length: int | None
    check: Callable[[str], str]
    pattern: str

    def __iter__(self) -> Iterator[object]:
        yield StringConstraints(
            strip_whitespace=True, min_length=self.min_length, max_length=self.max_length
        )
        yield AfterValidator(self.check)
        yield Field(json_schema_extra={"pattern": self.pattern})


def single_line(*, min_length: int = 0, max_length: int | None = None) -> TextRule:
    """One line of text: ``Annotated[str, single_line(min_length=1, max_length=200)]``."""
    return TextRule(min_length, max_length, _checked_line, LINE_PATTERN)


def body_text(*, min_length: int = 0, max_length: int | None = None) -> TextRule:
    """A text body: ``Annotated[str, body_text(max_length=10_000)]``."""
    return TextRule(min_length, max_length, _checked_body, BODY_PATTERN)
