"""``aandacht backup`` and ``aandacht restore``: a consistent copy of a whole running instance.

Registered on ``aandacht.cli.app`` (imported at the end of cli.py). The work happens in
:mod:`aandacht.backup`; this module checks the arguments, says what happened and maps each
failure to a clear message and exit code. Neither command creates the local owner (a restore
into a fresh data directory must find it empty); both migrate the configured database first.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from django.utils.translation import gettext as _

from aandacht.cli import (
    EXIT_REFUSED,
    EXIT_USAGE,
    JsonFlag,
    app,
    configure,
    emit_json,
    fail,
    out,
    say,
)

if TYPE_CHECKING:
    from aandacht.backup.archive import ArchiveProblem

ForceFlag = Annotated[bool, typer.Option("--force", help="Overwrite what is there.")]


def _prepare() -> None:
    """Settings and a migrated database, but no local owner (see the module docstring)."""
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError

    from aandacht import bootstrap

    configure()
    try:
        bootstrap.ensure_database(notify=say)
    except (ImproperlyConfigured, DatabaseError) as error:
        fail(_("The database cannot be used: %(error)s") % {"error": error})


def _size(size: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return str(filesizeformat(size))


def _os_reason(error: OSError) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return _("the disk is full")
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _("permission denied")
    return error.strerror or str(error)


def _check_target(output: str, force: bool) -> Path:
    target = Path(output).expanduser()
    if target.is_dir():
        fail(
            _("“%(path)s” is a folder, not a file; name the backup file to write.")
            % {"path": output},
            EXIT_USAGE,
        )
    folder = target.parent
    if not folder.is_dir():
        fail(_("There is no folder “%(path)s”; no backup was written.") % {"path": str(folder)})
    if not os.access(folder, os.W_OK | os.X_OK):
        fail(
            _("The folder “%(path)s” cannot be written to; no backup was written.")
            % {"path": str(folder)}
        )
    if target.exists() and not force:
        fail(
            _("“%(path)s” already exists; choose another name, or add --force to replace it.")
            % {"path": output},
            EXIT_REFUSED,
        )
    return target


def _list_backups(json_output: bool) -> None:
    from django.conf import settings

    from aandacht.backup import archive

    directory = Path(settings.BACKUP_DIR)
    found = []
    for path in archive.scheduled_backups(directory):
        stamp = archive.scheduled_time(path.name)
        found.append(
            {
                "path": str(path),
                "size": path.stat().st_size,
                "created_at": stamp.isoformat() if stamp else None,
            }
        )
    found.reverse()  # newest first
    if json_output:
        emit_json(
            {
                "directory": str(directory),
                "every_hours": settings.BACKUP_EVERY_HOURS,
                "keep": settings.BACKUP_KEEP,
                "backups": found,
            }
        )
        return
    if settings.BACKUP_EVERY_HOURS > 0:
        say(
            _("Scheduled backups: every %(hours)d hours into “%(dir)s”, the newest %(keep)d kept.")
            % {
                "hours": settings.BACKUP_EVERY_HOURS,
                "dir": str(directory),
                "keep": settings.BACKUP_KEEP,
            }
        )
    else:
        say(_("Scheduled backups are off (AANDACHT_BACKUP_EVERY_HOURS=0)."))
    if not found:
        say(_("There are no scheduled backups in “%(dir)s” yet.") % {"dir": str(directory)})
    for item in found:
        out.print(f"{item['created_at']}  {_size(int(str(item['size']))):>10}  {item['path']}")


@app.command("backup")
def backup(
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="The backup file to write (a zip archive). It appears only once complete.",
            show_default=False,
        ),
    ] = None,
    force: ForceFlag = False,
    list_backups: Annotated[
        bool,
        typer.Option("--list", help="List the scheduled backups instead of making one."),
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """Back up the whole instance (database and photos) while it keeps running."""
    if list_backups:
        configure()
        _list_backups(json_output)
        return
    if not output or not output.strip():
        fail(_("Name the backup file with -o FILE, or use --list."), EXIT_USAGE)
    target = _check_target(output, force)
    _prepare()
    from django.db import DatabaseError

    from aandacht.backup.make import create_backup

    try:
        result = create_backup(target)
    except OSError as error:
        fail(
            _("The backup failed: %(error)s. Nothing was written to “%(path)s”.")
            % {"error": _os_reason(error), "path": output}
        )
    except sqlite3.Error as error:  # the snapshot's own file (SQLite's online backup)
        reason = _("the disk is full") if "full" in str(error) else str(error)
        fail(
            _("The backup failed: %(error)s. Nothing was written to “%(path)s”.")
            % {"error": reason, "path": output}
        )
    except DatabaseError as error:
        fail(
            _("The backup failed: the database said “%(error)s”. Nothing was written to "
              "“%(path)s”.")
            % {"error": error, "path": output}
        )  # fmt: skip
    if json_output:
        emit_json(result.as_json())
        return
    say(
        _("Backed up %(people)d people and %(files)d media files to “%(path)s” (%(size)s).")
        % {
            "people": result.counts.get("people.person", 0),
            "files": result.media_files,
            "path": output,
            "size": _size(result.size),
        }
    )


def _archive_problem(path: str, problem: ArchiveProblem) -> NoReturn:
    messages = {
        "missing": _("There is no file “%(path)s”."),
        "not_archive": _("“%(path)s” is not an Aandacht backup: it is not a zip archive."),
        "truncated": _("“%(path)s” is truncated or damaged: the zip archive is incomplete."),
        "no_manifest": _("“%(path)s” is a zip archive but not an Aandacht backup: it has no "
                         "manifest."),
        "bad_manifest": _("The manifest of “%(path)s” cannot be used: %(detail)s."),
        "newer_format": _("“%(path)s” was made by a newer Aandacht (backup %(detail)s); "
                          "upgrade Aandacht to restore it."),
        "newer_migrations": _("“%(path)s” comes from a newer Aandacht: its database has "
                              "migrations this version does not know (%(detail)s). Upgrade "
                              "Aandacht first."),
        "missing_member": _("“%(path)s” is damaged: “%(detail)s” is missing from it."),
        "damaged_member": _("“%(path)s” is damaged: %(detail)s."),
        "checksum": _("“%(path)s” is damaged: “%(detail)s” does not match its checksum."),
        "bad_database": _("The database inside “%(path)s” is damaged: %(detail)s."),
        "unlisted_member": _("“%(path)s” holds files its manifest does not list (%(detail)s); "
                             "it was not written by aandacht backup, or was changed since."),
        "duplicate_member": _("“%(path)s” holds the same file twice (%(detail)s); it was not "
                              "written by aandacht backup, or was changed since."),
    }  # fmt: skip
    message = messages.get(problem.code, _("“%(path)s” cannot be restored: %(detail)s."))
    fail(
        message % {"path": path, "detail": problem.detail(_)},
        EXIT_REFUSED,
        details=[_("Nothing was changed.")],
    )


@app.command("restore")
def restore(
    file: Annotated[str, typer.Argument(metavar="FILE", help="A file written by aandacht backup.")],
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace the data of an instance that is not empty."),
    ] = False,
    check_only: Annotated[
        bool,
        typer.Option("--check", help="Only check the backup; change nothing."),
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """Bring a backup back into the configured database (SQLite or PostgreSQL), with its photos."""
    from aandacht.backup.archive import ArchiveProblem

    _prepare()
    from django.db import DatabaseError

    from aandacht.backup import restore as restoring

    path = Path(file).expanduser()
    try:
        checked = restoring.check_archive(path)
    except ArchiveProblem as problem:
        _archive_problem(file, problem)
    if check_only:
        manifest = checked.manifest
        if json_output:
            emit_json({"path": str(path), "ok": True, **manifest.as_json()})
            return
        say(
            _("“%(path)s” is a good backup of a %(vendor)s database, made at %(when)s.")
            % {"path": file, "vendor": manifest.vendor, "when": manifest.created_at}
        )
        return
    try:
        result = restoring.restore_backup(path, force=force, checked=checked)
    except ArchiveProblem as problem:
        _archive_problem(file, problem)
    except restoring.InstanceNotEmpty as refused:
        fail(
            _("This instance is not empty; add --force to replace everything in it with the "
              "backup. It holds:"),
            EXIT_REFUSED,
            details=[f"  {label}: {count}" for label, count in refused.found.items()],
        )  # fmt: skip
    except restoring.PartlyRestored as error:
        media = (
            _("The media files were replaced too.")
            if error.media_replaced
            else _("The media files are still the old ones.")
        )
        fail(
            _("The restore failed after the database had been replaced with the backup's: "
              "%(error)s. The database now holds the backup's data.")
            % {"error": error},
            details=[media],
        )  # fmt: skip
    except restoring.RestoreFailed as error:
        fail(_("The restore failed: %(error)s. Nothing was changed.") % {"error": error})
    except OSError as error:
        fail(
            _("The restore failed: %(error)s. Nothing was changed.") % {"error": _os_reason(error)}
        )
    except DatabaseError as error:
        fail(
            _("The restore failed: the database said “%(error)s”. Nothing was changed.")
            % {"error": error}
        )
    if json_output:
        emit_json(result.as_json())
        return
    say(
        _("Restored the backup of %(when)s (%(source)s) into this %(target)s database: "
          "%(people)d people, %(files)d media files.")
        % {
            "when": result.created_at,
            "source": result.source_vendor,
            "target": result.target_vendor,
            "people": result.counts.get("people.person", 0),
            "files": result.media_files,
        }
    )  # fmt: skip
    if result.migrated:
        say(_("The backup was from an older version; its data has been migrated."))
