"""The benchmark's Server-Timing header: SQL and total time of a request, only when asked."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from django.conf import settings
from django.test import Client, override_settings

TIMING = ["aandacht.web.timing.ServerTiming", *settings.MIDDLEWARE]


def test_server_timing_sums_the_requests_queries(as_alice: Client) -> None:
    with override_settings(MIDDLEWARE=TIMING):
        response = as_alice.get("/people/")
    assert response.status_code == 200
    found = re.fullmatch(
        r'db;dur=([\d.]+);desc="(\d+) queries", app;dur=([\d.]+)', response["Server-Timing"]
    )
    assert found is not None
    db_ms, queries, app_ms = float(found[1]), int(found[2]), float(found[3])
    assert queries > 0
    assert 0 < db_ms <= app_ms


def test_no_header_without_the_setting(as_alice: Client) -> None:
    assert "Server-Timing" not in as_alice.get("/people/")


def test_bench_timing_zero_means_off() -> None:
    """``AANDACHT_BENCH_TIMING=0`` is off, as every other boolean setting reads it."""
    code = (
        "from django.conf import settings; "
        "print('aandacht.web.timing.ServerTiming' in settings.MIDDLEWARE)"
    )
    answers = []
    for value in ("0", "1"):
        env = {**os.environ, "AANDACHT_BENCH_TIMING": value}
        env["DJANGO_SETTINGS_MODULE"] = "aandacht.settings"
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        answers.append(done.stdout.strip())
    assert answers == ["False", "True"]


def test_reading_the_rows_counts_as_sql(as_alice: Client) -> None:
    """SQLite does a query's work while its rows are read: a query whose rows take a while to
    fetch must show in ``db``, not only the time ``execute`` took."""
    from django.db import connection

    from aandacht.web.timing import _QueryClock

    clock = _QueryClock()
    with connection.execute_wrapper(clock), connection.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) "
            "SELECT i FROM n"
        )
        executed = clock.seconds
        rows = cursor.fetchall()
        cursor.fetchone()
    assert len(rows) == 300000
    assert clock.count == 1
    assert clock.seconds > executed


def test_rows_read_by_iterating_the_cursor_count_too(as_alice: Client) -> None:
    """A raw query's rows are read by iterating the cursor (``RawQuerySet``), not by fetch*."""
    from django.db import connection

    from aandacht.web.timing import _QueryClock

    clock = _QueryClock()
    with connection.execute_wrapper(clock), connection.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) "
            "SELECT i FROM n"
        )
        executed = clock.seconds
        rows = list(cursor)
    assert len(rows) == 300000 and rows[-1] == (300000,)
    assert clock.seconds > executed
