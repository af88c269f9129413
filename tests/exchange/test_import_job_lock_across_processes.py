"""A web import's lock across server processes: a job running in another process is never
called interrupted, nor started a second time; once that process is killed it is, exactly once.

"Another process" is a real one: a small Python process that takes the job's lock through
aandacht.exchange.job_lock (as a gunicorn worker running the import would) and sleeps until it
is killed with SIGKILL. On the SQLite leg the lock is a file lock, on the PostgreSQL leg an
advisory lock on the test database; every test here runs on both legs unless it says otherwise.
"""

from __future__ import annotations

import datetime as dt
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.exchange import job_lock, jobs
from aandacht.exchange.importing import import_records
from aandacht.exchange.models import ImportJob, ImportStatus
from aandacht.people.models import Person

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 30
TWO_CARDS = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:de Vries;Anna;;;\r\nFN:Anna de Vries\r\n"
    b"EMAIL;TYPE=INTERNET:anna@example.org\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Jansen;Piet;;;\r\nFN:Piet Jansen\r\n"
    b"TEL;TYPE=CELL:+31 6 12345678\r\nEND:VCARD\r\n"
)
HOLDER = """
import sys, time
import django
django.setup()
from aandacht.exchange import job_lock
if sys.argv[1] == "hold":
    lock = job_lock.acquire(int(sys.argv[2]))
    print("held" if lock is not None else "busy", flush=True)
    time.sleep(600)
elif sys.argv[1] == "probe":
    print("held" if job_lock.is_held(int(sys.argv[2])) else "free", flush=True)
else:  # "import": a server process importing the job, stuck inside the import's transaction
    import threading
    from django.conf import settings
    from aandacht.exchange import jobs
    from aandacht.exchange.importing import import_records
    from aandacht.exchange.models import ImportJob
    settings.MEDIA_ROOT = sys.argv[3]
    never = threading.Event()

    def stuck(*args, progress, **kwargs):
        def report(handled):
            print("importing", flush=True)
            never.wait()
        return import_records(*args, progress=report, **kwargs)

    jobs.import_records = stuck
    jobs.SYNC_MAX_BYTES = 0
    job = ImportJob.objects.get(pk=int(sys.argv[2]))
    print("started" if jobs.start_import(job) else "refused", flush=True)
    time.sleep(600)
"""


def database_url() -> str | None:
    """The test database for a child process: PostgreSQL's by URL; SQLite needs none."""
    if connection.vendor != "postgresql":
        return None
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'])}"


def child(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    script = tmp_path / "lock_holder.py"
    script.write_text(HOLDER)
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "aandacht.settings"
    env["AANDACHT_DATA_DIR"] = str(settings.DATA_DIR)  # the same lock directory
    url = database_url()
    if url is None:
        env.pop("DATABASE_URL", None)
    else:
        env["DATABASE_URL"] = url
    return subprocess.Popen(
        [sys.executable, str(script), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def first_line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    ready, _w, _x = select.select([process.stdout], [], [], TIMEOUT)
    if not ready:
        process.kill()
        pytest.fail("the child process said nothing within the timeout")
    line = process.stdout.readline().strip()
    if not line:
        _out, err = process.communicate(timeout=TIMEOUT)
        pytest.fail(f"the child process failed: {err}")
    return line


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[Callable[[int], subprocess.Popen[str]]]:
    """Start a process that holds a job's lock until it is killed."""
    started: list[subprocess.Popen[str]] = []

    def start(job_id: int) -> subprocess.Popen[str]:
        process = child(tmp_path, "hold", str(job_id))
        started.append(process)
        assert first_line(process) == "held"
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=TIMEOUT)


def kill_hard(process: subprocess.Popen[str]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=TIMEOUT)


def eventually(check: Callable[[], bool]) -> bool:
    """PostgreSQL ends a killed client's session a moment after the kill."""
    deadline = time.monotonic() + TIMEOUT
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def owner() -> tuple[User, Vault]:
    user = User.objects.create_user("dora", password="dora-secret-pw")
    vault = Vault.objects.create(name="Dora's people")
    Membership.objects.create(vault=vault, user=user, role=Role.OWNER)
    return user, vault


def previewed_job(client: Client, owner: tuple[User, Vault]) -> ImportJob:
    user, vault = owner
    client.force_login(user)
    client.post(
        f"{reverse('exchange:import')}?vault={vault.pk}",
        {"format": "auto", "file": SimpleUploadedFile("contacts.vcf", TWO_CARDS)},
    )
    job = ImportJob.objects.get(vault=vault)
    assert job.status == ImportStatus.PREVIEWED
    return job


def left_importing(job: ImportJob) -> ImportJob:
    """The job as another worker's page sees it: importing, no progress for five minutes."""
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING, updated_at=long_ago)
    return ImportJob.objects.get(pk=job.pk)


def test_a_job_another_process_runs_is_not_interrupted_until_that_process_is_killed(
    client: Client, owner: tuple[User, Vault], holder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = left_importing(previewed_job(client, owner))
    process = holder(job.pk)

    assert job_lock.is_held(job.pk)
    assert not jobs.is_interrupted(job), "its lock is held: it runs in the other process"
    assert not jobs.retry(job)
    assert not jobs.cancel(job)
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "This import was interrupted" not in page and "Try again" not in page
    client.post(reverse("exchange:retry", args=[job.pk]))
    unchanged = ImportJob.objects.get(pk=job.pk)
    assert (unchanged.status, unchanged.updated_at) == (ImportStatus.IMPORTING, job.updated_at)
    assert not Person.objects.exists()

    kill_hard(process)

    assert eventually(lambda: jobs.is_interrupted(job)), "the lock died with its process"
    # Two workers press "Try again" at the same moment: both have seen the job interrupted,
    # both reach for the lock together.
    real_acquire = job_lock.acquire
    together = threading.Barrier(2, timeout=TIMEOUT)

    def acquire_together(job_id: int) -> job_lock.HeldLock | None:
        together.wait()
        return real_acquire(job_id)

    monkeypatch.setattr(job_lock, "acquire", acquire_together)
    results: list[bool] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            results.append(jobs.retry(ImportJob.objects.get(pk=job.pk)))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    copies = [ImportJob.objects.get(pk=job.pk) for _ in range(2)]
    assert all(jobs.is_interrupted(copy) for copy in copies)
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)

    assert not errors, errors
    assert sorted(results) == [False, True], "exactly one of the two retries ran"
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.result is not None
    assert job.result["created"] == 2
    assert Person.objects.count() == 2, "imported once"
    assert not job_lock.is_held(job.pk)


def test_a_start_or_a_cancel_waits_for_the_other_process_to_let_go(
    client: Client, owner: tuple[User, Vault], holder: Any
) -> None:
    job = previewed_job(client, owner)
    process = holder(job.pk)

    assert not jobs.start_import(job), "the lock is held elsewhere"
    assert not jobs.start_preview(job)
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.PREVIEWED
    stuck = left_importing(job)
    assert not jobs.cancel(stuck)

    kill_hard(process)

    assert eventually(lambda: not job_lock.is_held(job.pk))
    assert jobs.cancel(stuck)
    stuck.refresh_from_db()
    assert stuck.status == ImportStatus.CANCELLED and not stuck.upload
    assert not Person.objects.exists()


def test_a_background_import_holds_its_lock_from_start_to_end(
    client: Client, owner: tuple[User, Vault], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = previewed_job(client, owner)
    monkeypatch.setattr(jobs, "SYNC_MAX_BYTES", 0)
    go_on = threading.Event()

    def slow_import(*args: Any, **kwargs: Any) -> Any:
        assert go_on.wait(TIMEOUT)
        return import_records(*args, **kwargs)

    monkeypatch.setattr(jobs, "import_records", slow_import)

    assert jobs.start_import(job)
    try:
        probe = child(tmp_path, "probe", str(job.pk))
        assert first_line(probe) == "held", "another process sees the running import's lock"
        probe.communicate(timeout=TIMEOUT)
        # What another worker concludes, minutes later, with no thread of the job in it:
        monkeypatch.setattr(jobs, "is_running_here", lambda job_id: False)
        later = timezone.now() + dt.timedelta(minutes=10)
        assert not jobs.is_interrupted(job, now=later)
        assert not jobs.retry(job)
    finally:
        go_on.set()
        jobs.wait(job.pk, timeout=TIMEOUT)

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Person.objects.count() == 2
    assert not job_lock.is_held(job.pk), "released when the import ended"


def test_a_failed_import_releases_its_lock(
    client: Client, owner: tuple[User, Vault], monkeypatch: pytest.MonkeyPatch
) -> None:
    job = previewed_job(client, owner)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(jobs, "import_records", broken)

    assert jobs.start_import(job)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert not job_lock.is_held(job.pk)
    assert jobs.start_preview(job), "it can be read again at once"


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite's lock file (SQLite leg)")
def test_the_lock_file_goes_with_its_holder_and_a_killed_holders_file_blocks_nothing(
    holder: Any,
) -> None:
    path = job_lock.lock_path(424242)
    lock = job_lock.acquire(424242)
    assert lock is not None and path.exists()
    assert job_lock.acquire(424242) is None, "a second open of the file conflicts, too"
    lock.release()
    lock.release()  # twice is harmless
    assert not path.exists() and not job_lock.is_held(424242)

    kill_hard(holder(424242))

    assert path.exists(), "a killed holder leaves its file"
    assert not job_lock.is_held(424242)
    again = job_lock.acquire(424242)
    assert again is not None
    again.release()
    assert not path.exists()


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's advisory lock (PostgreSQL leg)"
)
def test_the_advisory_lock_has_its_own_connection_and_closes_it() -> None:
    def sessions() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                ["aandacht import 424242"],
            )
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    lock = job_lock.acquire(424242)
    assert lock is not None and sessions() == 1
    connections.close_all()  # Django closing its connections does not end the lock
    assert job_lock.is_held(424242)
    assert job_lock.acquire(424242) is None
    lock.release()
    assert not job_lock.is_held(424242) and sessions() == 0
    big = 2**31 + 7  # beyond int4: the key wraps, the lock still works
    assert job_lock.advisory_keys(big)[1] == -(2**31) + 7
    wrapped = job_lock.acquire(big)
    assert wrapped is not None and job_lock.is_held(big)
    wrapped.release()


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a second process needs the shared database (the SQLite test database is in memory)",
)
def test_an_import_running_in_another_server_process_is_left_alone_then_retried_once(
    client: Client, owner: tuple[User, Vault], tmp_path: Path
) -> None:
    job = previewed_job(client, owner)
    server = child(tmp_path, "import", str(job.pk), str(settings.MEDIA_ROOT))
    try:
        assert first_line(server) == "started"
        assert first_line(server) == "importing", "its thread is inside the transaction"
        # Minutes later, as another worker sees it: importing, no progress written.
        job = left_importing(job)

        assert not jobs.is_interrupted(job)
        assert not jobs.retry(job)
        assert not Person.objects.exists(), "nothing committed yet"

        kill_hard(server)
    finally:
        if server.poll() is None:
            server.kill()
        server.communicate(timeout=TIMEOUT)

    assert eventually(lambda: jobs.is_interrupted(job))
    assert jobs.retry(job)
    assert not jobs.retry(ImportJob.objects.get(pk=job.pk))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Person.objects.count() == 2


def test_a_released_lock_is_not_confirmed(holder: Any) -> None:
    lock = job_lock.acquire(434343)
    assert lock is not None
    lock.confirm()  # held: nothing happens
    lock.release()
    with pytest.raises(job_lock.LockLost):
        lock.confirm()


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's advisory lock (PostgreSQL leg)"
)
def test_an_import_whose_lock_connection_ends_is_rolled_back(
    client: Client, owner: tuple[User, Vault], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock's own connection is ended while the import runs (an idle timeout on the way,
    ``pg_terminate_backend``): the lock is gone, so another worker may start the job; this
    import must then not commit. It confirms its lock just before committing and is rolled
    back, the job failed with a message saying so."""
    job = previewed_job(client, owner)
    name = f"aandacht import {job.pk}"

    def lock_sessions() -> int:
        with connections["default"].cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [name]
            )
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    def ends_its_lock(*args: Any, **kwargs: Any) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = %s",
                [name],
            )
        assert eventually(lambda: lock_sessions() == 0)
        return import_records(*args, **kwargs)

    monkeypatch.setattr(jobs, "import_records", ends_its_lock)

    assert jobs.start_import(job)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.result["error"]["code"] == "lock_lost"
    assert "nothing was written" in job.error
    assert Person.objects.count() == 0
    assert not job_lock.is_held(job.pk)
