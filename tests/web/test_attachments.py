from collections.abc import Iterable
from typing import cast

from django.test import Client

from hypercare.accounts.models import User
from hypercare.tickets.models import Attachment, Ticket
from hypercare.tickets.services.attachments import add_attachment, attachment_path
from tests import factories
from tests.web.conftest import PNG, png_file, signed_in


def screenshot(ticket: Ticket, actor: User, *, is_internal: bool = False) -> Attachment:
    return add_attachment(
        ticket=ticket, actor=actor, name="screen.png", content=png_file(), is_internal=is_internal
    )


def test_requester_sees_the_image_inline_and_sandboxed(
    requester_client: Client, requester: User, ticket: Ticket
) -> None:
    attachment = screenshot(ticket, requester)
    response = requester_client.get(f"/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(cast(Iterable[bytes], response.streaming_content)) == PNG  # type: ignore[attr-defined]
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert "sandbox" in response["Content-Security-Policy"]
    download = requester_client.get(f"/attachments/{attachment.pk}/?download=1")
    assert download["Content-Disposition"].startswith("attachment")


def test_outsider_gets_404_on_the_attachment(
    outsider_client: Client, requester: User, ticket: Ticket
) -> None:
    attachment = screenshot(ticket, requester)
    assert outsider_client.get(f"/attachments/{attachment.pk}/").status_code == 404


def test_colleague_who_cannot_see_the_ticket_gets_404(
    colleague: User, requester: User, ticket: Ticket
) -> None:
    attachment = screenshot(ticket, requester)
    assert signed_in(colleague).get(f"/attachments/{attachment.pk}/").status_code == 404


def test_internal_file_is_404_for_the_requester_but_served_to_agents(
    requester_client: Client, agent_client: Client, agent: User, ticket: Ticket
) -> None:
    attachment = screenshot(ticket, agent, is_internal=True)
    assert requester_client.get(f"/attachments/{attachment.pk}/").status_code == 404
    assert agent_client.get(f"/attachments/{attachment.pk}/").status_code == 200


def test_anonymous_visitor_is_sent_to_sign_in(requester: User, ticket: Ticket) -> None:
    attachment = screenshot(ticket, requester)
    response = Client().get(f"/attachments/{attachment.pk}/")
    assert response["Location"].startswith("/login/")


def test_a_file_missing_from_disk_is_a_404_not_a_500(
    requester_client: Client, requester: User, ticket: Ticket
) -> None:
    attachment = screenshot(ticket, requester)
    attachment_path(attachment.storage_name).unlink()
    assert requester_client.get(f"/attachments/{attachment.pk}/").status_code == 404


def test_image_previews_appear_on_both_ticket_pages(
    requester_client: Client, agent_client: Client, requester: User, ticket: Ticket
) -> None:
    attachment = screenshot(ticket, requester)
    img = f'<img src="/attachments/{attachment.pk}/" alt="Screenshot screen.png"'
    assert img in requester_client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert img in agent_client.get(f"/desk/tickets/{ticket.pk}/").content.decode()


def test_attachment_of_a_ticket_of_another_institution_stays_hidden_from_key_users(
    outsider: User, requester: User
) -> None:
    ticket = factories.ticket(requester)
    attachment = screenshot(ticket, requester)
    assert signed_in(outsider).get(f"/attachments/{attachment.pk}/").status_code == 404
