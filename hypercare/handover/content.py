"""What a handover record says, as the JSON a version stores: the desk's own records of
an institution (pre-filled) and the free text written on the page; and the gaps a record
shows, read from that JSON alone so an old version shows the gaps it had."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Content = dict[str, Any]
Person = dict[str, str]


@dataclass(frozen=True)
class HandoverText:
    """The parts of the record people write on the page rather than the desk's records."""

    backup_what: str = ""
    backup_frequency: str = ""
    restore_time: str = ""
    open_risks: Sequence[str] = ()
    notes: str = ""

    def as_content(self) -> Content:
        return {
            "backup": {
                "what": self.backup_what,
                "frequency": self.backup_frequency,
                "restore_time": self.restore_time,
            },
            "open_risks": list(self.open_risks),
            "notes": self.notes,
        }

    @classmethod
    def of(cls, content: Content) -> "HandoverText":
        backup = content.get("backup", {})
        return cls(
            backup_what=backup.get("what", ""),
            backup_frequency=backup.get("frequency", ""),
            restore_time=backup.get("restore_time", ""),
            open_risks=tuple(content.get("open_risks", ())),
            notes=content.get("notes", ""),
        )


def gaps(content: Content) -> list[str]:
    """Who or what the record is missing, in the words a reviewer reads: each one a
    question to settle before hypercare ends."""
    found: list[str] = []
    if not content["institution_admins"]:
        found.append("No institution admin")
    if not content["support_contacts"]["institution"]:
        found.append("No support contact (key user) at the institution")
    for integration in content["integration_contacts"]:
        if not integration["contacts"]:
            found.append(f"No integration contact for {integration['integration']}")
    for module in content["module_owners"]:
        if not module["owners"]:
            found.append(f"No data owner for {module['module']}")
    if not content["approval_owners"]:
        found.append("No approval owner at the institution")
    if not content["escalation_contacts"]["institution"]:
        found.append("No escalation contact at the institution")
    if not content["escalation_contacts"]["desk"]:
        found.append("No escalation contact at the desk")
    if not content["release_note_recipients"]:
        found.append("Nobody receives the release notes")
    if content["sla"] is None:
        found.append("No SLA policy governs the institution")
    found.extend(_text_gaps(content))
    return found


def _text_gaps(content: Content) -> list[str]:
    backup = content["backup"]
    found = []
    if not backup["what"]:
        found.append("Backup expectations not written: what is backed up")
    if not backup["frequency"]:
        found.append("Backup expectations not written: how often")
    if not backup["restore_time"]:
        found.append("Backup expectations not written: restore time")
    return found
