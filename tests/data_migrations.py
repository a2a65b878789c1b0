"""Running a data migration's function in a test."""

import importlib

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def run_data_migration(app: str, name: str) -> None:
    """Run a data migration's function on the current tables, with the historical models
    (whose managers, unlike the timeline's own, may change rows)."""
    migration = importlib.import_module(f"hypercare.{app}.migrations.{name}")
    state = MigrationExecutor(connection).loader.project_state()
    forward = migration.Migration.operations[0].code
    forward(state.apps, None)
