"""The background scheduler: one lease holder per database runs the digests, every minute."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.test import override_settings
from django.utils import timezone

from aandacht.attention import background
from aandacht.attention.background import Scheduler, acquire_lease, release_lease
from aandacht.attention.models import SchedulerLease

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)


# --- the lease -----------------------------------------------------------------------------


def test_of_two_holders_only_one_acquires_the_lease() -> None:
    assert acquire_lease("host-a:1:aa", now=T0, seconds=150) is True
    assert acquire_lease("host-b:2:bb", now=T0, seconds=150) is False
    lease = SchedulerLease.objects.get(name="scheduler")
    assert (lease.holder, lease.expires_at) == ("host-a:1:aa", T0 + dt.timedelta(seconds=150))


def test_the_holder_renews_and_the_other_still_waits() -> None:
    acquire_lease("a", now=T0, seconds=150)
    later = T0 + dt.timedelta(seconds=60)
    assert acquire_lease("a", now=later, seconds=150) is True
    assert SchedulerLease.objects.get().expires_at == later + dt.timedelta(seconds=150)
    # At the first lease's end it has been renewed: b still may not take it.
    assert acquire_lease("b", now=T0 + dt.timedelta(seconds=151), seconds=150) is False


def test_an_expired_lease_passes_to_another_holder() -> None:
    acquire_lease("a", now=T0, seconds=150)
    after = T0 + dt.timedelta(seconds=151)
    assert acquire_lease("b", now=after, seconds=150) is True
    assert SchedulerLease.objects.get().holder == "b"
    assert acquire_lease("a", now=after, seconds=150) is False  # a lost it


def test_releasing_lets_a_successor_in_at_once_but_only_the_holder_may_release() -> None:
    acquire_lease("a", now=T0)
    release_lease("b")  # not b's to give away
    assert SchedulerLease.objects.get().holder == "a"
    release_lease("a")
    assert not SchedulerLease.objects.exists()
    assert acquire_lease("b", now=T0) is True


def test_holder_names_are_host_process_and_random() -> None:
    first, second = background.new_holder(), background.new_holder()
    assert first != second
    assert first.count(":") >= 2 and len(first) <= 120


@pytest.mark.django_db(transaction=True)
def test_racing_processes_get_one_lease() -> None:
    """Eight threads (eight connections) try to take a free lease at the same moment."""
    from django.db import OperationalError, connections

    barrier = threading.Barrier(8)
    won: list[str] = []
    errors: list[BaseException] = []

    def contend(holder: str) -> None:
        try:
            barrier.wait(timeout=10)
            for _attempt in range(200):
                try:
                    if acquire_lease(holder, now=T0):
                        won.append(holder)
                    return
                except OperationalError as error:  # SQLite's shared in-memory test database
                    if "locked" not in str(error):
                        raise
                    connections.close_all()
                    threading.Event().wait(0.01)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=contend, args=(f"h{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(won) == 1
    assert SchedulerLease.objects.get().holder == won[0]


# --- the scheduler -------------------------------------------------------------------------


def test_only_the_lease_holder_runs_the_job() -> None:
    runs: list[str] = []
    first = Scheduler(lambda: runs.append("first"), holder="first")
    second = Scheduler(lambda: runs.append("second"), holder="second")
    assert first.tick() is True
    assert second.tick() is False
    assert first.tick() is True
    assert runs == ["first", "first"]


def test_a_failing_job_is_logged_and_the_scheduler_carries_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken() -> None:
        raise RuntimeError("mail server exploded")

    scheduler = Scheduler(broken, holder="me")
    assert scheduler.tick() is False
    assert "mail server exploded" in caplog.text
    assert "tries again" in caplog.text


def test_the_default_job_sends_due_digests(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dt.datetime | None] = []
    monkeypatch.setattr(
        "aandacht.attention.digest.send_due_digests",
        lambda now=None, **options: calls.append(now) or [],
    )
    assert Scheduler(holder="me").tick() is True
    assert calls == [None]


@pytest.mark.django_db(transaction=True)
def test_the_thread_ticks_until_stopped_and_then_gives_the_lease_up() -> None:
    ticked = threading.Event()
    runs: list[int] = []

    holders: list[str] = []

    def job() -> None:
        runs.append(1)
        if len(runs) == 1:  # asked from the thread itself, which holds the lease
            holders.append(SchedulerLease.objects.get().holder)
        if len(runs) >= 3:
            ticked.set()

    scheduler = Scheduler(job, interval=0.01, holder="thread")
    scheduler.start()
    scheduler.start()  # idempotent: still one thread
    try:
        assert ticked.wait(timeout=30)
    finally:
        scheduler.stop(timeout=10)
    assert not scheduler.running
    assert holders == ["thread"]
    assert not SchedulerLease.objects.exists()
    count = len(runs)
    threading.Event().wait(0.05)
    assert len(runs) == count  # stopped means stopped


# --- when it starts at all -----------------------------------------------------------------


@pytest.fixture
def fake_scheduler(monkeypatch: pytest.MonkeyPatch) -> list[Scheduler]:
    """Schedulers that do not start a thread; the list holds the ones started."""
    started: list[Scheduler] = []
    monkeypatch.setattr(Scheduler, "start", lambda self: started.append(self))
    monkeypatch.setattr(Scheduler, "running", property(lambda self: self in started))
    monkeypatch.setattr(Scheduler, "stop", lambda self, timeout=0: started.remove(self))
    monkeypatch.setattr(background, "_current", None)
    return started


def test_serve_starts_one_scheduler_per_process(
    fake_scheduler: list[Scheduler], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.argv", ["aandacht", "serve"])
    first = background.start_background()
    assert first is not None
    assert background.start_background() is first
    assert fake_scheduler == [first]
    background.stop_background()
    assert fake_scheduler == []


def test_aandacht_scheduler_off_starts_nothing(fake_scheduler: list[Scheduler]) -> None:
    with override_settings(SCHEDULER=False):
        assert background.start_background() is None
    assert fake_scheduler == []


def test_the_autoreloaders_watching_parent_starts_nothing_its_child_does(
    fake_scheduler: list[Scheduler], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.argv", ["manage.py", "runserver"])
    monkeypatch.delenv("RUN_MAIN", raising=False)
    assert background.start_background() is None
    monkeypatch.setenv("RUN_MAIN", "true")  # the child that serves requests
    assert background.start_background() is not None
    background.stop_background()
    monkeypatch.delenv("RUN_MAIN")
    monkeypatch.setattr("sys.argv", ["manage.py", "runserver", "--noreload"])
    assert background.start_background() is not None
    background.stop_background()


def test_lease_times_are_aware() -> None:
    acquire_lease("a")
    assert timezone.is_aware(SchedulerLease.objects.get().expires_at)
