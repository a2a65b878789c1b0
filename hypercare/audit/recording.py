"""Every change to the desk's configuration, recorded as it is saved.

Configuration is written through many doors: the SLA and exit-gate services, the API, the
Django admin's own forms and inlines (teams, mailboxes, templates, role grants), and a
shell. Recording in each service would leave the admin's forms and the shell outside;
recording in the admin would leave the services. So the record is kept where every door
meets, at the model: the watched models' save, delete and membership signals write one
``AuditEntry`` in the same transaction as the change, and the door only says who acts
(``context``). This is an audit trail, not domain flow: nothing else listens, and no
rule runs in a receiver.

What signals do not see: ``QuerySet.update`` and ``bulk_create``. The configuration's
services save such rows one by one; a database shell's raw SQL is not recorded (it also
needs the database's password, which the desk's own admins do not have).
"""

import json
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from hypercare.audit.choices import Action, Area
from hypercare.audit.context import current
from hypercare.audit.models import AuditEntry
from hypercare.lib import clock

HIDDEN = "(hidden)"
LABEL_MAX = 200
# Instance attributes holding what a row or its members were before the change.
_BEFORE = "_audit_before"
_MEMBERS_BEFORE = "_audit_members_before"


@dataclass(frozen=True)
class Watched:
    """How one model's changes are recorded.

    ``ignored``: fields that are state, not configuration (a poll's time, the last
    auto-assigned agent, "last changed" stamps); ``secret``: recorded as changed, never
    by value; ``person``: the field naming the person the record concerns; ``grants``:
    rows that are role grants, created as granted and deleted as revoked; ``members``:
    many-to-many fields whose additions and removals are changes of the record.
    """

    area: Area
    ignored: frozenset[str] = frozenset()
    secret: frozenset[str] = frozenset()
    person: str = ""
    grants: bool = False
    members: tuple[str, ...] = ()


WATCHED: dict[str, Watched] = {
    "tickets.RoutingRule": Watched(Area.ROUTING),
    "sla.SlaPolicy": Watched(Area.SLA),
    "sla.SlaTarget": Watched(Area.SLA),
    "sla.Calendar": Watched(Area.CALENDARS, ignored=frozenset({"updated_at"})),
    "sla.ClosureDay": Watched(Area.CALENDARS),
    "orgs.Team": Watched(
        Area.TEAMS, ignored=frozenset({"last_auto_assigned"}), members=("members",)
    ),
    "accounts.RoleGrant": Watched(Area.ROLES, person="user", grants=True),
    "notifications.NotificationTemplate": Watched(
        Area.TEMPLATES, ignored=frozenset({"updated_at"})
    ),
    "tickets.SavedReply": Watched(Area.TEMPLATES, ignored=frozenset({"created_at", "updated_at"})),
    # Macros are shared templates of work, kept by managers as saved replies are by teams.
    "macros.Macro": Watched(Area.TEMPLATES, ignored=frozenset({"created_at"})),
    "mail.Mailbox": Watched(
        Area.MAIL,
        ignored=frozenset({"last_polled_at", "last_error"}),
        secret=frozenset({"password"}),
    ),
    "mail.MailDomain": Watched(Area.MAIL),
    "handover.ExitGate": Watched(Area.EXIT_GATES),
    "escalations.EscalationRule": Watched(Area.ESCALATION_RULES),
    "orgs.Institution": Watched(Area.INSTITUTIONS, ignored=frozenset({"created_at"})),
    "orgs.Module": Watched(Area.INSTITUTIONS, members=("owners",)),
    "orgs.Integration": Watched(Area.INSTITUTIONS),
    "orgs.IntegrationContact": Watched(Area.INSTITUTIONS),
    "access_requests.ReviewSchedule": Watched(Area.INSTITUTIONS),
    "tags.Tag": Watched(Area.TAGS, ignored=frozenset({"created_at"})),
}


def watch_configuration() -> None:
    """Connect the receivers to every watched model; called once from ``ready``."""
    for label, watched in WATCHED.items():
        model = apps.get_model(label)
        uid = f"audit:{label}"
        pre_save.connect(_remember, sender=model, dispatch_uid=uid)
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
        for name in watched.members:
            through = getattr(model, name).through
            m2m_changed.connect(_members_changed, sender=through, dispatch_uid=f"{uid}.{name}")


def watched(model: type[Model]) -> Watched:
    return WATCHED[model._meta.label]


def values(instance: Model) -> dict[str, Any]:
    """The record's configuration as JSON values: related records by id."""
    spec = watched(type(instance))
    found = {
        field.name: field.value_from_object(instance)
        for field in instance._meta.concrete_fields
        if not field.primary_key and field.name not in spec.ignored
    }
    return dict(json.loads(json.dumps(found, cls=DjangoJSONEncoder)))


def _remember(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance._state.adding:
        return
    stored = sender._base_manager.filter(pk=instance.pk).first()
    setattr(instance, _BEFORE, None if stored is None else values(stored))


def _saved(
    sender: type[Model], instance: Model, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """Loading a fixture (``raw``) restores rows, it does not change the configuration."""
    if raw:
        return
    before = instance.__dict__.pop(_BEFORE, None)
    after = values(instance)
    if created or before is None:
        _record(instance, _made(sender), {}, after)
        return
    changed = [name for name, value in after.items() if before.get(name) != value]
    if changed:
        _record(
            instance,
            Action.CHANGED,
            {name: before.get(name) for name in changed},
            {name: after[name] for name in changed},
        )


def _deleted(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    action = Action.REVOKED if watched(sender).grants else Action.DELETED
    _record(instance, action, values(instance), {})


def _made(model: type[Model]) -> Action:
    return Action.GRANTED if watched(model).grants else Action.CREATED


def _members_changed(
    sender: type[Model],
    instance: Model,
    action: str,
    reverse: bool,
    model: type[Model],
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    """A membership added or removed is a change of the record holding the members
    (a team's members, a module's owners), from either side of the relation."""
    owner_model, name = _membership(sender)
    if action in ("pre_add", "pre_remove", "pre_clear"):
        owners = _owners(owner_model, name, instance, reverse, pk_set)
        setattr(instance, _MEMBERS_BEFORE, [(owner, _members(owner, name)) for owner in owners])
    elif action in ("post_add", "post_remove", "post_clear"):
        for owner, before in instance.__dict__.pop(_MEMBERS_BEFORE, []):
            after = _members(owner, name)
            if after != before:
                _record(owner, Action.CHANGED, {name: before}, {name: after})


def _membership(through: type[Model]) -> tuple[type[Model], str]:
    for label, spec in WATCHED.items():
        model = apps.get_model(label)
        for name in spec.members:
            if getattr(model, name).through is through:
                return model, name
    raise LookupError(f"{through._meta.label} is not a watched membership")


def _owners(
    owner_model: type[Model], name: str, instance: Model, reverse: bool, pk_set: set[Any] | None
) -> list[Model]:
    if not reverse:
        return [instance]
    if pk_set is not None:
        return list(owner_model._base_manager.filter(pk__in=pk_set))
    return list(owner_model._base_manager.filter(**{name: instance}))


def _members(owner: Model, name: str) -> list[str]:
    return sorted(str(member) for member in getattr(owner, name).all())


def _record(instance: Model, action: Action, before: dict[str, Any], after: dict[str, Any]) -> None:
    model = type(instance)
    spec = watched(model)
    acting = current()
    person = acting.person
    AuditEntry.objects.create(
        at=clock.now(),
        actor_id=person.pk if person is not None else None,
        actor_name=person.display_name if person is not None else "",
        channel=acting.channel,
        area=spec.area,
        record_type=model._meta.label_lower,
        record_type_name=str(model._meta.verbose_name).capitalize(),
        record_id=str(instance.pk),
        record_label=_label(instance)[:LABEL_MAX],
        person_id=getattr(instance, f"{spec.person}_id") if spec.person else None,
        action=action,
        before=_hide(spec, before),
        after=_hide(spec, after),
    )


def _hide(spec: Watched, found: dict[str, Any]) -> dict[str, Any]:
    return {
        name: HIDDEN if name in spec.secret and value else value for name, value in found.items()
    }


def _label(instance: Model) -> str:
    """How the record reads; a record whose related rows are already gone (deleted with
    it) by its type and id."""
    try:
        return str(instance)
    except ObjectDoesNotExist:
        return f"{instance._meta.verbose_name} {instance.pk}"
