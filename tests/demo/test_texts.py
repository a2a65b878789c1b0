import random
from datetime import UTC, datetime
from string import Formatter
from types import SimpleNamespace
from typing import Any

import pytest

from hypercare.demo import cast, history, texts
from hypercare.tickets.category_details import DETAILS_BY_CATEGORY
from hypercare.tickets.choices import Category

ALL_TEXTS = [text for group, _ in history.CATALOGUE for text in group]
# What the loader adds to the answers from the institution's own records.
RECORD_DETAILS: dict[str, dict[str, Any]] = {
    Category.DATA_CORRECTION: {"data_owner_id": 1},
    Category.INTEGRATION: {"integration_id": 1},
    Category.INCIDENT: {"since": "2026-10-01T09:00:00+05:30"},
}


def _site(spec: cast.InstitutionSpec) -> Any:
    """Just enough of a loaded institution for ``history._values``."""
    return SimpleNamespace(
        spec=spec,
        integrations={i.kind: SimpleNamespace(provider=i.provider) for i in spec.integrations},
        modules={text.module: SimpleNamespace(name="Fees") for text in ALL_TEXTS},
    )


def _fill(line: str, values: dict[str, str]) -> str:
    return line.format(first_name="Riya", **values)


def _placeholders(line: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(line) if name}


def test_catalogue_has_texts_for_every_category() -> None:
    assert {text.category for text in ALL_TEXTS} == set(Category.values)
    assert set(texts.INTERNAL_NOTES) == set(Category.values)
    assert set(texts.CLARIFICATIONS) == set(Category.values)


@pytest.mark.parametrize("spec", cast.INSTITUTIONS, ids=lambda spec: spec.slug)
def test_every_ticket_text_fills_in_and_answers_its_category(spec: cast.InstitutionSpec) -> None:
    opened = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
    for text in ALL_TEXTS:
        values = history._values(_site(spec), text, opened, random.Random(1))
        title = _fill(text.title, values)
        assert len(title) <= 200
        for line in (text.description, text.resolution, text.error_seen):
            _fill(line, values)
        details = {
            k: _fill(v, values) if isinstance(v, str) else v for k, v in text.details.items()
        }
        details.update(RECORD_DETAILS.get(text.category, {}))
        DETAILS_BY_CATEGORY[text.category].model_validate(details)


def test_conversation_lines_use_only_known_placeholders() -> None:
    known = set(
        history._values(_site(cast.SAHYADRI), ALL_TEXTS[0], datetime.now(UTC), random.Random(1))
    )
    known |= {"first_name", "team"}
    lines = [
        *texts.ACKNOWLEDGEMENTS,
        *texts.THIRD_PARTY_NOTES,
        *texts.THIRD_PARTY_REPLIES,
        *texts.HANDOVER_TO_FUNCTIONAL,
        *texts.HANDOVER_TO_ENGINEERING,
        *(line for notes in texts.INTERNAL_NOTES.values() for line in notes),
        *(line for pairs in texts.CLARIFICATIONS.values() for pair in pairs for line in pair),
    ]
    for line in lines:
        assert _placeholders(line) <= known, line
