import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.handover.choices import HandoverEventKind, Side
from hypercare.handover.content import HandoverText, gaps
from hypercare.handover.models import HandoverEvent, HandoverVersion
from hypercare.handover.selectors import current_handover, desk_records
from hypercare.handover.services import save_handover, sign_handover
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution, IntegrationContact
from tests import factories

TEXT = HandoverText(
    backup_what="The ERP database and attachments",
    backup_frequency="Nightly",
    restore_time="4 hours",
    open_risks=["Payroll cut-over in March", "  "],
)


@pytest.fixture
def admin(institution: Institution) -> User:
    return factories.user(
        Role.INSTITUTION_ADMIN, institution=institution, first_name="Ines", last_name="Admin"
    )


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, first_name="Meera")


def test_the_desks_records_prefill_the_record_and_name_its_gaps(
    institution: Institution, admin: User, key_user: User
) -> None:
    payroll = factories.module(institution, ModuleCode.PAYROLL)
    owner = factories.user(Role.MODULE_OWNER, institution=institution, first_name="Omar")
    factories.module(institution, ModuleCode.FINANCE).owners.add(owner)
    gateway = factories.integration(institution, name="Campus Pay")
    sms = factories.integration(institution, kind="sms", name="Text alerts")
    IntegrationContact.objects.create(integration=sms, name="Priya", organisation="SMSCo")
    content = desk_records(institution) | HandoverText().as_content()
    assert content["institution_admins"] == [{"name": "Ines Admin", "email": admin.email}]
    assert content["release_note_recipients"] == content["institution_admins"]
    assert content["support_contacts"]["institution"][0]["email"] == key_user.email
    finance = next(row for row in content["module_owners"] if row["module"] == "Finance/Accounts")
    assert finance["owners"] == [{"name": "Omar", "email": owner.email}]
    found = gaps(content)
    assert f"No data owner for {payroll.name}" in found
    assert f"No integration contact for {gateway.name}" in found
    assert f"No integration contact for {sms.name}" not in found
    assert "No escalation contact at the desk" in found
    assert "No approval owner at the institution" in found
    assert "Backup expectations not written: restore time" in found


def test_without_an_admin_the_institution_has_no_escalation_contact(
    institution: Institution,
) -> None:
    content = desk_records(institution) | HandoverText().as_content()
    assert "No escalation contact at the institution" in gaps(content)


def test_each_save_is_a_new_version_with_a_snapshot(
    institution: Institution, admin: User, agent: User
) -> None:
    first = save_handover(institution=institution, actor=agent, text=TEXT, read_version=0)
    assert first.number == 1
    assert first.content["open_risks"] == ["Payroll cut-over in March"]
    factories.user(Role.APPROVAL_OWNER, institution=institution, first_name="Ada")
    second = save_handover(institution=institution, actor=admin, text=TEXT, read_version=1)
    assert second.number == 2
    assert second.content["approval_owners"][0]["name"] == "Ada"
    assert HandoverVersion.objects.get(number=1).content["approval_owners"] == []
    assert current_handover(institution).number == 2


def test_a_save_over_a_newer_version_is_refused(institution: Institution, agent: User) -> None:
    save_handover(institution=institution, actor=agent, text=TEXT, read_version=0)
    with pytest.raises(InvalidTransition):
        save_handover(institution=institution, actor=agent, text=TEXT, read_version=0)


def test_bad_text_is_refused_by_field(institution: Institution, agent: User) -> None:
    text = HandoverText(restore_time="4\nhours", open_risks=["x" * 301])
    with pytest.raises(ValidationFailed) as refused:
        save_handover(institution=institution, actor=agent, text=text, read_version=0)
    assert set(refused.value.errors) == {"restore_time", "open_risks"}


def test_requesters_and_key_users_do_not_write_it(
    institution: Institution, requester: User, key_user: User
) -> None:
    for person in (requester, key_user):
        with pytest.raises(NotAllowed):
            save_handover(institution=institution, actor=person, text=TEXT, read_version=0)


def test_both_sides_sign_and_a_later_save_voids_the_sign_offs(
    institution: Institution, admin: User, manager: User
) -> None:
    save_handover(institution=institution, actor=manager, text=TEXT, read_version=0)
    sign_handover(institution=institution, actor=admin, side=Side.INSTITUTION, version=1)
    signed = sign_handover(institution=institution, actor=manager, side=Side.DESK, version=1)
    assert signed.is_signed
    assert (signed.institution_signed_by, signed.desk_signed_by) == (admin, manager)
    again = save_handover(institution=institution, actor=admin, text=TEXT, read_version=1)
    assert not again.is_signed
    assert again.institution_signed_at is None
    assert HandoverVersion.objects.get(number=1).is_signed
    kinds = list(HandoverEvent.objects.values_list("kind", "version"))
    assert kinds == [
        (HandoverEventKind.SAVED, 1),
        (HandoverEventKind.SIGNED_BY_INSTITUTION, 1),
        (HandoverEventKind.SIGNED_BY_DESK, 1),
        (HandoverEventKind.SAVED, 2),
    ]


def test_only_the_current_version_is_signed_once_per_side(
    institution: Institution, admin: User, manager: User
) -> None:
    with pytest.raises(InvalidTransition):
        sign_handover(institution=institution, actor=admin, side=Side.INSTITUTION, version=1)
    save_handover(institution=institution, actor=manager, text=TEXT, read_version=0)
    save_handover(institution=institution, actor=manager, text=TEXT, read_version=1)
    with pytest.raises(InvalidTransition):
        sign_handover(institution=institution, actor=admin, side=Side.INSTITUTION, version=1)
    sign_handover(institution=institution, actor=admin, side=Side.INSTITUTION, version=2)
    with pytest.raises(InvalidTransition):
        sign_handover(institution=institution, actor=admin, side=Side.INSTITUTION, version=2)


def test_each_side_is_signed_only_by_its_own_signer(
    institution: Institution, admin: User, manager: User, agent: User, outsider: User
) -> None:
    save_handover(institution=institution, actor=manager, text=TEXT, read_version=0)
    refused = [
        (manager, Side.INSTITUTION),
        (outsider, Side.INSTITUTION),
        (admin, Side.DESK),
        (agent, Side.DESK),
    ]
    for person, side in refused:
        with pytest.raises(NotAllowed):
            sign_handover(institution=institution, actor=person, side=side, version=1)
