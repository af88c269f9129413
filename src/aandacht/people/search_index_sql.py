"""The SQLite triggers behind the search index, for migrations that rebuild the person table.

SQLite cannot add a NOT NULL column or change one in place: Django copies the table, and the
triggers of the old table are gone with it. A migration that alters ``people_person`` calls
:func:`recreate_sqlite_triggers` afterwards; a test checks the triggers exist.
"""

from __future__ import annotations

from typing import Any

TRIGGER_NAMES = (
    "people_person_fts_insert",
    "people_person_fts_delete",
    "people_person_fts_update",
)

SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS people_person_fts_insert AFTER INSERT ON people_person BEGIN
        INSERT INTO people_person_fts(rowid, search_names, search_text)
        VALUES (new.id, new.search_names, new.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS people_person_fts_delete AFTER DELETE ON people_person BEGIN
        INSERT INTO people_person_fts(people_person_fts, rowid, search_names, search_text)
        VALUES ('delete', old.id, old.search_names, old.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS people_person_fts_update
        AFTER UPDATE OF search_names, search_text ON people_person BEGIN
        INSERT INTO people_person_fts(people_person_fts, rowid, search_names, search_text)
        VALUES ('delete', old.id, old.search_names, old.search_text);
        INSERT INTO people_person_fts(rowid, search_names, search_text)
        VALUES (new.id, new.search_names, new.search_text);
    END""",
    # The copy may have changed rows while no trigger listened: index everything again.
    "INSERT INTO people_person_fts(people_person_fts) VALUES ('rebuild')",
]


# FTS5 keeps new terms in memory up to "hashsize" bytes and writes a segment (to be merged
# later) each time that fills. During a bulk insert a bigger buffer means fewer, larger
# segments: measured, indexing 50,000 imported people took 1.1 s instead of 1.7 s with 16 MB
# (32 and 64 MB were no faster). Set for the import's transaction only; 1 MB is FTS5's default.
BULK_HASHSIZE = 16 * 1024 * 1024
DEFAULT_HASHSIZE = 1024 * 1024
_SET_HASHSIZE = "INSERT INTO people_person_fts(people_person_fts, rank) VALUES ('hashsize', %s)"


def recreate_sqlite_triggers(schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in SQLITE_TRIGGERS:
        schema_editor.execute(statement)


def pause_sqlite_insert_trigger(connection: Any) -> bool:
    """Drop the insert trigger for the rest of the current transaction (SQLite only), and
    give the index a bigger buffer for new terms (:data:`BULK_HASHSIZE`).

    A trigger-fed FTS5 index flushes its pending terms at every statement, which made indexing
    10,000 imported people take 2.8 s instead of 0.5 s when the rows are indexed in one
    ``executemany`` (:func:`index_people`). Only inside a transaction that holds the write
    lock (Aandacht's SQLite transactions are IMMEDIATE), and only together with
    :func:`resume_sqlite_insert_trigger` before it commits: a rollback restores the trigger
    anyway, so no other connection ever sees the table without it.
    """
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS people_person_fts_insert")
        cursor.execute(_SET_HASHSIZE, [BULK_HASHSIZE])
    return True


def resume_sqlite_insert_trigger(connection: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(SQLITE_TRIGGERS[0])
        cursor.execute(_SET_HASHSIZE, [DEFAULT_HASHSIZE])


def index_people(connection: Any, rows: list[tuple[int, str, str]]) -> None:
    """Index ``(id, search_names, search_text)`` rows while the insert trigger is paused."""
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO people_person_fts(rowid, search_names, search_text) VALUES (%s, %s, %s)",
            rows,
        )
