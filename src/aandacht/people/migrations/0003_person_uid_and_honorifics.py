"""Person.uid (address-book identity) and the name prefix/suffix of vCard's N.

On SQLite, adding a NOT NULL column rebuilds the table, which drops the triggers that keep the
search index (FTS5) in step; they are created again here. Any later migration that alters the
person table must do the same (see ``search_index_sql.recreate_sqlite_triggers``).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

from aandacht.people.search_index_sql import recreate_sqlite_triggers


def _recreate(apps: Any, schema_editor: Any) -> None:
    recreate_sqlite_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_search_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="name_prefix",
            field=models.CharField(blank=True, max_length=40, verbose_name="title before the name"),
        ),
        migrations.AddField(
            model_name="person",
            name="name_suffix",
            field=models.CharField(blank=True, max_length=40, verbose_name="after the name"),
        ),
        migrations.AddField(
            model_name="person",
            name="uid",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=255),
        ),
        migrations.RunPython(_recreate, migrations.RunPython.noop),
    ]
