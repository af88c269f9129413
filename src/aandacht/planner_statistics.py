"""SQLite's query-planner statistics (``sqlite_stat1``): gathered after big writes and daily.

Without statistics SQLite's planner guesses every index equally selective. With one vault
holding all the rows, ``vault_id`` indexes look selective but match everything; ``ANALYZE``
records what each index really narrows down to. Nothing gathers them by itself on SQLite (on
PostgreSQL autovacuum does, so everything here is a no-op there). They are refreshed:

* after an import that wrote many people (:mod:`aandacht.exchange.importing`, once its
  transaction has committed);
* once a day by the background scheduler's lease holder (:mod:`aandacht.attention.background`);
* on the restored file before ``aandacht restore`` swaps it in (:mod:`aandacht.backup.restore`).

How: when ``sqlite_stat1`` is missing or empty, a full ``ANALYZE``. Otherwise, with SQLite
3.46 or newer, ``PRAGMA optimize=0x10002``: it looks at every table (0x10000), not just those
this connection queried, and re-analyzes only those that changed a lot. Older SQLite's
``optimize`` only looks at tables the connection used in this session (a fresh connection:
none), so there it is a full ``ANALYZE`` again. Not ``analysis_limit``: a sampled ANALYZE
reads the first rows of each index, which all belong to one vault, and records a ``vault_id``
index as narrowing a million rows down to a few hundred (measured on the 50,000-person
benchmark, where the full ``ANALYZE`` takes 2.5 s for 450 MB).

The statistics are a speed-up, never a condition: :func:`refresh_quietly` logs a failure and
returns; nothing that calls it fails because of it.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any, Literal

from django.db import connections

logger = logging.getLogger(__name__)

#: ``PRAGMA optimize`` mask: 0x02 analyze what needs it, 0x10000 check every table.
OPTIMIZE_ALL_TABLES = 0x10002
#: From this SQLite version on ``optimize`` understands 0x10000 (and caps its own work).
OPTIMIZE_ALL_SINCE = (3, 46, 0)

Done = Literal["analyze", "optimize"]


def has_statistics(cursor: Any) -> bool:
    """True when the database has ``sqlite_stat1`` with at least one row."""
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    if cursor.fetchone() is None:
        return False
    cursor.execute("SELECT 1 FROM sqlite_stat1 LIMIT 1")
    return cursor.fetchone() is not None


def refresh_sqlite(
    cursor: Any, version: tuple[int, int, int] = sqlite3.sqlite_version_info
) -> Done:
    """Refresh the statistics through ``cursor`` (a DB-API cursor on a SQLite database,
    outside any transaction of its own); which statement did it."""
    if has_statistics(cursor) and version >= OPTIMIZE_ALL_SINCE:
        cursor.execute(f"PRAGMA optimize = {OPTIMIZE_ALL_TABLES:#x}")
        return "optimize"
    cursor.execute("PRAGMA analysis_limit = 0")  # the whole index: see the module docstring
    cursor.execute("ANALYZE")
    return "analyze"


def refresh(alias: str = "default") -> Done | None:
    """Refresh the statistics of a configured database; ``None`` on anything but SQLite."""
    connection = connections[alias]
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        return refresh_sqlite(cursor)


def refresh_quietly(reason: str, alias: str = "default") -> Done | None:
    """:func:`refresh`, but a failure is logged (one line) and never raised."""
    try:
        done = refresh(alias)
    except Exception as error:
        logger.warning("the query planner's statistics were not refreshed (%s): %s", reason, error)
        return None
    if done is not None:
        logger.info("the query planner's statistics were refreshed (%s): %s", reason, done)
    return done
