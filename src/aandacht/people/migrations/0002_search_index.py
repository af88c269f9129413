"""The text index behind search: FTS5 (trigram) on SQLite, pg_trgm GIN indexes on PostgreSQL."""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE people_person_fts USING fts5(
        search_names, search_text,
        content='people_person', content_rowid='id', tokenize='trigram'
    )""",
    """CREATE TRIGGER people_person_fts_insert AFTER INSERT ON people_person BEGIN
        INSERT INTO people_person_fts(rowid, search_names, search_text)
        VALUES (new.id, new.search_names, new.search_text);
    END""",
    """CREATE TRIGGER people_person_fts_delete AFTER DELETE ON people_person BEGIN
        INSERT INTO people_person_fts(people_person_fts, rowid, search_names, search_text)
        VALUES ('delete', old.id, old.search_names, old.search_text);
    END""",
    """CREATE TRIGGER people_person_fts_update
        AFTER UPDATE OF search_names, search_text ON people_person BEGIN
        INSERT INTO people_person_fts(people_person_fts, rowid, search_names, search_text)
        VALUES ('delete', old.id, old.search_names, old.search_text);
        INSERT INTO people_person_fts(rowid, search_names, search_text)
        VALUES (new.id, new.search_names, new.search_text);
    END""",
    "INSERT INTO people_person_fts(people_person_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS people_person_fts_update",
    "DROP TRIGGER IF EXISTS people_person_fts_delete",
    "DROP TRIGGER IF EXISTS people_person_fts_insert",
    "DROP TABLE IF EXISTS people_person_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS people_person_names_trgm "
    "ON people_person USING gin (search_names gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS people_person_text_trgm "
    "ON people_person USING gin (search_text gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS people_person_text_trgm",
    "DROP INDEX IF EXISTS people_person_names_trgm",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
