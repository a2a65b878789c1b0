"""Keeping macros and applying them: every step through its own service, all in one
transaction, one summary entry on the timeline."""

from datetime import UTC, datetime
from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.audit.choices import Action, Area
from hypercare.audit.models import AuditEntry
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.macros.choices import MacroEventKind
from hypercare.macros.models import Macro
from hypercare.macros.selectors import visible_macros
from hypercare.macros.services import (
    MacroSteps,
    apply_macro,
    bulk_apply_macro,
    create_macro,
    delete_macro,
    update_macro,
)
from hypercare.tags.models import Tagging
from hypercare.tags.services import add_tag
from hypercare.tickets.choices import EventKind, Priority, Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import timeline
from hypercare.tickets.services.saved_replies import create_saved_reply
from hypercare.tickets.services.workflow import change_status
from tests import factories


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(datetime(2025, 3, 3, 9, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER)


def _tags(ticket: Ticket) -> list[str]:
    return list(Tagging.objects.filter(ticket=ticket).values_list("tag__name", flat=True))


def test_a_macro_applies_every_step_and_says_so_once(
    requester: User, agent: User, manager: User
) -> None:
    team = factories.team("Finance desk")
    team.members.add(agent)
    reply = create_saved_reply(
        actor=manager, team=team, title="Need logs", body="Hello {{requester_name}}, logs?"
    )
    ticket = factories.ticket(requester)
    add_tag(ticket=ticket, actor=agent, name="triage")
    macro = create_macro(
        actor=manager,
        steps=MacroSteps(
            name="Vendor bug",
            status=Status.WAITING_ON_THIRD_PARTY,
            priority=Priority.HIGH,
            team=team,
            tags_to_add=["Vendor  Bug"],
            tags_to_remove=["triage"],
            saved_reply=reply,
            note="Raised with the vendor.",
        ),
    )

    done = apply_macro(ticket=ticket, actor=agent, macro=macro)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.team_id) == (
        Status.WAITING_ON_THIRD_PARTY,
        Priority.HIGH,
        team.pk,
    )
    assert _tags(ticket) == ["vendor bug"]
    assert done == [
        "moved it to the Finance desk team",
        "set the priority to High",
        "added the tag “vendor bug”",
        "removed the tag “triage”",
        "replied with “Need logs”",
        "added an internal note",
        "set the status to Waiting on third party",
    ]
    reply_event = ticket.events.get(kind=EventKind.PUBLIC_REPLY)
    assert reply_event.body == f"Hello {requester.display_name}, logs?"
    assert ticket.events.get(kind=EventKind.INTERNAL_NOTE).body == "Raised with the vendor."
    summary = ticket.events.get(kind=MacroEventKind.MACRO_APPLIED)
    assert summary.is_internal
    assert summary.new_value == "Vendor bug"
    assert summary.body == "; ".join(done) + "."


def test_a_refused_step_undoes_every_step_and_is_named(
    requester: User, agent: User, manager: User
) -> None:
    ticket = factories.ticket(requester)
    macro = create_macro(
        actor=manager,
        steps=MacroSteps(name="Close", tags_to_add=["chased"], status=Status.CLOSED),
    )
    before = ticket.events.count()

    # The tag goes on first; the status step, last, is refused: New cannot close.
    with pytest.raises(InvalidTransition, match=r"^status: A ticket cannot go from New"):
        apply_macro(ticket=ticket, actor=agent, macro=macro)

    assert _tags(ticket) == []
    assert ticket.events.count() == before


def test_a_saved_reply_the_agent_may_not_use_refuses_the_reply_step(
    requester: User, agent: User, manager: User
) -> None:
    other_team = factories.team()
    reply = create_saved_reply(actor=manager, team=other_team, title="Theirs", body="Hi.")
    macro = create_macro(
        actor=manager, steps=MacroSteps(name="Theirs", saved_reply=reply, note="Noted.")
    )
    ticket = factories.ticket(requester)

    with pytest.raises(NotAllowed, match=r"^reply: "):
        apply_macro(ticket=ticket, actor=agent, macro=macro)

    assert not ticket.events.filter(kind=EventKind.INTERNAL_NOTE).exists()


def test_bulk_applies_each_ticket_alone(requester: User, agent: User, manager: User) -> None:
    new, closed = factories.ticket(requester), factories.ticket(requester)
    change_status(ticket=closed, actor=agent, status=Status.RESOLVED)
    macro = create_macro(
        actor=manager, steps=MacroSteps(name="Triage", tags_to_add=["x"], status=Status.TRIAGED)
    )

    outcome = bulk_apply_macro(tickets=[new, closed], actor=agent, macro=macro)

    assert [t.pk for t in outcome.changed] == [new.pk]
    assert outcome.refused == [(closed, "status: A ticket cannot go from Resolved to Triaged.")]
    assert _tags(new) == ["x"]
    assert _tags(closed) == []


def test_the_summary_never_reaches_the_requester(
    requester: User, agent: User, manager: User
) -> None:
    ticket = factories.ticket(requester)
    macro = create_macro(actor=manager, steps=MacroSteps(name="Note", note="Secret."))

    apply_macro(ticket=ticket, actor=agent, macro=macro)

    kinds = set(timeline(requester, ticket).values_list("kind", flat=True))
    assert MacroEventKind.MACRO_APPLIED not in kinds
    assert EventKind.INTERNAL_NOTE not in kinds
    assert MacroEventKind.MACRO_APPLIED in set(
        timeline(agent, ticket).values_list("kind", flat=True)
    )


def test_only_managers_keep_macros_and_only_staff_see_or_apply_them(
    requester: User, agent: User, manager: User
) -> None:
    with pytest.raises(NotAllowed):
        create_macro(actor=agent, steps=MacroSteps(name="Mine", note="x"))
    macro = create_macro(actor=manager, steps=MacroSteps(name="Mine", note="x"))
    ticket = factories.ticket(requester)

    with pytest.raises(NotAllowed):
        apply_macro(ticket=ticket, actor=requester, macro=macro)
    with pytest.raises(NotAllowed):
        delete_macro(actor=agent, macro=macro)
    assert list(visible_macros(requester)) == []
    assert list(visible_macros(agent)) == [macro]

    delete_macro(actor=manager, macro=macro)
    assert not Macro.objects.exists()


def test_a_macro_must_do_something_and_have_its_own_name(manager: User) -> None:
    with pytest.raises(ValidationFailed) as nothing:
        create_macro(actor=manager, steps=MacroSteps(name="Empty"))
    assert set(nothing.value.errors) == {"steps"}
    create_macro(actor=manager, steps=MacroSteps(name="Chase", note="x"))
    other = create_macro(actor=manager, steps=MacroSteps(name="Other", note="x"))

    with pytest.raises(ValidationFailed) as clash:
        update_macro(
            actor=manager,
            macro=other,
            steps=MacroSteps(
                name="CHASE", status="sleeping", tags_to_add=["a"], tags_to_remove=["A"]
            ),
        )
    assert set(clash.value.errors) == {"name", "status", "tags_to_remove"}

    renamed = update_macro(actor=manager, macro=other, steps=MacroSteps(name="Later", note="y"))
    assert (renamed.name, renamed.note) == ("Later", "y")


def test_keeping_macros_is_in_the_configuration_audit(manager: User) -> None:
    macro = create_macro(
        actor=manager, steps=MacroSteps(name="Chase", note="x", tags_to_add=["vendor"])
    )
    update_macro(actor=manager, macro=macro, steps=MacroSteps(name="Chase", note="y"))
    delete_macro(actor=manager, macro=macro)

    entries = AuditEntry.objects.filter(area=Area.TEMPLATES).order_by("pk")
    assert [entry.action for entry in entries] == [Action.CREATED, Action.CHANGED, Action.DELETED]


def test_a_macro_whose_every_step_is_gone_refuses(
    requester: User, agent: User, manager: User
) -> None:
    macro = create_macro(actor=manager, steps=MacroSteps(name="Untag", tags_to_remove=["never"]))

    with pytest.raises(InvalidTransition, match="no step left"):
        apply_macro(ticket=factories.ticket(requester), actor=agent, macro=macro)
