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
import logging
import os
import re
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
from django.utils.translation import gettext as _

from aandacht.backup import archive, rows
from aandacht.backup.make import BUSY_SECONDS, _give_up_after
from aandacht.web import stamp

logger = logging.getLogger(__name__)

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


class PartlyRestored(Exception):
    """The database was replaced, but a later step (media swap, final migrate) failed."""

    def __init__(self, error: BaseException, *, media_replaced: bool) -> None:
        super().__init__(str(error) or type(error).__name__)
        self.media_replaced = media_replaced


#: A restore's work folder: ``.restore-PID-random`` in DATA_DIR (the pid tells a later restore
#: whether the folder was left by a killed one).
WORK_PATTERN = re.compile(r"^\.restore-(\d+)-")
OLD_MEDIA = "old-media"


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
    remove_stale_work(data_dir)
    _check_free_space(manifest, data_dir)
    work = Path(tempfile.mkdtemp(prefix=f".restore-{os.getpid()}-", dir=data_dir))
    keep_work = False
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
                        raise RestoreFailed(
                            _("the backup's rows do not fit: %(error)s") % {"error": error}
                        ) from None
                if checked.needs_migration:
                    _migrate_file(temp_db, None)
            _forget_sessions(temp_db)
            if progress:
                progress("media")
            staged_media = work / "media"
            staged_media.mkdir()
            media_count = 0
            # Only the members the manifest lists (and verify_members checked): nothing else
            # is in the archive, each is extracted once.
            for name in sorted(manifest.files):
                if name.startswith(archive.MEDIA_PREFIX) and not name.endswith("/"):
                    destination = archive.safe_media_path(staged_media, name)
                    if destination is not None:
                        archive.extract_member(opened, name, destination)
                        media_count += 1
        if progress:
            progress("swap")
        target_vendor = str(connections["default"].vendor)
        if target_vendor == "sqlite":
            _gather_statistics(temp_db)
            counts = _into_sqlite(temp_db)
        else:
            counts = _into_other(temp_db)
        media_replaced = False
        try:
            _swap_media(staged_media, Path(settings.MEDIA_ROOT), work)
            media_replaced = True
            _after_swap()
        except Exception as error:
            # The old media could not be put back: it stays in the work folder.
            keep_work = not media_replaced and (work / OLD_MEDIA).exists()
            raise PartlyRestored(error, media_replaced=media_replaced) from error
    finally:
        if not keep_work:
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


def _after_swap() -> None:
    """Migrate (normally nothing left to do) and recreate the cache table: the restored
    SQLite file replaced the live one, and with it the production cache's table."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)  # only DatabaseCache backends; idempotent


def remove_stale_work(data_dir: Path) -> list[Path]:
    """The work folders of restores that were killed (their process is gone). A folder that
    still holds the old media of a failed swap is left alone: it is someone's photos."""
    removed = []
    with contextlib.suppress(OSError):
        for candidate in data_dir.iterdir():
            found = WORK_PATTERN.match(candidate.name)
            if not found or not candidate.is_dir() or archive._alive(int(found.group(1))):
                continue
            if (candidate / OLD_MEDIA).exists():
                continue
            shutil.rmtree(candidate, ignore_errors=True)
            removed.append(candidate)
    return removed


def _check_free_space(manifest: archive.Manifest, data_dir: Path) -> None:
    """The unpacked database and media must fit beside the live data: refuse up front rather
    than fill the disk half way."""
    needed = sum(int(entry.get("size", 0)) for entry in manifest.files.values())
    try:
        free = shutil.disk_usage(data_dir).free
    except OSError:
        return
    if needed > free:
        raise RestoreFailed(
            _("the backup needs %(needed)d MB unpacked, but only %(free)d MB are free in %(dir)s")
            % {"needed": needed // 2**20 + 1, "free": free // 2**20, "dir": data_dir}
        )


def _forget_sessions(temp_db: Path) -> None:
    """No sign-ins come back from a backup (an older one may hold them): everyone signs in
    again. secure_delete overwrites the rows, since free pages are copied along."""
    with contextlib.closing(sqlite3.connect(temp_db)) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        db.execute("PRAGMA secure_delete = ON")
        for table in rows.LEFT_OUT.values():
            if table in tables:
                db.execute(f'DELETE FROM "{table}"')  # noqa: S608 - our constant table names
        db.commit()


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


def _gather_statistics(temp_db: Path) -> None:
    """The query planner's statistics in the restored file before it is swapped in (a
    JSON-lines backup has none; a SQLite one may be old): see :mod:`aandacht.planner_statistics`.
    Only a speed-up, so a failure is logged and the restore goes on."""
    from aandacht import planner_statistics

    try:
        with contextlib.closing(sqlite3.connect(temp_db, isolation_level=None)) as db:
            planner_statistics.refresh_sqlite(db.cursor())
    except sqlite3.Error as error:
        logger.warning("the restored database was not analyzed: %s", error)


def _database_refused(error: sqlite3.Error) -> str:
    """Why the live SQLite database refused the restored one, in the reader's language."""
    from aandacht.web.faults import Fault, fault_of

    fault = fault_of(error)
    if fault is Fault.DISK_FULL:
        return _("the disk is full (%(error)s)") % {"error": error}
    if fault is Fault.READ_ONLY:
        return _("the database cannot be written to (%(error)s)") % {"error": error}
    return _("the database said “%(error)s”") % {"error": error}


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
        raise RestoreFailed(
            _("migrating the backup failed: %(output)s") % {"output": " / ".join(tail)}
        )


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
        raise RestoreFailed(_("a restore cannot run inside a transaction"))
    try:
        with contextlib.closing(sqlite3.connect(temp_db)) as source:
            stamp.raise_past(source, live)  # the live processes' kept figures are older
            # One step: one write transaction on the live file. While a server holds the
            # write lock the step keeps failing busy; give up after BUSY_SECONDS.
            source.backup(live, pages=-1, progress=_give_up_after(BUSY_SECONDS))
    except sqlite3.Error as error:  # e.g. the disk is full: SQLite rolled the copy back
        raise RestoreFailed(_database_refused(error)) from None
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
    old = work / OLD_MEDIA
    media_root.parent.mkdir(parents=True, exist_ok=True)
    moved_aside = False
    if media_root.exists():
        try:
            os.replace(media_root, old)
            moved_aside = True
        except OSError:  # another file system (a mount): copy instead
            shutil.copytree(staged, media_root, dirs_exist_ok=True)
            return
    try:
        os.replace(staged, media_root)
        return
    except OSError:
        pass
    try:
        shutil.copytree(staged, media_root)
    except BaseException:
        if moved_aside:  # never lose the old media: put it back
            if media_root.exists():  # what the failed copy left; the old media is in ``old``
                shutil.rmtree(media_root, ignore_errors=True)
            os.replace(old, media_root)
        raise
