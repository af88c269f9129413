"""The scheduled backup: called on every tick of the background scheduler (lease holder only).

Due when the newest scheduled backup in ``BACKUP_DIR`` is ``BACKUP_EVERY_HOURS`` old (or there
is none); in production it is written by :mod:`aandacht.backup.scheduled` in a child process
at a lower priority (``BACKUP_IN_CHILD``). The file is named
``aandacht-backup-YYYYmmddTHHMMSSZ.zip`` (UTC), and afterwards only the newest ``BACKUP_KEEP``
files with that name pattern remain. Other files in the folder (a backup made by hand,
anything else) are never deleted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from aandacht.backup import archive

logger = logging.getLogger(__name__)

#: A scheduled backup's temporary file written to this recently means one is running.
IN_PROGRESS_SECONDS = 600.0


@dataclass(frozen=True)
class Policy:
    directory: Path
    every_hours: float
    keep: int


def policy() -> Policy:
    return Policy(
        directory=Path(settings.BACKUP_DIR),
        every_hours=float(settings.BACKUP_EVERY_HOURS),
        keep=int(settings.BACKUP_KEEP),
    )


def latest(directory: Path, now: dt.datetime | None = None) -> dt.datetime | None:
    """The newest scheduled backup's time (not counting future-dated names, see
    :func:`archive.latest_before`)."""
    names = [p.name for p in archive.scheduled_backups(directory)]
    return archive.latest_before(names, now or dt.datetime.now(dt.UTC))


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete the oldest scheduled backups beyond ``keep``; returns what was deleted."""
    names = [p.name for p in archive.scheduled_backups(directory)]
    deleted = []
    for name in archive.beyond_retention(names, keep):
        with contextlib.suppress(FileNotFoundError):
            (directory / name).unlink()
            deleted.append(directory / name)
    return deleted


def run_scheduled_backup(
    now: dt.datetime | None = None, rules: Policy | None = None
) -> Path | None:
    """Make a backup if one is due, then apply the retention; the new file, or ``None``."""
    from aandacht.backup.make import create_backup

    now = now or dt.datetime.now(dt.UTC)
    rules = rules or policy()
    if not archive.is_due(latest(rules.directory, now), now, rules.every_hours):
        return None
    if archive.backup_in_progress(rules.directory, time.time(), IN_PROGRESS_SECONDS):
        # A backup longer than the scheduler's lease: the holder changed meanwhile, and the
        # previous holder is still writing. One at a time.
        return None
    rules.directory.mkdir(parents=True, exist_ok=True)
    target = rules.directory / archive.scheduled_name(now)
    archive.remove_stale_temp_files(target, archive.SCHEDULED_TEMP_PATTERN)
    if settings.BACKUP_IN_CHILD:
        path, size = _write_in_child(target, now)
    else:
        result = create_backup(target, now=now)
        path, size = result.path, result.size
    logger.info("scheduled backup written: %s (%d bytes)", path, size)
    for old in prune(rules.directory, rules.keep):
        logger.info("scheduled backup deleted (retention %d): %s", rules.keep, old)
    return path


class BackupFailed(RuntimeError):
    """The child process writing the scheduled backup did not succeed (its own words)."""


#: A scheduled backup's child running longer than this is stopped (a hung disk or lock).
CHILD_TIMEOUT_SECONDS = 6 * 3600


def backup_command(target: Path, now: dt.datetime) -> list[str]:
    """:mod:`aandacht.backup.scheduled` with this interpreter, at a lower CPU priority
    (``nice``) where the system has it."""
    nice = shutil.which("nice")
    lower = [nice, "-n", "10"] if nice else []
    module = "aandacht.backup.scheduled"
    return [*lower, sys.executable, "-m", module, str(target), now.isoformat()]


def _write_in_child(target: Path, now: dt.datetime) -> tuple[Path, int]:
    """The backup written in a child process (settings.BACKUP_IN_CHILD, on in production). In
    the server's own process, the portable dump of a 50,000-person PostgreSQL instance is 35 s
    of Python in one worker, and that worker's requests waited for its interpreter lock; a
    child at a lower priority leaves the workers the cores they need. It inherits the
    server's environment, so it backs up the same database and media. A child that fails,
    or is stopped after :data:`CHILD_TIMEOUT_SECONDS`, leaves no temporary files behind."""
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
            backup_command(target, now),
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            timeout=CHILD_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as stopped:  # run() has killed it
        archive.remove_stale_temp_files(target, archive.SCHEDULED_TEMP_PATTERN)
        raise BackupFailed(f"the backup was stopped after {stopped.timeout:.0f} s") from None
    if done.returncode != 0:
        archive.remove_stale_temp_files(target, archive.SCHEDULED_TEMP_PATTERN)
        said = (done.stderr or done.stdout).strip()[-2000:]
        raise BackupFailed(f"the backup process exited with {done.returncode}: {said}")
    try:
        written = json.loads(done.stdout.strip().splitlines()[-1])
        return Path(written["path"]), int(written["size"])
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise BackupFailed(
            f"the backup process answered unreadably: {done.stdout[-500:]}"
        ) from error
