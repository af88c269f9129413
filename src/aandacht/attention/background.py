"""The background scheduler: ``aandacht serve`` sends due digests without cron.

A daemon thread wakes every minute and, if this process holds the scheduler lease, calls
:func:`aandacht.attention.digest.send_due_digests` and then makes the scheduled backup when one
is due (:func:`aandacht.backup.schedule.run_scheduled_backup`; AANDACHT_BACKUP_EVERY_HOURS),
and once a day, on SQLite, refreshes the query planner's statistics (:func:`refresh_statistics`).
Each job fails on its own: a full backup disk does not stop the digests, nor the reverse.

The lease is one ``SchedulerLease`` row
("scheduler") taken with a conditional UPDATE (only when it expired or is already ours) or,
the first time, an INSERT; the holder renews it on every tick. So with several app servers
or worker processes on one database exactly one runs the job, and when it stops (or dies)
another takes over once the lease expires. The digest's own claim (``DigestSent``) is the
second guard: even two schedulers at once cannot send a digest twice.

``AANDACHT_SCHEDULER=off`` turns it off, for installs that run ``aandacht digest`` from cron
or a systemd timer instead (see docs/digest.md). Under Django's development autoreloader it
runs only in the child that serves requests (``RUN_MAIN``), never in the watching parent.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import sys
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

from aandacht.attention.models import SchedulerLease

logger = logging.getLogger(__name__)

LEASE_NAME = "scheduler"
INTERVAL_SECONDS = 60.0
# Long enough to survive a slow tick, short enough that a successor takes over within minutes.
LEASE_SECONDS = 150.0
#: Shorter than gunicorn's graceful timeout (20 s, web/production.py), so that a stopping
#: worker gets to release the lease before it is killed.
STOP_TIMEOUT_SECONDS = 15.0
#: SQLite's query-planner statistics are refreshed once per this period (refresh_statistics).
STATISTICS_LEASE = "planner-statistics"
STATISTICS_EVERY = dt.timedelta(days=1)

Job = Callable[[], object]


def new_holder() -> str:
    """Who holds the lease: host, process and a random part (a pid is reused after restarts)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"[:120]


def acquire_lease(
    holder: str,
    *,
    now: dt.datetime | None = None,
    seconds: float = LEASE_SECONDS,
    name: str = LEASE_NAME,
) -> bool:
    """Take or renew the lease ``name`` for ``holder`` until ``now + seconds``.

    True when ``holder`` has it afterwards: the lease was free, expired, or already theirs.
    One UPDATE decides between competing processes (the database serialises it); the INSERT
    of the very first lease is decided by the primary key.
    """
    now = now or timezone.now()
    expires_at = now + dt.timedelta(seconds=seconds)
    taken = (
        SchedulerLease.objects.filter(name=name)
        .filter(Q(expires_at__lt=now) | Q(holder=holder))
        .update(holder=holder, expires_at=expires_at)
    )
    if taken:
        return True
    if SchedulerLease.objects.filter(name=name).exists():
        return False
    try:
        with transaction.atomic():
            SchedulerLease.objects.create(name=name, holder=holder, expires_at=expires_at)
    except IntegrityError:  # another process inserted it first
        return False
    return True


def release_lease(holder: str, *, name: str = LEASE_NAME) -> None:
    """Give the lease up (only if ``holder`` has it), so a successor need not wait."""
    SchedulerLease.objects.filter(name=name, holder=holder).delete()


def enabled() -> bool:
    return bool(getattr(settings, "SCHEDULER", True))


def in_reloader_parent() -> bool:
    """True in the process of ``runserver`` that only watches files and restarts its child."""
    return (
        "runserver" in sys.argv
        and "--noreload" not in sys.argv
        and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
    )


def send_digests() -> None:
    from aandacht.attention.digest import send_due_digests

    send_due_digests()


def make_scheduled_backup(now: dt.datetime | None = None) -> None:
    from aandacht.backup.schedule import run_scheduled_backup

    run_scheduled_backup(now)


def refresh_statistics(now: dt.datetime | None = None) -> bool:
    """SQLite's query-planner statistics, once a day (:mod:`aandacht.planner_statistics`);
    True when they were refreshed. Nothing on PostgreSQL, where autovacuum analyzes.

    The day is a lease too (:data:`STATISTICS_LEASE`, held for :data:`STATISTICS_EVERY`): a
    holder of its own each time, so only its expiry lets the next run in, whichever process
    holds the scheduler then, and a restart does not run it again. It is taken before the
    step runs, so a failing step is tried again the next day, not every minute.
    """
    from aandacht import planner_statistics

    if connections["default"].vendor != "sqlite":
        return False
    seconds = STATISTICS_EVERY.total_seconds()
    if not acquire_lease(new_holder(), now=now, seconds=seconds, name=STATISTICS_LEASE):
        return False
    return planner_statistics.refresh_quietly("daily") is not None


def run_jobs(now: dt.datetime | None = None) -> None:
    """The lease holder's work of one tick: the digests, then a backup if one is due, then
    the daily statistics."""
    jobs: list[tuple[str, Callable[[], object]]] = [
        ("digests", send_digests),
        ("backup", lambda: make_scheduled_backup(now)),
        ("statistics", lambda: refresh_statistics(now)),
    ]
    for name, job in jobs:
        try:
            job()
        except Exception:  # logged; the other job and the next tick still run
            logger.exception("the scheduled %s failed; it is tried again on a later tick", name)


class Scheduler:
    """A daemon thread running ``job`` every ``interval`` seconds while it holds the lease."""

    def __init__(
        self,
        job: Job | None = None,
        *,
        interval: float = INTERVAL_SECONDS,
        lease_seconds: float = LEASE_SECONDS,
        holder: str | None = None,
        name: str = LEASE_NAME,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.job = job  # None: run_jobs (digests and the scheduled backup)
        self.clock = clock  # None: the real time; tests pass a fake one
        self.interval = interval
        self.lease_seconds = lease_seconds
        self.holder = holder or new_holder()
        self.name = name
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="aandacht-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """Ask the thread to stop, wait for a tick in progress, and give the lease up."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                logger.warning("the background scheduler did not stop within %.0fs", timeout)

    def tick(self) -> bool:
        """Renew the lease and, when held, run the job once. True when the job ran."""
        try:
            now = self.clock() if self.clock is not None else None
            if not acquire_lease(self.holder, now=now, seconds=self.lease_seconds, name=self.name):
                return False
            if self.job is not None:
                self.job()
            else:
                run_jobs(self.clock() if self.clock is not None else None)
            return True
        except Exception:  # the thread must survive a bad minute (a database restart, a bug)
            logger.exception("the background scheduler failed; it tries again in a minute")
            return False

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                self.tick()
                connections.close_all()  # this thread's own; no connection idles a minute
                self._stopping.wait(self.interval)
        finally:
            try:
                release_lease(self.holder, name=self.name)
            except Exception:
                logger.exception("the scheduler lease could not be released; it expires")
            finally:
                connections.close_all()


_lock = threading.Lock()
_current: Scheduler | None = None


def start_background() -> Scheduler | None:
    """Start this process's scheduler once (``aandacht serve`` calls it); ``None`` when it is
    turned off (AANDACHT_SCHEDULER=off) or this is the autoreloader's watching parent."""
    global _current
    if not enabled() or in_reloader_parent():
        return None
    with _lock:
        if _current is None or not _current.running:
            _current = Scheduler()
            _current.start()
        return _current


def stop_background() -> None:
    global _current
    with _lock:
        if _current is not None:
            _current.stop()
            _current = None
