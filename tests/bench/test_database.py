"""Where the benchmarks put their databases: never the one the environment names."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bench import database, run, sla_sweep


def test_a_benchmark_ignores_the_database_of_its_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://hypercare@db.internal/hypercare")
    monkeypatch.setenv("SECRET_KEY", "production")

    with database.child_environment(str(tmp_path), None, LOG_LEVEL="INFO") as env:
        assert "DATABASE_URL" not in env
        assert "SECRET_KEY" not in env
        assert (env["HYPERCARE_DATA_DIR"], env["LOG_LEVEL"]) == (str(tmp_path), "INFO")


def test_both_benchmarks_name_the_server_the_same_way() -> None:
    url = "postgres://bench@db.internal:5432/figures"

    for parse in (run.parse_args, sla_sweep.parse_args):
        assert parse(["--database-url", url]).database_url == url
        assert parse(["--postgres"]).database_url == database.LOCAL_SERVER
        assert parse([]).database_url is None
    assert sla_sweep.parse_args(["--postgres"]).sizes == [1_000_000]


@pytest.mark.parametrize(
    "url", ["sqlite:///var/bench.sqlite3", "postgres://postgres@127.0.0.1/Bench-Figures"]
)
def test_a_url_that_names_no_postgresql_server_or_a_strange_name_is_refused(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        run.parse_args(["--database-url", url])

    assert "--database-url" in capsys.readouterr().err


def test_each_size_gets_a_new_database_dropped_after_it_even_on_failure(
    tmp_path: Path, postgres_server: str, databases_like: Callable[[str], list[str]]
) -> None:
    seen: dict[str, Any] = {}

    def failing_child() -> None:
        with database.child_environment(str(tmp_path), f"{postgres_server}/bench_test") as env:
            seen["name"] = env["DATABASE_URL"].rsplit("/", 1)[1]
            seen["existed"] = databases_like(seen["name"])
            # A connection the child leaves open does not keep its database alive.
            seen["left_open"] = psycopg.connect(env["DATABASE_URL"])
            raise RuntimeError("the child failed")

    with pytest.raises(RuntimeError):
        failing_child()

    assert seen["name"].startswith("bench_test_")
    assert seen["existed"] == [seen["name"]]
    assert databases_like("bench_test_%") == []
    seen["left_open"].close()
