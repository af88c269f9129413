"""Scheduled backups: due times, names, retention (only our own files) and the scheduler job,
driven through the scheduler's tick with a fake clock."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from aandacht.attention.background import Scheduler
from aandacht.backup import archive
from aandacht.backup.schedule import BackupFailed, backup_command, run_scheduled_backup

T0 = dt.datetime(2026, 12, 6, 3, 0, tzinfo=dt.UTC)


# --- pure rules ---------------------------------------------------------------------------


def test_names_carry_the_utc_time_and_read_back() -> None:
    amsterdam = dt.timezone(dt.timedelta(hours=1))
    name = archive.scheduled_name(T0.astimezone(amsterdam))
    assert name == "aandacht-backup-20261206T030000Z.zip"
    assert archive.scheduled_time(name) == T0
    assert archive.scheduled_time("aandacht-backup-latest.zip") is None
    assert archive.scheduled_time("my-backup.zip") is None


def test_due_after_the_interval_never_when_off() -> None:
    assert archive.is_due(None, T0, 24)
    assert not archive.is_due(T0, T0 + dt.timedelta(hours=23, minutes=59), 24)
    assert archive.is_due(T0, T0 + dt.timedelta(hours=24), 24)
    assert not archive.is_due(None, T0, 0)


def test_retention_deletes_the_oldest_of_our_own_files_only() -> None:
    ours = [archive.scheduled_name(T0 + dt.timedelta(days=d)) for d in (3, 0, 2, 1)]
    names = [*ours, "my-backup.zip", "aandacht-backup-by-hand.zip", ".x.part"]
    assert archive.beyond_retention(names, 2) == [
        archive.scheduled_name(T0),
        archive.scheduled_name(T0 + dt.timedelta(days=1)),
    ]
    assert archive.beyond_retention(names, 10) == []
    assert len(archive.beyond_retention(names, 0)) == 3  # at least the newest stays


def test_temp_files_of_a_dead_backup_are_removed_and_a_live_ones_kept(tmp_path: Path) -> None:
    target = tmp_path / "b.zip"
    dead = tmp_path / ".b.zip.999999999.abc.zip.part"  # no such process
    alive = tmp_path / f".b.zip.{os.getpid()}.def.zip.part"
    other = tmp_path / ".c.zip.999999999.abc.zip.part"
    for path in (dead, alive, other):
        path.write_bytes(b"x")
    assert archive.remove_stale_temp_files(target) == [dead]
    assert alive.exists() and other.exists() and not dead.exists()


# --- the scheduler job --------------------------------------------------------------------


@pytest.fixture
def schedule(settings: Any, tmp_path: Path, media: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "backups"
    settings.BACKUP_DIR = directory
    settings.BACKUP_EVERY_HOURS = 24
    settings.BACKUP_KEEP = 2
    monkeypatch.setattr(
        "aandacht.attention.digest.send_due_digests", lambda now=None, **options: []
    )
    return directory


def names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.mark.django_db(transaction=True)
def test_the_lease_holder_backs_up_when_due_and_keeps_the_newest(schedule: Path) -> None:
    clock = [T0]
    holder = Scheduler(holder="me", clock=lambda: clock[0])
    waiting = Scheduler(holder="other", clock=lambda: clock[0])

    assert holder.tick() is True
    assert waiting.tick() is False  # only the lease holder backs up
    assert names(schedule) == ["aandacht-backup-20261206T030000Z.zip"]
    schedule.joinpath("by-hand.zip").write_bytes(b"mine")

    clock[0] = T0 + dt.timedelta(hours=1)
    holder.tick()
    assert len(names(schedule)) == 2  # not due yet

    for day in (1, 2, 3):
        clock[0] = T0 + dt.timedelta(days=day)
        holder.tick()
    assert names(schedule) == [
        "aandacht-backup-20261208T030000Z.zip",
        "aandacht-backup-20261209T030000Z.zip",
        "by-hand.zip",
    ]
    newest = schedule / "aandacht-backup-20261209T030000Z.zip"
    assert archive.read_manifest(archive.open_archive(newest)).counts["auth.user"] >= 0


@pytest.mark.django_db(transaction=True)
def test_off_means_no_backups(schedule: Path, settings: Any) -> None:
    settings.BACKUP_EVERY_HOURS = 0
    assert Scheduler(holder="me", clock=lambda: T0).tick() is True
    assert not schedule.exists()


@pytest.mark.django_db(transaction=True)
def test_a_failing_backup_is_logged_and_the_digests_still_run(
    schedule: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    schedule.parent.mkdir(exist_ok=True)
    schedule.write_text("a file where the folder should be")
    sent: list[float] = []
    monkeypatch.setattr(
        "aandacht.attention.digest.send_due_digests",
        lambda now=None, **options: sent.append(time.monotonic()) or [],
    )
    scheduler = Scheduler(holder="me", clock=lambda: T0)
    assert scheduler.tick() is True
    assert scheduler.tick() is True  # and the next tick tries again
    assert len(sent) == 2
    assert "the scheduled backup failed" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_no_second_backup_while_one_is_being_written_and_a_dead_ones_file_goes(
    schedule: Path,
) -> None:
    schedule.mkdir(parents=True)
    running = schedule / f".aandacht-backup-20261205T030000Z.zip.{os.getpid()}.a.zip.part"
    running.write_bytes(b"being written")
    scheduler = Scheduler(holder="me", clock=lambda: T0)
    scheduler.tick()
    assert names(schedule) == [running.name]  # the other backup is still writing

    # It died long ago (kill -9): its file is old and its process is gone.
    dead = schedule / ".aandacht-backup-20261205T030000Z.zip.999999999.a.zip.part"
    running.rename(dead)
    old = time.time() - 3600
    os.utime(dead, (old, old))
    scheduler.tick()
    assert names(schedule) == ["aandacht-backup-20261206T030000Z.zip"]


# --- in a child process (production) --------------------------------------------------------

FAILS = "import sys; sys.stderr.write('No space left on device \u201cx\u201d'); sys.exit(1)"
# A child that started writing (a temporary file of its own pid) and then failed.
WROTE_THEN_FAILED = (
    "import os, pathlib, sys; "
    "folder = pathlib.Path(sys.argv[1]); "
    "name = f'.aandacht-backup-20261206T030000Z.zip.{os.getpid()}.abc.zip.part'; "
    "(folder / name).write_text('x'); "
    "sys.exit(3)"
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("script", "reason"),
    [
        (FAILS, "exited with 1: No space left on device \u201cx\u201d"),
        (WROTE_THEN_FAILED, "exited with 3"),
        ("print('not what the command answers')", "answered unreadably"),
        ("import time; time.sleep(30)", "stopped after 1 s"),
    ],
)
def test_a_child_that_fails_is_a_failed_backup_with_its_words_logged(
    schedule: Path,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    script: str,
    reason: str,
) -> None:
    """Its words reach the log, it leaves no temporary file, and the next tick tries again."""
    settings.BACKUP_IN_CHILD = True
    monkeypatch.setattr("aandacht.backup.schedule.CHILD_TIMEOUT_SECONDS", 1)
    monkeypatch.setattr(
        "aandacht.backup.schedule.backup_command",
        lambda target, now: [sys.executable, "-c", script, str(target.parent)],
    )
    with pytest.raises(BackupFailed, match=reason):
        run_scheduled_backup(T0)
    assert names(schedule) == []  # no backup, no temporary file left

    assert Scheduler(holder="me", clock=lambda: T0).tick() is True
    assert "the scheduled backup failed" in caplog.text and reason in caplog.text


def test_the_child_is_this_interpreters_scheduled_backup_at_a_lower_priority(
    tmp_path: Path,
) -> None:
    command = backup_command(tmp_path / "b.zip", T0)
    assert command[-5:] == [
        sys.executable, "-m", "aandacht.backup.scheduled", str(tmp_path / "b.zip"), T0.isoformat()
    ]  # fmt: skip
    assert command[:3] == ([shutil.which("nice"), "-n", "10"] if shutil.which("nice") else [])


def test_the_child_entry_point_says_how_to_call_it(capsys: pytest.CaptureFixture[str]) -> None:
    from aandacht.backup.scheduled import main

    assert main([]) == 2
    assert main(["b.zip", "yesterday"]) == 2
    assert "usage:" in capsys.readouterr().err
