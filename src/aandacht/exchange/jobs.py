"""Running a web import's preview and import, in the request for a small file or in a thread.

A large file takes a while to read and match, longer than a browser should wait for one
response. So the work runs in a background thread that reports its progress; the job page polls
it. The state lives in :class:`~aandacht.exchange.models.ImportJob` so every page sees the same
thing, but the live progress also lives in memory: the import writes in one transaction, and
what a transaction writes (including progress) is invisible to other connections until it
commits.

A job whose thread is gone (the server stopped mid-way) stays "previewing" or "importing" in
the database; :func:`is_interrupted` recognises it, and :func:`retry` starts it again. The
import is atomic, so an interrupted one wrote nothing and trying again is safe.

Several server processes (gunicorn's workers, several app servers on one database) see the
same jobs, but only the one running a job knows its thread. So a running job also holds its
lock (:mod:`~aandacht.exchange.job_lock`) from before its status says "running" until its work
has ended, and the lock dies with the process: a job is interrupted only when nobody holds it.
Every start takes the lock first, so no job runs twice at the same time.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any, ParamSpec, TypeVar, cast

from django.core.signals import request_finished
from django.db import close_old_connections, connection, connections, transaction
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aandacht import planner_statistics
from aandacht.accounts.models import Membership, Role, Vault
from aandacht.exchange import csv_sources, job_lock, json_document, sources
from aandacht.exchange.importing import import_records
from aandacht.exchange.models import ImportFormat, ImportJob, ImportStatus
from aandacht.exchange.records import Problem, Record, UnreadableFile
from aandacht.people.models import Person

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")

# A file up to this size is previewed and imported within the request: quicker than polling.
SYNC_MAX_BYTES = 256 * 1024
# How much of a file format detection looks at.
HEAD_BYTES = 64 * 1024
# A running job that made no progress for this long, with no thread here and nobody holding its
# lock, was interrupted. (The lock decides; this only spares a fresh job the lock's look-up.)
STALE_AFTER = dt.timedelta(minutes=1)
# An upload left waiting this long (not imported, not cancelled) is dropped with its file.
ABANDONED_AFTER = dt.timedelta(days=7)
# How often progress is written to the database at most (seconds).
PROGRESS_EVERY = 0.5

RUNNING = frozenset({ImportStatus.PREVIEWING, ImportStatus.IMPORTING})


@dataclass
class Live:
    """A running job's progress as its thread last reported it."""

    thread: threading.Thread | None
    reader: CountingReader | None = None
    records_read: int = 0


_live: dict[int, Live] = {}
_live_lock = threading.Lock()


class CountingReader(io.BufferedIOBase):
    """A read-only binary stream that knows how far into the file it has read.

    Readers may wrap it in a TextIOWrapper or seek back after sniffing; the count is the
    furthest position reached, so progress never goes backwards.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw = raw
        self.furthest = 0

    def _seen(self) -> None:
        try:
            position = self._raw.tell()
        except (OSError, ValueError):
            return
        self.furthest = max(self.furthest, position)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._raw.seekable()

    def read(self, size: int | None = -1) -> bytes:
        data = self._raw.read(-1 if size is None else size)
        self._seen()
        return data

    def read1(self, size: int = -1) -> bytes:
        return self.read(size if size >= 0 else io.DEFAULT_BUFFER_SIZE)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        data = self._raw.readline(-1 if size is None else size)
        self._seen()
        return data

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()


def read_head(job: ImportJob) -> bytes:
    with job.upload.open("rb") as stream:
        head: bytes = stream.read(HEAD_BYTES)
    return head


def detect(job: ImportJob) -> str:
    """The format of the uploaded file (raises UnreadableFile for a binary file)."""
    return sources.detect_format(read_head(job), job.filename)


def csv_columns(job: ImportJob, sample_rows: int) -> tuple[list[str], list[list[str]]]:
    """The column headers of a CSV job's file and the first few rows under them.

    The headers come from the CSV reader the import uses (so the mapping fits what it reads);
    the samples are only for the eye, read from the start of the file.
    """
    with job.upload.open("rb") as stream:
        header = [str(each) for each in csv_sources.read_header(stream)]
    return header, _samples(read_head(job), header, sample_rows)


def suggest_mapping(header: list[str]) -> dict[str, str]:
    return dict(csv_sources.suggest_mapping(header))


def _samples(head: bytes, header: list[str], count: int) -> list[list[str]]:
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = head.decode("cp1252", errors="replace")
    lines = text.splitlines()[:-1] if len(head) >= HEAD_BYTES else text.splitlines()
    sample = "\n".join(lines[:20])
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[str]] = []
    seen_header = False
    wanted = [each.strip().lower() for each in header]
    for row in csv.reader(io.StringIO("\n".join(lines)), dialect):
        if not seen_header:
            seen_header = [each.strip().lower() for each in row] == wanted
            continue
        if any(cell.strip() for cell in row):
            rows.append([cell.strip()[:80] for cell in row])
        if len(rows) >= count:
            break
    return rows


def effective_format(job: ImportJob) -> str:
    if job.format and job.format != ImportFormat.AUTO:
        return str(job.format)
    return str(job.detected_format or ImportFormat.VCARD)


# ---------------------------------------------------------------------------------------------
# Starting, claiming and watching


def claim(job: ImportJob, from_statuses: Iterable[str], to_status: str) -> bool:
    """Move ``job`` to ``to_status`` if it is still in one of ``from_statuses``.

    One conditional UPDATE: of two requests racing (a double-clicked button, two tabs) exactly
    one wins, so a file is never previewed or imported twice at the same time.
    """
    now = timezone.now()
    # Progress starts again from zero: an import that kept its preview's figures would show
    # "100 % read" from its first second on.
    won = ImportJob.objects.filter(pk=job.pk, status__in=list(from_statuses)).update(
        status=to_status, updated_at=now, error="", bytes_read=0, records_read=0
    )
    if won:
        job.status = to_status
        job.updated_at = now
        job.error = ""
        job.bytes_read = job.records_read = 0
    return bool(won)


def start_preview(job: ImportJob) -> bool:
    """Read the file and work out what importing it would do, writing nothing."""
    return _claim_and_launch(
        job,
        {ImportStatus.UPLOADED, ImportStatus.PREVIEWED, ImportStatus.FAILED},
        ImportStatus.PREVIEWING,
    )


def start_import(job: ImportJob) -> bool:
    """Import the previewed file; False when it is not (or no longer) waiting to be imported."""
    return _claim_and_launch(job, {ImportStatus.PREVIEWED}, ImportStatus.IMPORTING)


def _claim_and_launch(job: ImportJob, from_statuses: Iterable[str], to_status: str) -> bool:
    # The lock before the status: from the moment the job says it runs, someone holds it.
    lock = job_lock.acquire(job.pk)
    if lock is None:
        return False  # its last run has not let go yet, or another process starts it now
    try:
        if not claim(job, from_statuses, to_status):
            lock.release()
            return False
    except BaseException:
        lock.release()
        raise
    _launch(job, dry_run=to_status == ImportStatus.PREVIEWING, lock=lock)
    return True


def retry(job: ImportJob) -> bool:
    """Start an interrupted job again from where it can be: a preview, or the whole import.

    False when it is not interrupted, or another process retries (or cancels) it first: the
    job's lock is taken before anything changes, so of two retries at once only one runs.
    """
    if not is_interrupted(job):
        return False
    lock = job_lock.acquire(job.pk)
    if lock is None:
        return False
    try:
        won = ImportJob.objects.filter(
            pk=job.pk, status=job.status, updated_at=job.updated_at
        ).update(updated_at=timezone.now(), bytes_read=0, records_read=0)
    except BaseException:
        lock.release()
        raise
    if not won:  # retried (or cancelled) and maybe already finished by someone else
        lock.release()
        return False
    job.bytes_read = job.records_read = 0
    _launch(job, dry_run=job.status == ImportStatus.PREVIEWING, lock=lock)
    return True


def is_running_here(job_id: int) -> bool:
    with _live_lock:
        live = _live.get(job_id)
    if live is None:
        return False
    thread = live.thread
    # No thread: it runs within a request; not started yet: it waits for a response to end.
    return thread is None or thread.ident is None or thread.is_alive()


def is_interrupted(job: ImportJob, *, now: dt.datetime | None = None) -> bool:
    """A job that says it is running but whose work has stopped (a restart, a crash).

    Its work runs nowhere when no process holds its lock. The lock is looked at only for a job
    that has not changed for :data:`STALE_AFTER`: the page of a running job asks every second,
    and a job seen moving is not interrupted. The minute also covers the moment a thread started
    from inside a transaction takes the lock itself (see :func:`_launch`), and a job run by a
    server from before these locks while it still writes progress (its preview).
    """
    if job.status not in RUNNING or is_running_here(job.pk):
        return False
    if job.updated_at >= (now or timezone.now()) - STALE_AFTER:
        return False
    return not job_lock.is_held(job.pk)


def progress_of(job: ImportJob) -> tuple[int, int]:
    """(bytes read, records read): live figures when the job runs here, else the stored ones."""
    with _live_lock:
        live = _live.get(job.pk)
    if live is not None:
        read = live.reader.furthest if live.reader is not None else 0
        return max(read, job.bytes_read), max(live.records_read, job.records_read)
    return job.bytes_read, job.records_read


@dataclass(frozen=True)
class Phase:
    """Where a running job is, in words a page can show.

    ``reading``: the preview reads and matches the file (``percent`` of its bytes);
    ``finishing``: the whole file is read, the last records are being matched;
    ``checking``: the preview rehearses a JSON restore (``percent`` of its bytes, then none);
    ``writing``: the import handled ``done`` of the ``total`` records its preview counted;
    ``restoring``: a JSON export is being restored (``percent`` of its bytes);
    ``saving``: everything is handled and the transaction is being committed (no percent:
    that takes as long as it takes).
    """

    name: str
    percent: int | None
    done: int = 0
    total: int = 0


def phase_of(job: ImportJob) -> Phase:
    """The running job's honest phase and progress (see :class:`Phase`)."""
    bytes_read, records = progress_of(job)
    read = min(100, 100 * bytes_read // job.size) if job.size else 0
    restore = effective_format(job) == ImportFormat.JSON
    if job.status != ImportStatus.IMPORTING:
        if restore:  # a rehearsal of the restore: no records to count, only bytes
            return Phase("checking", read if read < 100 else None)
        return Phase("reading" if read < 100 else "finishing", read, records)
    if restore:
        return Phase("restoring", read) if read < 100 else Phase("saving", None)
    total = report_total(job.preview or {})
    if total and records < total:
        return Phase("writing", min(99, 100 * records // total), records, total)
    return Phase("saving", None, records, max(total, records))


def wait(job_id: int, timeout: float | None = None) -> None:
    """Wait for a job's thread to finish (for tests; pages poll instead)."""
    with _live_lock:
        live = _live.get(job_id)
    if live is None or live.thread is None:
        return
    deadline = time.monotonic() + (timeout if timeout is not None else 3600)
    while live.thread.ident is None and time.monotonic() < deadline:
        time.sleep(0.01)  # still waiting for its request to finish
    if live.thread.ident is not None:
        live.thread.join(max(0.0, deadline - time.monotonic()))


def cancel(job: ImportJob) -> bool:
    """Drop a job that is not running: its uploaded file goes, its row stays as history.

    An interrupted job is cancelled under its lock, on the status and time it was seen with: a
    retry in another process either comes first (and the cancel is refused) or finds the job
    cancelled.
    """
    if job.status in RUNNING and not is_interrupted(job):
        return False
    if job.status == ImportStatus.DONE:
        return False
    lock = job_lock.acquire(job.pk) if job.status in RUNNING else None
    if job.status in RUNNING and lock is None:
        return False
    try:
        seen = ImportJob.objects.filter(pk=job.pk, status=job.status)
        if lock is not None:
            seen = seen.filter(updated_at=job.updated_at)
        won = seen.update(status=ImportStatus.CANCELLED, updated_at=timezone.now())
    finally:
        if lock is not None:
            lock.release()
    if not won:
        return False
    job.status = ImportStatus.CANCELLED
    delete_upload(job)
    return True


def discard(job: ImportJob) -> bool:
    """Delete a previewed job and its file: for a file with nothing to import, which should
    leave no trace in the history. False when it is no longer waiting (imported meanwhile)."""
    if job.status != ImportStatus.PREVIEWED:
        return False
    # The row first, on its status: an import claimed meanwhile keeps its job and its file.
    deleted, _kinds = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED).delete()
    if deleted and job.upload:
        job.upload.delete(save=False)
    return bool(deleted)


def drop_abandoned(vault_id: int, *, now: dt.datetime | None = None) -> int:
    """Cancel the vault's imports left waiting for :data:`ABANDONED_AFTER`, deleting their files.

    An upload nobody previewed, imported or cancelled would otherwise keep a copy of someone's
    address book on the server for good. Returns how many were dropped.
    """
    cutoff = (now or timezone.now()) - ABANDONED_AFTER
    waiting = ImportJob.objects.filter(
        vault_id=vault_id,
        status__in=[ImportStatus.UPLOADED, ImportStatus.PREVIEWED, ImportStatus.FAILED],
        updated_at__lt=cutoff,
    ).exclude(upload="")
    dropped = 0
    for job in waiting:
        dropped += cancel(job)
    return dropped


def delete_upload(job: ImportJob) -> None:
    """Remove the stored file: once imported or cancelled, nobody needs a copy lying about."""
    if job.upload:
        job.upload.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(upload="")


def _launch(job: ImportJob, *, dry_run: bool, lock: job_lock.HeldLock) -> None:
    """Run the claimed job, here or in a thread, and release its lock once it has ended."""
    if job.size <= SYNC_MAX_BYTES:
        with _live_lock:
            _live[job.pk] = Live(thread=None)
        try:
            run(job.pk, dry_run=dry_run, lock=lock)
        finally:
            with _live_lock:
                _live.pop(job.pk, None)
            lock.release()
        job.refresh_from_db()
        return
    handed_over: job_lock.HeldLock | None = lock
    if connection.in_atomic_block:
        # The thread starts when this transaction commits, and nothing is told when it rolls
        # back instead: a lock handed over would then stay held until the process ends. The
        # thread takes the lock itself; until then the job's fresh updated_at keeps other
        # processes from calling it interrupted (STALE_AFTER).
        lock.release()
        handed_over = None
    thread = threading.Thread(
        target=_run_in_thread,
        args=(job.pk, dry_run, translation.get_language(), handed_over),
        name=f"import-{job.pk}",
        daemon=True,
    )
    with _live_lock:
        _live[job.pk] = Live(thread=thread)
    # A job started inside a transaction (a test, an atomic request) must not run before it
    # commits: the thread's own connection would not see the job's new status.
    transaction.on_commit(lambda: _start_soon(thread))


# Threads a view started wait until its response is finished: on SQLite the import holds the
# write lock for as long as it runs, and the request's own last writes (the session) must not
# queue behind it.
_request_state = threading.local()


def _start_soon(thread: threading.Thread) -> None:
    waiting: list[threading.Thread] | None = getattr(_request_state, "waiting", None)
    if waiting is None:
        thread.start()
    else:
        waiting.append(thread)


def start_after_response(view: Callable[P, R]) -> Callable[P, R]:
    """Decorate a view: import threads it starts begin once its response is finished."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        _request_state.waiting = []
        return view(*args, **kwargs)

    return wrapper


@receiver(request_finished)
def _start_waiting_threads(**kwargs: Any) -> None:
    waiting: list[threading.Thread] | None = getattr(_request_state, "waiting", None)
    _request_state.waiting = None
    for thread in waiting or []:
        thread.start()


def _run_in_thread(
    job_id: int, dry_run: bool, language: str | None, lock: job_lock.HeldLock | None
) -> None:
    close_old_connections()
    if language:
        translation.activate(language)  # messages stored on the job, in the user's language
    try:
        if lock is None:
            try:
                lock = job_lock.acquire(job_id)
            except Exception:
                log.exception("import job %s: could not take its lock", job_id)
            if lock is None:
                # Another process runs it (or the lock could not be had): not twice. Left as
                # it is, the job counts as interrupted once nobody holds its lock.
                log.warning("import job %s not started: its lock is held elsewhere", job_id)
                return
        run(job_id, dry_run=dry_run, lock=lock)
    finally:
        with _live_lock:
            _live.pop(job_id, None)
        if lock is not None:
            lock.release()
        connections.close_all()


# ---------------------------------------------------------------------------------------------
# The work


class Progress:
    """The ``progress`` callback of import_records: records handled so far.

    Stores the figures in memory every time and in the database at most every
    :data:`PROGRESS_EVERY` seconds, and never inside the import's transaction (it would only
    become visible at the end, and be rolled back with it).
    """

    def __init__(
        self, job_id: int, reader: CountingReader, lock: job_lock.HeldLock | None = None
    ) -> None:
        self.job_id = job_id
        self.reader = reader
        self.lock = lock
        self.records = 0
        self.saved_at = 0.0
        self.confirmed_at = time.monotonic()

    def __call__(self, records: int) -> None:
        self.records = records
        with _live_lock:
            live = _live.get(self.job_id)
            if live is not None:
                live.records_read = records
        moment = time.monotonic()
        if self.lock is not None and moment - self.confirmed_at >= job_lock.CONFIRM_EVERY:
            self.confirmed_at = moment
            self.lock.confirm()  # LockLost ends the import, rolled back, as a failed job
        if moment - self.saved_at >= PROGRESS_EVERY and not connection.in_atomic_block:
            self.saved_at = moment
            self.save()

    def save(self, **extra: Any) -> None:
        ImportJob.objects.filter(pk=self.job_id).update(
            bytes_read=self.reader.furthest,
            records_read=self.records,
            updated_at=timezone.now(),
            **extra,
        )


def records_of(job: ImportJob, stream: IO[bytes]) -> Iterable[Record | Problem]:
    mapping = job.mapping if effective_format(job) == ImportFormat.CSV else None
    return sources.read_records(stream, effective_format(job), mapping=mapping or None)


def run(job_id: int, *, dry_run: bool, lock: job_lock.HeldLock | None = None) -> None:
    """Preview (``dry_run``) or import one job's file and store the report on the job.

    Never raises: whatever goes wrong ends as a failed job with a message a person can read.
    ``lock``, the job's lock this process holds, is confirmed every
    :data:`job_lock.CONFIRM_EVERY` seconds and once more just before the import commits: an
    import whose lock went (so another process may run it) is rolled back, never stored twice.
    """
    job = ImportJob.objects.select_related("vault", "user").get(pk=job_id)
    if not job.upload:
        _fail(job_id, "missing_file", _("The uploaded file is no longer there; upload it again."))
        return
    try:
        with job.upload.open("rb") as raw:
            reader = CountingReader(raw)
            with _live_lock:
                live = _live.get(job_id)
                if live is not None:
                    live.reader = reader
            progress = Progress(job_id, reader, lock)
            statistics_due = False
            if effective_format(job) == ImportFormat.JSON:
                summary = _restore(job, cast(IO[bytes], reader), dry_run=dry_run)
            else:
                summary, statistics_due = _import(
                    job,
                    cast(IO[bytes], reader),
                    dry_run=dry_run,
                    progress=progress,
                    before_commit=lock.confirm if lock is not None else None,
                )
            progress.records = max(progress.records, report_total(summary))
            reader.furthest = max(reader.furthest, job.size)
    except UnreadableFile as problem:
        _fail(job_id, problem.code, str(problem))
        return
    except job_lock.LockLost:
        log.exception("import job %s rolled back: its lock went while it ran", job_id)
        _fail(
            job_id,
            "lock_lost",
            _(
                "The import was stopped and nothing was written: the server lost track of it "
                "while it ran. Try again."
            ),
        )
        return
    except Exception:
        log.exception("import job %s failed", job_id)
        _fail(
            job_id,
            "crashed",
            _("Something went wrong while reading the file; nothing was written."),
        )
        return
    if dry_run:
        progress.save(status=ImportStatus.PREVIEWED, preview=summary)
    else:
        try:
            progress.save(status=ImportStatus.DONE, result=summary)
            job.refresh_from_db()
            delete_upload(job)
        finally:
            if statistics_due:
                # After "done" is shown: the person watching need not wait for the ANALYZE.
                # (It never raises; it logs a failure.)
                planner_statistics.refresh_quietly("import")


def _import(
    job: ImportJob,
    stream: IO[bytes],
    *,
    dry_run: bool,
    progress: Progress,
    before_commit: Callable[[], None] | None = None,
) -> tuple[dict[str, Any], bool]:
    """The import's report, and whether it is big enough to refresh the planner statistics
    (done by :func:`run` once the job shows as done)."""
    report = import_records(
        job.vault,
        records_of(job, stream),
        user=job.user,
        dry_run=dry_run,
        progress=progress,
        before_commit=before_commit,
        defer_statistics=True,
    )
    return report.as_json(), report.statistics_due


def _restore(job: ImportJob, stream: IO[bytes], *, dry_run: bool) -> dict[str, Any]:
    """An Aandacht JSON export is restored whole into an empty vault, not merged.

    Its preview restores the document into a scratch vault and rolls it back, so a bad
    document fails at the preview and the preview can say what would be restored. The import
    restores into the job's vault when that is empty, or into a new vault created in the same
    transaction (a failed restore leaves no empty vault behind): ``job.preview["restore_into"]``
    says which.
    """
    summary: dict[str, Any] = {
        "restore": True,
        "records": 0,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
        "warnings": [],
        "conflicts": [],
    }
    user = job.user
    if user is None:
        raise UnreadableFile("no_user", _("Only a signed-in member can restore a JSON export."))
    if dry_run:
        # Its own handle: the job's FieldFile is the stream being read.
        with job.upload.storage.open(job.upload.name, "rb") as other:
            head = other.read(HEAD_BYTES)
        name = document_vault_name(head) or PurePath(job.filename).stem or "Aandacht"
        summary["document_vault"] = name[:VAULT_NAME_MAX]
        summary["vault_is_empty"] = vault_is_empty(job.vault)
        counts = _rehearse_restore(stream, user=user)
    else:
        into = (job.preview or {}).get("restore_into") or {}
        new_name = str(into.get("new_vault") or "").strip()
        if new_name:
            with transaction.atomic():
                vault = create_vault_for(user, new_name)
                counts = json_document.restore_json(vault, stream, user=user)
            summary["vault_id"] = vault.pk
            summary["vault_name"] = vault.name
        else:
            counts = json_document.restore_json(job.vault, stream, user=user)
            summary["vault_id"] = job.vault_id
            summary["vault_name"] = job.vault.name
    summary["restored"] = counts
    summary["created"] = summary["records"] = int(counts.get("people", 0))
    return summary


class _Rehearsal(Exception):
    """Raised at the end of a restore's rehearsal to roll it back."""


def _rehearse_restore(stream: IO[bytes], *, user: Any) -> dict[str, int]:
    """Restore the document into a scratch vault and roll it all back: what would be restored.

    The photo files the rehearsal stored are deleted again (the database forgets them with the
    rollback, the storage does not).
    """
    photos: list[str] = []
    counts: dict[str, int] = {}
    storage = json_document._photo_field().storage
    try:
        with transaction.atomic():
            scratch = Vault.objects.create(name="restore preview")
            Membership.objects.create(vault=scratch, user=user, role=Role.OWNER)
            try:
                counts = json_document.restore_json(scratch, stream, user=user)
            finally:
                photos = [
                    str(name)
                    for name in Person.objects.filter(vault=scratch)
                    .exclude(photo="")
                    .values_list("photo", flat=True)
                ]
            raise _Rehearsal
    except _Rehearsal:
        pass
    finally:
        for name in photos:
            try:
                storage.delete(name)
            except OSError:
                pass
    return counts


# The vault part of an export's header: ``"vault":{"name":"…"`` (written before the people).
_VAULT_NAME = re.compile(rb'"vault"\s*:\s*\{[^{}]*?"name"\s*:\s*("(?:[^"\\]|\\.)*")')
VAULT_NAME_MAX = Vault._meta.get_field("name").max_length or 120


def document_vault_name(head: bytes) -> str:
    """The vault name an Aandacht JSON export was written from ("" when the head lacks it)."""
    found = _VAULT_NAME.search(head)
    if found is None:
        return ""
    try:
        name = json.loads(found.group(1).decode("utf-8", errors="replace"))
    except ValueError:
        return ""
    return " ".join(str(name).split()) if isinstance(name, str) else ""


def vault_is_empty(vault: Vault) -> bool:
    try:
        json_document.check_empty(vault)
    except UnreadableFile:
        return False
    return True


def has_vault_named(user: Any, name: str) -> bool:
    """Whether ``user`` is a member of a vault called ``name`` (case and spaces aside)."""
    wanted = " ".join(name.split()).casefold()
    names = Vault.objects.filter(memberships__user=user).values_list("name", flat=True)
    return any(" ".join(each.split()).casefold() == wanted for each in names)


def unique_vault_name(user: Any, name: str) -> str:
    """``name``, or "name (2)", "name (3)", … : the first the user has no vault called yet."""
    base = " ".join(name.split())[:VAULT_NAME_MAX] or "Aandacht"
    candidate, number = base, 2
    while has_vault_named(user, candidate):
        suffix = f" ({number})"
        candidate = base[: VAULT_NAME_MAX - len(suffix)] + suffix
        number += 1
    return candidate


def create_vault_for(user: Any, name: str) -> Vault:
    """A new vault ``name`` owned by ``user``; call it inside the restore's transaction.

    Refuses (``vault_exists``) a name the user already has a vault of: two vaults of one name
    cannot be told apart in the menu or on the command line.
    """
    name = " ".join(name.split())
    if not name:
        raise UnreadableFile("no_vault_name", _("Give the new vault a name."))
    if len(name) > VAULT_NAME_MAX:
        raise UnreadableFile(
            "vault_name_too_long",
            _("A vault name has at most %(limit)d characters.") % {"limit": VAULT_NAME_MAX},
        )
    if has_vault_named(user, name):
        raise UnreadableFile(
            "vault_exists",
            _("You already have a vault called “%(name)s”; choose another name.") % {"name": name},
        )
    vault = Vault.objects.create(name=name)
    Membership.objects.create(vault=vault, user=user, role=Role.OWNER)
    return vault


def report_total(summary: dict[str, Any]) -> int:
    """How many records a report covers: the readable ones and the ones that could not be read."""
    return int(summary.get("records", 0)) + len(summary.get("errors", []))


def fail(job: ImportJob, code: str, message: str) -> None:
    """Mark a job failed with a message a person can read (it can be previewed again)."""
    _fail(job.pk, code, message)
    job.refresh_from_db()


def _fail(job_id: int, code: str, message: str) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportStatus.FAILED,
        error=message,
        result={"error": {"code": code, "message": message}},
        updated_at=timezone.now(),
    )
