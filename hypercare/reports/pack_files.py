"""A review pack's files, drawn from its stored content: HTML, PDF and XLSX.

The HTML is one standalone page (its styles inside it, no script, no outside address) with
the dashboards' server-drawn SVG charts; WeasyPrint prints that same page to PDF. The
spreadsheet has a sheet per section holding its raw rows; a text cell that a spreadsheet
would read as a formula is neutralised as the access ledger's export does.
"""

import io
import re
from typing import Any

import weasyprint
from django.template.loader import render_to_string
from openpyxl import Workbook

from hypercare.access_requests.export import neutralised
from hypercare.reports import charts
from hypercare.reports.models import ReviewPack

HTML = "text/html; charset=utf-8"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The charts' colours, the desk's own, inside each chart's SVG (WeasyPrint styles an
# inline SVG from its own stylesheet only).
CHART_STYLE = (
    ".chart__label, .chart__value { font-size: 12px; fill: #52606d; } "
    ".chart__value { fill: #1f2933; } "
    ".chart__grid { stroke: #d9dee4; stroke-width: 1; } "
    ".chart__bar { fill: #1f5fbf; } "
    ".chart__bar--resolved, .chart__bar--sla { fill: #1b7340; } "
    ".chart__bar--backlog { fill: #8a5a00; } "
    ".chart__bar--time { fill: #174a96; }"
)
# Excel limits a sheet name to 31 characters, and refuses brackets, colons, stars,
# question marks and slashes in it.
SHEET_NAME_MAX = 31
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def drawn_chart(chart: dict[str, Any] | None) -> dict[str, Any] | None:
    """A section's stored chart as the geometry the dashboards' templates draw."""
    if chart is None:
        return None
    if chart["kind"] == "columns":
        groups: list[tuple[str, list[charts.Column]]] = [
            (
                str(label),
                [
                    ("opened", opened, f"{label}: {opened} opened", None),
                    ("resolved", resolved, f"{label}: {resolved} resolved", None),
                ],
            )
            for label, opened, resolved in chart["groups"]
        ]
        return {"kind": "columns", "geometry": charts.columns(groups)}
    rows = [charts.Row(str(label), value, text, None) for label, value, text in chart["bars"]]
    return {
        "kind": "bars",
        "geometry": charts.bars(rows, series=chart["series"], top=chart["top"]),
    }


def drawn_sections(pack: ReviewPack) -> list[dict[str, Any]]:
    return [
        {**section, "drawn": drawn_chart(section.get("chart"))}
        for section in pack.content.get("sections", [])
    ]


def pack_html(pack: ReviewPack) -> str:
    return render_to_string(
        "reports/pack.html",
        {"pack": pack, "sections": drawn_sections(pack), "chart_style": CHART_STYLE},
    )


def pack_pdf(html: str) -> bytes:
    pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    return pdf


def sheet_name(title: str, taken: set[str]) -> str:
    """A unique sheet name Excel accepts for a section's title."""
    base = _NOT_IN_SHEET_NAMES.sub(" ", title)[:SHEET_NAME_MAX].strip()
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" {number}"
        name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        number += 1
    taken.add(name.lower())
    return name


def _cell(value: Any) -> Any:
    return neutralised(value) if isinstance(value, str) else value


def pack_xlsx(pack: ReviewPack) -> bytes:
    book = Workbook(write_only=True)
    taken: set[str] = set()
    about = book.create_sheet(sheet_name("Pack", taken))
    about.append(["Pack", pack.get_kind_display()])
    about.append(["Institution", _cell(pack.scope_label)])
    about.append(["Period", pack.content.get("period", "")])
    about.append(["From", pack.content.get("start", "")])
    about.append(["To (left out)", pack.content.get("end", "")])
    about.append(["Built by", _cell(pack.built_by.display_name)])
    for section in pack.content.get("sections", []):
        sheet = book.create_sheet(sheet_name(section["title"], taken))
        sheet.append(section["columns"])
        for row in section["rows"]:
            sheet.append([_cell(value) for value in row])
    notes = book.create_sheet(sheet_name("Post-live review notes", taken))
    notes.append(["Post-live review notes"])
    for line in pack.notes.splitlines():
        notes.append([_cell(line)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
