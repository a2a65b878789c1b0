"""Chart geometry for the dashboards, drawn as inline SVG by the templates.

The desk's Content-Security-Policy allows no inline script or style and no other site, so
charts are shapes computed here and written out by the server: every bar is a link to the
tickets behind it, with a title for pointers and screen readers, and every chart has a
table beside it holding the same numbers.
"""

from dataclasses import dataclass

# Charts are drawn at these sizes and shown at them (shrunk only to fit a narrow screen),
# so their 12px text stays 12px.
WIDTH = 960
BAR_WIDTH = 440
HEIGHT = 240
LEFT = 48  # room for the value axis' labels
BOTTOM = 28  # room for the bucket labels
TOP = 12
LABEL_WIDTH = 160  # horizontal bars: room for the group's name
ROW_HEIGHT = 26


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: str  # the CSS class that colours it: chart__bar--<series>
    title: str
    href: str | None


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Columns:
    """Vertical bars in groups along a time axis (opened beside resolved, per day)."""

    width: int
    height: int
    bars: list[Bar]
    axis: list[Tick]  # the value axis, bottom to top
    buckets: list[Tick]  # the labels under the groups, thinned out to stay readable
    baseline: float


@dataclass(frozen=True)
class Row:
    label: str
    value: float
    text: str  # the value as shown: "12", "85 %", "3 h 20 min"
    href: str | None


@dataclass(frozen=True)
class HorizontalBar:
    bar: Bar
    label: str
    text: str
    middle: float  # where the row's text sits, vertically
    text_x: float


@dataclass(frozen=True)
class Bars:
    """Horizontal bars, one a row, for breakdowns and comparisons."""

    width: int
    height: int
    rows: list[HorizontalBar]
    label_width: int


def nice_top(value: float) -> float:
    """The axis' top: the value rounded up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1
    step = 1.0
    while step * 10 <= value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if value <= step * factor:
            return step * factor
    return step * 10


# One bar of a group: its series, value, title and the address of its tickets.
Column = tuple[str, int, str, str | None]


def columns(groups: list[tuple[str, list[Column]]], *, max_labels: int = 12) -> Columns:
    """``groups`` are (label, [column, ...]) in axis order."""
    top = nice_top(max((value for _, bars in groups for _, value, _, _ in bars), default=0))
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = HEIGHT - BOTTOM
    slot = (WIDTH - LEFT) / max(len(groups), 1)
    every = max(1, -(-len(groups) // max_labels))
    bars: list[Bar] = []
    buckets: list[Tick] = []
    for index, (label, series) in enumerate(groups):
        start = LEFT + index * slot
        bar_width = slot * 0.8 / max(len(series), 1)
        for offset, (name, value, title, href) in enumerate(series):
            height = plot_height * value / top
            x = start + slot * 0.1 + offset * bar_width
            bars.append(Bar(x, baseline - height, bar_width, height, name, title, href))
        if index % every == 0:
            buckets.append(Tick(start + slot / 2, label))
    parts = _parts(top)
    axis = [
        Tick(baseline - plot_height * part / parts, _number(top * part / parts))
        for part in range(parts + 1)
    ]
    return Columns(WIDTH, HEIGHT, bars, axis, buckets, baseline)


def bars(rows: list[Row], *, series: str = "total", top: float | None = None) -> Bars:
    """One horizontal bar per row, scaled to ``top`` (the largest value when not given)."""
    scale = top if top is not None else nice_top(max((row.value for row in rows), default=0))
    room = BAR_WIDTH - LABEL_WIDTH - 100
    drawn: list[HorizontalBar] = []
    for index, row in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        length = room * row.value / scale
        title = f"{row.label}: {row.text}"
        bar = Bar(LABEL_WIDTH, y, length, ROW_HEIGHT - 8, series, title, row.href)
        middle = y + (ROW_HEIGHT - 8) / 2
        drawn.append(HorizontalBar(bar, row.label, row.text, middle, LABEL_WIDTH + length + 6))
    height = TOP * 2 + max(len(rows), 1) * ROW_HEIGHT
    return Bars(BAR_WIDTH, height, drawn, LABEL_WIDTH)


def _parts(top: float) -> int:
    """How many steps the value axis takes to ``top``: whole numbers, since it counts."""
    return next((parts for parts in (4, 5, 2) if (top / parts).is_integer()), 1)


def _number(value: float) -> str:
    return f"{value:g}"


def duration(minutes: float | None) -> str:
    """Minutes as people read them: "45 min", "3 h 20 min", "2 d 4 h"."""
    if minutes is None:
        return "–"
    whole = round(minutes)
    days, rest = divmod(whole, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"
