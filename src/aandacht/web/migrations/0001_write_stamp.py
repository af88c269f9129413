"""The write stamp's table (and on PostgreSQL its trigger function); see ``aandacht.web.stamp``.

The table is the database's, not a model's: Django's flush (tests) and a restore of rows leave
it alone; a restore of a SQLite file raises the file's stamp past the live one first
(``stamp.raise_past``), and a table made anew starts from a random point. The triggers
themselves are installed after every ``migrate`` (``stamp.install`` on ``post_migrate``), for
whichever tables exist then."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from aandacht.web import stamp


def create(apps: Any, schema_editor: Any) -> None:
    for statement in stamp.CREATE_TABLE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        stamp.drop_sqlite_triggers(schema_editor.connection)
    for statement in stamp.DROP_TABLE.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []
    operations = [migrations.RunPython(create, drop, elidable=False)]
