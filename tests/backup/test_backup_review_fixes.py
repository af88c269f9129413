"""Regressions from the review of backup and restore: sign-ins stay out of backups, unlisted
archive members are refused, the old media survive a failed swap, the cache table survives a
restore, stale leftovers are cleaned up and a future-dated backup does not stop the schedule."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from backup_cast import seed
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test import Client

from aandacht.accounts.models import SignedInSession, Vault
from aandacht.attention.background import STOP_TIMEOUT_SECONDS
from aandacht.backup import archive, restore, rows
from aandacht.backup.make import create_backup
from aandacht.backup.restore import PartlyRestored, restore_backup
from aandacht.web.production import GRACEFUL_TIMEOUT_SECONDS

db = pytest.mark.django_db(transaction=True)


def signed_in_session(user: User) -> str:
    client = Client()
    client.force_login(user)
    key = client.session.session_key
    assert key is not None
    if not SignedInSession.objects.filter(session_key=key).exists():
        SignedInSession.objects.create(
            user=user, session_key=key, last_seen_at=dt.datetime.now(dt.UTC)
        )
    return key


@db
@pytest.mark.parametrize("portable", [False, True], ids=["native", "json-lines"])
def test_no_sign_in_is_in_the_backup_and_a_restore_signs_everyone_out(
    portable: bool, tmp_path: Path, media: Path, alice: User, vault: Vault, other_vault: Vault
) -> None:
    seed(alice, vault, other_vault)
    key = signed_in_session(alice)
    assert Session.objects.exists() and SignedInSession.objects.exists()

    backup = create_backup(tmp_path / "backup.zip", portable=portable).path

    with zipfile.ZipFile(backup) as opened:
        everything = b"".join(opened.read(name) for name in opened.namelist())
    assert key.encode() not in everything
    restore_backup(backup, force=True)
    assert not Session.objects.exists()
    assert not SignedInSession.objects.exists()
    assert User.objects.filter(username="alice").exists()


@db
def test_an_archive_with_a_member_the_manifest_does_not_list_is_refused(
    tmp_path: Path, media: Path, alice: User, vault: Vault, other_vault: Vault
) -> None:
    cast = seed(alice, vault, other_vault)
    good = create_backup(tmp_path / "good.zip").path
    bad = tmp_path / "extra.zip"
    with zipfile.ZipFile(good) as old, zipfile.ZipFile(bad, "w") as new:
        for name in old.namelist():
            new.writestr(name, old.read(name))
        new.writestr("media/photos/unchecked.png", b"not in the manifest")
    before = rows.count_rows()

    with pytest.raises(archive.ArchiveProblem) as refused:
        restore_backup(bad, force=True)

    assert refused.value.code == "unlisted_member"
    assert rows.count_rows() == before
    assert (media / cast.photo_name).read_bytes() == cast.photo


@db
def test_a_restore_that_does_not_fit_on_the_disk_changes_nothing(
    tmp_path: Path, media: Path, alice: User, vault: Vault, other_vault: Vault, monkeypatch: Any
) -> None:
    seed(alice, vault, other_vault)
    backup = create_backup(tmp_path / "backup.zip").path
    before = rows.count_rows()
    monkeypatch.setattr(
        restore.shutil, "disk_usage", lambda path: SimpleNamespace(total=1, used=1, free=0)
    )

    with pytest.raises(restore.RestoreFailed, match="MB"):
        restore_backup(backup, force=True)
    assert rows.count_rows() == before


@db
def test_a_failed_media_swap_puts_the_old_media_back(
    tmp_path: Path, media: Path, alice: User, vault: Vault, other_vault: Vault, monkeypatch: Any
) -> None:
    cast = seed(alice, vault, other_vault)
    backup = create_backup(tmp_path / "backup.zip").path
    (media / "only-now.txt").write_text("added after the backup")
    real_replace = os.replace

    def replace(source: Any, target: Any) -> None:
        if Path(source).name == "media" and Path(source).parent.name.startswith(".restore-"):
            raise OSError("simulated: cannot rename")
        real_replace(source, target)

    def copytree(*args: Any, **kwargs: Any) -> None:
        raise OSError("simulated: disk full")

    monkeypatch.setattr(restore.os, "replace", replace)
    monkeypatch.setattr(restore.shutil, "copytree", copytree)

    with pytest.raises(PartlyRestored) as failed:
        restore_backup(backup, force=True)

    assert not failed.value.media_replaced
    assert (media / "only-now.txt").read_text() == "added after the backup"
    assert (media / cast.photo_name).read_bytes() == cast.photo


@db
def test_the_database_cache_table_is_there_after_a_restore(
    tmp_path: Path, media: Path, alice: User, vault: Vault, other_vault: Vault, settings: Any
) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "aandacht_review_cache",
        }
    }
    seed(alice, vault, other_vault)
    # Made without the cache table (as a backup of a development instance, or JSON lines).
    backup = create_backup(tmp_path / "backup.zip", portable=True).path
    try:
        restore_backup(backup, force=True)
        assert "aandacht_review_cache" in connection.introspection.table_names()
        caches["default"].set("after-restore", 1)
        assert caches["default"].get("after-restore") == 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS aandacht_review_cache")


def test_a_killed_snapshots_sqlite_side_files_and_old_temp_files_are_stale(
    tmp_path: Path,
) -> None:
    target = tmp_path / "b.zip"
    journal = tmp_path / ".b.zip.999999999.abc.sqlite3.part-journal"
    wal = tmp_path / ".b.zip.999999999.abc.sqlite3.part-wal"
    reused_pid = tmp_path / f".b.zip.{os.getppid()}.old.zip.part"  # a live pid, old file
    running = tmp_path / f".b.zip.{os.getppid()}.new.zip.part"
    for path in (journal, wal, reused_pid, running):
        path.write_bytes(b"x")
    long_ago = time.time() - archive.STALE_SECONDS - 60
    os.utime(reused_pid, (long_ago, long_ago))

    removed = archive.remove_stale_temp_files(target)

    assert sorted(removed) == sorted([journal, wal, reused_pid])
    assert running.exists()


def test_the_work_folder_of_a_killed_restore_is_removed(tmp_path: Path) -> None:
    dead = tmp_path / ".restore-999999999-abc"
    mine = tmp_path / f".restore-{os.getpid()}-def"
    kept_media = tmp_path / ".restore-999999998-ghi"
    for folder in (dead, mine, kept_media / restore.OLD_MEDIA):
        folder.mkdir(parents=True)
    assert restore.remove_stale_work(tmp_path) == [dead]
    assert mine.exists() and kept_media.exists()


def test_a_future_dated_backup_does_not_stop_the_schedule() -> None:
    now = dt.datetime(2026, 12, 6, 6, 0, tzinfo=dt.UTC)
    yesterday = archive.scheduled_name(now - dt.timedelta(hours=25))
    next_year = archive.scheduled_name(now + dt.timedelta(days=365))
    last = archive.latest_before([yesterday, next_year], now)
    assert last == now - dt.timedelta(hours=25)
    assert archive.is_due(last, now, 24)


def test_the_scheduler_thread_is_joined_within_gunicorns_graceful_timeout() -> None:
    assert STOP_TIMEOUT_SECONDS < GRACEFUL_TIMEOUT_SECONDS


def test_a_restore_gives_up_when_the_live_database_stays_locked(
    tmp_path: Path, monkeypatch: Any
) -> None:
    live_path = tmp_path / "live.sqlite3"
    source_path = tmp_path / "source.sqlite3"
    with sqlite3.connect(source_path) as source:
        source.execute("CREATE TABLE t (x)")
    holder = sqlite3.connect(live_path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")  # a server in the middle of a write
    live = sqlite3.connect(live_path, timeout=0.05)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            with sqlite3.connect(source_path) as source:
                source.backup(live, pages=-1, progress=restore._give_up_after(0.2))
    finally:
        live.close()
        holder.close()


def test_the_cli_says_the_database_was_replaced_when_a_later_step_failed(
    monkeypatch: Any,
) -> None:
    from typer.testing import CliRunner

    from aandacht import cli_backup
    from aandacht.cli import app

    def fails_after_the_swap(*args: Any, **kwargs: Any) -> None:
        raise PartlyRestored(OSError("simulated: media swap"), media_replaced=False)

    monkeypatch.setattr(cli_backup, "_prepare", lambda: None)
    monkeypatch.setattr(restore, "check_archive", lambda path: object())
    monkeypatch.setattr(restore, "restore_backup", fails_after_the_swap)

    result = CliRunner().invoke(app, ["restore", "backup.zip"])

    assert result.exit_code != 0
    assert "Nothing was changed" not in result.output
    assert "backup's data" in result.output
    assert "still the old ones" in result.output
