"""A use case's transaction: durable alone, a savepoint of a composed one."""

from collections.abc import Callable

import pytest
from django.db import transaction

from hypercare.lib.transactions import composed, on_rollback, use_case
from hypercare.orgs.models import Institution
from tests import factories


class Refused(Exception):
    pass


def refused_use_case(name: str) -> None:
    with use_case():
        factories.institution(name)
        raise Refused


def refused_composition(*steps: Callable[[], None]) -> None:
    with composed():
        for step in steps:
            step()
        raise Refused


@pytest.mark.django_db
def test_a_use_case_alone_refuses_to_run_inside_another_transaction() -> None:
    with transaction.atomic(), pytest.raises(RuntimeError), use_case():
        pass


@pytest.mark.django_db
def test_a_refused_step_rolls_back_alone_inside_a_composed_use_case() -> None:
    with composed():
        factories.institution("Kept")
        with pytest.raises(Refused):
            refused_use_case("Undone")

    assert list(Institution.objects.values_list("name", flat=True)) == ["Kept"]


@pytest.mark.django_db
def test_a_composed_use_case_commits_or_vanishes_whole() -> None:
    def step_one() -> None:
        with use_case():
            factories.institution("Step one")

    with pytest.raises(Refused):
        refused_composition(step_one)

    assert not Institution.objects.exists()


@pytest.mark.django_db
def test_undo_runs_only_when_the_composed_use_case_rolls_back() -> None:
    undone: list[str] = []
    with composed():
        on_rollback(lambda: undone.append("kept"))
    with pytest.raises(Refused):
        refused_composition(
            lambda: on_rollback(lambda: undone.append("first")),
            lambda: on_rollback(lambda: undone.append("second")),
        )
    on_rollback(lambda: undone.append("alone"))

    assert undone == ["second", "first"]
