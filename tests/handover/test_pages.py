import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.handover.choices import Side
from hypercare.handover.content import HandoverText
from hypercare.handover.models import HandoverVersion
from hypercare.handover.services import save_handover, sign_handover
from hypercare.orgs.models import Institution
from hypercare.sla.models import SlaPolicy
from hypercare.sla.policies import PolicySettings, create_policy
from tests import factories
from tests.web.conftest import signed_in


@pytest.fixture
def admin(institution: Institution) -> User:
    return factories.user(Role.INSTITUTION_ADMIN, institution=institution, first_name="Ines")


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, first_name="Meera")


def test_the_desk_page_shows_the_records_and_their_gaps(
    institution: Institution, manager: User, admin: User
) -> None:
    factories.integration(institution, name="Campus Pay")
    page = signed_in(manager).get(f"/desk/institutions/{institution.pk}/handover/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "No integration contact for Campus Pay" in text
    assert "Ines" in text
    assert "Save a new version" in text


def test_an_admin_saves_and_signs_in_the_portal_and_the_manager_signs_on_the_desk(
    institution: Institution, manager: User, admin: User
) -> None:
    web = signed_in(admin)
    saved = web.post(
        f"/institutions/{institution.pk}/handover/save/",
        {"read_version": "0", "backup_what": "Database", "backup_frequency": "Nightly",
         "restore_time": "4 hours", "open_risks": "Payroll cut-over\n\nExam results", "notes": ""},
    )  # fmt: skip
    assert saved.status_code == 302
    assert saved["Location"] == f"/portal/institutions/{institution.pk}/handover/"
    assert HandoverVersion.objects.get().content["open_risks"] == [
        "Payroll cut-over",
        "Exam results",
    ]
    signed = web.post(
        f"/institutions/{institution.pk}/handover/sign/", {"side": "institution", "version": "1"}
    )
    assert signed.status_code == 302
    desk = signed_in(manager)
    assert (
        "Sign for the desk"
        in desk.get(f"/desk/institutions/{institution.pk}/handover/").content.decode()
    )
    desk.post(f"/institutions/{institution.pk}/handover/sign/", {"side": "desk", "version": "1"})
    assert HandoverVersion.objects.get().is_signed


def test_a_refused_save_shows_the_field(institution: Institution, manager: User) -> None:
    answer = signed_in(manager).post(
        f"/institutions/{institution.pk}/handover/save/",
        {"read_version": "0", "backup_what": "", "backup_frequency": "", "restore_time": "",
         "open_risks": "x" * 301, "notes": ""},
    )  # fmt: skip
    assert answer.status_code == 422
    assert "at most 300 characters" in answer.content.decode()


def test_a_stale_sign_off_is_a_conflict(
    institution: Institution, manager: User, admin: User
) -> None:
    save_handover(institution=institution, actor=manager, text=HandoverText(), read_version=0)
    save_handover(institution=institution, actor=manager, text=HandoverText(), read_version=1)
    answer = signed_in(admin).post(
        f"/institutions/{institution.pk}/handover/sign/", {"side": "institution", "version": "1"}
    )
    assert answer.status_code == 409


def test_versions_keep_their_sign_offs_and_content(
    institution: Institution, manager: User, admin: User
) -> None:
    save_handover(
        institution=institution, actor=manager, text=HandoverText(notes="First"), read_version=0
    )
    sign_handover(institution=institution, actor=admin, side=Side.INSTITUTION, version=1)
    save_handover(
        institution=institution, actor=manager, text=HandoverText(notes="Second"), read_version=1
    )
    web = signed_in(admin)
    listed = web.get(f"/institutions/{institution.pk}/handover/versions/").content.decode()
    assert "Version 2" in listed
    assert "Ines" in listed
    first = web.get(f"/institutions/{institution.pk}/handover/versions/", {"version": "1"})
    assert "First" in first.content.decode()
    assert (
        web.get(f"/institutions/{institution.pk}/handover/versions/", {"version": "9"}).status_code
        == 404
    )


def test_the_desk_lists_every_institutions_handover(
    institution: Institution, other_institution: Institution, manager: User
) -> None:
    save_handover(institution=institution, actor=manager, text=HandoverText(), read_version=0)
    text = signed_in(manager).get("/desk/handover/").content.decode()
    assert institution.name in text
    assert other_institution.name in text
    assert "Not saved yet" in text


def test_the_scorecard_page_asks_for_a_reason_while_a_gate_is_unmet(
    institution: Institution, manager: User
) -> None:
    desk = signed_in(manager)
    page = desk.get(f"/desk/institutions/{institution.pk}/exit/").content.decode()
    assert "Not every gate is met." in page
    assert "Handover record signed by both sides" in page
    refused = desk.post(f"/desk/institutions/{institution.pk}/exit/move/", {"override_reason": ""})
    assert refused.status_code == 409
    assert "give a reason to move the institution anyway" in refused.content.decode()
    moved = desk.post(
        f"/desk/institutions/{institution.pk}/exit/move/", {"override_reason": "Contract ends."}
    )
    assert moved.status_code == 302
    institution.refresh_from_db()
    assert institution.phase == "steady_state"
    after = desk.get(f"/desk/institutions/{institution.pk}/exit/").content.decode()
    assert "overridden: Contract ends." in after
    assert "Move to steady state</button>" not in after


def test_the_institution_admin_reads_the_scorecard_in_the_portal_without_moving_it(
    institution: Institution, admin: User
) -> None:
    page = signed_in(admin).get(f"/portal/institutions/{institution.pk}/exit/")
    assert page.status_code == 200
    assert "Move to steady state</button>" not in page.content.decode()
    assert (
        f"/portal/institutions/{institution.pk}/handover/"
        in signed_in(admin).get("/portal/").content.decode()
    )


def test_the_move_on_the_page_can_choose_the_sla_policy(
    institution: Institution, manager: User
) -> None:
    chosen = create_policy(
        actor=manager,
        settings=PolicySettings(name="Steady state", institution=factories.institution()),
    )
    moved = signed_in(manager).post(
        f"/desk/institutions/{institution.pk}/exit/move/",
        {"override_reason": "Agreed.", "sla_policy": str(chosen.pk)},
    )
    assert moved.status_code == 302
    assert SlaPolicy.objects.filter(institution=institution).exists()
    page = signed_in(manager).get(f"/desk/institutions/{institution.pk}/exit/")
    assert "SLA as Steady state" in page.content.decode()
