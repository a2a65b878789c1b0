from datetime import date

from hypercare.orgs.models import Institution, Module
from tests import factories
from tests.data_migrations import run_data_migration


def test_a_new_institutions_modules_go_live_with_it(db: None) -> None:
    live = factories.institution(go_live_date=date(2026, 9, 7))
    planned = factories.institution()
    assert set(Module.objects.filter(institution=live).values_list("went_live_on", flat=True)) == {
        date(2026, 9, 7)
    }
    assert not Module.objects.filter(institution=planned, went_live_on__isnull=False).exists()


def test_the_migration_takes_each_institutions_go_live_date_for_its_modules(db: None) -> None:
    live = factories.institution()
    Institution.objects.filter(pk=live.pk).update(go_live_date=date(2026, 8, 10))
    chosen = Module.objects.filter(institution=live).first()
    assert chosen is not None
    Module.objects.filter(pk=chosen.pk).update(went_live_on=date(2026, 9, 1))
    planned = factories.institution()
    run_data_migration("orgs", "0007_modules_live_from_go_live")
    days = dict(Module.objects.filter(institution=live).values_list("pk", "went_live_on"))
    assert days.pop(chosen.pk) == date(2026, 9, 1)
    assert set(days.values()) == {date(2026, 8, 10)}
    assert not Module.objects.filter(institution=planned, went_live_on__isnull=False).exists()
