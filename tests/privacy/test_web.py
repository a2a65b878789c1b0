import io
import zipfile

from hypercare.accounts.models import User
from hypercare.orgs.models import Institution
from hypercare.privacy.models import RegisterEntry, RetentionSetting
from tests.privacy.conftest import Subject
from tests.web.conftest import signed_in


def test_a_manager_finds_the_person_and_downloads_their_export(
    subject: Subject, manager: User
) -> None:
    browser = signed_in(manager)
    found = browser.get("/privacy/", {"q": "sharma"}).content.decode()
    assert f"/privacy/people/{subject.person.pk}/" in found
    answer = browser.post(f"/privacy/people/{subject.person.pk}/export/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content)))  # type: ignore[attr-defined]
    assert "profile.json" in archive.namelist()
    assert RegisterEntry.objects.filter(subject=subject.person).count() == 1


def test_anonymising_asks_for_the_typed_name(subject: Subject, manager: User) -> None:
    browser = signed_in(manager)
    url = f"/privacy/people/{subject.person.pk}/anonymise/"
    wrong = browser.post(url, {"confirmation": "rsharma"})
    assert wrong.status_code == 422
    assert "Type the person&#x27;s name as shown" in wrong.content.decode()
    done = browser.post(url, {"confirmation": "Riya Sharma"}, follow=True)
    assert "This person is anonymised." in done.content.decode()
    subject.person.refresh_from_db()
    assert subject.person.email == f"former-user-{subject.person.pk}@invalid"


def test_the_retention_page_sets_the_months_and_shows_the_dry_run(
    institution: Institution, institution_admin: User
) -> None:
    browser = signed_in(institution_admin)
    url = f"/privacy/retention/{institution.pk}/"
    assert "Kept for good" in browser.get(url).content.decode()
    assert browser.post(url, {"months": "0"}).status_code == 422
    page = browser.post(url, {"months": "18"}, follow=True).content.decode()
    assert "Kept 18 months: the next run removes 0 files." in page
    assert RetentionSetting.objects.get(institution=institution).attachment_months == 18


def test_the_register_page_is_for_system_admins(
    subject: Subject, manager: User, system_admin: User
) -> None:
    signed_in(manager).post(f"/privacy/people/{subject.person.pk}/export/")
    assert signed_in(manager).get("/privacy/register/").status_code == 403
    page = signed_in(system_admin).get("/privacy/register/", {"action": "export"})
    assert page.status_code == 200
    assert "Subject access export" in page.content.decode()


def test_the_menu_offers_data_protection_to_who_handles_it_only(
    manager: User, institution_admin: User, requester: User, agent: User
) -> None:
    link = 'href="/privacy/"'
    shown = {
        name: link in signed_in(person).get(home).content.decode()
        for name, person, home in [
            ("manager", manager, "/desk/"),
            ("institution admin", institution_admin, "/portal/"),
            ("requester", requester, "/portal/"),
            ("agent", agent, "/desk/"),
        ]
    }
    assert shown == {
        "manager": True,
        "institution admin": True,
        "requester": False,
        "agent": False,
    }
