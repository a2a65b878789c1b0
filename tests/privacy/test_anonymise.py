from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.test import Client

from hypercare.accounts.models import ApiToken, User
from hypercare.accounts.services import issue_token
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import InAppNotification, OutboxMessage
from hypercare.notifications.services import notify
from hypercare.privacy.choices import RegisterAction
from hypercare.privacy.models import RegisterEntry
from hypercare.privacy.services.anonymise import anonymise_person
from hypercare.security.models import RecoveryCode, SignedInSession, TwoFactorDevice
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket, TicketEvent
from hypercare.tickets.selectors import TicketFilters, ticket_list
from hypercare.tickets.titles import title_key
from tests import factories
from tests.factories import PASSWORD
from tests.privacy.conftest import Subject
from tests.security.helpers import enrolled


def _figures() -> Counter[tuple[int, str, str]]:
    """Tickets counted by institution, status and category: what the reports add up."""
    rows = Ticket.objects.values_list("institution_id", "status", "category")
    return Counter(rows)


def _anonymise(subject: Subject, actor: User) -> User:
    return anonymise_person(subject=subject.person, actor=actor, confirmation="riya  SHARMA")


def test_the_account_takes_a_placeholder_unique_to_the_person(
    subject: Subject, manager: User
) -> None:
    person = _anonymise(subject, manager)
    person.refresh_from_db()
    expected = f"former-user-{person.pk}"
    assert (person.username, person.email) == (expected, f"{expected}@invalid")
    assert person.display_name == f"Former user {person.pk}"
    assert not person.is_active
    assert not person.has_usable_password()
    assert not person.role_grants.exists()


def test_mentions_in_titles_descriptions_messages_and_notes_are_replaced(
    subject: Subject, manager: User
) -> None:
    pk = subject.person.pk
    assert OutboxMessage.objects.filter(to_email="riya.sharma@northfield.edu").exists()
    _anonymise(subject, manager)
    subject.own.refresh_from_db()
    assert subject.own.title == f"Former user {pk} cannot print fee receipts"
    assert subject.own.description == f"Please call me back on former-user-{pk}@invalid."
    bodies = set(TicketEvent.objects.values_list("body", flat=True))
    assert f"Hi Former user {pk}, could you send a screenshot?" in bodies
    assert f"Spoke to Former user {pk}; a Longfield issue." in bodies
    assert f"Same as former-user-{pk} reported." in bodies
    assert not any("Riya" in body or "Sharma" in body for body in bodies)
    mails = OutboxMessage.objects.values_list("to_email", "body")
    assert not any("riya.sharma" in to or "Riya" in body for to, body in mails)


def test_a_ticket_whose_title_changes_is_stamped_as_changed_for_the_reports(
    subject: Subject, manager: User, time_machine: time_machine.TimeMachineFixture
) -> None:
    """The title groups counted ahead (``reports.titlecounts``) count again the tickets
    changed since: a new title moves a ticket to another group."""
    later = subject.own.updated_at + timedelta(hours=2)
    time_machine.move_to(later, tick=False)
    _anonymise(subject, manager)
    subject.own.refresh_from_db()
    assert subject.own.title_key == title_key(subject.own.title)
    assert subject.own.updated_at == later


def test_search_no_longer_finds_the_person_but_finds_the_placeholder(
    subject: Subject, manager: User
) -> None:
    assert ticket_list(manager, TicketFilters(text="Sharma")).count() == 1
    _anonymise(subject, manager)
    assert ticket_list(manager, TicketFilters(text="Sharma")).count() == 0
    assert ticket_list(manager, TicketFilters(text="former user")).count() == 1


def test_tickets_and_figures_are_unchanged(subject: Subject, manager: User) -> None:
    before, events = _figures(), TicketEvent.objects.count()
    _anonymise(subject, manager)
    assert _figures() == before
    assert TicketEvent.objects.count() == events
    assert Ticket.objects.get(pk=subject.own.pk).requester_id == subject.person.pk


def test_the_person_cannot_sign_in_by_password_session_or_token(
    subject: Subject, manager: User
) -> None:
    _, token = issue_token(user=subject.person, name="laptop")
    browser = Client()
    browser.force_login(subject.person)
    assert browser.get("/portal/").status_code == 200
    _anonymise(subject, manager)
    assert authenticate(username="rsharma", password=PASSWORD) is None
    assert authenticate(username=f"former-user-{subject.person.pk}", password=PASSWORD) is None
    assert not ApiToken.objects.filter(user=subject.person).exists()
    api = Client().get("/api/v1/tickets", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 401
    assert browser.get("/portal/").status_code == 302


def test_the_persons_second_factor_and_session_records_go_with_the_account(
    subject: Subject, manager: User
) -> None:
    enrolled(subject.person)
    Client().force_login(subject.person)
    assert SignedInSession.objects.filter(user=subject.person).exists()
    _anonymise(subject, manager)
    assert not SignedInSession.objects.filter(user=subject.person).exists()
    assert not TwoFactorDevice.objects.filter(user=subject.person).exists()
    assert not RecoveryCode.objects.filter(user=subject.person).exists()


def test_the_operator_types_the_persons_name_to_confirm(subject: Subject, manager: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        anonymise_person(subject=subject.person, actor=manager, confirmation="rsharma")
    assert set(refused.value.errors) == {"confirmation"}
    subject.person.refresh_from_db()
    assert subject.person.username == "rsharma"
    assert not RegisterEntry.objects.exists()


def test_a_person_is_anonymised_once_and_recorded(subject: Subject, manager: User) -> None:
    person = _anonymise(subject, manager)
    with pytest.raises(InvalidTransition):
        anonymise_person(subject=person, actor=manager, confirmation=person.display_name)
    entry = RegisterEntry.objects.get()
    assert (entry.action, entry.actor, entry.subject) == (
        RegisterAction.ANONYMISE,
        manager,
        person,
    )
    assert entry.outcome["texts_replaced"] >= 5
    assert entry.outcome["roles_removed"] == 1


def test_only_an_admin_of_the_persons_institution_or_a_manager_anonymises(
    subject: Subject, outsider: User, requester: User, agent: User, institution_admin: User
) -> None:
    for stranger in (outsider, requester, agent):
        with pytest.raises(NotAllowed):
            _anonymise(subject, stranger)
    with pytest.raises(NotAllowed):
        anonymise_person(subject=institution_admin, actor=institution_admin, confirmation="ines")
    assert _anonymise(subject, institution_admin).username.startswith("former-user-")


def test_the_answers_of_a_ticket_naming_the_person_are_replaced(
    subject: Subject, manager: User, colleague: User
) -> None:
    access = factories.ticket(
        colleague,
        category=Category.ACCESS,
        category_details={"action": "add", "user": "Riya Sharma", "role": "Fee clerk"},
    )
    _anonymise(subject, manager)
    access.refresh_from_db()
    assert access.category_details["user"] == f"Former user {subject.person.pk}"
    assert access.category_details["role"] == "Fee clerk"


def test_the_persons_notification_centre_goes_and_others_lose_their_name(
    subject: Subject, manager: User, agent: User
) -> None:
    pk = subject.person.pk
    notify(
        event=NotificationEvent.TICKET_ASSIGNED,
        ticket=subject.own,
        recipients=[agent],
        cause="assigned",
    )
    assert InAppNotification.objects.filter(recipient=subject.person).exists()

    _anonymise(subject, manager)

    assert not InAppNotification.objects.filter(recipient=subject.person).exists()
    told = InAppNotification.objects.get(
        recipient=agent, event=NotificationEvent.TICKET_ASSIGNED
    ).subject
    assert told.endswith(f"Former user {pk} cannot print fee receipts")
