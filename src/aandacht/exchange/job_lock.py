"""A lock per import job, held by the process that runs the job and gone with that process.

A web import writes everything in one transaction, so while it runs it cannot show other
processes that it is alive (its progress is invisible until it commits). Another server
process, or another app server, asks this lock instead: held means the job runs somewhere.

- PostgreSQL: a session-level advisory lock ``(PG_NAMESPACE, job id)`` on a connection of the
  job's own, opened for it and closed when it ends; not on Django's connections, which sit in
  the import's transaction, are reused by later requests and closed when Django sees fit. The
  database releases it when the holding process dies (its connection goes).
- SQLite (one machine): an exclusive ``flock`` on ``DATA_DIR/locks/import-<id>.lock``. The
  kernel releases it when the process dies, kill -9 included.

:func:`acquire` takes the lock without waiting (a few quick tries, so that another process
looking at it for a moment does not refuse a start); :func:`is_held` looks whether someone
holds it, taking it shared for an instant, so two processes looking at once do not see each
other as the holder.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import time
from pathlib import Path
from typing import Any, Protocol, cast

from django.conf import settings
from django.db import connection

from aandacht.web.faults import UnwritableFolder

log = logging.getLogger(__name__)

# The first key of a job's advisory lock ("Aand"): import jobs among anything else in the
# database that uses advisory locks. The second is the job's id.
PG_NAMESPACE = 0x41616E64
# acquire() tries this often, pausing this long in between, before it says "held".
ATTEMPTS = 5
PAUSE = 0.02


# How often a running job makes sure it still holds its lock (and keeps its connection busy,
# so no idle timeout of the server or of something in between ends it).
CONFIRM_EVERY = 10.0


class LockLost(Exception):
    """The job's lock went while it ran (its connection was ended: a server or proxy idle
    timeout, ``pg_terminate_backend``): another process may have started the job, so this
    one must not commit."""


class HeldLock(Protocol):
    """A job's lock that this process holds; :meth:`release` may be called more than once."""

    job_id: int

    def confirm(self) -> None:
        """Raise :class:`LockLost` when the lock is no longer held."""

    def release(self) -> None: ...


def acquire(job_id: int) -> HeldLock | None:
    """Take ``job_id``'s lock for this process, or None when another holder has it."""
    if connection.vendor == "postgresql":
        return _acquire_advisory(job_id)
    return _acquire_file(job_id)


def is_held(job_id: int) -> bool:
    """Whether a process (this one included) holds ``job_id``'s lock right now."""
    if connection.vendor == "postgresql":
        return _advisory_held(job_id)
    return _file_held(job_id)


# ---------------------------------------------------------------------------------------------
# PostgreSQL


def advisory_keys(job_id: int) -> tuple[int, int]:
    """The two int4 keys of the job's advisory lock (ids beyond int4 wrap around)."""
    return PG_NAMESPACE, (job_id + 2**31) % 2**32 - 2**31


class _AdvisoryLock:
    def __init__(self, job_id: int, raw: Any) -> None:
        self.job_id = job_id
        self._raw: Any = raw

    def confirm(self) -> None:
        """The lock lives as long as its session: a statement that still runs on the very
        connection that took it (psycopg never reconnects by itself) proves it is held."""
        raw = self._raw
        if raw is None:
            raise LockLost(f"import job {self.job_id}: its lock was released")
        try:
            with raw.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as error:
            raise LockLost(f"import job {self.job_id}: its lock's connection ended") from error

    def release(self) -> None:
        raw, self._raw = self._raw, None
        if raw is None:
            return
        try:
            # Unlocked before closing: the server ends a closed session a moment after close()
            # returns, and a start right after this must find the lock free.
            with raw.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", advisory_keys(self.job_id))
        except Exception:
            log.warning("could not unlock import job %s; closing its connection", self.job_id)
        finally:
            raw.close()


def _acquire_advisory(job_id: int) -> HeldLock | None:
    params = connection.get_connection_params()
    params.setdefault("application_name", f"aandacht import {job_id}")
    # TCP keepalives: a connection silently dropped on the way is noticed by the server within
    # a minute or two, and the lock freed, rather than after the system's two hours.
    params.setdefault("keepalives", 1)
    params.setdefault("keepalives_idle", 30)
    params.setdefault("keepalives_interval", 10)
    params.setdefault("keepalives_count", 3)
    raw: Any = cast(Any, connection).Database.connect(**params)
    try:
        raw.autocommit = True
        for attempt in range(ATTEMPTS):
            with raw.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", advisory_keys(job_id))
                row = cursor.fetchone()
            if row is not None and row[0]:
                return _AdvisoryLock(job_id, raw)
            if attempt + 1 < ATTEMPTS:
                time.sleep(PAUSE)
    except BaseException:
        raw.close()
        raise
    raw.close()
    return None


def _advisory_held(job_id: int) -> bool:
    namespace, key = advisory_keys(job_id)
    # One statement: taken shared and given back at once, on whatever connection Django has
    # (a session lock, so even inside a transaction it is not kept until the commit).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN pg_try_advisory_lock_shared(%s, %s)"
            " THEN pg_advisory_unlock_shared(%s, %s) ELSE false END",
            [namespace, key, namespace, key],
        )
        row = cursor.fetchone()
    return not (row is not None and row[0])


# ---------------------------------------------------------------------------------------------
# SQLite: a lock file


# What a lock folder the server's user cannot use gives (permissions, a file in its place).
UNWRITABLE_FOLDER_ERRNOS = frozenset(
    {errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EEXIST, errno.EISDIR}
)


def lock_path(job_id: int) -> Path:
    return Path(settings.DATA_DIR) / "locks" / f"import-{job_id}.lock"


class _FileLock:
    def __init__(self, job_id: int, fd: int, path: Path) -> None:
        self.job_id = job_id
        self._fd: int | None = fd
        self._path = path

    def confirm(self) -> None:
        """A flock is held until its holder closes the file; only :meth:`release` does."""
        if self._fd is None:
            raise LockLost(f"import job {self.job_id}: its lock was released")

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            # Removed while still locked: whoever opens the name afterwards gets a new file (see
            # _same_file), and finished jobs leave no files behind.
            self._path.unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove %s", self._path)
        finally:
            os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``fd`` is still the file called ``path`` (a releasing holder removes it)."""
    try:
        named = path.stat()
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (opened.st_dev, opened.st_ino) == (named.st_dev, named.st_ino)


def _open_for_locking(path: Path) -> int:
    """The lock file, created with its folder if need be. A folder that cannot be written to
    (permissions, a file in its place) is the server's condition, answered as such
    (``UnwritableFolder``: the read-only page, 503), not as a bug; a full disk or a read-only
    file system already is."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        if error.errno not in UNWRITABLE_FOLDER_ERRNOS:
            raise  # a full disk or read-only file system (a fault already), or not ours
        raise UnwritableFolder(f"{path.parent}: {error.strerror or error}") from error


def _acquire_file(job_id: int) -> HeldLock | None:
    path = lock_path(job_id)
    attempts = 0
    while attempts < ATTEMPTS:
        fd = _open_for_locking(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            same = _same_file(fd, path)
        except BlockingIOError:
            os.close(fd)
            attempts += 1
            if attempts < ATTEMPTS:
                time.sleep(PAUSE)
            continue
        except BaseException:
            os.close(fd)
            raise
        if same:
            return _FileLock(job_id, fd, path)
        os.close(fd)  # locked a file its last holder had just removed: open the name again
    return None


def _file_held(job_id: int) -> bool:
    path = lock_path(job_id)
    for _attempt in range(ATTEMPTS):
        try:
            fd = os.open(path, os.O_RDONLY)
        except (FileNotFoundError, NotADirectoryError):
            return False  # a holder keeps its file until it lets go (and needs its folder)
        except OSError as error:
            if error.errno not in UNWRITABLE_FOLDER_ERRNOS:
                raise
            raise UnwritableFolder(f"{path.parent}: {error.strerror or error}") from error
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            if _same_file(fd, path):
                return False
        finally:
            os.close(fd)
    return True
