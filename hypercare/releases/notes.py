"""Release notes as people read them: the general notes, then the items by module.

Pure functions over items already scoped to their reader (``selectors.notes_for``, the
announcement of ``services.ship_release``), shared by the pages, the API, the text
export and the announcement mail, so each shows the same grouping.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from hypercare.orgs.choices import ModuleCode
from hypercare.releases.models import Release, ReleaseNoteItem

NO_MODULE = "Other"


@dataclass(frozen=True)
class NoteGroup:
    """The items of one module, by reference."""

    module: str
    items: list[ReleaseNoteItem]


def by_module(items: Iterable[ReleaseNoteItem]) -> list[NoteGroup]:
    """The items grouped by their module's name, modules alphabetically, "Other" last."""
    groups: dict[str, list[ReleaseNoteItem]] = {}
    for item in items:
        label = str(ModuleCode(item.module).label) if item.module else NO_MODULE
        groups.setdefault(label, []).append(item)
    order = sorted(groups, key=lambda label: (label == NO_MODULE, label))
    return [
        NoteGroup(label, sorted(groups[label], key=lambda item: (item.reference, item.pk)))
        for label in order
    ]


def as_text(release: Release, groups: list[NoteGroup]) -> str:
    """The notes as one plain-text document (the export)."""
    lines = [f"Release {release.version}", ""]
    if release.notes:
        lines += [release.notes, ""]
    for group in groups:
        lines.append(group.module)
        lines += [f"- {item.reference}: {item.text}" for item in group.items]
        lines.append("")
    return "\n".join(lines)
