import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.orgs.models import Team
from hypercare.tickets.selectors import (
    get_usable_saved_reply,
    saved_reply_text,
    usable_saved_replies,
)
from hypercare.tickets.services.saved_replies import (
    create_saved_reply,
    delete_saved_reply,
    update_saved_reply,
)
from tests import factories


@pytest.fixture
def desk(agent: User) -> Team:
    team = factories.team("Service desk")
    team.members.add(agent)
    return team


def test_team_members_keep_their_teams_saved_replies(agent: User, desk: Team) -> None:
    reply = create_saved_reply(actor=agent, team=desk, title=" Greeting ", body="Hello")
    assert reply.title == "Greeting"
    update_saved_reply(actor=agent, reply=reply, title="Greeting", body="Hi there")
    assert get_usable_saved_reply(agent, reply.pk).body == "Hi there"
    delete_saved_reply(actor=agent, reply=reply)
    assert not usable_saved_replies(agent).exists()


def test_titles_are_unique_within_a_team(agent: User, desk: Team) -> None:
    create_saved_reply(actor=agent, team=desk, title="Greeting", body="Hello")
    with pytest.raises(ValidationFailed) as refused:
        create_saved_reply(actor=agent, team=desk, title="greeting", body="Again")
    assert "title" in refused.value.errors


def test_outsiders_of_the_team_may_neither_change_nor_use_them(
    agent: User, desk: Team, requester: User
) -> None:
    reply = create_saved_reply(actor=agent, team=desk, title="Greeting", body="Hello")
    stranger = factories.agent(Role.TIER2, username="stranger")
    with pytest.raises(NotAllowed):
        update_saved_reply(actor=stranger, reply=reply, title="x", body="y")
    with pytest.raises(NotAllowed):
        create_saved_reply(actor=requester, team=desk, title="x", body="y")
    assert not usable_saved_replies(stranger).exists()
    assert not usable_saved_replies(requester).exists()


def test_team_lead_and_support_manager_may_use_them(agent: User, desk: Team) -> None:
    reply = create_saved_reply(actor=agent, team=desk, title="Greeting", body="Hello")
    lead = factories.agent(Role.TIER2, username="lead")
    desk.lead = lead
    desk.save()
    manager = factories.agent(Role.SUPPORT_MANAGER, username="boss")
    assert list(usable_saved_replies(lead)) == [reply]
    assert list(usable_saved_replies(manager)) == [reply]


def test_placeholders_take_the_tickets_values(agent: User, desk: Team, requester: User) -> None:
    ticket = factories.ticket(requester)
    reply = create_saved_reply(
        actor=agent,
        team=desk,
        title="Ack",
        body="Dear {{requester_name}}, {{reference}} ({{module}}) is with {{agent_name}}.",
    )
    text = saved_reply_text(agent, reply, ticket)
    assert text == f"Dear Riya, {ticket.reference} (Finance/Accounts) is with tara."
