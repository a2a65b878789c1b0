from collections.abc import Callable
from urllib.parse import quote

import pytest
from django.db import connection


@pytest.fixture
def postgres_server(db: None) -> str:
    """The test database's PostgreSQL server as a URL without a database name."""
    if connection.vendor != "postgresql":
        pytest.skip("the tests run on SQLite; DATABASE_URL=postgres://... runs this one")
    settings = connection.settings_dict
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings.get("PASSWORD") else ""
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{quote(settings['USER'], safe='')}{password}@{settings['HOST']}{port}"


@pytest.fixture
def databases_like(db: None) -> Callable[[str], list[str]]:
    """The names of the server's databases that match a LIKE pattern."""

    def names(pattern: str) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [pattern])
            return [name for (name,) in cursor.fetchall()]

    return names
