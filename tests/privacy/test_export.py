import json
import zipfile
from typing import Any

import pytest
from django.test import Client

from hypercare.accounts.models import User
from hypercare.errors import NotAllowed
from hypercare.lib import clock
from hypercare.privacy.choices import RegisterAction
from hypercare.privacy.models import RegisterEntry
from hypercare.privacy.services.export import export_personal_data
from hypercare.security.models import RecoveryCode, TwoFactorDevice
from hypercare.tickets.models import Participant
from tests.privacy.conftest import Subject
from tests.security.helpers import enrolled


def _unzip(subject: User, actor: User) -> zipfile.ZipFile:
    return zipfile.ZipFile(export_personal_data(subject=subject, actor=actor).file)


def _json(archive: zipfile.ZipFile, name: str) -> Any:
    return json.loads(archive.read(name))


def test_the_export_holds_the_profile_tickets_messages_and_the_files_bytes(
    subject: Subject, manager: User
) -> None:
    archive = _unzip(subject.person, manager)
    profile = _json(archive, "profile.json")[0]
    assert (profile["email"], profile["roles"]) == ("riya.sharma@northfield.edu", ["requester"])
    assert "password" not in profile
    (ticket,) = _json(archive, "tickets.json")
    assert ticket["title"] == "Riya Sharma cannot print fee receipts"
    bodies = {(m["body"], m["internal"]) for m in ticket["messages"]}
    assert ("Hi Riya, could you send a screenshot?", False) in bodies
    assert ("Spoke to Riya Sharma; a Longfield issue.", True) in bodies
    written = [m["body"] for m in _json(archive, "messages.json")]
    assert written == ["Here it is, thanks."]
    (file,) = _json(archive, "attachments.json")
    assert archive.read(file["path"]) == subject.screenshot
    assert file["sha256"] == subject.attachment.sha256


def test_the_manifest_lists_every_file_with_its_checksum_and_the_readme_says_what_is_there(
    subject: Subject, manager: User
) -> None:
    archive = _unzip(subject.person, manager)
    manifest = {row["path"]: row for row in _json(archive, "manifest.json")}
    assert set(archive.namelist()) == set(manifest) | {"manifest.json"}
    readme = archive.read("README.txt").decode()
    assert "internal notes included" in readme
    assert "by meera" in readme


def test_other_records_naming_the_person_are_exported_as_stored(
    subject: Subject, manager: User, colleague: User
) -> None:
    Participant.objects.create(
        ticket=subject.colleagues, user=subject.person, added_by=colleague, added_at=clock.now()
    )
    archive = _unzip(subject.person, manager)
    rows = _json(archive, "records/tickets.participant.json")
    assert [row["ticket_id"] for row in rows] == [subject.colleagues.pk]


def test_no_secret_that_signs_the_person_in_leaves_in_the_export(
    subject: Subject, manager: User
) -> None:
    """Whoever downloads the export must not be able to become the person: no
    authenticator key, recovery code digest, session key or token digest."""
    enrolled(subject.person)
    browser = Client()
    browser.force_login(subject.person)
    session_key = browser.session.session_key
    device = TwoFactorDevice.objects.get(user=subject.person)
    archive = _unzip(subject.person, manager)
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert session_key
    assert session_key.encode() not in everything
    assert device.secret.encode() not in everything
    for digest in RecoveryCode.objects.filter(user=subject.person).values_list("digest", flat=True):
        assert digest.encode() not in everything
    [session] = _json(archive, "records/security.signedinsession.json")
    assert "session_key" not in session
    assert session["user_agent"] == ""


def test_the_register_records_who_exported_whom_and_how_much(
    subject: Subject, manager: User
) -> None:
    export_personal_data(subject=subject.person, actor=manager)
    entry = RegisterEntry.objects.get()
    assert (entry.action, entry.actor, entry.subject) == (
        RegisterAction.EXPORT,
        manager,
        subject.person,
    )
    assert entry.institution == subject.person.institution
    assert entry.outcome["tickets"] == 1
    assert entry.outcome["attachments"] == 1


def test_an_institution_admin_exports_their_own_people_only(
    subject: Subject, institution_admin: User, outsider: User, requester: User
) -> None:
    assert "profile.json" in _unzip(subject.person, institution_admin).namelist()
    with pytest.raises(NotAllowed):
        export_personal_data(subject=subject.person, actor=outsider)
    with pytest.raises(NotAllowed):
        export_personal_data(subject=subject.person, actor=requester)
    assert RegisterEntry.objects.count() == 1


def test_register_entries_cannot_be_changed_or_removed(subject: Subject, manager: User) -> None:
    entry = export_personal_data(subject=subject.person, actor=manager).entry
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        RegisterEntry.objects.update(outcome={})
    with pytest.raises(TypeError):
        RegisterEntry.objects.all().delete()
