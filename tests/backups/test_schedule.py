"""Scheduled backups: one a day by either job engine, thinned to the retention, and the
last one reported by ``hypercare check`` and ``/metrics``."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import LazySettings
from django.test import Client

from hypercare.backups.archive import archive_name
from hypercare.backups.schedule import archives, kept, prune, take_scheduled_backup
from hypercare.celery import app
from hypercare.health import check_backup
from hypercare.jobs import JOBS

NOON = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)  # a Friday


def _fake_archives(folder: Path, times: list[datetime]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for time in times:
        (folder / archive_name(time)).write_bytes(b"")


def test_retention_keeps_the_newest_of_each_recent_day_and_week() -> None:
    times = [NOON - timedelta(hours=6 * n) for n in range(4 * 40)]  # 40 days, 4 a day

    keep = kept(times, daily=3, weekly=2)

    days = {time.date() for time in keep}
    assert max(keep) == NOON
    assert {NOON.date() - timedelta(days=n) for n in range(3)} <= days
    # This week's newest is today's; last week's newest is Sunday 29 November, 18:00.
    assert datetime(2026, 11, 29, 18, 0, tzinfo=UTC) in keep
    assert len(keep) == 4


def test_pruning_removes_only_archives_past_the_retention(
    settings: LazySettings, backup_dir: Path
) -> None:
    settings.HYPERCARE_BACKUP_KEEP_DAILY = 2
    settings.HYPERCARE_BACKUP_KEEP_WEEKLY = 1
    _fake_archives(backup_dir, [NOON - timedelta(days=n) for n in range(10)])
    (backup_dir / "notes.txt").write_text("not an archive: left alone")

    assert prune(backup_dir) == 8

    assert sorted(archives(backup_dir).values()) == [NOON - timedelta(days=1), NOON]
    assert (backup_dir / "notes.txt").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_job_takes_one_backup_a_day(settings: LazySettings, backup_dir: Path) -> None:
    settings.HYPERCARE_BACKUP_KEEP_DAILY = 2
    _fake_archives(backup_dir, [NOON - timedelta(days=n) for n in range(1, 4)])

    with time_machine.travel(NOON, tick=False):
        first = JOBS["backup"].function()
        second = JOBS["backup"].function()

    assert first == {"taken": 1, "pruned": 2}
    assert second == {"taken": 0, "pruned": 0}
    assert sorted(archives(backup_dir).values()) == [NOON - timedelta(days=1), NOON]
    assert (backup_dir / archive_name(NOON)).stat().st_size > 0


def test_the_job_runs_in_both_engines_every_hour() -> None:
    assert JOBS["backup"].interval_seconds == 3600
    assert app.conf.beat_schedule["backup"]["task"] == "hypercare.backup"


def test_the_job_takes_none_when_the_schedule_is_off(
    settings: LazySettings, backup_dir: Path
) -> None:
    settings.HYPERCARE_BACKUP_SCHEDULE = False

    assert take_scheduled_backup() == {"taken": 0, "pruned": 0}
    assert not archives(backup_dir)


def test_check_reports_the_last_backup_and_fails_when_it_is_old(
    settings: LazySettings, backup_dir: Path
) -> None:
    settings.HYPERCARE_BACKUP_MAX_AGE_HOURS = 48
    with time_machine.travel(NOON, tick=False):
        assert check_backup().ok
        assert "no backup yet" in check_backup().detail
        _fake_archives(backup_dir, [NOON - timedelta(hours=47)])
        assert check_backup().ok
        assert "last backup 2026-12-02 13:00 UTC" in check_backup().detail
    with time_machine.travel(NOON + timedelta(hours=2), tick=False):
        result = check_backup()
    assert not result.ok
    assert "49 hours ago" in result.detail


@pytest.mark.django_db
def test_metrics_show_when_the_last_backup_was_taken(
    settings: LazySettings, backup_dir: Path
) -> None:
    settings.HYPERCARE_METRICS_TOKEN = "backup-metrics-token"
    headers = {"Authorization": "Bearer backup-metrics-token"}
    name = "hypercare_backup_last_success_timestamp_seconds"

    assert f"{name} 0.0" in Client().get("/metrics", headers=headers).content.decode()
    _fake_archives(backup_dir, [NOON])
    assert f"{name} 1.7963856e+09" in Client().get("/metrics", headers=headers).content.decode()
    assert NOON.timestamp() == 1.7963856e09
