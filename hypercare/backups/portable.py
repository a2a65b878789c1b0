"""The portable dump: every table as JSON lines, loadable into SQLite or PostgreSQL alike.

Each vendor's own dump (an SQLite file, ``pg_dump``'s custom format) only loads into that
vendor; this one is written through the ORM with Django's serializers, so an embedded pilot
can move to PostgreSQL and a PostgreSQL desk can be tried out on a laptop. The table
digests are the restore's proof: a row count and a hash of every row's values, in primary
key order, the same whichever vendor holds the rows.
"""

import hashlib
import json
from datetime import datetime, time
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, transaction

CHUNK_ROWS = 2000


class ExactEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds (as ECMA-262 does); a restore must give
    back the microseconds the database held."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def dumped_models() -> list[type[models.Model]]:
    """The models that own their rows; many-to-many rows travel with their parent."""
    return [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.concrete_model is model
    ]


def table_models() -> list[type[models.Model]]:
    """Every table the ORM knows, many-to-many tables included, for the digests."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def dump(folder: Path, *, using: str = "default") -> None:
    """Write one ``<app_label>.<model>.jsonl`` file per model into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for model in dumped_models():
        rows = model._base_manager.using(using).order_by("pk").iterator(chunk_size=CHUNK_ROWS)
        with (folder / f"{model._meta.label_lower}.jsonl").open("w", encoding="utf-8") as out:
            serializers.serialize("jsonl", rows, stream=out, cls=ExactEncoder)


def load(folder: Path, *, using: str = "default") -> None:
    """Replace every table's rows with the dump's, in one transaction.

    The migrated target already holds rows its migrations seed (content types, templates,
    default gates), so every table is emptied first; foreign keys are checked once, at the
    end, as ``loaddata`` does, so the files load in any order.
    """
    connection = connections[using]
    with transaction.atomic(using=using), connection.constraint_checks_disabled():
        _empty_tables(using)
        for path in sorted(folder.glob("*.jsonl")):
            with path.open(encoding="utf-8") as stream:
                for row in serializers.deserialize("jsonl", stream, using=using):
                    row.save(using=using, force_insert=True)
        connection.check_constraints()
        _reset_sequences(using)


def _empty_tables(using: str) -> None:
    connection = connections[using]
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=True
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _reset_sequences(using: str) -> None:
    """Rows keep their primary keys, so PostgreSQL's sequences must start after them."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), table_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def table_digests(*, using: str = "default") -> dict[str, dict[str, Any]]:
    """Each table's row count and the SHA-256 of its rows' values in primary key order."""
    return {
        model._meta.db_table: _digest(model, using)
        for model in sorted(table_models(), key=lambda model: model._meta.db_table)
    }


def _digest(model: type[models.Model], using: str) -> dict[str, Any]:
    fields = model._meta.concrete_fields
    digest = hashlib.sha256()
    count = 0
    for row in model._base_manager.using(using).order_by("pk").iterator(chunk_size=CHUNK_ROWS):
        values = [field.value_to_string(row) for field in fields]
        digest.update(json.dumps(values, sort_keys=True, default=str).encode())
        digest.update(b"\n")
        count += 1
    return {"rows": count, "sha256": digest.hexdigest()}
