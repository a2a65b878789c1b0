"""Training notes: written from a group of training gaps, reviewed and published as any
article, sent once per person to one institution's people of an ERP role, who then read
it; through the services, the API and the desk."""

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.knowledge.choices import ArticleStatus, Audience, Visibility
from hypercare.knowledge.models import Article, TrainingNoteDelivery
from hypercare.knowledge.selectors import visible_articles
from hypercare.knowledge.services import change_article_status, flag_training_gap
from hypercare.knowledge.training_notes import send_training_note, write_training_note
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from tests import factories
from tests.api.conftest import ApiClient
from tests.web.conftest import signed_in


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="meera")


@pytest.fixture
def gaps(requester: User, agent: User, outsider: User) -> None:
    for person, topic in ((requester, "Reprinting receipts"), (requester, "Reprinting receipts")):
        flag_training_gap(
            ticket=factories.ticket(person), actor=agent, topic=topic, erp_role="Fee clerk"
        )
    flag_training_gap(
        ticket=factories.ticket(outsider), actor=agent, topic="Refunds", erp_role="fee clerk"
    )


def _published(note: Article, writer: User, editor: User) -> Article:
    change_article_status(article=note, actor=writer, status=ArticleStatus.IN_REVIEW)
    return change_article_status(article=note, actor=editor, status=ArticleStatus.PUBLISHED)


def test_a_note_is_drafted_from_the_gaps_of_a_module_and_role(
    gaps: None, agent: User, institution: Institution, other_institution: Institution
) -> None:
    note = write_training_note(actor=agent, module_code=ModuleCode.FINANCE, erp_role="FEE CLERK")
    assert note.status == ArticleStatus.DRAFT
    assert [row.audience for row in note.audiences.all()] == [Audience.TRAINING]
    assert note.visibility == Visibility.CHOSEN_INSTITUTIONS
    assert set(note.institutions.all()) == {institution, other_institution}
    assert "- Reprinting receipts (asked in 2 ticket(s))" in note.body
    assert "- Refunds (asked in 1 ticket(s))" in note.body


def test_a_note_needs_gaps_to_start_from(agent: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        write_training_note(actor=agent, module_code=ModuleCode.FINANCE, erp_role="Dean")
    assert set(refused.value.errors) == {"erp_role"}
    with pytest.raises(ValidationFailed) as refused:
        write_training_note(actor=agent, module_code="nope", erp_role="")
    assert set(refused.value.errors) == {"module_code", "erp_role"}


def test_sending_reaches_the_institutions_people_of_the_role_once(
    gaps: None, agent: User, manager: User, institution: Institution, requester: User
) -> None:
    User.objects.filter(pk=requester.pk).update(erp_role="Fee clerk")
    other_clerk = factories.requester(institution, username="ravi", erp_role="fee clerk")
    factories.requester(institution, username="dean", erp_role="Dean")
    note = write_training_note(actor=agent, module_code=ModuleCode.FINANCE, erp_role="Fee clerk")
    assert not visible_articles(other_clerk).filter(pk=note.pk).exists()
    _published(note, agent, manager)

    sent = send_training_note(
        article=note, institution=institution, erp_role="Fee clerk", actor=manager
    )
    assert sent.new == 2
    assert {row.recipient.username for row in sent.deliveries} == {requester.username, "ravi"}
    assert visible_articles(other_clerk).filter(pk=note.pk).exists()
    mails = OutboxMessage.objects.filter(event=NotificationEvent.TRAINING_NOTE)
    assert set(mails.values_list("recipient__username", flat=True)) == {requester.username, "ravi"}
    assert f"/portal/knowledge/{note.pk}/" in mails.first().body  # type: ignore[union-attr]

    again = send_training_note(
        article=note, institution=institution, erp_role="Fee clerk", actor=manager
    )
    assert again.new == 0
    assert TrainingNoteDelivery.objects.count() == 2
    assert mails.count() == 2


def test_only_a_published_note_visible_to_the_institution_is_sent(
    gaps: None, agent: User, manager: User, institution: Institution, requester: User
) -> None:
    User.objects.filter(pk=requester.pk).update(erp_role="Fee clerk")
    note = write_training_note(actor=agent, module_code=ModuleCode.FINANCE, erp_role="Fee clerk")
    with pytest.raises(InvalidTransition, match="Publish"):
        send_training_note(
            article=note, institution=institution, erp_role="Fee clerk", actor=manager
        )
    _published(note, agent, manager)
    stranger = factories.institution("Eastgate College", slug="eastgate")
    factories.requester(stranger, username="eve", erp_role="Fee clerk")
    with pytest.raises(InvalidTransition, match="not visible to Eastgate College"):
        send_training_note(article=note, institution=stranger, erp_role="Fee clerk", actor=manager)
    with pytest.raises(ValidationFailed) as nobody:
        send_training_note(article=note, institution=institution, erp_role="Dean", actor=manager)
    assert set(nobody.value.errors) == {"erp_role"}
    with pytest.raises(NotAllowed):
        send_training_note(article=note, institution=institution, erp_role="Fee clerk", actor=agent)
    assert not TrainingNoteDelivery.objects.exists()


def test_the_api_writes_sends_and_lists_recipients(
    gaps: None, agent: User, manager: User, institution: Institution, requester: User
) -> None:
    User.objects.filter(pk=requester.pk).update(erp_role="Fee clerk")
    written = ApiClient(agent).post(
        "/training-notes", {"module": ModuleCode.FINANCE, "erp_role": "Fee clerk"}
    )
    assert written.status_code == 201
    note = Article.objects.get(pk=written.json()["id"])
    api = ApiClient(manager)
    body = {"institution_id": institution.pk, "erp_role": "Fee clerk"}
    assert api.post(f"/articles/{note.pk}/deliveries", body).status_code == 409
    _published(note, agent, manager)
    sent = api.post(f"/articles/{note.pk}/deliveries", body)
    assert sent.status_code == 200
    assert sent.json()["new"] == 1
    assert (
        api.post(f"/articles/{note.pk}/deliveries", {**body, "institution_id": 999}).status_code
        == 422
    )
    assert len(api.get(f"/articles/{note.pk}/deliveries").json()) == 1
    mine = ApiClient(requester).get(f"/articles/{note.pk}/deliveries").json()
    assert [row["recipient"]["username"] for row in mine] == [requester.username]


def test_the_desk_writes_and_sends_from_the_report(
    gaps: None, agent: User, manager: User, institution: Institution, requester: User
) -> None:
    User.objects.filter(pk=requester.pk).update(erp_role="Fee clerk")
    web = signed_in(manager)
    drafted = web.post(
        "/desk/knowledge/training-notes/new/",
        {"module_code": ModuleCode.FINANCE, "erp_role": "Fee clerk"},
    )
    note = Article.objects.get()
    assert drafted["Location"] == f"/desk/knowledge/{note.pk}/edit/"
    _published(note, agent, manager)
    report = web.get("/desk/knowledge/report/").content.decode()
    assert "Write training note" in report
    assert f"Send to {institution.name} Fee clerk users" in report
    sent = web.post(
        "/desk/knowledge/training-notes/send/",
        {"article": note.pk, "institution": institution.pk, "erp_role": "Fee clerk"},
        follow=True,
    )
    page = sent.content.decode()
    assert "Sent to 1 new recipient(s)." in page
    assert requester.display_name in page
