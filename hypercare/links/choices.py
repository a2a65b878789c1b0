from django.db import models


class LinkKind(models.TextChoices):
    """How two tickets are tied, read from the link's source to its target."""

    RELATED = "related", "Related to"
    DUPLICATE_OF = "duplicate_of", "Duplicate of"
    CAUSED_BY = "caused_by", "Caused by"
    PARENT_OF = "parent_of", "Parent of"


# How a link reads from each end: (from its source, from its target).
READINGS: dict[str, tuple[str, str]] = {
    LinkKind.RELATED: ("related to", "related to"),
    LinkKind.DUPLICATE_OF: ("duplicate of", "duplicated by"),
    LinkKind.CAUSED_BY: ("caused by", "cause of"),
    LinkKind.PARENT_OF: ("parent of", "child of"),
}


def reading(kind: str, *, from_source: bool) -> str:
    """What the other ticket is to this one: "duplicate of", "child of"..."""
    source_side, target_side = READINGS[kind]
    return source_side if from_source else target_side


class LinkEventKind(models.TextChoices):
    """Links, merges and splits, on both tickets' timelines."""

    LINKED = "linked", "Linked"
    UNLINKED = "unlinked", "Link removed"
    MERGED = "merged", "Merged into another ticket"
    MERGE_RECEIVED = "merge_received", "Duplicate merged in"
    PARTICIPANT_ADDED = "participant_added", "Participant added"
    SPLIT = "split", "Split from a message"
