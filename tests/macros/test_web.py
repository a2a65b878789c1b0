"""Macros on the workspace: a manager keeps them on their page, an agent applies one from
a ticket's page or to the tickets ticked in a queue."""

from datetime import UTC, datetime
from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.macros.choices import MacroEventKind
from hypercare.macros.models import Macro
from hypercare.macros.services import MacroSteps, create_macro
from hypercare.tags.models import Tagging
from hypercare.tickets.choices import Priority, Status
from tests import factories
from tests.web.conftest import signed_in


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(datetime(2025, 3, 3, 9, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER)


@pytest.fixture
def macro(manager: User) -> Macro:
    return create_macro(
        actor=manager,
        steps=MacroSteps(name="Chase", priority=Priority.HIGH, tags_to_add=["chased"]),
    )


def test_a_manager_makes_a_macro_and_sees_its_steps(manager: User) -> None:
    client = signed_in(manager)

    made = client.post(
        "/desk/macros/",
        {"name": "Wait", "status": Status.WAITING_ON_REQUESTER, "tags_to_add": "a, B b"},
    )

    assert made.status_code == 302
    macro = Macro.objects.get()
    assert (macro.status, macro.tags_to_add) == (Status.WAITING_ON_REQUESTER, ["a", "b b"])
    page = client.get("/desk/macros/").content.decode()
    assert "Set the status to Waiting on requester" in page
    assert "Add the tag “b b”" in page


def test_a_macro_that_does_nothing_is_refused_on_the_form(manager: User) -> None:
    refused = signed_in(manager).post("/desk/macros/", {"name": "Nothing"})

    assert refused.status_code == 422
    assert "a macro must do at least one thing" in refused.content.decode()
    assert not Macro.objects.exists()


def test_an_agent_neither_makes_nor_deletes_macros(agent: User, macro: Macro) -> None:
    client = signed_in(agent)

    assert "New macro" not in client.get("/desk/macros/").content.decode()
    assert client.post(f"/desk/macros/{macro.pk}/delete/").status_code == 403
    assert Macro.objects.filter(pk=macro.pk).exists()


def test_an_agent_applies_a_macro_from_the_ticket_page(
    requester: User, agent: User, macro: Macro
) -> None:
    ticket = factories.ticket(requester)
    client = signed_in(agent)
    assert "Apply macro" in client.get(f"/desk/tickets/{ticket.pk}/").content.decode()

    applied = client.post(
        f"/desk/tickets/{ticket.pk}/macros/apply/", {"macro": macro.pk}, follow=True
    )

    assert applied.status_code == 200
    page = applied.content.decode()
    assert "Macro “Chase” applied" in page
    assert "applied the macro “Chase”" in page
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH


def test_a_refused_step_answers_409_naming_it(requester: User, agent: User, manager: User) -> None:
    ticket = factories.ticket(requester)
    closing = create_macro(
        actor=manager, steps=MacroSteps(name="Close", status=Status.CLOSED, tags_to_add=["x"])
    )

    refused = signed_in(agent).post(
        f"/desk/tickets/{ticket.pk}/macros/apply/", {"macro": closing.pk}
    )

    assert refused.status_code == 409
    assert "status: A ticket cannot go from New to Closed." in refused.content.decode()
    assert not Tagging.objects.exists()


def test_no_macro_chosen_names_the_field(requester: User, agent: User) -> None:
    ticket = factories.ticket(requester)

    refused = signed_in(agent).post(f"/desk/tickets/{ticket.pk}/macros/apply/", {})

    assert refused.status_code == 422
    assert "Choose one of the macros listed." in refused.content.decode()


def test_bulk_from_the_queue_reports_each_ticket(
    requester: User, agent: User, manager: User
) -> None:
    new, resolved = factories.ticket(requester), factories.ticket(requester)
    resolved.status = Status.RESOLVED
    resolved.save(update_fields=["status"])
    triage = create_macro(actor=manager, steps=MacroSteps(name="Triage", status=Status.TRIAGED))
    client = signed_in(agent)
    assert "Apply macro" in client.get("/desk/?queue=all").content.decode()

    done = client.post(
        "/desk/macros/apply/",
        {"ticket": [new.pk, resolved.pk], "macro": triage.pk, "next": "/desk/"},
        follow=True,
    )

    page = done.content.decode()
    assert f"{new.reference}: macro “Triage” applied." in page
    assert f"{resolved.reference} was not changed: status: A ticket cannot go" in page
    assert new.events.filter(kind=MacroEventKind.MACRO_APPLIED).count() == 1
    assert not resolved.events.filter(kind=MacroEventKind.MACRO_APPLIED).exists()


def test_bulk_without_tickets_or_macro_says_so(agent: User) -> None:
    done = signed_in(agent).post("/desk/macros/apply/", {"next": "/desk/"}, follow=True)

    page = done.content.decode()
    assert "Tick at least one ticket first." in page
    assert "Choose one of the macros listed." in page
    assert not Macro.objects.exists()
