"""SQLite's query-planner statistics: after a big import, daily from the scheduler, never on
PostgreSQL, and never at the cost of the import (aandacht.planner_statistics)."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from aandacht import planner_statistics
from aandacht.accounts.models import Vault
from aandacht.attention import background
from aandacht.attention.models import SchedulerLease
from aandacht.exchange import importing
from aandacht.exchange.importing import import_records
from aandacht.exchange.models import ImportJob, ImportStatus
from aandacht.exchange.records import Record
from aandacht.people.models import Person

T0 = dt.datetime(2026, 12, 6, 3, 0, tzinfo=dt.UTC)

on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's statistics (the SQLite leg)"
)
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL: nothing to do (the PostgreSQL leg)"
)


def people(count: int, family: str = "Statistiek") -> list[Record]:
    return [Record(number=n, given_name=f"Person{n}", family_name=family) for n in range(count)]


def has_statistics() -> bool:
    with connection.cursor() as cursor:
        return planner_statistics.has_statistics(cursor)


def no_statistics() -> None:
    """Start without statistics (a restore test may have left some in the test database);
    the test's transaction brings them back."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    assert not has_statistics()


@pytest.fixture
def few_are_many(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "STATISTICS_AFTER_PEOPLE", 3)


# --- after an import ----------------------------------------------------------------------


@on_sqlite
@pytest.mark.django_db
def test_a_big_import_leaves_statistics_after_its_commit(
    vault: Vault,
    alice: User,
    few_are_many: None,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    no_statistics()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = import_records(vault, people(3), user=alice)
        assert not has_statistics()  # not inside the import's transaction
    assert report.created == 3 and len(callbacks) == 1
    assert has_statistics()
    with connection.cursor() as cursor:
        cursor.execute("SELECT tbl FROM sqlite_stat1")
        assert "people_person" in {row[0] for row in cursor.fetchall()}


@on_sqlite
@pytest.mark.django_db
def test_a_small_import_or_a_dry_run_leaves_the_statistics_alone(
    vault: Vault,
    alice: User,
    few_are_many: None,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    no_statistics()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_records(vault, people(2), user=alice)
        import_records(vault, people(5), user=alice, dry_run=True)
    assert callbacks == [] and not has_statistics()


@on_sqlite
@pytest.mark.django_db
def test_an_import_that_is_a_small_share_of_everyone_leaves_the_statistics_alone(
    vault: Vault,
    alice: User,
    few_are_many: None,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Enough people by count, but under a tenth of everyone stored: not worth an ANALYZE of
    the whole database (the daily refresh catches up)."""
    import_records(vault, people(40), user=alice)
    no_statistics()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = import_records(vault, people(3, family="Klein"), user=alice)
    assert report.created == 3
    assert callbacks == [] and not has_statistics()


@pytest.mark.django_db
def test_a_failing_statistics_step_does_not_fail_the_import(
    vault: Vault,
    alice: User,
    few_are_many: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    def broken(cursor: Any, *args: Any) -> str:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(planner_statistics, "refresh_sqlite", broken)
    caplog.set_level(logging.WARNING, logger="aandacht.planner_statistics")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = import_records(vault, people(4), user=alice)
    assert report.created == 4 and len(callbacks) == 1
    assert Person.objects.filter(vault=vault, family_name="Statistiek").count() == 4
    if connection.vendor == "sqlite":
        assert "statistics were not refreshed (import): database or disk is full" in caplog.text
    else:
        assert caplog.text == ""  # PostgreSQL: the step does nothing, so nothing fails


# --- the daily tick -------------------------------------------------------------------------


@on_sqlite
@pytest.mark.django_db
def test_the_daily_tick_gathers_statistics_once_a_day(monkeypatch: pytest.MonkeyPatch) -> None:
    no_statistics()
    monkeypatch.setattr(background, "send_digests", lambda: None)
    monkeypatch.setattr(background, "make_scheduled_backup", lambda now=None: None)
    clock = [T0]
    scheduler = background.Scheduler(holder="me", clock=lambda: clock[0])
    assert scheduler.tick() is True
    assert has_statistics()
    lease = SchedulerLease.objects.get(name=background.STATISTICS_LEASE)
    assert lease.expires_at == T0 + dt.timedelta(days=1)

    no_statistics()
    clock[0] = T0 + dt.timedelta(hours=23)
    assert scheduler.tick() is True
    assert background.refresh_statistics(clock[0]) is False  # the same day: not again
    assert not has_statistics()

    clock[0] = T0 + dt.timedelta(days=1, minutes=1)
    assert scheduler.tick() is True
    assert has_statistics()


@on_sqlite
@pytest.mark.django_db
def test_only_the_scheduler_lease_holder_gathers_them(monkeypatch: pytest.MonkeyPatch) -> None:
    no_statistics()
    monkeypatch.setattr(background, "send_digests", lambda: None)
    monkeypatch.setattr(background, "make_scheduled_backup", lambda now=None: None)
    assert background.acquire_lease("another process", now=T0)
    assert background.Scheduler(holder="me", clock=lambda: T0).tick() is False
    assert not has_statistics()
    assert not SchedulerLease.objects.filter(name=background.STATISTICS_LEASE).exists()


@on_sqlite
@pytest.mark.django_db
def test_a_failing_daily_step_is_logged_and_the_tick_goes_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(cursor: Any, *args: Any) -> str:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    sent: list[int] = []
    monkeypatch.setattr(planner_statistics, "refresh_sqlite", broken)
    monkeypatch.setattr(background, "send_digests", lambda: sent.append(1))
    monkeypatch.setattr(background, "make_scheduled_backup", lambda now=None: None)
    caplog.set_level(logging.WARNING)
    assert background.Scheduler(holder="me", clock=lambda: T0).tick() is True
    assert sent == [1]
    assert "statistics were not refreshed (daily): attempt to write a readonly" in caplog.text


@on_postgres
@pytest.mark.django_db
def test_nothing_happens_on_postgresql(
    vault: Vault,
    alice: User,
    few_are_many: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    def must_not_run(cursor: Any, *args: Any) -> str:
        raise AssertionError("no SQLite statistics on PostgreSQL")

    monkeypatch.setattr(planner_statistics, "refresh_sqlite", must_not_run)
    assert planner_statistics.refresh() is None
    assert background.refresh_statistics(T0) is False
    assert not SchedulerLease.objects.filter(name=background.STATISTICS_LEASE).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert import_records(vault, people(3), user=alice).created == 3


# --- which statement ------------------------------------------------------------------------


def test_the_first_time_analyze_then_optimize_where_sqlite_has_it(tmp_path: Any) -> None:
    with sqlite3.connect(tmp_path / "s.sqlite3", isolation_level=None) as db:
        db.execute("CREATE TABLE t (a INTEGER, b TEXT)")
        db.execute("CREATE INDEX t_a ON t (a)")
        db.executemany("INSERT INTO t VALUES (?, ?)", [(n % 7, "x") for n in range(200)])
        cursor = db.cursor()
        assert not planner_statistics.has_statistics(cursor)
        assert planner_statistics.refresh_sqlite(cursor, (3, 46, 0)) == "analyze"
        assert planner_statistics.has_statistics(cursor)
        # Older SQLite's optimize only looks at tables this connection used: ANALYZE again.
        assert planner_statistics.refresh_sqlite(cursor, (3, 40, 1)) == "analyze"
        if sqlite3.sqlite_version_info >= (3, 46, 0):
            assert planner_statistics.refresh_sqlite(cursor) == "optimize"
        stats = db.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 't_a'").fetchone()
        assert stats == ("200 29",)


# --- a web import ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_big_web_import_refreshes_the_statistics_once_it_shows_as_done(
    as_alice: Client, vault: Vault, few_are_many: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The person watching sees "done" first; the ANALYZE (seconds on a big database) runs
    after that, in the import's own thread, once."""
    seen: list[str] = []

    def refresh(reason: str) -> None:
        seen.append(f"{reason}: {ImportJob.objects.get(vault=vault).status}")

    monkeypatch.setattr(planner_statistics, "refresh_quietly", refresh)
    cards = b"".join(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Statistiek;Person%d;;;\r\nFN:Person%d Statistiek\r\n"
        b"END:VCARD\r\n" % (n, n)
        for n in range(4)
    )
    as_alice.post(
        f"{reverse('exchange:import')}?vault={vault.pk}",
        {"format": "auto", "file": SimpleUploadedFile("big.vcf", cards)},
    )
    job = ImportJob.objects.get(vault=vault)
    assert job.status == ImportStatus.PREVIEWED and seen == []  # a preview never refreshes
    as_alice.post(reverse("exchange:run", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.result is not None
    assert job.result["created"] == 4 and "statistics_due" not in job.result
    assert seen == [f"import: {ImportStatus.DONE}"]
