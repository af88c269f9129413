"""Write a backup of the configured database and the media files: :func:`create_backup`.

SQLite: SQLite's online backup API copies the database page by page inside one read
transaction into a temporary file. That is a consistent snapshot even while the server
writes (WAL lets the writers go on), which a file copy is not: committed pages may still sit
in the ``-wal`` file, and a copy taken mid-write is torn. The copy is checked
(``PRAGMA quick_check``) before it goes into the archive.

PostgreSQL: every row of every table as JSON lines (:mod:`aandacht.backup.rows`), read inside
one ``REPEATABLE READ, READ ONLY`` transaction, so all tables come from the same snapshot
while the app servers keep writing. Chosen over ``pg_dump`` because it needs no PostgreSQL
client tools on the machine (nor a matching major version), streams in chunks, and restores
into either database: a team can move between SQLite and PostgreSQL with it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

import aandacht
from aandacht.backup import archive, rows

Progress = Callable[[str], None]

SQLITE_BUSY = 5
SQLITE_LOCKED = 6
#: How long the online backup waits for a database another connection keeps locked.
BUSY_SECONDS = 60.0


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    vendor: str
    counts: dict[str, int]
    media_files: int
    created_at: str

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "size": self.size,
            "vendor": self.vendor,
            "created_at": self.created_at,
            "media_files": self.media_files,
            "counts": self.counts,
        }


def vendor(alias: str = "default") -> str:
    return str(connections[alias].vendor)


def applied_migrations(alias: str = "default") -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def create_backup(
    target: Path,
    *,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    portable: bool = False,
) -> BackupResult:
    """Write the archive to ``target`` atomically (the caller checked it may be written).

    ``portable`` writes JSON lines on SQLite too (the tests use it to cover that format on
    both databases); on SQLite that holds the write lock for the dump's duration.

    Raises ``OSError`` (disk full, permissions) or ``DatabaseError``; either way nothing is
    left at ``target`` and the temporary files are removed.
    """
    target = target.resolve()
    archive.remove_stale_temp_files(target)
    created_at = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat()
    zip_path = archive.temp_file(target, ".zip.part")
    snapshot: Path | None = None
    writer: archive.ArchiveWriter | None = None
    try:
        writer = archive.ArchiveWriter(zip_path)
        kind = vendor()
        # Inside the caller's transaction (a test, a management shell) the JSON dump reads
        # through that transaction, a snapshot too; the online backup would wait for it.
        native = not portable and not connections["default"].in_atomic_block
        if kind == "sqlite" and native:
            snapshot = archive.temp_file(target, ".sqlite3.part")
            if progress:
                progress("database")
            counts, migrations = _sqlite_snapshot(snapshot)
            writer.add_file(snapshot, archive.SQLITE_MEMBER)
            snapshot.unlink()
            snapshot = None
            payload = archive.SQLITE_MEMBER
        else:
            if progress:
                progress("database")
            counts, migrations = _jsonl_snapshot(writer)
            payload = archive.JSONL_MEMBER
        if progress:
            progress("media")
        media = list(archive.media_files(Path(settings.MEDIA_ROOT)))
        for path, name in media:
            with contextlib.suppress(FileNotFoundError):  # deleted meanwhile: not referenced
                writer.add_file(path, name, compress=False)
        manifest = archive.Manifest(
            vendor=kind,
            payload=payload,
            created_at=created_at,
            app_version=aandacht.__version__,
            migrations=migrations,
            counts=counts,
        )
        writer.finish(manifest)
        writer = None
        archive.publish(zip_path, target)
    except BaseException:
        if writer is not None:
            writer.abort()
        for leftover in (zip_path, snapshot):
            if leftover is not None:
                with contextlib.suppress(OSError):
                    leftover.unlink()
        raise
    media_count = sum(1 for name in manifest.files if name.startswith(archive.MEDIA_PREFIX))
    return BackupResult(target, target.stat().st_size, kind, counts, media_count, created_at)


def _sqlite_snapshot(destination: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """The online backup of the default database into ``destination``, checked and counted."""
    connection = connections["default"]
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(destination)
    try:
        # pages=-1: everything in one step, i.e. inside one read transaction: a snapshot.
        source.backup(copy, pages=-1, progress=_give_up_after(BUSY_SECONDS))
        _forget_sessions(copy)
        problem = copy.execute("PRAGMA quick_check").fetchone()[0]
        if problem != "ok":
            raise sqlite3.DatabaseError(
                _("the copy failed its check: %(problem)s") % {"problem": problem}
            )
        tables = {
            name for (name,) in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        counts = {}
        for model in rows.all_models():
            table = model._meta.db_table
            if table in tables:
                counts[model._meta.label_lower] = copy.execute(
                    f'SELECT count(*) FROM "{table}"'  # noqa: S608 - a model's own table name
                ).fetchone()[0]
        migrations: dict[str, list[str]] = {}
        if "django_migrations" in tables:
            for app_label, name in copy.execute(
                "SELECT app, name FROM django_migrations ORDER BY app, name"
            ):
                migrations.setdefault(app_label, []).append(name)
    finally:
        copy.close()
    return counts, migrations


def _forget_sessions(copy: sqlite3.Connection) -> None:
    """Sign-ins stay out of the archive (see :data:`rows.LEFT_OUT`); secure_delete overwrites
    the deleted rows, which would otherwise linger in the file's free pages."""
    tables = {name for (name,) in copy.execute("SELECT name FROM sqlite_master")}
    copy.execute("PRAGMA secure_delete = ON")
    for table in rows.LEFT_OUT.values():
        if table in tables:
            copy.execute(f'DELETE FROM "{table}"')  # noqa: S608 - our constant table names
    copy.commit()


def _give_up_after(seconds: float) -> Callable[[int, int, int], None]:
    """SQLite's backup retries forever while the database is busy; stop after ``seconds``."""
    deadline = time.monotonic() + seconds

    def progress(status: int, remaining: int, total: int) -> None:
        if status in (SQLITE_BUSY, SQLITE_LOCKED) and time.monotonic() > deadline:
            raise sqlite3.OperationalError(
                _("the database stayed locked for %(seconds)d s") % {"seconds": round(seconds)}
            )

    return progress


def _jsonl_snapshot(writer: archive.ArchiveWriter) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Every row, from one snapshot of the (PostgreSQL) database, into the archive."""
    connection = connections["default"]
    outer = connection.in_atomic_block  # then the caller's transaction is the snapshot
    with transaction.atomic():
        if not outer and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        migrations = applied_migrations()
        with writer.open_member(archive.JSONL_MEMBER) as stream:
            counts = rows.dump_jsonl(stream)
    return counts, migrations
