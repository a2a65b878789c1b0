from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.choices import Role
from hypercare.incidents.models import MajorIncident
from hypercare.incidents.services import (
    attach_child,
    declare_major_incident,
    post_incident_update,
)
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from tests import factories
from tests.incidents.conftest import T0, TITLE, Outage, declaration, payment_ticket
from tests.web.conftest import signed_in


def test_declaring_from_a_ticket_page(outage: Outage) -> None:
    client = signed_in(outage.manager)
    ticket_page = client.get(f"/desk/tickets/{outage.riya_ticket.pk}/").content.decode()
    assert f"/desk/incidents/declare/?ticket={outage.riya_ticket.pk}" in ticket_page
    form = client.get(f"/desk/incidents/declare/?ticket={outage.riya_ticket.pk}")
    assert form.status_code == 200
    answer = client.post(
        f"/desk/incidents/declare/?ticket={outage.riya_ticket.pk}",
        {
            "title": TITLE,
            "module_code": "fees",
            "integration_kind": "payment",
            "impact": "Nobody can pay online.",
            "institutions": [outage.northfield.pk],
            "started_at": "2025-04-07T10:40",
            "update_every_hours": "1",
        },
    )
    incident = MajorIncident.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/desk/incidents/{incident.pk}/"
    assert incident.children.get().ticket == outage.riya_ticket


def test_a_declaration_with_mistakes_names_each_field(outage: Outage) -> None:
    answer = signed_in(outage.manager).post(
        "/desk/incidents/declare/",
        {"title": "", "module_code": "fees", "started_at": "2099-01-01T10:00",
         "update_every_hours": "1", "institutions": [outage.northfield.pk]},
    )  # fmt: skip
    assert answer.status_code == 422
    page = answer.content.decode()
    assert 'id="id_title_error"' in page
    assert 'id="id_impact_error"' in page
    assert not MajorIncident.objects.exists()


def test_a_tier_1_agent_may_not_declare(outage: Outage) -> None:
    answer = signed_in(factories.agent(Role.TIER1)).get("/desk/incidents/declare/")
    assert answer.status_code == 403


def test_attach_a_suggestion_then_post_one_update(outage: Outage, incident: MajorIncident) -> None:
    client = signed_in(outage.manager)
    page = client.get(f"/desk/incidents/{incident.pk}/").content.decode()
    assert outage.sam_ticket.reference in page  # suggested
    attached = client.post(
        f"/desk/incidents/{incident.pk}/children/", {"ticket": outage.sam_ticket.reference}
    )
    assert attached.status_code == 302
    assert incident.children.count() == 2
    posted = client.post(f"/desk/incidents/{incident.pk}/update/", {"body": "Restarting."})
    assert posted.status_code == 302
    incident.refresh_from_db()
    assert incident.last_update_at is not None


def test_an_update_posted_on_the_page_meets_each_childs_first_response(
    outage: Outage, incident: MajorIncident, time_machine: Any
) -> None:
    time_machine.move_to(T0 + timedelta(hours=1), tick=False)
    signed_in(outage.manager).post(f"/desk/incidents/{incident.pk}/update/", {"body": "Down."})
    panel = signed_in(outage.manager).get(f"/desk/tickets/{outage.riya_ticket.pk}/sla/")
    assert 'data-clock="first_response">\n      <span class="sla sla--met">Met' in (
        panel.content.decode()
    )
    child = Ticket.objects.get(pk=outage.riya_ticket.pk)
    assert child.first_responded_at == T0 + timedelta(hours=1)


def test_attaching_an_unknown_reference_names_the_field(
    outage: Outage, incident: MajorIncident
) -> None:
    answer = signed_in(outage.manager).post(
        f"/desk/incidents/{incident.pk}/children/", {"ticket": "HC-999999"}
    )
    assert answer.status_code == 422
    page = answer.content.decode()
    assert 'id="id_ticket_error"' in page
    assert "No such ticket, or you may not see it." in page


def test_bulk_attach_from_the_queue(outage: Outage, incident: MajorIncident) -> None:
    client = signed_in(outage.manager)
    queue = client.get("/desk/?queue=all").content.decode()
    assert 'formaction="/desk/incidents/attach/"' in queue
    answer = client.post(
        "/desk/incidents/attach/",
        {"ticket": [outage.sam_ticket.pk, outage.riya_ticket.pk], "incident": incident.pk,
         "next": "/desk/?queue=all"},
    )  # fmt: skip
    assert answer.status_code == 302
    assert answer["Location"] == "/desk/?queue=all"
    assert incident.children.count() == 2


def test_resolving_on_the_page_resolves_the_children(
    outage: Outage, incident: MajorIncident
) -> None:
    answer = signed_in(outage.manager).post(
        f"/desk/incidents/{incident.pk}/resolve/", {"resolution": "Certificate renewed."}
    )
    assert answer.status_code == 302
    outage.riya_ticket.refresh_from_db()
    assert outage.riya_ticket.status == Status.RESOLVED


def test_the_banner_shows_in_the_affected_portal_only(
    outage: Outage, incident: MajorIncident
) -> None:
    northfield = signed_in(outage.riya).get("/portal/").content.decode()
    assert "Known issue:" in northfield
    assert f"Known issue:</strong> {TITLE} since" in northfield
    southbank = signed_in(outage.sam).get("/portal/").content.decode()
    assert "Known issue:" not in southbank
    desk = signed_in(outage.manager).get("/desk/").content.decode()
    assert f"/desk/incidents/{incident.pk}/" in desk


def test_the_daily_review_lists_incidents_and_flags_an_overdue_update(
    outage: Outage, incident: MajorIncident, time_machine: Any
) -> None:
    time_machine.move_to(T0 + timedelta(hours=3), tick=False)
    page = signed_in(outage.manager).get("/desk/escalations/").content.decode()
    assert "Active major incidents" in page
    assert incident.reference in page
    assert "Overdue" in page
    post_incident_update(incident=incident, actor=outage.manager, body="Still on it.")
    page = signed_in(outage.manager).get("/desk/escalations/").content.decode()
    assert "Overdue" not in page


def test_the_list_and_an_incident_page_cost_the_same_queries_for_few_and_many(
    outage: Outage, incident: MajorIncident
) -> None:
    client = signed_in(outage.manager)
    pages = ("/desk/incidents/", f"/desk/incidents/{incident.pk}/", "/desk/escalations/")
    few = [_queries(partial(client.get, address)) for address in pages]
    for n in range(5):
        other = declare_major_incident(
            actor=outage.manager, declaration=declaration(institutions=[outage.northfield])
        )
        post_incident_update(incident=other, actor=outage.manager, body="Working on it.")
        attach_child(
            incident=incident,
            ticket=payment_ticket(outage.sam, f"Payment {n} refused"),
            actor=outage.manager,
        )
    assert [_queries(partial(client.get, address)) for address in pages] == few


def _queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_the_incident_page_and_desk_banner_show_the_time_left_then_overdue(
    outage: Outage, incident: MajorIncident, time_machine: Any
) -> None:
    client = signed_in(outage.manager)
    page = client.get(f"/desk/incidents/{incident.pk}/").content.decode()
    assert "<dt>Resolve by</dt>" in page
    assert ">4 h left</time>" in page
    time_machine.move_to(T0 + timedelta(hours=5, minutes=20), tick=False)
    page = client.get(f"/desk/incidents/{incident.pk}/").content.decode()
    assert 'class="sla sla--breached" data-resolve-by' in page
    assert ">overdue by 1 h</time>" in page
    desk = client.get("/desk/").content.decode()
    assert ">overdue by 1 h</time>" in desk
    portal = signed_in(outage.riya).get("/portal/").content.decode()
    assert "data-resolve-by" not in portal


def test_moving_the_target_on_the_page(outage: Outage, incident: MajorIncident) -> None:
    client = signed_in(outage.manager)
    answer = client.post(
        f"/desk/incidents/{incident.pk}/resolve-by/",
        {"resolve_by": "2025-04-07T20:00", "reason": "The vendor ships a patch tonight."},
    )
    assert (answer.status_code, answer["Location"]) == (302, f"/desk/incidents/{incident.pk}/")
    incident.refresh_from_db()
    assert incident.resolve_by == T0.replace(hour=20, minute=0)
    page = client.get(f"/desk/incidents/{incident.pk}/").content.decode()
    assert "Resolution target changed" in page
    assert "The vendor ships a patch tonight." in page


def test_moving_the_target_without_answers_names_each_field(
    outage: Outage, incident: MajorIncident
) -> None:
    client = signed_in(outage.manager)
    empty = client.post(f"/desk/incidents/{incident.pk}/resolve-by/", {})
    assert empty.status_code == 422
    page = empty.content.decode()
    assert 'id="id_resolve_by_error"' in page
    assert 'id="id_reason_error"' in page
    past = client.post(
        f"/desk/incidents/{incident.pk}/resolve-by/",
        {"resolve_by": "2025-04-07T10:50", "reason": "Sooner."},
    )
    assert past.status_code == 422
    assert "must be in the future" in past.content.decode()


def test_declaring_with_a_resolution_target(outage: Outage) -> None:
    signed_in(outage.manager).post(
        "/desk/incidents/declare/",
        {"title": TITLE, "module_code": "fees", "impact": "Nobody can pay online.",
         "institutions": [outage.northfield.pk], "started_at": "2025-04-07T10:40",
         "update_every_hours": "1", "resolve_by": "2025-04-07T12:30"},
    )  # fmt: skip
    assert MajorIncident.objects.get().resolve_by == T0.replace(hour=12, minute=30)
