"""A person's department, apart from their organisation (vCard ``ORG:IBM;Accounting``).

Existing people get an empty department: the departments that imports joined into the
organisation text ("IBM, Accounting") cannot be told apart from a comma in a company's name
("Acme, Inc."), so they are left where they are. SQLite copies the person table to add a
NOT NULL column, which drops the search triggers: they are made again afterwards
(``search_index_sql.recreate_sqlite_triggers``).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

from aandacht.people.search_index_sql import recreate_sqlite_triggers


def _recreate(apps: Any, schema_editor: Any) -> None:
    recreate_sqlite_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_sort_key_fallback"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="department",
            field=models.CharField(
                blank=True, default="", max_length=200, verbose_name="department"
            ),
        ),
        migrations.RunPython(_recreate, migrations.RunPython.noop),
    ]
