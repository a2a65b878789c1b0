"""Product feedback: enhancement tickets gathered into ideas, institutions' votes, the
decisions told to requesters; through the services, the API and both sides' pages."""

from dataclasses import dataclass

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.feedback.choices import IdeaStatus, IdeaTicketEventKind
from hypercare.feedback.models import Idea, IdeaVote
from hypercare.feedback.selectors import idea_list, idea_tickets, idea_votes
from hypercare.feedback.services import (
    change_idea_status,
    create_idea,
    link_ticket,
    merge_idea,
    vote,
    withdraw_vote,
)
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.releases.models import Release
from hypercare.releases.services import create_release
from hypercare.tickets import workflows
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket
from tests import factories
from tests.api.conftest import ApiClient
from tests.web.conftest import signed_in

NEED = {"business_need": "Send fee reminders by SMS as well as mail."}


@dataclass
class Board:
    riya_ticket: Ticket
    sam_ticket: Ticket
    agent: User
    manager: User
    northfield_admin: User
    southbank_admin: User
    release: Release


@pytest.fixture
def board(
    requester: User, agent: User, institution: Institution, other_institution: Institution
) -> Board:
    sam = factories.requester(other_institution, username="sam")
    manager = factories.agent(Role.SUPPORT_MANAGER, username="meera")
    return Board(
        riya_ticket=factories.ticket(
            requester, category=Category.ENHANCEMENT, category_details=dict(NEED)
        ),
        sam_ticket=factories.ticket(
            sam, category=Category.ENHANCEMENT, category_details=dict(NEED)
        ),
        agent=agent,
        manager=manager,
        northfield_admin=factories.user(
            Role.INSTITUTION_ADMIN, institution=institution, username="ines"
        ),
        southbank_admin=factories.user(
            Role.INSTITUTION_ADMIN, institution=other_institution, username="sbadmin"
        ),
        release=create_release(actor=manager, version="2027.1"),
    )


def _idea(board: Board) -> Idea:
    return create_idea(
        actor=board.agent,
        title="Fee reminders by SMS",
        description="Reminders reach students by SMS too.",
        module_code=ModuleCode.FEES,
        ticket=board.riya_ticket,
    )


def test_an_idea_from_a_ticket_counts_its_institutions_vote_and_tells_the_ticket(
    board: Board,
) -> None:
    _idea(board)
    assert list(IdeaVote.objects.values_list("institution", flat=True)) == [
        board.riya_ticket.institution_id
    ]
    event = board.riya_ticket.events.get(kind=IdeaTicketEventKind.IDEA_LINKED)
    assert (event.is_internal, event.new_value) == (False, "Fee reminders by SMS")
    assert workflows.progress(board.riya_ticket).waiting_for == (
        "The product idea “Fee reminders by SMS” is under review."
    )


def test_a_second_institutions_ticket_joins_the_idea_and_votes_once(board: Board) -> None:
    idea = _idea(board)
    link_ticket(idea=idea, ticket=board.sam_ticket, actor=board.agent)
    vote(idea=idea, actor=board.southbank_admin)
    assert ApiClient(board.agent).get(f"/ideas/{idea.pk}").json()["vote_count"] == 2
    with pytest.raises(ValidationFailed) as refused:
        link_ticket(idea=idea, ticket=board.sam_ticket, actor=board.agent)
    assert refused.value.errors == {"ticket": "is recorded as a product idea already"}


def test_only_enhancement_tickets_become_ideas(board: Board, requester: User) -> None:
    question = factories.ticket(requester)
    with pytest.raises(ValidationFailed) as refused:
        link_ticket(idea=_idea(board), ticket=question, actor=board.agent)
    assert refused.value.errors == {"ticket": "is not an enhancement request"}


def test_key_users_and_admins_vote_for_their_institution_and_may_withdraw(
    board: Board, requester: User
) -> None:
    idea = _idea(board)
    with pytest.raises(NotAllowed):
        vote(idea=idea, actor=requester)
    vote(idea=idea, actor=board.southbank_admin)
    vote(idea=idea, actor=board.southbank_admin)
    assert idea.votes.count() == 2
    withdraw_vote(idea=idea, actor=board.southbank_admin)
    assert idea.votes.count() == 1


def test_planning_tells_each_requester_and_needs_a_release(board: Board) -> None:
    idea = _idea(board)
    link_ticket(idea=idea, ticket=board.sam_ticket, actor=board.agent)
    with pytest.raises(NotAllowed):
        change_idea_status(idea=idea, actor=board.agent, status=IdeaStatus.PLANNED)
    with pytest.raises(ValidationFailed) as refused:
        change_idea_status(idea=idea, actor=board.manager, status=IdeaStatus.PLANNED)
    assert set(refused.value.errors) == {"release"}

    change_idea_status(
        idea=idea, actor=board.manager, status=IdeaStatus.PLANNED, release=board.release
    )

    mails = OutboxMessage.objects.filter(event=NotificationEvent.IDEA_STATUS_CHANGED)
    assert {mail.ticket_id for mail in mails} == {board.riya_ticket.pk, board.sam_ticket.pk}
    riya_mail = mails.get(ticket=board.riya_ticket)
    assert riya_mail.subject == (
        f"[{board.riya_ticket.reference}] Your idea is planned for release 2027.1"
    )
    assert "Southbank" not in riya_mail.body
    assert workflows.progress(board.sam_ticket).waiting_for.endswith(
        "is planned for release 2027.1."
    )


def test_declining_needs_a_reason_the_requesters_read(board: Board) -> None:
    idea = _idea(board)
    with pytest.raises(ValidationFailed) as refused:
        change_idea_status(idea=idea, actor=board.manager, status=IdeaStatus.DECLINED)
    assert set(refused.value.errors) == {"reason"}
    change_idea_status(
        idea=idea, actor=board.manager, status=IdeaStatus.DECLINED, reason="SMS costs too much."
    )
    event = board.riya_ticket.events.get(kind=IdeaTicketEventKind.IDEA_STATUS_CHANGED)
    assert event.body == "declined: SMS costs too much."


def test_merging_a_duplicate_moves_its_tickets_and_votes_once(board: Board) -> None:
    survivor = _idea(board)
    duplicate = create_idea(
        actor=board.agent,
        title="SMS for fee reminders",
        description="Same.",
        module_code=ModuleCode.FEES,
        ticket=board.sam_ticket,
    )
    vote(idea=duplicate, actor=board.northfield_admin)

    merge_idea(duplicate=duplicate, survivor=survivor, actor=board.agent)

    assert set(idea_tickets(board.agent, survivor)) == {board.riya_ticket, board.sam_ticket}
    assert survivor.votes.count() == 2
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert not idea_list(board.northfield_admin).filter(pk=duplicate.pk).exists()
    with pytest.raises(InvalidTransition):
        vote(idea=duplicate, actor=board.southbank_admin)


def test_institutions_read_ideas_and_counts_never_who_voted_or_asked(board: Board) -> None:
    idea = _idea(board)
    link_ticket(idea=idea, ticket=board.sam_ticket, actor=board.agent)
    admin = board.southbank_admin

    assert list(idea_votes(admin, idea)) == []
    assert list(idea_tickets(admin, idea)) == [board.sam_ticket]
    detail = ApiClient(admin).get(f"/ideas/{idea.pk}").json()
    assert (detail["vote_count"], detail["voted"], detail["votes"]) == (2, True, [])
    assert [ticket["reference"] for ticket in detail["tickets"]] == [board.sam_ticket.reference]
    page = signed_in(admin).get(f"/portal/ideas/{idea.pk}/").content.decode()
    assert "2 institutions asked for it, yours among them." in page
    assert "Northfield" not in page
    assert board.riya_ticket.reference not in page


def test_the_api_records_decides_and_counts_votes(board: Board) -> None:
    staff = ApiClient(board.agent)
    created = staff.post(
        "/ideas",
        {
            "title": "Fee reminders by SMS",
            "description": "By SMS too.",
            "module": "fees",
            "ticket": board.riya_ticket.reference,
        },
    )
    assert created.status_code == 201
    idea_id = created.json()["id"]
    assert created.json()["votes"][0]["institution"] == board.riya_ticket.institution.name
    assert (
        staff.post("/ideas", {"title": "", "description": "x", "module": "fees"}).status_code == 422
    )

    linked = staff.post(f"/ideas/{idea_id}/tickets", {"ticket": board.sam_ticket.reference})
    assert linked.json()["vote_count"] == 2
    assert staff.post(f"/ideas/{idea_id}/status", {"status": "declined"}).status_code == 403
    manager = ApiClient(board.manager)
    refused = manager.post(f"/ideas/{idea_id}/status", {"status": "planned"})
    assert refused.status_code == 422
    planned = manager.post(
        f"/ideas/{idea_id}/status", {"status": "planned", "release_id": board.release.pk}
    )
    assert (planned.json()["status"], planned.json()["release"]) == ("planned", "2027.1")

    requester = ApiClient(board.riya_ticket.requester)
    assert requester.post(f"/ideas/{idea_id}/vote").status_code == 403
    listed = requester.get("/ideas").json()["results"]
    assert [(idea["title"], idea["vote_count"]) for idea in listed] == [("Fee reminders by SMS", 2)]
    assert requester.get("/ideas", {"colour": "red"}).status_code == 422


def test_the_desk_records_a_ticket_as_a_new_idea_then_another_as_the_same(
    board: Board,
) -> None:
    client = signed_in(board.agent)
    page = client.get(f"/desk/tickets/{board.riya_ticket.pk}/").content.decode()
    assert "Record as product feedback" in page

    form = client.post(f"/desk/tickets/{board.riya_ticket.pk}/idea/", {"idea": ""})
    assert "Send fee reminders by SMS" in form.content.decode()
    client.post(
        f"/desk/tickets/{board.riya_ticket.pk}/idea/",
        {"title": "Fee reminders by SMS", "description": "By SMS too.", "module_code": "fees"},
    )
    idea = Idea.objects.get()
    client.post(f"/desk/tickets/{board.sam_ticket.pk}/idea/", {"idea": idea.pk})
    assert set(idea_tickets(board.agent, idea)) == {board.riya_ticket, board.sam_ticket}

    listed = client.get("/desk/ideas/").content.decode()
    assert "2 institutions" in listed
    detail = client.get(f"/desk/ideas/{idea.pk}/").content.decode()
    assert "Southbank College" in detail


def test_a_manager_declines_on_the_page_and_the_reason_is_required(board: Board) -> None:
    idea = _idea(board)
    client = signed_in(board.manager)
    refused = client.post(f"/desk/ideas/{idea.pk}/status/", {"status": "declined"})
    assert refused.status_code == 422
    assert 'id="id_status-reason_error"' in refused.content.decode()
    client.post(f"/desk/ideas/{idea.pk}/status/", {"status": "declined", "reason": "Out of scope."})
    idea.refresh_from_db()
    assert (idea.status, idea.decline_reason) == (IdeaStatus.DECLINED, "Out of scope.")


def test_an_admin_votes_from_the_portal(board: Board) -> None:
    idea = _idea(board)
    client = signed_in(board.southbank_admin)
    assert "Fee reminders by SMS" in client.get("/portal/ideas/").content.decode()
    client.post(f"/portal/ideas/{idea.pk}/vote/")
    assert idea.votes.filter(institution=board.southbank_admin.institution).exists()
    client.post(f"/portal/ideas/{idea.pk}/vote/", {"withdraw": "yes"})
    assert not idea.votes.filter(institution=board.southbank_admin.institution).exists()
