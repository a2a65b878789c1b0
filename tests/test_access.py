"""The access policy, proved through the selectors and services that use it.

One small world: Northfield with a requester, a colleague, a key user, a module owner
(Finance), an institution admin; Southbank with its own admin (the outsider) and a
requester; the desk with Tier 1 and Tier 2 agents and a support manager.
"""

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO

import pytest

from hypercare import access
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, NotFound
from hypercare.mail import selectors
from hypercare.mail.choices import InboundStatus, MailEventKind
from hypercare.mail.intake import process
from hypercare.mail.models import InboundMessage, QuarantineAction
from hypercare.mail.selectors import raw_message, with_shown_messages
from hypercare.mail.services import store_raw
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution, Integration
from hypercare.orgs.selectors import (
    get_visible_institution,
    visible_institutions,
    visible_integrations,
    visible_modules,
)
from hypercare.problems.choices import ProblemTicketEventKind
from hypercare.problems.models import Problem
from hypercare.problems.selectors import (
    ProblemFilters,
    problem_list,
    ticket_problems,
    visible_problems,
)
from hypercare.problems.services.records import ProblemDetails, create_problem
from hypercare.problems.services.workaround import publish_workaround
from hypercare.tickets.choices import EventKind, Status
from hypercare.tickets.models import Attachment, PendingUpload, Ticket
from hypercare.tickets.selectors import (
    TicketFilters,
    get_visible_attachment,
    get_visible_ticket,
    pending_uploads,
    ticket_attachments,
    ticket_list,
    timeline,
    visible_tickets,
)
from hypercare.tickets.services.attachments import add_attachment, keep_upload
from hypercare.tickets.services.conversation import add_internal_note, add_public_reply
from hypercare.tickets.services.intake import open_ticket
from hypercare.tickets.services.workflow import change_status
from tests import factories
from tests.api.conftest import ApiClient
from tests.lib import samples
from tests.mail.quarantined import quarantined
from tests.web.conftest import signed_in


@dataclass
class World:
    users: dict[str, User]
    tickets: dict[str, Ticket]
    northfield: Institution
    southbank: Institution
    integrations: dict[str, Integration]


@pytest.fixture
def world(
    institution: Institution,
    other_institution: Institution,
    requester: User,
    colleague: User,
    key_user: User,
    outsider: User,
    agent: User,
    tier2_agent: User,
) -> World:
    module_owner = factories.user(Role.MODULE_OWNER, institution=institution, username="mo")
    factories.module(institution, ModuleCode.FINANCE).owners.add(module_owner)
    southbank_requester = factories.requester(other_institution, username="sam")
    users = {
        "requester": requester,
        "colleague": colleague,
        "key_user": key_user,
        "module_owner": module_owner,
        "institution_admin": factories.user(
            Role.INSTITUTION_ADMIN, institution=institution, username="ines"
        ),
        "data_owner": factories.user(Role.DATA_OWNER, institution=institution, username="dora"),
        "outsider": outsider,
        "southbank_requester": southbank_requester,
        "tier1": agent,
        "tier2": tier2_agent,
        "support_manager": factories.agent(Role.SUPPORT_MANAGER, username="meera"),
    }
    title = "Receipt printing fails"
    tickets = {
        "riya_finance": factories.ticket(requester, title=title),
        "riya_by_key_user": factories.ticket(
            requester, actor=key_user, title=title, module_code=ModuleCode.EXAMS
        ),
        "colleague_exams": factories.ticket(colleague, title=title, module_code=ModuleCode.EXAMS),
        "colleague_finance": factories.ticket(colleague, title=title),
        "owner_hr": factories.ticket(module_owner, title=title, module_code=ModuleCode.HR),
        "southbank_finance": factories.ticket(southbank_requester, title=title),
    }
    integrations = {
        "northfield": factories.integration(institution, name="Northfield gateway"),
        "southbank": factories.integration(other_institution, name="Southbank SMS"),
    }
    return World(users, tickets, institution, other_institution, integrations)


NORTHFIELD = {
    "riya_finance",
    "riya_by_key_user",
    "colleague_exams",
    "colleague_finance",
    "owner_hr",
}
EVERYTHING = NORTHFIELD | {"southbank_finance"}
SEES: dict[str, set[str]] = {
    "requester": {"riya_finance", "riya_by_key_user"},
    "colleague": {"colleague_exams", "colleague_finance"},
    "key_user": NORTHFIELD,
    "institution_admin": NORTHFIELD,
    "module_owner": {"riya_finance", "colleague_finance", "owner_hr"},
    "data_owner": set(),
    "outsider": {"southbank_finance"},
    "southbank_requester": {"southbank_finance"},
    "tier1": EVERYTHING,
    "tier2": EVERYTHING,
    "support_manager": EVERYTHING,
}


def _names(world: World, pks: Iterable[int]) -> set[str]:
    by_pk = {ticket.pk: name for name, ticket in world.tickets.items()}
    return {by_pk[pk] for pk in pks}


@pytest.mark.parametrize("persona", SEES)
def test_each_persona_sees_exactly_their_tickets(world: World, persona: str) -> None:
    user = world.users[persona]
    assert _names(world, visible_tickets(user).values_list("pk", flat=True)) == SEES[persona]


@pytest.mark.parametrize("persona", SEES)
def test_get_visible_ticket_hides_what_the_persona_may_not_see(world: World, persona: str) -> None:
    user = world.users[persona]
    for name, ticket in world.tickets.items():
        if name in SEES[persona]:
            assert get_visible_ticket(user, ticket.pk) == ticket
        else:
            with pytest.raises(NotFound):
                get_visible_ticket(user, ticket.pk)


@pytest.mark.parametrize("persona", SEES)
def test_search_finds_only_visible_tickets(world: World, persona: str) -> None:
    user = world.users[persona]
    found = ticket_list(user, TicketFilters(text="receipt printing"))
    assert found.count() == len(SEES[persona])
    assert _names(world, found.values_list("pk", flat=True)) == SEES[persona]


@pytest.mark.parametrize("persona", SEES)
def test_reference_search_finds_only_visible_tickets(world: World, persona: str) -> None:
    user = world.users[persona]
    for name, ticket in world.tickets.items():
        found = ticket_list(user, TicketFilters(text=ticket.reference.lower()))
        assert found.count() == (1 if name in SEES[persona] else 0)


@pytest.mark.parametrize("persona", SEES)
def test_filters_never_widen_what_is_visible(world: World, persona: str) -> None:
    user = world.users[persona]
    for filters in (
        TicketFilters(institution=world.northfield.pk),
        TicketFilters(institution=world.southbank.pk),
        TicketFilters(assignee="none"),
        TicketFilters(module=(ModuleCode.FINANCE,)),
    ):
        found = _names(world, ticket_list(user, filters).values_list("pk", flat=True))
        assert found <= SEES[persona]


@pytest.mark.parametrize("persona", ["requester", "tier1"])
def test_inactive_user_sees_nothing(world: World, persona: str) -> None:
    user = world.users[persona]
    user.is_active = False
    user.save()
    assert not visible_tickets(user).exists()
    assert ticket_list(user, TicketFilters(text="receipt")).count() == 0
    assert not visible_institutions(user).exists()
    assert not visible_modules(user).exists()
    with pytest.raises(NotFound):
        get_visible_ticket(user, world.tickets["riya_finance"].pk)


def test_module_ownership_elsewhere_grants_nothing_at_northfield(world: World) -> None:
    """A misconfigured owner from another institution still sees only their own."""
    stranger = factories.user(Role.MODULE_OWNER, institution=world.southbank)
    factories.module(world.northfield, ModuleCode.FINANCE).owners.add(stranger)
    assert not visible_tickets(stranger).exists()


# Institutions, modules, integrations --------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "institutions"),
    [
        ("requester", {"northfield"}),
        ("module_owner", {"northfield"}),
        ("key_user", {"northfield"}),
        ("outsider", {"southbank"}),
        ("tier1", {"northfield", "southbank"}),
    ],
)
def test_institution_data_is_scoped(world: World, persona: str, institutions: set[str]) -> None:
    user = world.users[persona]
    assert set(visible_institutions(user).values_list("slug", flat=True)) == institutions
    slugs = set(visible_modules(user).values_list("institution__slug", flat=True))
    assert slugs == institutions
    assert visible_modules(user).count() == 12 * len(institutions)
    assert set(visible_integrations(user).values_list("institution__slug", flat=True)) == (
        institutions
    )


def test_outsider_cannot_open_northfields_institution(world: World) -> None:
    outsider = world.users["outsider"]
    with pytest.raises(NotFound):
        get_visible_institution(outsider, world.northfield.pk)
    assert get_visible_institution(outsider, world.southbank.pk) == world.southbank
    assert world.integrations["northfield"] not in visible_integrations(outsider)


# What an outsider may not do ----------------------------------------------------------


def test_outsider_cannot_open_a_ticket_for_a_northfield_requester(world: World) -> None:
    before = Ticket.objects.count()
    with pytest.raises(NotAllowed):
        open_ticket(
            actor=world.users["outsider"],
            institution=world.northfield,
            requester=world.users["requester"],
            module=factories.module(world.northfield),
            category="question",
            title="Hello",
            description="Let me in",
            urgency="low",
            impact="low",
            channel="portal",
            category_details={"screen_or_report": "Home"},
        )
    assert Ticket.objects.count() == before


def test_outsider_cannot_reply_add_files_or_change_status(world: World) -> None:
    outsider, ticket = world.users["outsider"], world.tickets["riya_finance"]
    change_status(ticket=ticket, actor=world.users["tier1"], status=Status.RESOLVED)
    events_before = ticket.events.count()
    with pytest.raises(NotAllowed):
        add_public_reply(ticket=ticket, actor=outsider, body="Hi")
    with pytest.raises(NotAllowed):
        add_attachment(ticket=ticket, actor=outsider, name="x.png", content=BytesIO(samples.png()))
    with pytest.raises(NotAllowed):
        change_status(ticket=ticket, actor=outsider, status=Status.CLOSED)
    with pytest.raises(NotAllowed):
        add_internal_note(ticket=ticket, actor=outsider, body="Hi")
    assert ticket.events.count() == events_before
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("persona", SEES)
def test_can_reply_matches_visibility(world: World, persona: str) -> None:
    user = world.users[persona]
    for name, ticket in world.tickets.items():
        assert access.can_reply(user, ticket) is (name in SEES[persona]), name


# Internal notes and internal files ----------------------------------------------------


@pytest.fixture
def worked_ticket(world: World) -> Ticket:
    ticket = world.tickets["riya_finance"]
    agent = world.users["tier1"]
    add_public_reply(ticket=ticket, actor=agent, body="We are on it.")
    add_internal_note(ticket=ticket, actor=agent, body="Template 42 is corrupt.")
    add_attachment(ticket=ticket, actor=agent, name="fix.png", content=BytesIO(samples.png()))
    add_attachment(
        ticket=ticket,
        actor=agent,
        name="trace.log",
        content=BytesIO(samples.log()),
        is_internal=True,
    )
    return ticket


INSTITUTION_SIDE = ["requester", "key_user", "module_owner", "institution_admin"]


@pytest.mark.parametrize("persona", INSTITUTION_SIDE)
def test_internal_entries_never_reach_institution_users(
    world: World, worked_ticket: Ticket, persona: str
) -> None:
    user = world.users[persona]
    events = list(timeline(user, worked_ticket))
    assert not any(event.is_internal for event in events)
    assert EventKind.INTERNAL_NOTE not in {event.kind for event in events}
    assert "trace.log" not in {event.new_value for event in events}
    assert [a.original_name for a in ticket_attachments(user, worked_ticket)] == ["fix.png"]
    internal = Attachment.objects.get(original_name="trace.log")
    with pytest.raises(NotFound):
        get_visible_attachment(user, internal.pk)
    public = Attachment.objects.get(original_name="fix.png")
    assert get_visible_attachment(user, public.pk) == public


@pytest.mark.parametrize("persona", ["tier1", "tier2", "support_manager"])
def test_agents_see_internal_entries(world: World, worked_ticket: Ticket, persona: str) -> None:
    user = world.users[persona]
    kinds = [event.kind for event in timeline(user, worked_ticket)]
    assert EventKind.INTERNAL_NOTE in kinds
    names = {a.original_name for a in ticket_attachments(user, worked_ticket)}
    assert names == {"fix.png", "trace.log"}
    internal = Attachment.objects.get(original_name="trace.log")
    assert get_visible_attachment(user, internal.pk) == internal


@pytest.mark.parametrize("persona", ["colleague", "data_owner", "outsider", "southbank_requester"])
def test_attachments_of_invisible_tickets_are_not_found(
    world: World, worked_ticket: Ticket, persona: str
) -> None:
    user = world.users[persona]
    for attachment in Attachment.objects.all():
        with pytest.raises(NotFound):
            get_visible_attachment(user, attachment.pk)


def test_missing_attachment_is_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        get_visible_attachment(world.users["tier1"], 987654)


# Predicates ---------------------------------------------------------------------------


def test_only_active_agents_are_agents(world: World) -> None:
    assert access.is_agent(world.users["tier1"])
    assert not access.is_agent(world.users["key_user"])
    assert not access.is_agent(world.users["institution_admin"])
    tier2 = world.users["tier2"]
    tier2.is_active = False
    tier2.save()
    assert not access.is_agent(tier2)
    assert not access.can_work_ticket(tier2)
    assert not access.can_be_assigned(tier2)


def test_only_managers_configure_the_desk(world: World) -> None:
    assert access.can_manage_desk(world.users["support_manager"])
    assert not access.can_manage_desk(world.users["tier1"])
    assert not access.can_manage_desk(world.users["institution_admin"])


# Endpoints that read about one ticket ---------------------------------------------------


@pytest.mark.parametrize("persona", SEES)
def test_a_tickets_next_steps_and_sla_are_found_only_where_it_is_visible(
    world: World, persona: str
) -> None:
    client = ApiClient(world.users[persona])
    for name, ticket in world.tickets.items():
        steps = client.get(f"/tickets/{ticket.reference}/escalation-steps")
        sla = client.get(f"/tickets/{ticket.reference}/sla")
        if name not in SEES[persona]:
            assert (steps.status_code, sla.status_code) == (404, 404), name
            continue
        assert steps.status_code == 200, name
        assert sla.status_code == (200 if access.can_see_internal(world.users[persona]) else 403)


INTAKE_FIELDS = {"institution_id", "requester_id", "channel"}
REFUSED_AT_INTAKE: dict[str, set[str]] = {
    "requester": {"institution_id", "requester_id", "channel"},
    "module_owner": {"institution_id", "requester_id", "channel"},
    "key_user": {"institution_id", "channel"},
    "institution_admin": {"institution_id", "channel"},
    "tier1": set(),
    "support_manager": set(),
}


@pytest.mark.parametrize("persona", REFUSED_AT_INTAKE)
def test_only_support_staff_record_how_a_ticket_came_in(world: World, persona: str) -> None:
    refused = access.refused_intake_fields(world.users[persona], INTAKE_FIELDS)
    assert refused == REFUSED_AT_INTAKE[persona]


@pytest.mark.parametrize("persona", SEES)
def test_pending_uploads_are_only_their_owners_in_the_same_session(
    world: World, persona: str
) -> None:
    """Even the desk's agents cannot see or claim a file someone has not sent yet."""
    uploads = {
        name: keep_upload(
            actor=user, session_key=f"s-{name}", name="a.png", content=BytesIO(samples.png())
        )
        for name, user in world.users.items()
    }
    user = world.users[persona]
    all_ids = [upload.pk for upload in uploads.values()]
    assert list(pending_uploads(user, session_key=f"s-{persona}", ids=all_ids)) == [
        uploads[persona]
    ]
    assert not pending_uploads(user, session_key="another-session", ids=all_ids).exists()
    someone_else = next(name for name in uploads if name != persona)
    replies_to = [t for t in world.tickets.values() if access.can_reply(user, t)]
    for ticket in replies_to:
        with pytest.raises(NotAllowed):
            add_public_reply(
                ticket=ticket, actor=user, body="Mine now", uploads=[uploads[someone_else]]
            )
    assert not Attachment.objects.exists()
    assert PendingUpload.objects.count() == len(uploads)


def test_an_inactive_user_has_no_pending_uploads(world: World) -> None:
    user = world.users["requester"]
    upload = keep_upload(actor=user, session_key="s", name="a.png", content=BytesIO(samples.png()))
    user.is_active = False
    user.save()
    assert not pending_uploads(user, session_key="s", ids=[upload.pk]).exists()


# The mail quarantine ---------------------------------------------------------------------

# A quarantined message's raw source may hold anyone's data: only desk managers see it.
NOT_QUARANTINE_MANAGERS = [persona for persona in SEES if persona != "support_manager"]
QUARANTINE_WRITES = {
    "discard": {"reason": "Spam"},
    "retry": {},
    "attach": {"ticket": "HC-1"},
}


@pytest.mark.parametrize("persona", NOT_QUARANTINE_MANAGERS)
def test_quarantined_mail_is_not_found_by_anyone_but_managers_via_the_api(
    world: World, persona: str
) -> None:
    message = quarantined()
    client = ApiClient(world.users[persona])

    listed = client.get("/mail/quarantine")
    assert listed.status_code == 404
    assert "count" not in listed.json()
    assert client.get(f"/mail/messages/{message.pk}").status_code == 404
    assert client.get(f"/mail/messages/{message.pk}/raw").status_code == 404
    opening = {"institution_id": world.northfield.pk, "requester_id": world.users["requester"].pk}
    for action, body in {**QUARANTINE_WRITES, "open-ticket": opening}.items():
        assert client.post(f"/mail/messages/{message.pk}/{action}", body).status_code == 404
    assert InboundMessage.objects.get().status == InboundStatus.QUARANTINED
    assert not QuarantineAction.objects.exists()
    assert Ticket.objects.count() == len(world.tickets)


@pytest.mark.parametrize("persona", NOT_QUARANTINE_MANAGERS)
def test_quarantined_mail_is_not_found_by_anyone_but_managers_on_the_web(
    world: World, persona: str
) -> None:
    message = quarantined()
    client = signed_in(world.users[persona])

    assert client.get("/desk/mail/quarantine/").status_code == 404
    assert client.get(f"/desk/mail/messages/{message.pk}/").status_code == 404
    assert client.get(f"/desk/mail/messages/{message.pk}/raw/").status_code == 404
    opening = {"institution": world.northfield.pk, "requester": world.users["requester"].pk}
    for action, body in {**QUARANTINE_WRITES, "open-ticket": opening}.items():
        answer = client.post(f"/desk/mail/messages/{message.pk}/{action}/", body)
        assert answer.status_code == 404
    home = client.get("/", follow=True).content.decode()
    assert "data-quarantine-count" not in home
    assert selectors.quarantine_count(world.users[persona]) == 0
    assert InboundMessage.objects.get().status == InboundStatus.QUARANTINED
    assert not QuarantineAction.objects.exists()


def test_a_support_manager_sees_the_quarantine(world: World) -> None:
    message = quarantined()
    manager = world.users["support_manager"]

    assert ApiClient(manager).get(f"/mail/messages/{message.pk}").status_code == 200
    assert signed_in(manager).get(f"/desk/mail/messages/{message.pk}/").status_code == 200
    assert selectors.quarantine_count(manager) == 1


RAW_MAIL_READERS = {"tier1", "tier2", "support_manager"}


@pytest.mark.parametrize("persona", SEES)
def test_only_support_staff_read_a_received_messages_raw_source(world: World, persona: str) -> None:
    riya = world.users["requester"]
    raw = f"From: {riya.email}\r\nSubject: Re: [{world.tickets['riya_finance'].reference}]\r\n"
    stored = store_raw(raw=(raw + "\r\nStill blank.\r\n").encode(), mailbox=None)
    message = process(stored.message)
    assert message.ticket == world.tickets["riya_finance"]
    user = world.users[persona]

    if persona in RAW_MAIL_READERS:
        assert raw_message(user, message.pk) == message
    else:
        with pytest.raises(NotFound):
            raw_message(user, message.pk)


@pytest.mark.parametrize("persona", ["tier1", "tier2"])
def test_agents_read_no_raw_source_of_a_quarantined_message(world: World, persona: str) -> None:
    message = quarantined()

    with pytest.raises(NotFound):
        raw_message(world.users[persona], message.pk)
    assert raw_message(world.users["support_manager"], message.pk) == message


@pytest.mark.parametrize("persona", SEES)
def test_a_received_messages_inline_image_reaches_only_who_sees_its_ticket(
    world: World, persona: str
) -> None:
    ticket = world.tickets["riya_finance"]
    raw = (
        f"From: {world.users['requester'].email}\r\nSubject: Re: [{ticket.reference}]\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n'
        '--b\r\nContent-Type: text/html\r\n\r\n<p>See:</p><img src="cid:shot@x">\r\n'
        "--b\r\nContent-Type: image/png\r\nContent-ID: <shot@x>\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
        f"{base64.b64encode(samples.png()).decode()}\r\n--b--\r\n"
    )
    process(store_raw(raw=raw.encode(), mailbox=None).message)
    image = ticket.attachments.get()
    user = world.users[persona]

    if "riya_finance" in SEES[persona]:
        events = with_shown_messages(timeline(user, get_visible_ticket(user, ticket.pk)))
        shown = [
            event.shown_message.images
            for event in events
            if event.kind == MailEventKind.EMAIL_RECEIVED
        ]
        assert shown == [[["shot@x", image.pk]]]
        assert get_visible_attachment(user, image.pk) == image
    else:
        with pytest.raises(NotFound):
            get_visible_ticket(user, ticket.pk)
        with pytest.raises(NotFound):
            get_visible_attachment(user, image.pk)


# Problems ----------------------------------------------------------------------------------

# A problem gathers tickets of several institutions: support staff only. The requester side
# reads its workaround as a public entry on their own ticket, never the problem.
PROBLEM_READERS = {"tier1", "tier2", "support_manager"}


@pytest.fixture
def problem(world: World) -> Problem:
    agent = world.users["tier1"]
    problem = create_problem(
        actor=agent,
        details=ProblemDetails(
            title="Receipt printing fails at Southbank too", workaround="Print from Fees > Old."
        ),
        tickets=[world.tickets["riya_finance"], world.tickets["southbank_finance"]],
    )
    publish_workaround(problem=problem, actor=agent)
    return problem


@pytest.mark.parametrize("persona", SEES)
def test_only_support_staff_read_problems_through_any_path(
    world: World, problem: Problem, persona: str
) -> None:
    user = world.users[persona]
    reads = persona in PROBLEM_READERS
    riya_ticket = world.tickets["riya_finance"]

    assert visible_problems(user).count() == int(reads)
    assert problem_list(user, ProblemFilters(text="receipt")).count() == int(reads)
    assert ticket_problems(user, riya_ticket).count() == int(reads)
    api = ApiClient(user)
    listed = api.get("/problems", {"q": "receipt"})
    detail = api.get(f"/problems/{problem.pk}")
    page = signed_in(user).get("/desk/problems/", {"q": "receipt"}, follow=True)
    if reads:
        assert (listed.status_code, listed.json()["count"], detail.status_code) == (200, 1, 200)
        assert problem.reference in page.content.decode()
    else:
        assert (listed.status_code, detail.status_code) == (404, 404)
        assert "count" not in listed.json()
        assert problem.reference not in page.content.decode()
        assert signed_in(user).get(f"/desk/problems/{problem.pk}/").status_code in (302, 404)


@pytest.mark.parametrize("persona", SEES)
def test_a_problems_workaround_reaches_only_the_timelines_of_visible_tickets(
    world: World, problem: Problem, persona: str
) -> None:
    user = world.users[persona]
    for name, ticket in world.tickets.items():
        if name not in SEES[persona]:
            continue
        events = list(timeline(user, ticket))
        texts = " ".join(f"{event.body} {event.old_value} {event.new_value}" for event in events)
        linked = name in ("riya_finance", "southbank_finance")
        posted = [e for e in events if e.kind == ProblemTicketEventKind.WORKAROUND_POSTED]
        assert [e.body for e in posted] == (["Print from Fees > Old."] if linked else [])
        if persona not in PROBLEM_READERS:
            assert problem.reference not in texts
            assert "Southbank" not in texts or name == "southbank_finance"
