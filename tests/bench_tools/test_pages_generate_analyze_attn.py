"""The large-vault generator ends with ANALYZE on both databases, so the planner has statistics
(SQLite's sqlite_stat1 was empty before: only PostgreSQL was analyzed), and with VACUUM on
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import pages_generate  # noqa: E402


@pytest.mark.django_db(transaction=True)
def test_the_database_is_analyzed(alice: User) -> None:
    pages_generate.generate(
        pages_generate.Sizes.scaled(40), username="alice", today=dt.date(2026, 12, 6)
    )
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'timeline_interaction_people'"
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_stats WHERE tablename = 'timeline_interaction_people'"
            )
        row = cursor.fetchone()
        assert row is not None and row[0] > 0
        if connection.vendor == "postgresql":
            # Vacuumed too: else autovacuum does it while the pages are measured.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables "
                "WHERE relname = 'timeline_interaction'"
            )
            assert cursor.fetchone() == (True,)
