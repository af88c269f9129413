"""Each interaction's date on its link rows, kept by the database, for someone's timeline.

A person's timeline opens with their latest interactions. Found through the links, that meant
reading every interaction of theirs to sort them: 17,000 for the busiest of the 50,000-person
benchmark, 40 ms on SQLite for every page of their timeline. With the date on the link rows
and an index on (person, date, interaction) it is a few index entries (0.01 ms).

The column is the database's, not the model's (the link table is Django's own m2m table), and
triggers keep it, so every way a link or an interaction is written keeps it too: the views,
the API, imports, CardDAV, merges, restores, raw inserts. ``occurred_at`` is copied when a
link is written, when an interaction's date changes, and when an interaction is written after
its links (a restore may load the tables in any order).

A later migration that makes Django rebuild either table on SQLite (a check constraint, some
field changes: it copies the table into a new one and renames it) fails while renaming, as
the triggers name the old table. Such a migration must drop the triggers first and create
them again after (``SQLITE_DROP_TRIGGERS``, ``SQLITE_TRIGGERS``; if it rebuilds the link
table, the column, its fill and its index too: ``SQLITE_COLUMN``). Load this module with
``importlib.import_module("aandacht.timeline.migrations.0004_link_dates")``.
``tests/timeline/test_link_dates.py`` checks that the column, index and triggers are there.
"""

# ruff: noqa: S608 - the statements are built from this module's constant names, no input

from __future__ import annotations

from typing import Any

from django.db import migrations

LINKS = "timeline_interaction_people"
INTERACTIONS = "timeline_interaction"
INDEX = "interaction_link_person_when"

SQLITE_COLUMN = [
    f"ALTER TABLE {LINKS} ADD COLUMN occurred_at datetime NULL",
    f"UPDATE {LINKS} SET occurred_at = "
    f"(SELECT i.occurred_at FROM {INTERACTIONS} i WHERE i.id = {LINKS}.interaction_id)",
    f"CREATE INDEX {INDEX} ON {LINKS} (person_id, occurred_at, interaction_id)",
]
SQLITE_TRIGGERS = [
    # SQLite's BEFORE triggers cannot change the new row: it is dated right after. (Its
    # writers take turns, so no other transaction can redate the interaction in between.)
    f"CREATE TRIGGER interaction_link_dated AFTER INSERT ON {LINKS} BEGIN "
    f"UPDATE {LINKS} SET occurred_at = "
    f"(SELECT i.occurred_at FROM {INTERACTIONS} i WHERE i.id = NEW.interaction_id) "
    f"WHERE id = NEW.id; END",
    f"CREATE TRIGGER interaction_link_moved AFTER UPDATE OF interaction_id ON {LINKS} BEGIN "
    f"UPDATE {LINKS} SET occurred_at = "
    f"(SELECT i.occurred_at FROM {INTERACTIONS} i WHERE i.id = NEW.interaction_id) "
    f"WHERE id = NEW.id; END",
    f"CREATE TRIGGER interaction_written AFTER INSERT ON {INTERACTIONS} BEGIN "
    f"UPDATE {LINKS} SET occurred_at = NEW.occurred_at WHERE interaction_id = NEW.id; END",
    f"CREATE TRIGGER interaction_redated AFTER UPDATE OF occurred_at ON {INTERACTIONS} "
    f"BEGIN UPDATE {LINKS} SET occurred_at = NEW.occurred_at WHERE interaction_id = NEW.id; END",
]
SQLITE_DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS interaction_link_dated",
    "DROP TRIGGER IF EXISTS interaction_link_moved",
    "DROP TRIGGER IF EXISTS interaction_written",
    "DROP TRIGGER IF EXISTS interaction_redated",
]
SQLITE = [*SQLITE_COLUMN, *SQLITE_TRIGGERS]
# (Dropping a column needs SQLite 3.35 or newer.)
SQLITE_REVERSE = [
    *SQLITE_DROP_TRIGGERS,
    f"DROP INDEX IF EXISTS {INDEX}",
    f"ALTER TABLE {LINKS} DROP COLUMN occurred_at",
]

POSTGRESQL = [
    f"ALTER TABLE {LINKS} ADD COLUMN occurred_at timestamp with time zone NULL",
    f"UPDATE {LINKS} l SET occurred_at = i.occurred_at FROM {INTERACTIONS} i "
    "WHERE i.id = l.interaction_id",
    f"CREATE INDEX {INDEX} ON {LINKS} (person_id, occurred_at, interaction_id)",
    # FOR SHARE: a link written while another transaction redates its interaction waits for
    # it and reads the new date; if the link comes first, the redating waits and then finds
    # it. Without the lock each could miss the other, and the link kept the old date.
    "CREATE FUNCTION aandacht_link_dated() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"NEW.occurred_at := (SELECT i.occurred_at FROM {INTERACTIONS} i "
    "WHERE i.id = NEW.interaction_id FOR SHARE); RETURN NEW; END $$",
    f"CREATE TRIGGER interaction_link_dated BEFORE INSERT OR UPDATE OF interaction_id "
    f"ON {LINKS} FOR EACH ROW EXECUTE FUNCTION aandacht_link_dated()",
    "CREATE FUNCTION aandacht_interaction_dated() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN UPDATE {LINKS} SET occurred_at = NEW.occurred_at WHERE interaction_id = NEW.id "
    "AND occurred_at IS DISTINCT FROM NEW.occurred_at; RETURN NULL; END $$",
    f"CREATE TRIGGER interaction_written AFTER INSERT ON {INTERACTIONS} "
    "FOR EACH ROW EXECUTE FUNCTION aandacht_interaction_dated()",
    f"CREATE TRIGGER interaction_redated AFTER UPDATE OF occurred_at ON {INTERACTIONS} "
    "FOR EACH ROW WHEN (OLD.occurred_at IS DISTINCT FROM NEW.occurred_at) "
    "EXECUTE FUNCTION aandacht_interaction_dated()",
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS interaction_written ON {INTERACTIONS}",
    f"DROP TRIGGER IF EXISTS interaction_redated ON {INTERACTIONS}",
    f"DROP TRIGGER IF EXISTS interaction_link_dated ON {LINKS}",
    "DROP FUNCTION IF EXISTS aandacht_interaction_dated()",
    "DROP FUNCTION IF EXISTS aandacht_link_dated()",
    f"DROP INDEX IF EXISTS {INDEX}",
    f"ALTER TABLE {LINKS} DROP COLUMN occurred_at",
]


def _run(statements: dict[str, list[str]], *, analyze: bool = False) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)
        if analyze:
            _analyze(schema_editor)

    return run


def _analyze(schema_editor: Any) -> None:
    """The planner's statistics of the link table, with its new column and index, where the
    database keeps any: on SQLite only when it already has them (``planner_statistics``
    decides when a database gets its first), on PostgreSQL always (autovacuum would, later)."""
    from aandacht.planner_statistics import has_statistics

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" or (
            connection.vendor == "sqlite" and has_statistics(cursor)
        ):
            cursor.execute(f"ANALYZE {LINKS}")


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0003_report_and_moment_indexes"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}, analyze=True),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
