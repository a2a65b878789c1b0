"""Ticket lists: full-text and reference search, filters, sort order, query counts."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from pytest_django import DjangoAssertNumQueries

from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.orgs.choices import ModuleCode, Tier
from hypercare.orgs.models import Institution
from hypercare.tickets.choices import Category, Level, Priority, Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import (
    LIST_RELATED,
    TicketFilters,
    get_visible_ticket,
    parse_reference,
    ticket_list,
    timeline,
)
from hypercare.tickets.services.conversation import add_internal_note, add_public_reply
from hypercare.tickets.services.workflow import assign_ticket, change_status, change_team
from tests import factories

T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def _found(user: User, **filters: Any) -> set[int]:
    return set(ticket_list(user, TicketFilters(**filters)).values_list("pk", flat=True))


@pytest.fixture
def receipt(requester: User) -> Ticket:
    return factories.ticket(
        requester,
        title="Fee receipt does not print",
        description="Clicking Print shows a blank page.",
        action_attempted="Reprinting the semester receipt",
        error_seen="PDF renderer timeout",
    )


@pytest.fixture
def payroll(requester: User) -> Ticket:
    return factories.ticket(
        requester,
        title="Payroll run stuck",
        description="The March run never finishes.",
        module_code=ModuleCode.PAYROLL,
    )


# Search -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["receipt", "blank", "reprinting", "renderer", "timeout", "RECEIPT", "Fee receipt"],
)
def test_search_finds_words_in_title_description_action_and_error(
    agent: User, receipt: Ticket, payroll: Ticket, text: str
) -> None:
    assert _found(agent, text=text) == {receipt.pk}


@pytest.mark.parametrize("text", ["rece", "pay", "render", "sem"])
def test_search_matches_word_prefixes(
    agent: User, receipt: Ticket, payroll: Ticket, text: str
) -> None:
    assert _found(agent, text=text) == ({payroll.pk} if text == "pay" else {receipt.pk})


def test_search_needs_every_word(agent: User, receipt: Ticket, payroll: Ticket) -> None:
    assert _found(agent, text="receipt payroll") == set()
    assert _found(agent, text="payroll march") == {payroll.pk}


def test_search_ignores_accents(agent: User, requester: User) -> None:
    ticket = factories.ticket(requester, title="Résumé upload fails")
    assert _found(agent, text="resume") == {ticket.pk}


def test_search_follows_edits_to_the_ticket(agent: User, receipt: Ticket) -> None:
    receipt.title = "Hall ticket misprinted"
    receipt.save()
    assert _found(agent, text="hall") == {receipt.pk}
    assert _found(agent, text="fee") == set()
    assert _found(agent, text="blank") == {receipt.pk}


def test_search_by_reference_in_any_form(agent: User, receipt: Ticket, payroll: Ticket) -> None:
    for text in (
        receipt.reference,
        receipt.reference.lower(),
        f"hc-{receipt.pk}",
        f" HC-{receipt.pk} ",
    ):
        assert _found(agent, text=text) == {receipt.pk}, text


def test_reference_to_a_missing_ticket_finds_nothing(agent: User, receipt: Ticket) -> None:
    assert _found(agent, text="HC-999999") == set()


@pytest.mark.parametrize(
    "text",
    ["?!...", "***", '"', "-", "()", "^", ":", "{}"],
)
def test_punctuation_only_search_does_not_crash(agent: User, receipt: Ticket, text: str) -> None:
    # Text without a word to look for narrows nothing.
    assert _found(agent, text=text) == {receipt.pk}


@pytest.mark.parametrize(
    "text",
    [
        'receipt" OR "payroll',
        "receipt AND",
        "NEAR(receipt payroll)",
        "title:receipt",
        "receipt*",
        "-payroll receipt",
        "'; DROP TABLE tickets_ticket; --",
    ],
)
def test_search_syntax_in_the_text_is_taken_literally(
    agent: User, receipt: Ticket, payroll: Ticket, text: str
) -> None:
    assert payroll.pk not in _found(agent, text=text)


def test_search_combines_with_filters(agent: User, receipt: Ticket, payroll: Ticket) -> None:
    assert _found(agent, text="run", module=(ModuleCode.PAYROLL,)) == {payroll.pk}
    assert _found(agent, text="run", module=(ModuleCode.FINANCE,)) == set()


def test_parse_reference() -> None:
    assert parse_reference("HC-000123") == 123
    assert parse_reference("hc-123") == 123
    assert parse_reference("  Hc-0042 ") == 42
    assert parse_reference("HC-") is None
    assert parse_reference("HC-12a") is None
    assert parse_reference("123") is None
    assert parse_reference("XX-123") is None


# Filters and sort ---------------------------------------------------------------------


def test_filters_narrow_by_status_priority_category_module_and_tier(
    agent: User, requester: User
) -> None:
    question = factories.ticket(requester)
    incident = factories.ticket(
        requester,
        category=Category.INCIDENT,
        category_details={"since": "2025-06-01T08:00:00Z", "users_affected": 5},
        impact=Level.HIGH,
        urgency=Level.HIGH,
        module_code=ModuleCode.EXAMS,
    )
    change_status(ticket=incident, actor=agent, status=Status.IN_PROGRESS)
    Ticket.objects.filter(pk=incident.pk).update(tier=Tier.TECHNICAL)
    assert _found(agent, status=(Status.NEW,)) == {question.pk}
    assert _found(agent, status=(Status.NEW, Status.IN_PROGRESS)) == {question.pk, incident.pk}
    assert _found(agent, priority=(Priority.CRITICAL,)) == {incident.pk}
    assert _found(agent, category=(Category.QUESTION,)) == {question.pk}
    assert _found(agent, module=(ModuleCode.EXAMS,)) == {incident.pk}
    assert _found(agent, tier=(Tier.TECHNICAL,)) == {incident.pk}
    assert _found(agent, tier=(Tier.SERVICE_DESK,), priority=(Priority.CRITICAL,)) == set()


def test_filters_narrow_by_institution_team_and_assignee(
    agent: User, tier2_agent: User, requester: User, other_institution: Institution
) -> None:
    theirs = factories.ticket(factories.requester(other_institution))
    mine, unowned, tomas = (factories.ticket(requester) for _ in range(3))
    assign_ticket(ticket=mine, actor=agent, assignee=agent)
    assign_ticket(ticket=tomas, actor=agent, assignee=tier2_agent)
    finance = factories.team("Finance")
    change_team(ticket=unowned, actor=agent, team=finance)
    assert _found(agent, institution=other_institution.pk) == {theirs.pk}
    assert _found(agent, team=finance.pk) == {unowned.pk}
    assert _found(agent, assignee="me") == {mine.pk}
    assert _found(tier2_agent, assignee="me") == {tomas.pk}
    assert _found(agent, assignee="none") == {theirs.pk, unowned.pk}
    assert _found(agent, assignee=tier2_agent.pk) == {tomas.pk}


def test_default_sort_puts_the_most_urgent_first_then_the_oldest(
    agent: User, requester: User
) -> None:
    opened = []
    for minutes, (impact, urgency) in enumerate(
        [
            (Level.LOW, Level.LOW),
            (Level.HIGH, Level.HIGH),
            (Level.MEDIUM, Level.MEDIUM),
            (Level.HIGH, Level.MEDIUM),
            (Level.HIGH, Level.HIGH),
        ]
    ):
        with time_machine.travel(T0 + timedelta(minutes=minutes), tick=False):
            opened.append(factories.ticket(requester, impact=impact, urgency=urgency))
    listed = list(ticket_list(agent, TicketFilters()))
    assert [t.priority for t in listed] == ["critical", "critical", "high", "medium", "low"]
    assert [t.pk for t in listed[:2]] == [opened[1].pk, opened[4].pk]


def test_newest_first_sort(agent: User, requester: User) -> None:
    with time_machine.travel(T0, tick=False):
        older = factories.ticket(requester)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        newer = factories.ticket(requester)
    listed = ticket_list(agent, TicketFilters(), sort="-created_at")
    assert [t.pk for t in listed] == [newer.pk, older.pk]


def _walk(user: User) -> None:
    for ticket in ticket_list(user, TicketFilters()):
        for field in LIST_RELATED:
            str(getattr(ticket, field))


@pytest.mark.parametrize("persona", ["agent", "key_user", "requester"])
def test_ticket_list_costs_one_query_however_long(
    request: pytest.FixtureRequest,
    django_assert_num_queries: DjangoAssertNumQueries,
    requester: User,
    agent: User,
    persona: str,
) -> None:
    user = request.getfixturevalue(persona)
    user.roles  # noqa: B018 (loads the role grants the access policy reads)
    for count in (2, 6):
        while Ticket.objects.count() < count:
            ticket = factories.ticket(requester)
            assign_ticket(ticket=ticket, actor=agent, assignee=agent)
            change_team(ticket=ticket, actor=agent, team=factories.team())
        with django_assert_num_queries(1):
            _walk(user)


# Single tickets and the timeline ------------------------------------------------------


def test_get_visible_ticket_raises_not_found_for_a_missing_ticket(agent: User) -> None:
    with pytest.raises(NotFound):
        get_visible_ticket(agent, 424242)


def test_timeline_lists_events_oldest_first(agent: User, requester: User) -> None:
    with time_machine.travel(T0, tick=False):
        ticket = factories.ticket(requester)
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        add_public_reply(ticket=ticket, actor=agent, body="Second")
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        add_internal_note(ticket=ticket, actor=agent, body="First")
    # The reply also takes the New ticket into work: an owner and a status, after it.
    assert [e.body for e in timeline(agent, ticket)] == ["", "First", "Second", "", ""]
    assert [e.body for e in timeline(requester, ticket)] == ["", "Second", "", ""]
