"""The demo's major incident: the fee payment gateways fail at two institutions at once.

Each institution's fee clerk reports it; the support manager declares the incident from
the first ticket, attaches the second and posts the first update, all through the
services, so both timelines read as they would after a real outage.
"""

from datetime import datetime, timedelta

from hypercare.accounts.models import User
from hypercare.demo.history import Site
from hypercare.incidents.models import MajorIncident
from hypercare.incidents.services import (
    Declaration,
    attach_child,
    declare_major_incident,
    post_incident_update,
)
from hypercare.orgs.choices import IntegrationKind, ModuleCode
from hypercare.tickets.choices import AffectedWorkflow, Category, Channel, Level
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.intake import open_ticket

STARTED_BEFORE = timedelta(minutes=40)


def _report(site: Site, reference: str) -> Ticket:
    clerk = site.people["fees"]
    return open_ticket(
        actor=clerk,
        institution=site.institution,
        requester=clerk,
        module=site.modules[ModuleCode.FEES],
        category=Category.INTEGRATION,
        category_details={
            "integration_id": site.integrations[IntegrationKind.PAYMENT].pk,
            "transaction_reference": reference,
        },
        title="Online fee payments fail at the gateway",
        description="Every online fee payment ends on an error page; students are queueing.",
        urgency=Level.HIGH,
        impact=Level.HIGH,
        channel=Channel.PORTAL,
        affected_workflow=AffectedWorkflow.FEE_COLLECTION,
    )


def declare_payment_outage(*, sites: list[Site], manager: User, at: datetime) -> MajorIncident:
    """A major incident with a child from each of the first two institutions."""
    first, second = (_report(site, f"PAY-{index}01") for index, site in enumerate(sites[:2]))
    incident = declare_major_incident(
        actor=manager,
        declaration=Declaration(
            title="Fee payments failing",
            module_code=ModuleCode.FEES,
            integration_kind=IntegrationKind.PAYMENT,
            impact="Students cannot pay fees online; counters take cash and cheques only.",
            institutions=[site.institution for site in sites[:2]],
            started_at=at - STARTED_BEFORE,
            update_every_hours=1,
        ),
        from_ticket=first,
    )
    attach_child(incident=incident, ticket=second, actor=manager)
    post_incident_update(
        incident=incident,
        actor=manager,
        body="The payment providers confirm an outage of their gateways; we are working "
        "with them. Please take payments at the counter in the meantime.",
    )
    return incident
