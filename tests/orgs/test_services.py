"""Setting up an institution."""

import datetime as dt

import pytest

from hypercare.errors import ValidationFailed
from hypercare.orgs.choices import ModuleCode, Phase
from hypercare.orgs.models import Institution, Module
from hypercare.orgs.services import create_institution

pytestmark = pytest.mark.django_db


def test_new_institution_gets_all_twelve_modules() -> None:
    northfield = create_institution(
        name="Northfield University",
        slug="northfield",
        time_zone="Asia/Kolkata",
        go_live_date=dt.date(2025, 6, 1),
    )
    northfield.refresh_from_db()
    assert (northfield.time_zone, northfield.go_live_date, northfield.phase) == (
        "Asia/Kolkata",
        dt.date(2025, 6, 1),
        Phase.HYPERCARE,
    )
    modules = Module.objects.filter(institution=northfield)
    assert modules.count() == 12
    assert set(modules.values_list("code", "name")) == set(ModuleCode.choices)
    assert all(module.is_active for module in modules)


def test_each_institution_gets_its_own_modules() -> None:
    first = create_institution(name="Northfield University", slug="northfield")
    second = create_institution(name="Southbank College", slug="southbank")
    assert Module.objects.count() == 24
    assert not set(first.modules.values_list("pk", flat=True)) & set(
        second.modules.values_list("pk", flat=True)
    )


@pytest.mark.parametrize("time_zone", ["Mars/Olympus", "", "IST", "asia/kolkata"])
def test_unknown_time_zone_is_refused(time_zone: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_institution(name="Northfield University", slug="northfield", time_zone=time_zone)
    assert set(refused.value.errors) == {"time_zone"}
    assert not Institution.objects.exists()
    assert not Module.objects.exists()


def test_duplicate_slug_is_refused() -> None:
    create_institution(name="Northfield University", slug="northfield")
    with pytest.raises(ValidationFailed) as refused:
        create_institution(name="Northfield Institute", slug="northfield")
    assert refused.value.errors == {"slug": "is already taken"}
    assert Institution.objects.count() == 1
    assert Module.objects.count() == 12


@pytest.mark.parametrize("name", ["Northfield University", "northfield university  "])
def test_duplicate_name_is_refused(name: str) -> None:
    create_institution(name="Northfield University", slug="northfield")
    with pytest.raises(ValidationFailed) as refused:
        create_institution(name=name, slug="northfield-2")
    assert refused.value.errors == {"name": "is already taken"}
    assert Institution.objects.count() == 1


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_blank_or_overlong_name_is_refused(name: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_institution(name=name, slug="northfield")
    assert "name" in refused.value.errors
    assert not Institution.objects.exists()


def test_name_is_stored_trimmed() -> None:
    assert create_institution(name="  Northfield  ", slug="northfield").name == "Northfield"


@pytest.mark.parametrize("slug", ["", "North Field", "Northfield", "north_field", "-x", "x" * 61])
def test_malformed_slug_is_refused(slug: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_institution(name="Northfield University", slug=slug)
    assert "slug" in refused.value.errors
    assert not Institution.objects.exists()


def test_unknown_phase_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_institution(name="Northfield University", slug="northfield", phase="retired")
    assert "phase" in refused.value.errors


def test_institution_may_start_in_steady_state() -> None:
    institution = create_institution(
        name="Northfield University", slug="northfield", phase=Phase.STEADY_STATE
    )
    assert institution.phase == Phase.STEADY_STATE
