"""Saved views: kept through their service, read back as the queue reads its address."""

from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, NotFound, ValidationFailed
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Team
from hypercare.tickets.choices import QueueColumn, Status
from hypercare.tickets.models import SavedView
from hypercare.tickets.saved_views import (
    get_usable_saved_view,
    saved_view_counts,
    usable_saved_views,
    view_columns,
    view_tickets,
)
from hypercare.tickets.services.saved_views import (
    create_saved_view,
    delete_saved_view,
    move_saved_view,
    update_saved_view,
)
from hypercare.tickets.services.workflow import assign_ticket, change_status
from tests import factories

ALL_COLUMNS = list(QueueColumn.values)


@pytest.fixture
def desk(agent: User) -> Team:
    team = factories.team("Service desk")
    team.members.add(agent)
    return team


def _view(actor: User, name: str = "Exams", team: Team | None = None, **kwargs: Any) -> SavedView:
    fields: dict[str, Any] = {
        "query": "module=exams",
        "sort": "priority",
        "columns": ALL_COLUMNS,
        **kwargs,
    }
    return create_saved_view(actor=actor, name=name, team=team, **fields)


def test_a_view_shows_the_tickets_its_filters_ask_for_in_its_sort(
    agent: User, requester: User
) -> None:
    older = factories.ticket(requester, module_code=ModuleCode.EXAMS, title="Marks vanish")
    newer = factories.ticket(requester, module_code=ModuleCode.EXAMS, title="Marks late")
    factories.ticket(requester, module_code=ModuleCode.FINANCE)
    view = _view(agent, sort="-created_at")
    assert list(view_tickets(agent, view)) == [newer, older]


def test_a_view_keeps_the_queue_it_was_saved_from(agent: User, requester: User) -> None:
    mine = factories.ticket(requester, module_code=ModuleCode.EXAMS)
    factories.ticket(requester, module_code=ModuleCode.EXAMS)
    assign_ticket(ticket=mine, actor=agent, assignee=agent, reason="")
    view = _view(agent, query="queue=mine&module=exams&page=3&view=9&sort=due&q=")
    assert view.query == "queue=mine&module=exams"
    assert list(view_tickets(agent, view)) == [mine]


def test_each_bad_filter_is_named_and_nothing_is_kept(agent: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _view(agent, name=" ", query="priority=p9&queue=elsewhere", sort="x", columns=["due"])
    assert refused.value.errors == {
        "name": "must not be empty",
        "query": "queue: Choose one of mine, team, unassigned, all",
        "sort": "Choose a sort",
        "columns": "must include the ticket, which opens it",
    }
    with pytest.raises(ValidationFailed) as refused:
        _view(agent, query="priority=p9")
    assert refused.value.errors["query"].startswith("priority: ")
    with pytest.raises(ValidationFailed) as refused:
        _view(agent, columns=["ticket", "ticket"])
    assert refused.value.errors == {"columns": "name each column once"}
    with pytest.raises(ValidationFailed) as refused:
        _view(agent, columns=["ticket", "colour"])
    assert refused.value.errors == {"columns": "no such column: colour"}
    assert not SavedView.objects.exists()


def test_columns_are_shown_in_the_views_order(agent: User) -> None:
    view = _view(agent, columns=["ticket", "due", "owner"])
    assert view_columns(view) == [("ticket", "Ticket"), ("due", "Due"), ("owner", "Owner")]
    assert [key for key, _ in view_columns(None)] == ALL_COLUMNS


def test_a_personal_view_is_its_owners_alone(agent: User, desk: Team) -> None:
    view = _view(agent)
    teammate = factories.agent(Role.TIER1, username="teammate")
    desk.members.add(teammate)
    assert list(usable_saved_views(agent)) == [view]
    assert not usable_saved_views(teammate).exists()
    with pytest.raises(NotFound):
        get_usable_saved_view(teammate, view.pk)
    with pytest.raises(NotAllowed):
        delete_saved_view(actor=teammate, view=view)


def test_a_team_view_is_a_tab_of_each_member_and_the_lead(agent: User, desk: Team) -> None:
    lead = factories.agent(Role.TIER2, username="lead")
    desk.lead = lead
    desk.save()
    other_team_member = factories.agent(Role.TIER1, username="other")
    factories.team("Finance tier 2").members.add(other_team_member)
    manager = factories.agent(Role.SUPPORT_MANAGER, username="manager")
    view = _view(agent, team=desk)
    assert list(usable_saved_views(lead)) == [view]
    update_saved_view(
        actor=lead, view=view, name="Exams, urgent", query="module=exams&priority=high",
        sort="due", columns=ALL_COLUMNS, team=desk,
    )  # fmt: skip
    assert get_usable_saved_view(agent, view.pk).name == "Exams, urgent"
    assert not usable_saved_views(other_team_member).exists()
    assert not usable_saved_views(manager).exists()
    with pytest.raises(NotAllowed):
        update_saved_view(
            actor=other_team_member, view=view, name="Mine now", query="",
            sort="due", columns=ALL_COLUMNS, team=None,
        )  # fmt: skip


def test_only_a_member_or_the_lead_shares_with_a_team(agent: User, desk: Team) -> None:
    elsewhere = factories.team("Finance tier 2")
    with pytest.raises(NotAllowed):
        _view(agent, team=elsewhere)
    view = _view(agent)
    with pytest.raises(NotAllowed):
        update_saved_view(
            actor=agent, view=view, name="Exams", query="", sort="due",
            columns=ALL_COLUMNS, team=elsewhere,
        )  # fmt: skip
    assert SavedView.objects.get().team is None


def test_unsharing_a_team_view_makes_it_personal_to_who_unshared_it(
    agent: User, desk: Team
) -> None:
    teammate = factories.agent(Role.TIER1, username="teammate")
    desk.members.add(teammate)
    view = _view(agent, team=desk)
    update_saved_view(
        actor=teammate, view=view, name="Exams", query="module=exams", sort="priority",
        columns=ALL_COLUMNS, team=None,
    )  # fmt: skip
    assert list(usable_saved_views(teammate)) == [view]
    assert not usable_saved_views(agent).exists()


def test_institution_people_keep_no_views(requester: User) -> None:
    with pytest.raises(NotAllowed):
        _view(requester)
    assert not usable_saved_views(requester).exists()


def test_tabs_move_left_and_right_and_stay_numbered(agent: User, desk: Team) -> None:
    first, second, third = (_view(agent, name=name) for name in ("One", "Two", "Three"))
    move_saved_view(actor=agent, view=third, offset=-1)
    assert [view.name for view in usable_saved_views(agent)] == ["One", "Three", "Two"]
    move_saved_view(actor=agent, view=first, offset=-1)
    move_saved_view(actor=agent, view=first, offset=1)
    assert [view.name for view in usable_saved_views(agent)] == ["Three", "One", "Two"]
    assert [view.position for view in usable_saved_views(agent)] == [0, 1, 2]
    assert second.pk == usable_saved_views(agent).last().pk  # type: ignore[union-attr]


def test_tab_counts_match_the_views_tickets_in_one_query(
    agent: User, requester: User, django_assert_num_queries: Any
) -> None:
    exams = factories.ticket(requester, module_code=ModuleCode.EXAMS)
    factories.ticket(requester, module_code=ModuleCode.EXAMS, title="Marks vanish")
    change_status(ticket=exams, actor=agent, status=Status.RESOLVED, reason="Fixed.")
    views = [
        _view(agent, name="Exams"),
        _view(agent, name="Exams, closed too", query="module=exams&status=all"),
        _view(agent, name="Searched", query="q=vanish"),
        _view(agent, name="Mine", query="queue=mine"),
    ]
    # The agents offered as owners are read once; the counts are one query.
    with django_assert_num_queries(2):
        counts = saved_view_counts(agent, views)
    assert counts == {view.pk: view_tickets(agent, view).count() for view in views}
    assert list(counts.values()) == [1, 2, 1, 0]
