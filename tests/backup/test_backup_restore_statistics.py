"""A restore into SQLite brings the query planner's statistics along (gathered on the restored
file before the swap; a failure there never fails the restore), and the restore's own
messages go through the translation catalogue."""

from __future__ import annotations

import logging
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from backup_cast import seed
from django.contrib.auth.models import User
from django.db import connection, transaction

from aandacht import planner_statistics
from aandacht.accounts.models import Vault
from aandacht.backup import archive, make, restore
from aandacht.backup.make import create_backup
from aandacht.backup.restore import restore_backup
from aandacht.people.models import Person

db = pytest.mark.django_db(transaction=True)
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's statistics (the SQLite leg)"
)


def has_statistics() -> bool:
    with connection.cursor() as cursor:
        return planner_statistics.has_statistics(cursor)


@pytest.fixture
def no_statistics_left() -> Iterator[None]:
    """These tests commit: the statistics they make must not reach the next test."""
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")


@on_sqlite
@db
def test_a_restore_of_json_lines_into_sqlite_has_statistics(
    tmp_path: Path,
    media: Path,
    alice: User,
    vault: Vault,
    other_vault: Vault,
    no_statistics_left: None,
) -> None:
    seed(alice, vault, other_vault)
    backup = create_backup(tmp_path / "backup.zip", portable=True).path  # rows, no statistics
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    restore_backup(backup, force=True)
    assert has_statistics()
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        assert {"people_person", "timeline_note"} <= {row[0] for row in cursor.fetchall()}


@db
def test_a_failing_statistics_step_does_not_fail_the_restore(
    tmp_path: Path,
    media: Path,
    alice: User,
    vault: Vault,
    other_vault: Vault,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    no_statistics_left: None,
) -> None:
    calls: list[int] = []

    def broken(cursor: Any, *args: Any) -> str:
        calls.append(1)
        raise sqlite3.OperationalError("database or disk is full")

    seed(alice, vault, other_vault)
    backup = create_backup(tmp_path / "backup.zip").path
    Person.objects.all().delete()
    monkeypatch.setattr(planner_statistics, "refresh_sqlite", broken)
    caplog.set_level(logging.WARNING, logger="aandacht.backup.restore")
    result = restore_backup(backup, force=True)
    assert result.counts["people.person"] == 3 == Person.objects.count()
    if connection.vendor == "sqlite":
        assert calls == [1]
        assert "the restored database was not analyzed: database or disk is full" in caplog.text
    else:  # PostgreSQL: autovacuum's work, the step does not run at all
        assert calls == []


# --- messages -------------------------------------------------------------------------------


def marked(message: str) -> str:
    return f"«{message}»"


def test_archive_details_are_translated_from_their_template_with_named_placeholders() -> None:
    problem = archive.ArchiveProblem(
        "newer_format", archive.gettext_noop("format version %(version)d"), {"version": 7}
    )
    assert problem.message == str(problem) == "format version 7"
    assert problem.detail(marked) == "«format version 7»"
    data = archive.ArchiveProblem("missing_member", "media/photo.png")  # a name: not translated
    assert data.detail(marked) == "media/photo.png"


def test_reading_a_bad_manifest_gives_a_translatable_detail(tmp_path: Path) -> None:
    path = tmp_path / "not-ours.zip"
    with zipfile.ZipFile(path, "w") as written:
        written.writestr(archive.MANIFEST, '{"format": "something else"}')
    with pytest.raises(archive.ArchiveProblem) as caught:
        archive.read_manifest(archive.open_archive(path))
    assert caught.value.code == "bad_manifest"
    assert caught.value.detail(marked) == "«not an Aandacht backup manifest»"


@pytest.mark.django_db
def test_restore_failures_speak_through_gettext(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(restore, "_", marked)
    with transaction.atomic(), pytest.raises(restore.RestoreFailed) as caught:
        restore._into_sqlite(Path("unused.sqlite3"))
    assert str(caught.value) == "«a restore cannot run inside a transaction»"


def test_a_full_disk_during_the_swap_is_said_plainly(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "full.sqlite3") as full:
        full.execute("CREATE TABLE t (x TEXT)")
        full.commit()
        pages = full.execute("PRAGMA page_count").fetchone()[0]
        full.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(sqlite3.OperationalError) as caught:
            full.execute("INSERT INTO t VALUES (?)", ["x" * 100_000])
    assert restore._database_refused(caught.value).startswith("the disk is full (")
    other = sqlite3.OperationalError("no such table: t")
    assert restore._database_refused(other) == "the database said “no such table: t”"


def test_the_backup_lock_timeout_speaks_through_gettext(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(make, "_", marked)
    give_up = make._give_up_after(-1.0)
    with pytest.raises(sqlite3.OperationalError, match="«the database stayed locked for -1 s»"):
        give_up(make.SQLITE_BUSY, 1, 2)
