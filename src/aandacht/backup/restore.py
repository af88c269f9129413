"""Bring a backup back: :func:`check_archive`, then :func:`restore_backup`.

Every restore first builds a temporary SQLite file at this code's schema, holding exactly the
backup's rows: a SQLite backup is that file already (migrated if it is older), a JSON-lines
backup is loaded into a file migrated to the backup's own migration state and then migrated
forward. Migrations run in a child process (:mod:`aandacht.backup.child`) where the temporary
file is the default database, so no data migration can touch the live one.

Only then is the live database touched, in one step that cannot be half done:

- SQLite: SQLite's backup API copies the temporary file into the live database inside one
  write transaction. A crash mid-way rolls back to the old database (the journal/WAL does
  that); connections of a running server see the old or the new database, never a mix. A
  plain file rename would not be safe under WAL: the old ``-wal`` file would be replayed onto
  the new database.
- PostgreSQL: one transaction empties every table, inserts every row and resets the id
  sequences; until it commits, everyone sees the old data.

So a backup from either database restores into either: SQLite → PostgreSQL and back.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps.registry import Apps
from django.conf import settings
from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.utils import load_backend

from aandacht.backup import archive, rows

RESTORE_ALIAS = "aandacht_restore"
#: What makes an instance "not empty": a restore would overwrite these.
OCCUPANTS = ("auth.user", "accounts.vault", "people.person", "timeline.interaction")
CHILD_TIMEOUT_SECONDS = 1800

Progress = Callable[[str], None]


class InstanceNotEmpty(Exception):
    def __init__(self, found: dict[str, int]) -> None:
        super().__init__(str(found))
        self.found = found


class RestoreFailed(Exception):
    """Something went wrong after the archive was found good; the live data is unchanged."""


@dataclass(frozen=True)
class Checked:
    manifest: archive.Manifest
    needs_migration: bool


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    source_vendor: str
    target_vendor: str
    created_at: str
    migrated: bool
    counts: dict[str, int]
    media_files: int

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "from": self.source_vendor,
            "into": self.target_vendor,
            "backup_created_at": self.created_at,
            "migrated": self.migrated,
            "media_files": self.media_files,
            "counts": self.counts,
        }


def check_archive(path: Path) -> Checked:
    """The archive's manifest, after checking everything a restore relies on.

    Raises :class:`archive.ArchiveProblem` (its ``code`` says what) before anything changes.
    """
    with archive.open_archive(path) as opened:
        manifest = archive.read_manifest(opened)
        archive.verify_members(opened, manifest)
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update((app, name) for app, name in migration.replaces)
    applied = {(app, name) for app, names in manifest.migrations.items() for name in names}
    unknown = sorted(applied - known)
    if unknown:
        raise archive.ArchiveProblem(
            "newer_migrations", ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        )
    needs = not set(loader.graph.leaf_nodes()) <= applied
    return Checked(manifest, needs)


def occupants() -> dict[str, int]:
    return rows.has_rows("default", OCCUPANTS)


def restore_backup(
    path: Path,
    *,
    force: bool = False,
    progress: Progress | None = None,
    checked: Checked | None = None,
) -> RestoreResult:
    """Replace the configured database and media with the backup's (see the module doc).

    ``checked``: the result of :func:`check_archive` when the caller already ran it (reading
    a large archive twice costs as long as the restore).
    """
    checked = checked or check_archive(path)
    manifest = checked.manifest
    if not force:
        found = occupants()
        if found:
            raise InstanceNotEmpty(found)
    data_dir = Path(settings.DATA_DIR)
    work = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
    try:
        temp_db = work / "restore.sqlite3"
        with archive.open_archive(path) as opened:
            if progress:
                progress("database")
            if manifest.payload == archive.SQLITE_MEMBER:
                archive.extract_member(opened, archive.SQLITE_MEMBER, temp_db)
                _check_sqlite(temp_db)
                if checked.needs_migration:
                    _migrate_file(temp_db, None)
            else:
                targets = _targets(manifest)
                _migrate_file(temp_db, targets)
                # An older backup's rows fit the models of its own migration state.
                registry = _historical_models(targets) if checked.needs_migration else None
                with opened.open(archive.JSONL_MEMBER) as lines, _sqlite_alias(temp_db) as alias:
                    try:
                        with transaction.atomic(using=alias):
                            rows.empty_tables(alias)  # what post_migrate put there
                            rows.load_jsonl(lines, alias, registry)
                    except (rows.UnknownTable, ValueError) as error:
                        raise RestoreFailed(f"the backup's rows do not fit: {error}") from None
                if checked.needs_migration:
                    _migrate_file(temp_db, None)
            if progress:
                progress("media")
            staged_media = work / "media"
            staged_media.mkdir()
            media_count = 0
            for name in opened.namelist():
                if name.startswith(archive.MEDIA_PREFIX) and not name.endswith("/"):
                    destination = archive.safe_media_path(staged_media, name)
                    if destination is not None:
                        archive.extract_member(opened, name, destination)
                        media_count += 1
        if progress:
            progress("swap")
        target_vendor = str(connections["default"].vendor)
        if target_vendor == "sqlite":
            counts = _into_sqlite(temp_db)
        else:
            counts = _into_other(temp_db)
        _swap_media(staged_media, Path(settings.MEDIA_ROOT), work)
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)  # normally nothing left to do
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return RestoreResult(
        path=path,
        source_vendor=manifest.vendor,
        target_vendor=target_vendor,
        created_at=manifest.created_at,
        migrated=checked.needs_migration,
        counts=counts,
        media_files=media_count,
    )


def _targets(manifest: archive.Manifest) -> list[tuple[str, str]]:
    """Per app, the backup's last applied migration(s): where its JSON rows fit the schema."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    applied = {(app, name) for app, names in manifest.migrations.items() for name in names}
    targets = []
    for node in sorted(applied):
        if node not in graph.node_map:
            continue  # replaced by a squashed migration; its replacement is the node
        children = graph.node_map[node].children
        if not any(child.key[0] == node[0] and child.key in applied for child in children):
            targets.append(node)
    return targets


def _historical_models(targets: list[tuple[str, str]]) -> Apps:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return loader.project_state(targets, at_end=True).apps


def _check_sqlite(path: Path) -> None:
    try:
        with contextlib.closing(sqlite3.connect(path)) as db:
            result = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise archive.ArchiveProblem("bad_database", str(error)) from None
    if result != "ok":
        raise archive.ArchiveProblem("bad_database", str(result))


def _migrate_file(path: Path, targets: list[tuple[str, str]] | None) -> None:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{path.resolve()}",
        AANDACHT_DATA_DIR=str(Path(settings.DATA_DIR).resolve()),
        AANDACHT_SCHEDULER="off",
        DJANGO_SETTINGS_MODULE="aandacht.settings",
    )
    command = [sys.executable, "-m", "aandacht.backup.child"]
    if targets is not None:
        command.append(json.dumps(targets))
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module
        command,
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode != 0:
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
        raise RestoreFailed("migrating the backup failed: " + " / ".join(tail))


@contextlib.contextmanager
def _sqlite_alias(path: Path) -> Iterator[str]:
    """``path`` as an extra database of this process, for the time of the block."""
    filled = connections.configure_settings(
        {
            "default": {"ENGINE": "django.db.backends.dummy"},
            RESTORE_ALIAS: {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)},
        }
    )[RESTORE_ALIAS]
    # Only this thread's connection, not a configured database: nothing else (another
    # thread, Django's test isolation) ever sees the alias.
    wrapper = load_backend(filled["ENGINE"]).DatabaseWrapper(filled, RESTORE_ALIAS)
    connections[RESTORE_ALIAS] = wrapper
    try:
        yield RESTORE_ALIAS
    finally:
        with contextlib.suppress(Exception):
            wrapper.close()
        with contextlib.suppress(AttributeError, KeyError):
            del connections[RESTORE_ALIAS]


def _into_sqlite(temp_db: Path) -> dict[str, int]:
    connection = connections["default"]
    connection.ensure_connection()
    live = connection.connection
    if connection.in_atomic_block:
        raise RestoreFailed("a restore cannot run inside a transaction")
    try:
        with contextlib.closing(sqlite3.connect(temp_db)) as source:
            source.backup(live, pages=-1)  # one step: one write transaction on the live file
    except sqlite3.Error as error:  # e.g. the disk is full: SQLite rolled the copy back
        raise RestoreFailed(str(error)) from None
    connection.close()  # the next query opens the new database afresh
    return rows.count_rows("default")


def _into_other(temp_db: Path) -> dict[str, int]:
    with _sqlite_alias(temp_db) as alias:
        with transaction.atomic(using="default"):
            rows.empty_tables("default")
            counts = rows.copy_rows(alias, "default")
            rows.reset_sequences("default")
    return counts


def _swap_media(staged: Path, media_root: Path, work: Path) -> None:
    """The restored media folder in place of the current one (two renames)."""
    old = work / "old-media"
    media_root.parent.mkdir(parents=True, exist_ok=True)
    if media_root.exists():
        try:
            os.replace(media_root, old)
        except OSError:  # another file system (a mount): copy instead
            shutil.copytree(staged, media_root, dirs_exist_ok=True)
            return
    try:
        os.replace(staged, media_root)
    except OSError:
        shutil.copytree(staged, media_root)
