"""Reads of the handover: the desk's records of an institution gathered into a record's
content, the record and its versions, each institution scoped by
``access.handover_scope``."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse

from hypercare import access
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.accounts.selectors import PEOPLE_ORDER, support_staff
from hypercare.errors import NotFound
from hypercare.escalations.models import EscalationRule
from hypercare.handover.choices import GateKind
from hypercare.handover.content import Content, HandoverText, Person
from hypercare.handover.gates import QUEUE_FILTERS, RECURRING_PERIOD, GateResult, evaluate
from hypercare.handover.models import (
    HandoverEvent,
    HandoverVersion,
    PhaseChange,
    Scorecard,
)
from hypercare.lib import clock
from hypercare.orgs.models import Institution, Integration, Module
from hypercare.sla.models import SlaPolicy
from hypercare.sla.selectors import governing_policy

NO_INSTITUTION = "No such institution, or you may not read its handover."
NO_VERSION = "The handover record has no such version."


def handover_institutions(user: User) -> QuerySet[Institution]:
    return Institution.objects.filter(access.handover_scope(user))


def handover_overview(user: User) -> QuerySet[Institution]:
    """The institutions ``user`` reads the handover of, each with its current version's
    number and sign-off times (``version``, ``institution_signed_at``, ``desk_signed_at``),
    in one query."""
    current = HandoverVersion.objects.filter(record__institution=OuterRef("pk")).order_by("-number")
    return handover_institutions(user).annotate(
        version=Subquery(current.values("number")[:1]),
        institution_signed_at=Subquery(current.values("institution_signed_at")[:1]),
        desk_signed_at=Subquery(current.values("desk_signed_at")[:1]),
    )


def get_handover_institution(user: User, pk: int) -> Institution:
    institution = handover_institutions(user).filter(pk=pk).first()
    if institution is None:
        raise NotFound(NO_INSTITUTION)
    return institution


@dataclass(frozen=True)
class Handover:
    """The record as a reader sees it: its current version, or, before the first save,
    the desk's records as they are now (version 0, nothing signed)."""

    institution: Institution
    version: HandoverVersion | None
    content: Content

    @property
    def number(self) -> int:
        return self.version.number if self.version else 0


def current_handover(institution: Institution) -> Handover:
    """The institution's handover; the caller has the institution from the scope."""
    version = (
        HandoverVersion.objects.filter(record__institution=institution)
        .select_related("institution_signed_by", "desk_signed_by", "saved_by")
        .order_by("-number")
        .first()
    )
    if version is None:
        return Handover(institution, None, desk_records(institution) | HandoverText().as_content())
    return Handover(institution, version, version.content)


def handover_versions(institution: Institution) -> QuerySet[HandoverVersion]:
    return HandoverVersion.objects.filter(record__institution=institution).select_related(
        "saved_by", "institution_signed_by", "desk_signed_by"
    )


def handover_version(institution: Institution, number: int) -> HandoverVersion:
    found = handover_versions(institution).filter(number=number).first()
    if found is None:
        raise NotFound(NO_VERSION)
    return found


def handover_history(institution: Institution) -> QuerySet[HandoverEvent]:
    return HandoverEvent.objects.filter(record__institution=institution).select_related("actor")


def _person(user: User) -> Person:
    return {"name": user.display_name, "email": user.email}


def _people(institution: Institution, role: str) -> list[Person]:
    holders = User.objects.filter(
        institution=institution, is_active=True, role_grants__role=role
    ).order_by(*PEOPLE_ORDER)
    return [_person(user) for user in holders]


def desk_records(institution: Institution) -> Content:
    """What the desk knows of the institution's people, integrations, module owners,
    escalation managers and SLA, as a record's pre-filled content."""
    admins = _people(institution, Role.INSTITUTION_ADMIN)
    return {
        "institution_admins": admins,
        "support_contacts": {
            "institution": _people(institution, Role.KEY_USER),
            "desk": [_person(user) for user in support_staff(Role.SUPPORT_MANAGER)],
        },
        "integration_contacts": _integration_contacts(institution),
        "module_owners": _module_owners(institution),
        "data_owners": _people(institution, Role.DATA_OWNER),
        "approval_owners": _people(institution, Role.APPROVAL_OWNER),
        "escalation_contacts": {"institution": admins, "desk": _escalation_managers(institution)},
        # Release notes are announced to the institution's admins (releases.services).
        "release_note_recipients": admins,
        "sla": _sla(governing_policy(institution.pk)),
    }


def _integration_contacts(institution: Institution) -> list[dict[str, object]]:
    integrations = Integration.objects.filter(institution=institution, is_active=True)
    return [
        {
            "integration": integration.name,
            "kind": integration.get_kind_display(),
            "contacts": [
                {
                    "name": contact.name,
                    "email": contact.email,
                    "phone": contact.phone,
                    "organisation": contact.organisation,
                }
                for contact in integration.contacts.all()
            ],
        }
        for integration in integrations.prefetch_related("contacts").order_by("name")
    ]


def _module_owners(institution: Institution) -> list[dict[str, object]]:
    active_owners = User.objects.filter(is_active=True).order_by(*PEOPLE_ORDER)
    modules = (
        Module.objects.filter(institution=institution, is_active=True)
        .prefetch_related(Prefetch("owners", queryset=active_owners))
        .order_by("name")
    )
    return [
        {"module": module.name, "owners": [_person(owner) for owner in module.owners.all()]}
        for module in modules
    ]


def _escalation_managers(institution: Institution) -> list[Person]:
    """The managers the escalation rules name for the institution (or for everyone); with
    no rule, every active escalation manager, as the desk would choose among them."""
    named = EscalationRule.objects.filter(
        Q(institution=institution) | Q(institution__isnull=True)
    ).values("manager_id")
    managers = support_staff(Role.ESCALATION_MANAGER)
    ruled = managers.filter(pk__in=named)
    chosen = ruled if ruled.exists() else managers
    return [_person(user) for user in chosen.order_by(*PEOPLE_ORDER)]


def _sla(policy: SlaPolicy | None) -> dict[str, object] | None:
    if policy is None:
        return None
    calendar = policy.calendar
    return {
        "policy": policy.name,
        "targets": [
            {
                "priority": target.priority,
                "first_response_minutes": target.first_response_minutes,
                "resolution_minutes": target.resolution_minutes,
                "business_hours": target.business_hours,
            }
            for target in sorted(policy.targets.all(), key=lambda target: target.priority)
        ],
        "calendar": None
        if calendar is None
        else {
            "name": calendar.name,
            "time_zone": calendar.time_zone,
            "working_hours": calendar.working_hours,
        },
    }


def scorecard_history(institution: Institution) -> QuerySet[Scorecard]:
    """The institution's daily scorecards, newest first."""
    return Scorecard.objects.filter(institution=institution)


def phase_changes(institution: Institution) -> QuerySet[PhaseChange]:
    return PhaseChange.objects.filter(institution=institution).select_related("actor")


def live_scorecard(institution: Institution) -> list[GateResult]:
    """The gates as they stand now, computed for the reader, not stored."""
    return evaluate(institution, clock.now())


def tickets_behind(kind: str, institution_id: int) -> str | None:
    """The desk queue's address listing the tickets behind a gate's figure, if any; the
    recurring issues gate's are the recurring issues page over the gate's window."""
    if kind == GateKind.RECURRING_COVERED:
        over = {"institution": str(institution_id), "period": RECURRING_PERIOD}
        return f"{reverse('web:report-recurring')}?{urlencode(over)}"
    filters = QUEUE_FILTERS.get(kind)
    if filters is None:
        return None
    query = {"queue": "all", "institution": str(institution_id), **filters}
    return f"{reverse('web:desk')}?{urlencode(query)}"
