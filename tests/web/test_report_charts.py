"""The dashboards' chart geometry: pure arithmetic, drawn as SVG by the templates."""

import pytest

from hypercare.reports import charts


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (3, 5), (7, 10), (10, 10), (11, 20), (260, 500)]
)
def test_the_value_axis_ends_on_a_round_number(value: float, top: float) -> None:
    assert charts.nice_top(value) == top


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (None, "–"),
        (0.4, "0 min"),
        (45, "45 min"),
        (60, "1 h"),
        (200, "3 h 20 min"),
        (2880, "2 d"),
        (3120, "2 d 4 h"),
    ],
)
def test_durations_read_as_people_say_them(minutes: float | None, text: str) -> None:
    assert charts.duration(minutes) == text


def test_columns_stand_on_the_baseline_in_proportion() -> None:
    chart = charts.columns(
        [("1 Nov", [("opened", 4, "4 opened", "/a"), ("resolved", 2, "2 resolved", None)])]
    )

    opened, resolved = chart.bars
    assert opened.y + opened.height == resolved.y + resolved.height == chart.baseline
    assert opened.height == pytest.approx(2 * resolved.height)
    assert resolved.x == pytest.approx(opened.x + opened.width)
    assert [tick.label for tick in chart.axis] == ["0", "1", "2", "3", "4", "5"]


@pytest.mark.parametrize(
    ("largest", "labels"),
    [
        (1, ["0", "1"]),
        (2, ["0", "1", "2"]),
        (7, ["0", "2", "4", "6", "8", "10"]),
        (15, ["0", "5", "10", "15", "20"]),
    ],
)
def test_the_value_axis_counts_in_whole_steps(largest: int, labels: list[str]) -> None:
    chart = charts.columns([("1 Nov", [("opened", largest, "", None)])])

    assert [tick.label for tick in chart.axis] == labels


def test_bucket_labels_are_thinned_to_stay_readable() -> None:
    groups: list[tuple[str, list[charts.Column]]] = [
        (f"wk {n}", [("opened", n, "", None)]) for n in range(52)
    ]

    chart = charts.columns(groups)

    assert len(chart.buckets) <= 12
    assert chart.buckets[0].label == "wk 0"


def test_horizontal_bars_scale_to_the_given_top() -> None:
    rows = [charts.Row("Critical", 50, "50 %", "/x"), charts.Row("Low", 100, "100 %", None)]

    chart = charts.bars(rows, top=100)

    half, whole = (row.bar for row in chart.rows)
    assert half.width == pytest.approx(whole.width / 2)
    assert half.href == "/x"
    assert whole.href is None
    assert chart.rows[0].text_x == pytest.approx(half.x + half.width + 6)
