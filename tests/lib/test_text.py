"""The one rule for control characters in what people send, and its field validators."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from hypercare.errors import ValidationFailed
from hypercare.lib.text import (
    BODY_PROBLEM,
    LINE_PROBLEM,
    body_problem,
    line_problem,
    one_line,
    validate_single_line,
)
from hypercare.lib.validation import FieldErrors

C0 = [chr(code) for code in range(0x20)]


@given(st.text())
def test_a_line_is_refused_exactly_when_it_holds_a_c0_character(text: str) -> None:
    has_control = any(char in C0 for char in text)
    assert (line_problem(text) == LINE_PROBLEM) is has_control
    assert (line_problem(text) is None) is not has_control


@given(st.text())
def test_a_body_may_hold_tabs_and_line_breaks_but_no_other_c0(text: str) -> None:
    has_control = any(char in C0 and char not in "\t\n\r" for char in text)
    assert (body_problem(text) == BODY_PROBLEM) is has_control


@given(st.text())
def test_one_line_never_holds_a_control_character_or_a_double_space(text: str) -> None:
    line = one_line(text)
    assert line_problem(line) is None
    assert "  " not in line
    assert line == line.strip()


@pytest.mark.parametrize("bad", ["Fees\rdown", "Fees\ndown", "a\x00b", "tab\there", "\x1b[31m"])
def test_the_model_validator_refuses_what_a_header_cannot_carry(bad: str) -> None:
    with pytest.raises(ValidationError):
        validate_single_line(bad)


def test_field_errors_name_every_field_at_once() -> None:
    errors = FieldErrors()
    assert errors.line("title", "  Fees\r down ", 200) == "Fees\r down"
    errors.text("description", "  ", 50)
    errors.text("notes", "fine\n\tindented", 50, required=False)
    errors.line("name", "x" * 11, 10)
    errors.choice("status", "done", ["new", "closed"])
    with pytest.raises(ValidationFailed) as refused:
        errors.check()
    assert refused.value.errors == {
        "title": LINE_PROBLEM,
        "description": "must not be empty",
        "name": "must be at most 10 characters",
        "status": "Choose a status",
    }
