"""The write stamp: a number that grows with every committed write to the data the pages show,
so a page's costly figures (the report, Today's plan) are computed once and reused until
something changes, instead of on every request.

Every table of the data has a trigger that counts its writes into ``aandacht_writes``; the
tables of sign-ins, sign-in attempts, tokens' last use and the scheduler's lease are left out
(``UNWATCHED``), as they are written by reading. The triggers are the database's, so every
way of writing is counted: the views, the API, imports, CardDAV, merges, restores, raw SQL.

- **SQLite:** a trigger per row adds one to a single counter row (``tx = 0``); SQLite's
  writers take turns, so that row makes no one wait.
- **PostgreSQL:** a trigger per statement (``TRUNCATE`` included) adds a row for its
  transaction, once (``ON CONFLICT (tx) DO NOTHING``), so concurrent writers never wait for
  each other; the stamp is the sum of the rows' weights. Now and then ``current`` folds the
  committed rows into one of the same weight (``COMPACT_AFTER``).

A rolled-back transaction leaves no trace and every committed one raises the stamp. It is
read *before* the figures it guards, so kept figures are never older than their stamp (a write
that commits in between makes the next request compute afresh). Inside a transaction nothing
is reused or kept: its writes may still be rolled back.

The triggers are created after every ``migrate`` (``install``, on ``post_migrate``), for the
tables that lack them: new tables get theirs, and so does a table SQLite rebuilt (a rebuild
drops the old table's triggers).
"""

# ruff: noqa: S608 - the statements name tables from Django's own model list, never input

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from django.apps import apps
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "aandacht_writes"
TRIGGER = "aandacht_counted"  # PostgreSQL: one name on every table; SQLite: a prefix
FUNCTION = "aandacht_count_write"
#: Written by reading a page or by the clock, not the data the pages show.
UNWATCHED = frozenset(
    {
        "django_session",
        "django_admin_log",
        "accounts_signedinsession",  # a session's last use
        "accounts_accesstoken",  # a token's last use
        "attention_schedulerlease",  # renewed by the background scheduler
        "axes_accessattempt",
        "axes_accessattemptexpiration",
        "axes_accessfailurelog",
        "axes_accesslog",
        "otp_totp_totpdevice",  # the last used code and the throttle
        "otp_static_staticdevice",
        "otp_static_statictoken",
    }
)
COMPACT_AFTER = 500  # PostgreSQL: rows of committed transactions before they are folded
KEPT = 32  # figures kept per process
SEED_RANGE = 2**40  # a new table's stamp starts somewhere below this
RESTORE_MARGIN = 10**6  # a restored SQLite file's stamp starts this far past the live one

CREATE_TABLE = {
    "sqlite": [
        f"CREATE TABLE IF NOT EXISTS {TABLE} ("
        "id integer PRIMARY KEY AUTOINCREMENT, tx integer UNIQUE, weight integer NOT NULL)",
        # From a random point: a table made anew (migrated back and forth) never meets
        # figures kept under the old one's values.
        f"INSERT OR IGNORE INTO {TABLE} (tx, weight) VALUES (0, abs(random() % {SEED_RANGE}))",
    ],
    "postgresql": [
        f"CREATE TABLE IF NOT EXISTS {TABLE} ("
        "id bigserial PRIMARY KEY, tx bigint UNIQUE, weight bigint NOT NULL)",
        f"INSERT INTO {TABLE} (tx, weight) SELECT NULL, floor(random() * {SEED_RANGE})::bigint "
        f"WHERE NOT EXISTS (SELECT 1 FROM {TABLE})",
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN INSERT INTO {TABLE} (tx, weight) VALUES (txid_current(), 1) "
        "ON CONFLICT (tx) DO NOTHING; RETURN NULL; END $$",
    ],
}
DROP_TABLE = {
    "sqlite": [f"DROP TABLE IF EXISTS {TABLE}"],
    "postgresql": [
        f"DROP TABLE IF EXISTS {TABLE}",
        f"DROP FUNCTION IF EXISTS {FUNCTION}() CASCADE",
    ],
}
SQLITE_EVENTS = ("insert", "update", "delete")


def watched_tables(using: str = "default") -> list[str]:
    """The tables of the data: every model's table that exists, but the ``UNWATCHED``."""
    existing = set(connections[using].introspection.table_names())
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed
            and not model._meta.proxy
            and model._meta.db_table in existing
            and model._meta.db_table not in UNWATCHED
        }
    )


def counted_tables(using: str = "default") -> set[str]:
    """The tables that have the trigger (on SQLite: all three of theirs)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = %s AND c.relnamespace = to_regnamespace(current_schema())",
                [TRIGGER],
            )
            return {name for (name,) in cursor.fetchall()}
        cursor.execute(
            "SELECT tbl_name, count(*) FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE %s GROUP BY tbl_name",
            [f"{TRIGGER}_%"],
        )
        return {name for name, count in cursor.fetchall() if count == len(SQLITE_EVENTS)}


def _trigger_sql(connection: BaseDatabaseWrapper, table: str) -> list[str]:
    quoted = connection.ops.quote_name(table)
    if connection.vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quoted}",
            f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quoted} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()",
        ]
    return [
        f"CREATE TRIGGER IF NOT EXISTS {TRIGGER}_{event}_{table} AFTER {event.upper()} ON "
        f"{quoted} BEGIN UPDATE {TABLE} SET weight = weight + 1 WHERE tx = 0; END"
        for event in SQLITE_EVENTS
    ]


def install(using: str = "default") -> list[str] | None:
    """Give every watched table that lacks it the counting trigger; returns those tables
    (``None`` when the database has no stamp: another vendor, or migrated back before it)."""
    connection = connections[using]
    if connection.vendor not in CREATE_TABLE:
        return None
    if TABLE not in connection.introspection.table_names():
        return None
    counted = counted_tables(using)
    missing = [table for table in watched_tables(using) if table not in counted]
    if missing:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(CREATE_TABLE["sqlite"][1])  # the counter row
            for table in missing:
                for statement in _trigger_sql(connection, table):
                    cursor.execute(statement)
    return missing


def installed(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """``post_migrate``: after every migration, the triggers of new or rebuilt tables, and
    the stamp raised (a migration may change the data without the triggers: a rebuilt
    table's copy, a new column's default)."""
    if install(using) is not None:
        bump(using)


def bump(using: str = "default") -> None:
    """Raise the stamp, as a write would."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {TABLE} (tx, weight) VALUES (txid_current(), 1) "
                "ON CONFLICT (tx) DO NOTHING"
            )
        else:
            cursor.execute(f"UPDATE {TABLE} SET weight = weight + 1 WHERE tx = 0")


def drop_sqlite_triggers(connection: BaseDatabaseWrapper) -> int:
    """SQLite: drop every counting trigger (a bulk write's pause, the migration's reverse);
    returns how many there were."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [f"{TRIGGER}_%"],
        )
        names = [name for (name,) in cursor.fetchall()]
        for name in names:
            cursor.execute(f'DROP TRIGGER "{name}"')
    return len(names)


def pause_sqlite(connection: BaseDatabaseWrapper) -> bool:
    """SQLite, inside the caller's transaction: drop the counting triggers for a bulk write
    (a vCard import of 20,000 cards took 7.4 s with them and 5.7 s without), which then
    counts once in ``resume_sqlite`` before it commits. A rollback brings the triggers back
    with everything else, and as SQLite's writers take turns no other connection writes
    meanwhile. False elsewhere (on PostgreSQL the triggers fire per statement and cost next
    to nothing)."""
    if connection.vendor != "sqlite" or not connection.in_atomic_block:
        return False
    return drop_sqlite_triggers(connection) > 0


def resume_sqlite(connection: BaseDatabaseWrapper) -> None:
    """After ``pause_sqlite``, in the same transaction: the triggers back, the write counted."""
    install(connection.alias)
    bump(connection.alias)


def raise_past(restored: sqlite3.Connection, live: sqlite3.Connection) -> None:
    """Before a restored SQLite file replaces the live one: its stamp goes past the live
    one's (a backup holds the stamp of its day, which the live processes have seen)."""
    try:
        (live_stamp,) = live.execute(f"SELECT coalesce(sum(weight), 0) FROM {TABLE}").fetchone()
    except sqlite3.OperationalError:  # the live database predates the stamp
        live_stamp = 0
    with restored:
        restored.execute(CREATE_TABLE["sqlite"][0])
        restored.execute(CREATE_TABLE["sqlite"][1])
        restored.execute(
            f"UPDATE {TABLE} SET weight = ? WHERE tx = 0", [live_stamp + RESTORE_MARGIN]
        )


# --- Reading -----------------------------------------------------------------------------


def current(using: str = "default") -> int | None:
    """The stamp now, or ``None`` inside a transaction (where nothing may be kept)."""
    connection = connections[using]
    if connection.in_atomic_block or connection.vendor not in CREATE_TABLE:
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(sum(weight), 0), count(*) FROM {TABLE}")
        total, rows = cursor.fetchone()
    if rows > COMPACT_AFTER and connection.vendor == "postgresql":
        compact(using)
    return int(total)


def compact(using: str = "default") -> None:
    """PostgreSQL: fold the committed transactions' rows into one row of their summed weight
    (the stamp stays the same). One process at a time; the others skip it."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [TABLE])
        if not cursor.fetchone()[0]:
            return
        cursor.execute(
            f"WITH gone AS (DELETE FROM {TABLE} RETURNING weight) "
            f"INSERT INTO {TABLE} (tx, weight) SELECT NULL, sum(weight) FROM gone "
            "HAVING count(*) > 0"
        )


_T = TypeVar("_T")
_kept: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
_kept_lock = threading.Lock()


def remember(key: Hashable, compute: Callable[[], _T], using: str = "default") -> _T:
    """``compute()``, or what it gave under the same stamp (this process keeps ``KEPT``).

    ``key`` must name everything the result depends on besides the stored data: the vault,
    the user, the day, the language. The result is shared: callers must not change it."""
    return remember_at(current(using), key, compute, using)


def remember_at(
    stamp: int | None, key: Hashable, compute: Callable[[], _T], using: str = "default"
) -> _T:
    """``remember`` under a stamp read before: figures built from other kept figures must
    be kept under the same stamp as those (read once, before any of them)."""
    if stamp is None:
        return compute()
    full_key = (connections[using].settings_dict["NAME"], key)
    with _kept_lock:
        found = _kept.get(full_key)
        if found is not None and found[0] == stamp:
            _kept.move_to_end(full_key)
            return cast(_T, found[1])
    value = compute()
    with _kept_lock:
        _kept[full_key] = (stamp, value)
        _kept.move_to_end(full_key)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return value


def forget() -> None:
    """Drop everything kept in this process."""
    with _kept_lock:
        _kept.clear()
