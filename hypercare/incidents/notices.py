"""Which notifications a major incident queues, and for whom. Called inside services.

Each message is about one recipient's own world only: a requester's mail names their own
ticket, an institution admin's lists their own institution's children. The context holds
the incident's public words (title, the update, times), never the incident itself, so
an edited template cannot reach another institution's names through it.
"""

from collections import defaultdict

from hypercare.accounts.choices import Role
from hypercare.accounts.models import RoleGrant, User
from hypercare.accounts.selectors import support_staff
from hypercare.incidents.models import IncidentEvent, MajorIncident
from hypercare.lib.times import Moment
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import Notice, notify, notify_many
from hypercare.tickets.models import Ticket


def _public_words(incident: MajorIncident, body: str) -> dict[str, object]:
    due = incident.next_update_due_at
    return {
        "incident_title": incident.title,
        "started_at": Moment(incident.started_at),
        "body": body,
        "next_update_due": Moment(due) if due else "",
    }


def update_posted(
    incident: MajorIncident, children: list[Ticket], cause: IncidentEvent, actor: User
) -> None:
    """To each child's requester (and who reported for them), about their ticket; to each
    affected institution's admins, with their institution's children only."""
    words = _public_words(incident, cause.body)
    notify_many(
        event=NotificationEvent.INCIDENT_UPDATE,
        notices=[
            Notice(
                child,
                [person for person in (child.requester, child.reported_by) if person != actor],
                f"incident-event:{cause.pk}",
                words,
            )
            for child in children
        ],
    )
    own_children: dict[int, list[dict[str, str]]] = defaultdict(list)
    for child in children:
        own_children[child.institution_id].append(
            {"reference": child.reference, "title": child.title}
        )
    notify_many(
        event=NotificationEvent.INCIDENT_INSTITUTION_UPDATE,
        notices=[
            Notice(
                None,
                list(_admins_of(institution.pk)),
                f"incident-event:{cause.pk}:institution:{institution.pk}",
                {
                    **words,
                    "institution": institution.name,
                    "tickets": own_children[institution.pk],
                },
            )
            for institution in incident.institutions.all()
        ],
    )


def _admins_of(institution_id: int) -> list[User]:
    admins = RoleGrant.objects.filter(role=Role.INSTITUTION_ADMIN).values("user_id")
    return list(User.objects.filter(is_active=True, institution_id=institution_id, pk__in=admins))


def update_missed(incident: MajorIncident, cause: IncidentEvent, due: Moment) -> None:
    """To who declared it and every support manager: everyone affected waits for it."""
    _to_handlers(NotificationEvent.INCIDENT_UPDATE_MISSED, incident, cause, due)


def resolve_missed(incident: MajorIncident, cause: IncidentEvent, due: Moment) -> None:
    """To who declared it and every support manager: the outage outlasted its target."""
    _to_handlers(NotificationEvent.INCIDENT_RESOLVE_MISSED, incident, cause, due)


def _to_handlers(
    event: NotificationEvent, incident: MajorIncident, cause: IncidentEvent, due: Moment
) -> None:
    notify(
        event=event,
        ticket=None,
        recipients=[incident.declared_by, *support_staff(Role.SUPPORT_MANAGER)],
        cause=f"incident-event:{cause.pk}",
        context={
            "reference": incident.reference,
            "incident_title": incident.title,
            "children": incident.children.count(),
            "due": due,
        },
    )
