"""An article drafted from a resolved ticket, and the knowledge panel of the desk's
ticket page: searching while answering and inserting an article into the reply."""

import pytest
from django.conf import settings
from django.test import Client

from hypercare.accounts.choices import Role, WorkArea
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed
from hypercare.knowledge.choices import (
    ArticleEventKind,
    ArticleStatus,
    Audience,
    KnowledgeTicketEventKind,
    Visibility,
)
from hypercare.knowledge.models import Article, ArticleSource
from hypercare.knowledge.selectors import article_source_ticket, ticket_page_search
from hypercare.knowledge.services import (
    ARTICLE_BODY_MAX,
    ArticleContent,
    change_article_status,
    create_article,
    draft_article_from_ticket,
)
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Participant, Ticket, TicketEvent
from hypercare.tickets.services.conversation import add_internal_note, add_public_reply
from hypercare.tickets.services.workflow import change_status
from tests import factories
from tests.api.conftest import ApiClient
from tests.web.conftest import signed_in

DESCRIPTION = (
    "Riya Sen here from Northfield University (northfield). Printing the fee receipt "
    "shows a blank page. Call me on +91 98765 43210 or mail riya.sen@northfield.edu; "
    "my colleague Colin Park saw it too, see HC-000777."
)


@pytest.fixture
def colin(institution: Institution) -> User:
    return factories.requester(institution, username="cpark", first_name="Colin", last_name="Park")


@pytest.fixture
def resolved(requester: User, agent: User, colin: User) -> Ticket:
    User.objects.filter(pk=requester.pk).update(last_name="Sen")
    requester.refresh_from_db()
    ticket = factories.ticket(
        requester, title="Northfield fee receipt prints blank", description=DESCRIPTION
    )
    Participant.objects.create(ticket=ticket, user=colin, added_at=ticket.created_at)
    add_public_reply(
        ticket=ticket,
        actor=agent,
        body="Hi Riya,\n1. Open Fees → Receipts.\n2. Choose Regenerate.\nTara, Northfield desk",
    )
    add_internal_note(ticket=ticket, actor=agent, body="Riya's printer is at desk 4, secret.")
    add_public_reply(ticket=ticket, actor=requester, body="Thanks! Riya, 98765 43210")
    return change_status(
        ticket=ticket,
        actor=agent,
        status=Status.RESOLVED,
        reason="The receipt template of Northfield University had lost its page size.",
    )


def test_a_resolved_ticket_becomes_a_draft_without_its_people_or_institution(
    resolved: Ticket, agent: User
) -> None:
    article = draft_article_from_ticket(ticket=resolved, actor=agent)
    text = f"{article.title}\n{article.body}"
    assert (article.status, article.visibility) == (ArticleStatus.DRAFT, Visibility.INTERNAL)
    assert article.module_code == ModuleCode.FINANCE
    assert [row.audience for row in article.audiences.all()] == [Audience.EVERYONE]
    for leak in (
        "Riya",
        "Sen ",
        "Colin",
        "Park",
        "Tara",
        "Northfield",
        "northfield",
        "98765",
        "@",
        "HC-000777",
        "desk 4",
        "secret",
        "Thanks",
    ):
        assert leak not in text, leak
    assert article.title == "[institution] fee receipt prints blank"
    assert "## Problem\n\n[person] here from [institution] ([institution])." in article.body
    assert "## Cause\n\nThe receipt template of [institution] had lost its page size." in text
    assert "## Steps\n\nHi [person],\n1. Open Fees → Receipts." in text


def test_the_draft_is_linked_to_its_ticket_on_both_histories(resolved: Ticket, agent: User) -> None:
    article = draft_article_from_ticket(ticket=resolved, actor=agent)
    assert ArticleSource.objects.get(article=article).ticket == resolved
    assert article.events.filter(
        kind=ArticleEventKind.WRITTEN_FROM_TICKET, new_value=resolved.reference
    ).exists()
    event = TicketEvent.objects.get(ticket=resolved, kind=KnowledgeTicketEventKind.ARTICLE_DRAFTED)
    assert (event.is_internal, event.new_value) == (True, article.title)


def test_an_open_ticket_or_one_already_drafted_is_refused(
    requester: User, resolved: Ticket, agent: User
) -> None:
    with pytest.raises(InvalidTransition, match="resolved or closed"):
        draft_article_from_ticket(ticket=factories.ticket(requester), actor=agent)
    draft_article_from_ticket(ticket=resolved, actor=agent)
    with pytest.raises(InvalidTransition, match="already written"):
        draft_article_from_ticket(ticket=resolved, actor=agent)
    assert Article.objects.count() == 1


def test_only_a_writer_drafts(resolved: Ticket, requester: User) -> None:
    with pytest.raises(NotAllowed):
        draft_article_from_ticket(ticket=resolved, actor=requester)


def test_a_ticket_with_no_resolution_note_nor_reply_says_what_is_missing(
    requester: User, agent: User
) -> None:
    ticket = change_status(ticket=factories.ticket(requester), actor=agent, status=Status.RESOLVED)
    body = draft_article_from_ticket(ticket=ticket, actor=agent).body
    assert "## Cause\n\n_What caused it" in body
    assert "## Steps\n\n_The steps that fixed it" in body


def test_a_long_conversation_is_cut_to_what_an_article_holds(requester: User, agent: User) -> None:
    ticket = factories.ticket(requester)
    for _ in range(3):
        add_public_reply(ticket=ticket, actor=agent, body="Step. " * 8000)
    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    body = draft_article_from_ticket(ticket=ticket, actor=agent).body
    assert ARTICLE_BODY_MAX - 10 < len(body) <= ARTICLE_BODY_MAX
    assert body.endswith("the ticket said more than an article holds.)_")


def test_the_api_drafts_and_answers_each_refusal(
    resolved: Ticket, agent: User, requester: User, outsider: User
) -> None:
    path = f"/tickets/{resolved.reference}/article-draft"
    assert ApiClient(outsider).post(path).status_code == 404
    assert ApiClient(requester).post(path).status_code == 403
    answer = ApiClient(agent).post(path)
    assert answer.status_code == 201
    assert answer.json()["source_ticket"] == resolved.reference
    assert answer.json()["status"] == "draft"
    assert ApiClient(agent).post(path).status_code == 409
    fresh = factories.ticket(requester)
    assert ApiClient(agent).post(f"/tickets/{fresh.reference}/article-draft").status_code == 409
    assert ApiClient(agent).post("/tickets/HC-999999/article-draft").status_code == 404


def test_the_ticket_page_drafts_and_then_names_the_article(resolved: Ticket, agent: User) -> None:
    web = signed_in(agent)
    page = web.get(f"/desk/tickets/{resolved.pk}/").content.decode()
    assert "Draft an article from this ticket" in page
    answer = web.post(f"/desk/tickets/{resolved.pk}/article-draft/")
    article = Article.objects.get()
    assert answer["Location"] == f"/desk/knowledge/{article.pk}/edit/"
    page = web.get(f"/desk/tickets/{resolved.pk}/").content.decode()
    assert "Article written from this ticket" in page
    assert "Draft an article from this ticket" not in page
    shown = web.get(f"/desk/knowledge/{article.pk}/").content.decode()
    assert (
        f'Written from ticket <a href="/desk/tickets/{resolved.pk}/">{resolved.reference}' in shown
    )
    assert web.post(f"/desk/tickets/{resolved.pk}/article-draft/").status_code == 409


def test_an_open_ticket_offers_no_draft(requester: User, agent: User) -> None:
    ticket = factories.ticket(requester)
    page = signed_in(agent).get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "Draft an article from this ticket" not in page
    assert signed_in(agent).post(f"/desk/tickets/{ticket.pk}/article-draft/").status_code == 409


def _published(
    writer: User, editor: User, title: str, visibility: str = Visibility.ALL_INSTITUTIONS
) -> Article:
    content = ArticleContent(
        title=title,
        body=f"Steps for {title}.",
        module_code=ModuleCode.FINANCE,
        audiences=[Audience.EVERYONE],
        visibility=visibility,
    )
    article = create_article(actor=writer, content=content)
    change_article_status(article=article, actor=writer, status=ArticleStatus.IN_REVIEW)
    return change_article_status(article=article, actor=editor, status=ArticleStatus.PUBLISHED)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="meera")


def test_the_panel_starts_with_the_tickets_title_dropping_words_until_found(
    requester: User, agent: User, manager: User
) -> None:
    found = _published(agent, manager, "Receipt blank after printing")
    ticket = factories.ticket(requester, title="Fee receipt blank")
    text, hits = ticket_page_search(agent, ticket)
    assert (text, hits) == ("receipt blank", [found])
    page = signed_in(agent).get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert 'value="receipt blank"' in page
    assert "Receipt blank after printing</a>" in page


def _hits(client: Client, ticket: Ticket, **query: str) -> str:
    answer = client.get(f"/desk/tickets/{ticket.pk}/knowledge/", query, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    return answer.content.decode()


def test_search_offers_a_link_only_to_what_the_requester_can_open(
    requester: User, agent: User, manager: User
) -> None:
    public = _published(agent, manager, "Receipt reprint")
    internal = _published(agent, manager, "Receipt internals", Visibility.INTERNAL)
    ticket = factories.ticket(requester)
    web = signed_in(agent)
    hits = _hits(web, ticket, q="receipt", module=ModuleCode.FINANCE)
    assert "Receipt reprint</a>" in hits
    assert "Receipt internals</a>" in hits
    assert f"/knowledge/{public.pk}/link/" in hits
    assert f"/knowledge/{internal.pk}/link/" not in hits
    assert "cannot open this article" in hits
    link = web.get(f"/desk/tickets/{ticket.pk}/knowledge/{public.pk}/link/")
    assert (
        link.content.decode()
        == f"Receipt reprint: {settings.SITE_URL}/portal/knowledge/{public.pk}/\n"
    )
    refused = web.get(f"/desk/tickets/{ticket.pk}/knowledge/{internal.pk}/link/")
    assert refused.status_code == 409
    text = web.get(f"/desk/tickets/{ticket.pk}/knowledge/{internal.pk}/text/")
    assert text.content.decode() == "Steps for Receipt internals.\n"


def test_the_requesters_work_area_decides_the_link(
    requester: User, agent: User, manager: User
) -> None:
    content = ArticleContent(
        title="Hostel fees",
        body="For hostel staff.",
        module_code=ModuleCode.FINANCE,
        audiences=[Audience.HR],
        visibility=Visibility.ALL_INSTITUTIONS,
    )
    article = create_article(actor=agent, content=content)
    change_article_status(article=article, actor=agent, status=ArticleStatus.IN_REVIEW)
    change_article_status(article=article, actor=manager, status=ArticleStatus.PUBLISHED)
    ticket = factories.ticket(requester)
    web = signed_in(agent)
    assert web.get(f"/desk/tickets/{ticket.pk}/knowledge/{article.pk}/link/").status_code == 409
    User.objects.filter(pk=requester.pk).update(work_area=WorkArea.HR)
    assert web.get(f"/desk/tickets/{ticket.pk}/knowledge/{article.pk}/link/").status_code == 200


def test_search_refuses_a_bad_module_or_query_by_name(requester: User, agent: User) -> None:
    ticket = factories.ticket(requester)
    web = signed_in(agent)
    bad_module = web.get(f"/desk/tickets/{ticket.pk}/knowledge/", {"module": "nope"})
    assert bad_module.status_code == 422
    assert "module" in bad_module.content.decode()
    long = web.get(f"/desk/tickets/{ticket.pk}/knowledge/", {"q": "x" * 201})
    assert long.status_code == 422


def test_search_opened_as_a_page_comes_in_the_desks_frame(requester: User, agent: User) -> None:
    ticket = factories.ticket(requester)
    page = signed_in(agent).get(f"/desk/tickets/{ticket.pk}/knowledge/", {"q": "zzz"})
    assert page.status_code == 200
    assert "No article found for “zzz”" in page.content.decode()
    assert f'href="/desk/tickets/{ticket.pk}/"' in page.content.decode()


def test_institution_users_reach_none_of_the_panels_addresses(
    requester: User, resolved: Ticket, agent: User, manager: User
) -> None:
    article = _published(agent, manager, "Receipt reprint")
    web = signed_in(requester)
    for address in (
        f"/desk/tickets/{resolved.pk}/knowledge/",
        f"/desk/tickets/{resolved.pk}/knowledge/{article.pk}/link/",
        f"/desk/tickets/{resolved.pk}/knowledge/{article.pk}/text/",
    ):
        assert web.get(address).status_code == 302
    assert web.post(f"/desk/tickets/{resolved.pk}/article-draft/").status_code == 302
    assert not ArticleSource.objects.exists()
    assert article_source_ticket(requester, article) is None
