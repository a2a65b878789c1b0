"""Reads of the configuration audit, for system admins only (``access.can_read_audit``):
for anyone else the audit does not exist, not even as an empty list."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db.models import Q, QuerySet

from hypercare import access
from hypercare.accounts.models import RoleGrant, User
from hypercare.audit.choices import Action, Area
from hypercare.audit.models import AuditEntry
from hypercare.audit.recording import WATCHED
from hypercare.errors import NotFound
from hypercare.lib.validation import FieldErrors

NO_AUDIT = "No such record, or you may not read the configuration audit (system admins only)."
ROLE_GRANT = "accounts.rolegrant"


@dataclass(frozen=True)
class AuditFilters:
    """What the audit list is narrowed to; dates are whole days in the reader's zone."""

    area: str = ""
    record_type: str = ""
    actor: int | None = None
    since: date | None = None
    until: date | None = None
    text: str = ""


def record_types() -> list[tuple[str, str]]:
    """Every watched record type, as (label, name) by name: the filter's choices."""
    models = [apps.get_model(label) for label in WATCHED]
    found = [(m._meta.label_lower, str(m._meta.verbose_name).capitalize()) for m in models]
    return sorted(found, key=lambda pair: pair[1])


def audit_entries(user: User, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """The changes to the desk's configuration, newest first, narrowed by ``filters``.

    A filter naming an unknown area or record type, or a range ending before it begins,
    is refused field by field rather than answering an empty list that looks true.
    """
    if not access.can_read_audit(user):
        raise NotFound(NO_AUDIT)
    _check(filters)
    entries = AuditEntry.objects.filter(access.audit_scope(user))
    if filters.area:
        entries = entries.filter(area=filters.area)
    if filters.record_type:
        entries = entries.filter(record_type=filters.record_type)
    if filters.actor is not None:
        entries = entries.filter(actor_id=filters.actor)
    zone = ZoneInfo(user.viewing_time_zone)
    if filters.since is not None:
        entries = entries.filter(at__gte=datetime.combine(filters.since, time.min, zone))
    if filters.until is not None:
        next_day = filters.until + timedelta(days=1)
        entries = entries.filter(at__lt=datetime.combine(next_day, time.min, zone))
    if filters.text:
        words = filters.text
        entries = entries.filter(
            Q(record_label__icontains=words)
            | Q(actor_name__icontains=words)
            | Q(record_type_name__icontains=words)
        )
    return entries


def _check(filters: AuditFilters) -> None:
    errors = FieldErrors()
    if filters.area:
        errors.choice("area", filters.area, Area.values)
    if filters.record_type:
        errors.choice("record_type", filters.record_type, [key for key, _ in record_types()])
    if filters.since and filters.until and filters.until < filters.since:
        errors.add("until", "must not be before since")
    errors.check()


def audit_actors(user: User) -> QuerySet[User]:
    """The people who appear in the audit as having changed something: the filter's
    choices. Nobody for a reader who may not read the audit."""
    acted = AuditEntry.objects.filter(access.audit_scope(user)).values("actor_id")
    if not access.can_read_audit(user):
        return User.objects.none()
    return User.objects.filter(pk__in=acted).order_by("first_name", "last_name", "username")


@dataclass(frozen=True)
class RoleSpell:
    """One role held by a person from its grant to its revocation (``None``: still held).

    ``granted_by`` and ``revoked_by`` name the person, else the door ("shell"); a grant
    made before the audit began has no ``granted_by`` and the grant row's own time.
    """

    role: str
    granted_at: datetime | None
    granted_by: str
    revoked_at: datetime | None
    revoked_by: str


def role_history(user: User, person_id: int) -> list[RoleSpell]:
    """Every role the person holds or held, oldest grant first, replayed from the audit's
    grants and revocations: a revoked role keeps its history, and so does a person
    deleted since. NotFound for a person who never existed."""
    if not access.can_read_audit(user):
        raise NotFound(NO_AUDIT)
    entries = AuditEntry.objects.filter(record_type=ROLE_GRANT, person_id=person_id)
    if not entries.exists() and not User.objects.filter(pk=person_id).exists():
        raise NotFound(NO_AUDIT)
    held: dict[str, RoleSpell] = {}
    spells: list[RoleSpell] = []
    for entry in entries.order_by("at", "pk"):
        if entry.action == Action.REVOKED or "role" in entry.after:
            ended = held.pop(entry.record_id, None) or _unrecorded(entry)
            if ended is not None:
                spells.append(_revoked(ended, entry))
        if entry.action != Action.REVOKED and "role" in entry.after:
            held[entry.record_id] = RoleSpell(entry.after["role"], entry.at, entry.who, None, "")
    for grant in RoleGrant.objects.filter(user_id=person_id).exclude(pk__in=[int(k) for k in held]):
        held[str(grant.pk)] = RoleSpell(grant.role, grant.granted_at, "", None, "")
    spells.extend(held.values())
    return sorted(spells, key=lambda spell: spell.granted_at or spell.revoked_at or _EPOCH)


_EPOCH = datetime.min.replace(tzinfo=ZoneInfo("UTC"))


def _revoked(spell: RoleSpell, entry: AuditEntry) -> RoleSpell:
    return RoleSpell(spell.role, spell.granted_at, spell.granted_by, entry.at, entry.who)


def _unrecorded(entry: AuditEntry) -> RoleSpell | None:
    """A grant made before the audit began, known only from the entry that ended it
    (none for a first grant)."""
    if entry.action == Action.GRANTED:
        return None
    granted_at = entry.before.get("granted_at")
    return RoleSpell(
        entry.before.get("role", ""),
        datetime.fromisoformat(granted_at) if granted_at else None,
        "",
        None,
        "",
    )
