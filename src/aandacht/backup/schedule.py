"""The scheduled backup: called on every tick of the background scheduler (lease holder only).

Due when the newest scheduled backup in ``BACKUP_DIR`` is ``BACKUP_EVERY_HOURS`` old (or there
is none); the file is named ``aandacht-backup-YYYYmmddTHHMMSSZ.zip`` (UTC), and afterwards only
the newest ``BACKUP_KEEP`` files with that name pattern remain. Other files in the folder (a
backup made by hand, anything else) are never deleted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
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
    result = create_backup(target, now=now)
    logger.info("scheduled backup written: %s (%d bytes)", result.path, result.size)
    for old in prune(rules.directory, rules.keep):
        logger.info("scheduled backup deleted (retention %d): %s", rules.keep, old)
    return result.path
