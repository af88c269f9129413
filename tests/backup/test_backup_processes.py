"""The real ``aandacht backup`` in a subprocess on a SQLite file: a snapshot while another
process writes, ``kill -9`` in the middle of a backup, and the command's refusals."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from aandacht.backup import archive

TIMEOUT = 60
SCRUBBED = ("DATABASE_URL", "AANDACHT_VAULT", "AANDACHT_DATA_DIR", "AANDACHT_SECRET_KEY")


def env_for(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env.update(AANDACHT_DATA_DIR=str(data_dir), AANDACHT_LANGUAGE="en", COLUMNS="200")
    return env


def aandacht(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aandacht.cli", *args],
        env=env_for(data_dir),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def database(data_dir: Path) -> Path:
    return data_dir / "aandacht.sqlite3"


def fill(data_dir: Path, notes: int, body_bytes: int) -> None:
    """A migrated instance with one person and ``notes`` notes of random (incompressible) text."""
    created = aandacht(data_dir, "add", "Seed Person")
    assert created.returncode == 0, created.stderr
    with contextlib.closing(sqlite3.connect(database(data_dir))) as db:
        person, vault = db.execute("SELECT id, vault_id FROM people_person").fetchone()
        db.execute(
            """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
            INSERT INTO timeline_note
                (body, private, occurred_at, created_at, updated_at, person_id, vault_id)
            SELECT hex(randomblob(?)), 0, '2026-01-01 12:00:00', '2026-01-01 12:00:00',
                   '2026-01-01 12:00:00', ?, ? FROM n""",
            (notes, body_bytes // 2, person, vault),
        )
        db.commit()


def fingerprint(path: Path) -> tuple[int, str]:
    """Rows of the note table and a digest of all of them."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        digest = hashlib.sha256()
        count = 0
        for row in db.execute("SELECT id, body FROM timeline_note ORDER BY id"):
            digest.update(repr(row).encode())
            count += 1
    return count, digest.hexdigest()


def integrity(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def test_a_backup_is_a_consistent_snapshot_while_another_process_writes(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    fill(data_dir, notes=20_000, body_bytes=400)
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        with contextlib.closing(sqlite3.connect(database(data_dir), timeout=10)) as db:
            while not stop.is_set():
                db.execute(
                    "INSERT INTO timeline_note (body, private, occurred_at, created_at,"
                    " updated_at, person_id, vault_id) SELECT 'written during the backup', 0,"
                    " occurred_at, created_at, updated_at, person_id, vault_id"
                    " FROM timeline_note WHERE id = 1"
                )
                db.commit()
                written[0] += 1

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + TIMEOUT
        while written[0] < 50 and time.monotonic() < deadline:
            time.sleep(0.01)
        at_start = 20_000 + written[0]
        made = aandacht(data_dir, "backup", "-o", str(tmp_path / "b.zip"), "--json")
        at_end = 20_000 + written[0]
    finally:
        stop.set()
        thread.join(TIMEOUT)
    assert made.returncode == 0, made.stderr
    assert at_end > at_start  # the writer really wrote during the backup

    target = tmp_path / "b.zip"
    with zipfile.ZipFile(target) as opened:
        manifest = json.loads(opened.read(archive.MANIFEST))
        opened.extract(archive.SQLITE_MEMBER, tmp_path / "x")
    copy = tmp_path / "x" / archive.SQLITE_MEMBER
    assert integrity(copy) == "ok"
    with contextlib.closing(sqlite3.connect(copy)) as db:
        ids = [row[0] for row in db.execute("SELECT id FROM timeline_note ORDER BY id")]
    # One moment in time: every note up to some point, none missing in between.
    assert ids == list(range(1, len(ids) + 1))
    assert at_start <= len(ids) <= at_end
    assert manifest["counts"]["timeline.note"] == len(ids)
    assert json.loads(made.stdout)["counts"]["timeline.note"] == len(ids)


def test_kill_9_during_a_backup_leaves_the_database_whole_and_no_backup_file(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    fill(data_dir, notes=30_000, body_bytes=1000)  # about 35 MB: a backup takes a while
    before = fingerprint(database(data_dir))
    target = tmp_path / "backups" / "nightly.zip"
    target.parent.mkdir()

    process = subprocess.Popen(
        [sys.executable, "-m", "aandacht.cli", "backup", "-o", str(target)],
        env=env_for(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        partial: list[Path] = []
        while time.monotonic() < deadline and process.poll() is None:
            # Mid-way: the archive is being written (it has grown past its first megabyte).
            partial = [
                p for p in target.parent.glob(".nightly.zip.*.zip.part")
                if p.stat().st_size > 1_000_000
            ]  # fmt: skip
            if partial:
                break
            time.sleep(0.005)
        assert partial, "the backup finished before it could be interrupted"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(TIMEOUT)
        if process.stderr is not None:
            process.stderr.close()
    assert process.returncode == -signal.SIGKILL

    # No backup at the target, only the dead process's temporary files.
    assert not target.exists()
    leftovers = sorted(p.name for p in target.parent.iterdir())
    assert leftovers and all(name.startswith(".nightly.zip.") for name in leftovers)
    # The database is whole and holds everything it held.
    assert integrity(database(data_dir)) == "ok"
    assert fingerprint(database(data_dir)) == before

    # The next backup succeeds and clears the dead one's temporary files away.
    again = aandacht(data_dir, "backup", "-o", str(target), "--json")
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in target.parent.iterdir()) == ["nightly.zip"]
    checked = aandacht(data_dir, "restore", "--check", str(target), "--json")
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["counts"]["timeline.note"] == before[0]


@pytest.fixture(scope="module")
def small_instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("small") / "data"
    fill(data_dir, notes=10, body_bytes=20)
    return data_dir


def test_the_command_refuses_to_overwrite_and_names_missing_folders(
    small_instance: Path, tmp_path: Path
) -> None:
    existing = tmp_path / "there.zip"
    existing.write_bytes(b"keep me")
    refused = aandacht(small_instance, "backup", "-o", str(existing))
    assert refused.returncode == 3
    assert "already exists" in refused.stderr and "--force" in refused.stderr
    assert existing.read_bytes() == b"keep me"

    replaced = aandacht(small_instance, "backup", "-o", str(existing), "--force", "--json")
    assert replaced.returncode == 0, replaced.stderr
    assert json.loads(replaced.stdout)["size"] == existing.stat().st_size

    nowhere = aandacht(small_instance, "backup", "-o", str(tmp_path / "no" / "b.zip"))
    assert nowhere.returncode == 1 and "There is no folder" in nowhere.stderr

    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.access(locked, os.W_OK):  # root may write anyway
        return
    unwritable = aandacht(small_instance, "backup", "-o", str(locked / "b.zip"))
    assert unwritable.returncode == 1 and "cannot be written to" in unwritable.stderr


def test_restore_says_why_a_file_is_refused(small_instance: Path, tmp_path: Path) -> None:
    text = tmp_path / "contacts.zip"
    text.write_text("not a zip")
    refused = aandacht(small_instance, "restore", str(text))
    assert refused.returncode == 3
    assert "not a zip archive" in refused.stderr and "Nothing was changed" in refused.stderr

    backup = tmp_path / "b.zip"
    assert aandacht(small_instance, "backup", "-o", str(backup)).returncode == 0
    not_empty = aandacht(small_instance, "restore", str(backup))
    assert not_empty.returncode == 3
    assert "not empty" in not_empty.stderr and "people.person: 1" in not_empty.stderr

    fresh = tmp_path / "fresh"
    restored = aandacht(fresh, "restore", str(backup), "--json")
    assert restored.returncode == 0, restored.stderr
    assert json.loads(restored.stdout)["counts"]["timeline.note"] == 10
    assert fingerprint(database(fresh)) == fingerprint(database(small_instance))


SCHEDULED_IN_A_CHILD = """
import datetime as dt, json, os, subprocess
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aandacht.settings")
django.setup()
from aandacht.backup.schedule import BackupFailed, run_scheduled_backup
calls, real = [], subprocess.run
def spy(command, **options):
    calls.append(command)
    return real(command, **options)
subprocess.run = spy
try:
    path, failed = str(run_scheduled_backup(dt.datetime(2026, 12, 6, 3, 0, tzinfo=dt.UTC))), ""
except BackupFailed as error:
    path, failed = "", str(error)
print(json.dumps({"path": path, "failed": failed, "calls": calls}))
"""


def scheduled_in_a_child(data_dir: Path) -> dict[str, Any]:
    env = {**env_for(data_dir), "AANDACHT_BACKUP_IN_CHILD": "1"}
    done = subprocess.run(
        [sys.executable, "-c", SCHEDULED_IN_A_CHILD],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    said: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return said


def test_a_scheduled_backup_in_production_is_written_by_a_child_process(tmp_path: Path) -> None:
    """``BACKUP_IN_CHILD`` (on in production): the scheduler's backup is written by
    ``aandacht.backup.scheduled`` in a child process at a lower priority, of the same
    instance, a whole archive whose manifest carries the time of its name."""
    data_dir = tmp_path / "data"
    fill(data_dir, notes=50, body_bytes=100)
    said = scheduled_in_a_child(data_dir)
    assert said["failed"] == ""
    (command,) = said["calls"]
    assert command[-4:] == [
        "-m",
        "aandacht.backup.scheduled",
        said["path"],
        "2026-12-06T03:00:00+00:00",
    ]
    if shutil.which("nice"):
        assert command[1:3] == ["-n", "10"]
    written = Path(said["path"])
    assert written == data_dir / "backups" / "aandacht-backup-20261206T030000Z.zip"
    with zipfile.ZipFile(written) as opened:
        manifest = json.loads(opened.read(archive.MANIFEST))
    assert manifest["counts"]["timeline.note"] == 50
    assert manifest["counts"]["people.person"] == 1
    assert manifest["created_at"].startswith("2026-12-06T03:00:00")
    assert [p.name for p in written.parent.iterdir()] == [written.name]  # no temporary files


def test_the_child_never_migrates_and_refuses_a_database_behind_the_code(tmp_path: Path) -> None:
    """A server still running older code must not have its schema changed by a backup: with a
    migration of this version missing, the child says so and writes nothing."""
    data_dir = tmp_path / "data"
    fill(data_dir, notes=5, body_bytes=100)
    with contextlib.closing(sqlite3.connect(database(data_dir))) as db:
        db.execute(
            "DELETE FROM django_migrations WHERE app = 'people' AND name = "
            "(SELECT max(name) FROM django_migrations WHERE app = 'people')"
        )
        db.commit()
    said = scheduled_in_a_child(data_dir)
    assert said["path"] == ""
    assert "the database lacks 1 migration(s) of this version (people." in said["failed"]
    assert list((data_dir / "backups").iterdir()) == []
    with contextlib.closing(sqlite3.connect(database(data_dir))) as db:
        missing = db.execute(
            "SELECT count(*) FROM django_migrations WHERE app = 'people'"
        ).fetchone()[0]
    assert (
        missing
        == len(list(Path(archive.__file__).parent.parent.glob("people/migrations/0*.py"))) - 1
    )
