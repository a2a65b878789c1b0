"""The one way services check their input: every field's problem is collected, then all
are refused together (``ValidationFailed``), so a form shows them by their fields at once."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from hypercare.errors import ValidationFailed
from hypercare.lib.text import body_problem, line_problem

T = TypeVar("T")

# The complaint about a required field left empty, on every page and in the API.
EMPTY = "must not be empty"


def choose(field: str) -> str:
    """The complaint about a missing or unknown choice, in the product's words: "Choose a
    reason", never the list of stored values. The web and the API both say it."""
    noun = field.replace("_", " ")
    article = "an" if noun[:1] in "aeiou" else "a"
    return f"Choose {article} {noun}"


def schema_problem(error: Mapping[str, Any]) -> str:
    """One of pydantic's complaints in the same words: a choice outside the list is
    ``choose(field)`` (pydantic would list the stored values); others keep its message."""
    if error.get("type") in ("enum", "literal_error"):
        names = [part for part in error.get("loc", ()) if isinstance(part, str)]
        return choose(names[-1] if names else "value")
    return str(error.get("msg", "is invalid"))


class FieldErrors:
    """Collects what is wrong with each field; ``check`` refuses if anything is."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, problem: str) -> None:
        """Record a problem; the first one found for a field is the one shown."""
        self.errors.setdefault(field, problem)

    def line(self, field: str, value: str, max_length: int, *, required: bool = True) -> str:
        """One line of text (a title, a name): stripped, no control character."""
        cleaned = value.strip()
        if problem := line_problem(cleaned):
            self.add(field, problem)
        self._length(field, cleaned, max_length, required=required)
        return cleaned

    def text(
        self, field: str, value: str, max_length: int | None = None, *, required: bool = True
    ) -> str:
        """A text body: stripped; tabs and line breaks are the only control characters."""
        cleaned = value.strip()
        if problem := body_problem(cleaned):
            self.add(field, problem)
        self._length(field, cleaned, max_length, required=required)
        return cleaned

    def _length(self, field: str, cleaned: str, max_length: int | None, *, required: bool) -> None:
        if required and not cleaned:
            self.add(field, EMPTY)
        elif max_length is not None and len(cleaned) > max_length:
            self.add(field, f"must be at most {max_length} characters")

    def choice(self, field: str, value: str, choices: Iterable[str]) -> None:
        if value not in {str(option) for option in choices}:
            self.add(field, choose(field))

    def collect(self, check: Callable[[], T]) -> T | None:
        """Run a check that refuses with ``ValidationFailed``; its problems join these."""
        try:
            return check()
        except ValidationFailed as exc:
            for field, problem in exc.errors.items():
                self.add(field, problem)
            return None

    def check(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
