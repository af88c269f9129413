"""Plain multi-row INSERTs for imports, measured to be needed.

Django's ``bulk_create`` prepares every value of every row through the field machinery; for a
50,000-card import that was two thirds of the time (750,000 ``prepare_value`` calls for 10,000
cards), while SQLite itself needed a tenth of it. Here each column gets one converter chosen
once, and rows go to ``executemany``. Only for models whose rows are plain (no signals relied
on, no multi-table inheritance); callers set every derived column themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

BATCH = 2000


def _converter(field: models.Field[Any, Any], now: dt.datetime) -> Callable[[Any], Any]:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            stamp = ops.adapt_datetimefield_value(now)
            return lambda value: stamp if value is None else ops.adapt_datetimefield_value(value)
        return lambda value: None if value is None else ops.adapt_datetimefield_value(value)
    if isinstance(field, models.DateField):
        return lambda value: None if value is None else ops.adapt_datefield_value(value)
    if isinstance(field, models.FileField):
        return lambda value: getattr(value, "name", value) or ""
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return lambda value: value


def insert(model: type[models.Model], objects: Sequence[models.Model], *, with_pk: bool) -> None:
    """INSERT ``objects`` as they are (``with_pk``: their ids were reserved beforehand)."""
    if not objects:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if with_pk or not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 (names from the model, values bound)
    now = timezone.now()
    converters = [(f.attname, _converter(f, now)) for f in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(objects), BATCH):
            rows = [
                tuple(convert(getattr(obj, attname)) for attname, convert in converters)
                for obj in objects[start : start + BATCH]
            ]
            cursor.executemany(sql, rows)


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    converted: bool = False,
) -> None:
    """INSERT plain tuples in the order of ``fields`` (attribute names, e.g. ``person_id``).

    Values must already be what the database takes, except dates and times, converted here
    unless ``converted`` says the caller did that already (``connection.ops.adapt_*``).
    """
    if not rows:
        return
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    chosen = [by_attname[name] for name in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in chosen)
    placeholders = ", ".join(["%s"] * len(chosen))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 (names from the model, values bound)
    now = timezone.now()
    needs = [
        (index, _converter(f, now))
        for index, f in enumerate(chosen)
        if not converted and isinstance(f, models.DateField | models.FileField | models.JSONField)
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            if needs:
                adapted = []
                for row in batch:
                    values = list(row)
                    for index, convert in needs:
                        values[index] = convert(values[index])
                    adapted.append(tuple(values))
                batch = adapted
            cursor.executemany(sql, batch)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``, never used before (not even by deleted rows).

    Inside the import's transaction: on SQLite that transaction holds the write lock (Aandacht
    opens them IMMEDIATE), so nobody else can take the same ids; on PostgreSQL the sequence
    hands them out.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        used = int(row[0]) if row and row[0] is not None else 0
        cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        highest = cursor.fetchone()[0] or 0
    start = max(used, int(highest)) + 1
    return list(range(start, start + count))
