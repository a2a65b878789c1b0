"""The title key tickets store, which the recurring issues report groups them by."""

from hypercare.accounts.models import User
from hypercare.tickets.models import Ticket
from hypercare.tickets.titles import title_key
from tests import factories


def test_a_new_ticket_stores_its_titles_key(requester: User) -> None:
    ticket = factories.ticket(requester, title="Invoice 1234 won't POST!")

    stored = Ticket.objects.values_list("title_key", flat=True).get(pk=ticket.pk)

    assert stored == "invoice post won" == title_key(ticket.title)


def test_an_edited_title_rewrites_the_key_even_when_only_the_title_is_saved(
    requester: User,
) -> None:
    ticket = factories.ticket(requester, title="Invoice will not post")

    ticket.title = "Payslip PDF is blank"
    ticket.save(update_fields=["title"])

    stored = Ticket.objects.values_list("title", "title_key").get(pk=ticket.pk)
    assert stored == ("Payslip PDF is blank", "blank payslip pdf")


def test_a_title_without_significant_words_is_its_own_key() -> None:
    assert title_key("Why? Why not!") == "why? why not!"
    assert len(title_key("x" * 250)) == 200
