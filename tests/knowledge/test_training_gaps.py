"""Training gaps: a ticket flagged as showing that people in one ERP role need training on
a module's topic; the question workflow; through the services, the API and the desk."""

import pytest

from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.knowledge.choices import KnowledgeTicketEventKind
from hypercare.knowledge.models import TrainingGap
from hypercare.knowledge.services import clear_training_gap, flag_training_gap
from hypercare.tickets import workflows
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.conversation import add_public_reply
from hypercare.tickets.services.workflow import change_status
from tests import factories
from tests.api.conftest import ApiClient
from tests.web.conftest import signed_in


@pytest.fixture
def question(requester: User) -> Ticket:
    return factories.ticket(requester, requester_erp_role="Fee clerk")


def test_a_flag_takes_the_requesters_role_and_the_tickets_module_by_default(
    question: Ticket, agent: User
) -> None:
    gap = flag_training_gap(ticket=question, actor=agent, topic="Reprinting fee receipts")
    assert (gap.erp_role, gap.module_code, gap.institution_id) == (
        "Fee clerk",
        question.module.code,
        question.institution_id,
    )
    event = question.events.get(kind=KnowledgeTicketEventKind.TRAINING_GAP_FLAGGED)
    assert (event.is_internal, event.new_value) == (True, "Reprinting fee receipts (Fee clerk)")


def test_flagging_again_rewords_the_one_flag_and_clearing_removes_it(
    question: Ticket, agent: User
) -> None:
    flag_training_gap(ticket=question, actor=agent, topic="Receipts")
    flag_training_gap(ticket=question, actor=agent, topic="Receipts", erp_role="Bursar")
    assert list(TrainingGap.objects.values_list("erp_role", flat=True)) == ["Bursar"]
    clear_training_gap(ticket=question, actor=agent)
    assert not TrainingGap.objects.exists()
    cleared = question.events.get(kind=KnowledgeTicketEventKind.TRAINING_GAP_CLEARED)
    assert cleared.old_value == "Receipts (Bursar)"


def test_only_support_staff_flag_and_a_role_is_needed(
    requester: User, agent: User, question: Ticket
) -> None:
    with pytest.raises(NotAllowed):
        flag_training_gap(ticket=question, actor=requester, topic="Receipts")
    roleless = factories.ticket(requester, requester_erp_role="")
    with pytest.raises(ValidationFailed) as refused:
        flag_training_gap(ticket=roleless, actor=agent, topic="")
    assert set(refused.value.errors) == {"topic", "erp_role"}


def test_a_question_waits_for_an_answer_then_may_be_flagged(question: Ticket, agent: User) -> None:
    assert workflows.progress(question).waiting_for == "Waiting for an answer from support."
    add_public_reply(ticket=question, actor=agent, body="Use Fees > Reprint.")
    question.refresh_from_db()
    assert workflows.progress(question) == workflows.Progress(
        step="training_gap", waiting_for="", taken=("Answered by support.",)
    )
    flag_training_gap(ticket=question, actor=agent, topic="Reprinting receipts")
    assert workflows.progress(question).taken == ("Answered by support.", "Flagged for training.")


def test_an_answered_question_settled_without_a_flag_is_done(question: Ticket, agent: User) -> None:
    add_public_reply(ticket=question, actor=agent, body="Use Fees > Reprint.")
    change_status(ticket=question, actor=agent, status=Status.RESOLVED, reason="Answered.")
    question.refresh_from_db()
    assert workflows.progress(question).step == ""


def test_the_api_flags_lists_and_clears_for_support_staff_only(
    question: Ticket, agent: User, requester: User, outsider: User
) -> None:
    path = f"/tickets/{question.reference}/training-gap"
    staff = ApiClient(agent)
    flagged = staff.put(path, {"topic": "Receipts", "module": "fees"})
    assert (flagged.status_code, flagged.json()["erp_role"]) == (200, "Fee clerk")
    assert staff.put(path, {"topic": ""}).status_code == 422
    listed = staff.get("/training-gaps", {"module": "fees"}).json()
    assert [gap["ticket"] for gap in listed["results"]] == [question.reference]
    assert ApiClient(requester).get("/training-gaps").status_code == 403
    assert ApiClient(requester).put(path, {"topic": "x"}).status_code == 403
    assert ApiClient(outsider).put(path, {"topic": "x"}).status_code == 404
    assert staff.delete(path).status_code == 204
    assert not TrainingGap.objects.exists()


def test_the_desk_page_flags_and_clears_and_the_portal_shows_no_flag(
    question: Ticket, agent: User, requester: User
) -> None:
    client = signed_in(agent)
    refused = client.post(f"/desk/tickets/{question.pk}/training-gap/", {"topic": ""})
    assert refused.status_code == 422
    assert 'id="id_gap-topic_error"' in refused.content.decode()
    client.post(f"/desk/tickets/{question.pk}/training-gap/", {"topic": "Reprinting receipts"})
    page = client.get(f"/desk/tickets/{question.pk}/").content.decode()
    assert "Reprinting receipts" in page
    portal = signed_in(requester).get(f"/portal/tickets/{question.pk}/").content.decode()
    assert "Reprinting receipts" not in portal
    client.post(f"/desk/tickets/{question.pk}/training-gap/clear/")
    assert not TrainingGap.objects.exists()
