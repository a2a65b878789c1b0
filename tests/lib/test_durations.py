import pytest
from hypothesis import given
from hypothesis import strategies as st

from hypercare.lib.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("4 h", 240),
        ("2 d", 2880),
        ("1 d 4 h", 1680),
        ("15 min", 15),
        ("1d4h", 1680),
        ("2 days 3 hours", 3060),
        ("90 minutes", 90),
    ],
)
def test_durations_are_read_in_days_hours_and_minutes(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "90", "4 x", "4 h 2 d", "1 h 1 h", "h", "4 h and"])
def test_an_unreadable_duration_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(ValueError, match="e.g. 4 h, 2 d, 1 d 4 h or 30 min"):
        parse_duration(text)


def test_durations_are_shown_as_people_write_them() -> None:
    assert [format_duration(m) for m in (15, 240, 1440, 1680, 1695)] == [
        "15 min",
        "4 h",
        "1 d",
        "1 d 4 h",
        "1 d 4 h 15 min",
    ]


@given(st.integers(min_value=1, max_value=400 * 24 * 60))
def test_a_shown_duration_reads_back_the_same(minutes: int) -> None:
    assert parse_duration(format_duration(minutes)) == minutes
