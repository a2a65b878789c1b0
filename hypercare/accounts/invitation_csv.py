"""Reading a CSV of people to invite: one row per person, roles named in the row.

Headers are matched loosely ("First name", "first_name"), and roles by their stored
value or their label ("key_user" or "Key user"), several in one cell separated by ``;``
or ``|``. A role no one recognises is kept as typed, so the check names it.
"""

import csv
import io
import re

from hypercare.accounts.choices import Role
from hypercare.accounts.invitations import InvitationDetails
from hypercare.errors import ValidationFailed

COLUMNS = ("email", "first_name", "last_name", "roles")
MAX_ROWS = 500
MAX_BYTES = 1_000_000
_ROLE_NAMES = {
    **{str(role.label).lower(): role.value for role in Role},
    **{role.value: role.value for role in Role},
}


def _column(header: str) -> str:
    return re.sub(r"[\s-]+", "_", header.strip().lower())


def _roles(cell: str) -> list[str]:
    named = (part.strip() for part in re.split(r"[;|]", cell))
    return [_ROLE_NAMES.get(name.lower(), name) for name in named if name]


def read_invitation_csv(content: bytes) -> list[InvitationDetails]:
    """The people a CSV file lists, in its order; a file that cannot be read as such is
    refused on the ``file`` field with the reason."""
    if len(content) > MAX_BYTES:
        raise ValidationFailed({"file": f"must be at most {MAX_BYTES // 1_000_000} MB"})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed({"file": "must be a CSV file saved as UTF-8"}) from exc
    reader = csv.DictReader(io.StringIO(text))
    headers = {_column(name): name for name in reader.fieldnames or []}
    missing = [name for name in ("email", "roles") if name not in headers]
    if missing:
        raise ValidationFailed(
            {"file": f"needs the columns {', '.join(COLUMNS)}; missing: {', '.join(missing)}"}
        )
    people = []
    for row in reader:
        values = {
            name: (row.get(headers[name]) or "") if name in headers else "" for name in COLUMNS
        }
        if not any(value.strip() for value in values.values()):
            continue  # a blank line
        people.append(
            InvitationDetails(
                email=values["email"],
                first_name=values["first_name"],
                last_name=values["last_name"],
                roles=_roles(values["roles"]),
            )
        )
        if len(people) > MAX_ROWS:
            raise ValidationFailed({"file": f"may list at most {MAX_ROWS} people at once"})
    if not people:
        raise ValidationFailed({"file": "lists nobody to invite"})
    return people
