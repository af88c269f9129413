"""Every row of every table, as a stream: dump to JSON lines, load, copy between databases.

Used for PostgreSQL backups (``database.jsonl``) and for every restore. Rows are read with
``values_list(...).iterator()`` in chunks and written in batches, so 1,000,000 interactions
never sit in memory together. Rows are inserted *raw* (no ``save()``, no signals, no
``auto_now``): what was stored comes back exactly, ids included. Foreign keys are checked at
commit (Django creates them deferrable on both databases), so table order does not matter.

The JSON lines format: a header line ``{"model": "app.model", "fields": [attnames]}`` and then
one JSON array per row, values as Django's serialisers write them (ISO dates, decimals and
UUIDs as strings, bytes as base64).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

from django.apps import apps
from django.apps.registry import Apps
from django.core.management.color import no_style
from django.db import connections, models
from django.utils.duration import duration_string

CHUNK_ROWS = 2000
INSERT_BATCH = 500

#: Sign-ins are not backed up (the session keys are the browsers' cookies): model label ->
#: table. Their tables are written empty, and a restored instance has everyone signed out.
#: Nothing refers to these rows by foreign key.
LEFT_OUT = {
    "sessions.session": "django_session",
    "accounts.signedinsession": "accounts_signedinsession",
}

Progress = Callable[[str, int], None]


def all_models(alias: str = "default") -> list[type[models.Model]]:
    """The models with a table of their own, m2m link tables included, that exist in ``alias``.

    The link tables come last, after the rows they link: the database's triggers copy an
    interaction's date onto its link rows as they are written (``timeline.0004_link_dates``);
    links written before their interaction were written twice (Django lists the link tables
    first)."""
    existing = set(connections[alias].introspection.table_names())
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in existing
    ]
    return sorted(found, key=lambda model: bool(model._meta.auto_created))


def stored_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]


def count_rows(alias: str = "default") -> dict[str, int]:
    return {m._meta.label_lower: m._base_manager.using(alias).count() for m in all_models(alias)}


# --- JSON lines ---------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_string(value)
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decode(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None or isinstance(field, models.JSONField):
        return value
    return field.to_python(value)


def iter_rows(model: type[models.Model], alias: str) -> Iterator[tuple[Any, ...]]:
    names = [f.attname for f in stored_fields(model)]
    queryset = model._base_manager.using(alias).order_by("pk").values_list(*names)
    yield from queryset.iterator(chunk_size=CHUNK_ROWS)


def dump_jsonl(stream: IO[bytes], alias: str = "default") -> dict[str, int]:
    """Write every row of ``alias`` to ``stream``; returns the rows written per model."""
    counts: dict[str, int] = {}
    for model in all_models(alias):
        label = model._meta.label_lower
        header = {"model": label, "fields": [f.attname for f in stored_fields(model)]}
        stream.write(json.dumps(header).encode() + b"\n")
        count = 0
        buffer: list[bytes] = []
        if label in LEFT_OUT:
            counts[label] = 0
            continue
        for row in iter_rows(model, alias):
            buffer.append(json.dumps([_encode(v) for v in row], ensure_ascii=False).encode())
            count += 1
            if len(buffer) >= CHUNK_ROWS:
                stream.write(b"\n".join(buffer) + b"\n")
                buffer.clear()
        if buffer:
            stream.write(b"\n".join(buffer) + b"\n")
        counts[label] = count
    return counts


class UnknownTable(Exception):
    """A JSON dump names a table or column this schema does not have."""


def load_jsonl(lines: Iterable[bytes], alias: str, registry: Apps | None = None) -> dict[str, int]:
    """Insert the rows of a JSON-lines dump into ``alias`` (whose tables are empty).

    ``registry``: the models as they were at the dump's migration state (an older backup's
    columns), else today's.
    """
    registry = registry or apps
    counts: dict[str, int] = {}
    model: type[models.Model] | None = None
    fields: list[models.Field[Any, Any]] = []
    positions: list[int] = []
    batch: list[models.Model] = []
    for raw in lines:
        if not raw.strip():
            continue
        item = json.loads(raw)
        if isinstance(item, dict):
            if model is not None:
                _insert(model, fields, batch, alias)
                batch = []
            try:
                model = registry.get_model(item["model"])
                header = list(item["fields"])
                known = {f.attname for f in stored_fields(model)}
                unknown = [name for name in header if name not in known]
                if unknown:
                    raise UnknownTable(f"{item['model']}: {', '.join(unknown)}")
                # The model's own field order: Model.from_db expects the values in it.
                fields = [f for f in stored_fields(model) if f.attname in header]
                positions = [header.index(f.attname) for f in fields]
            except (LookupError, KeyError) as error:
                raise UnknownTable(str(error)) from None
            counts[model._meta.label_lower] = 0
            continue
        if model is None:
            raise UnknownTable("a row before any table")
        if len(item) != len(positions):
            raise UnknownTable(f"{model._meta.label_lower}: a row of {len(item)} values")
        values = [_decode(f, item[p]) for f, p in zip(fields, positions, strict=True)]
        batch.append(model.from_db(alias, [f.attname for f in fields], values))
        counts[model._meta.label_lower] += 1
        if len(batch) >= INSERT_BATCH:
            _insert(model, fields, batch, alias)
            batch = []
    if model is not None:
        _insert(model, fields, batch, alias)
    return counts


# --- between databases --------------------------------------------------------------------


def copy_rows(source: str, target: str, progress: Progress | None = None) -> dict[str, int]:
    """Insert every row of ``source`` into ``target`` (same schema; ``target`` emptied)."""
    counts: dict[str, int] = {}
    target_tables = {m for m in all_models(target)}
    copying = _can_copy(target)
    for model in all_models(source):
        if model not in target_tables:
            continue
        if copying:
            counts[model._meta.label_lower] = _copy_into_postgresql(model, source, target)
            if progress is not None:
                progress(model._meta.label_lower, counts[model._meta.label_lower])
            continue
        fields = stored_fields(model)
        names = [f.attname for f in fields]
        batch: list[models.Model] = []
        count = 0
        for row in iter_rows(model, source):
            batch.append(model.from_db(target, names, list(row)))
            count += 1
            if len(batch) >= INSERT_BATCH:
                _insert(model, fields, batch, target)
                batch = []
        _insert(model, fields, batch, target)
        counts[model._meta.label_lower] = count
        if progress is not None:
            progress(model._meta.label_lower, count)
    return counts


def _can_copy(alias: str) -> bool:
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return False
    try:
        import psycopg  # noqa: F401
    except ImportError:  # psycopg2: the INSERT path
        return False
    return True


def _copy_into_postgresql(model: type[models.Model], source: str, target: str) -> int:
    """PostgreSQL's COPY: measured 5x faster than batched INSERTs for 500,000 rows. The
    values are the Python objects Django read (psycopg adapts dates, decimals, bytes…);
    JSON values are wrapped so they are stored as JSON, not as text."""
    from psycopg import sql
    from psycopg.types.json import Jsonb

    fields = stored_fields(model)
    json_columns = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(f.column) for f in fields),
    )
    count = 0
    connection = connections[target]
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in iter_rows(model, source):
            if json_columns:
                values = list(row)
                for i in json_columns:
                    if values[i] is not None:
                        values[i] = Jsonb(values[i])
                copy.write_row(values)
            else:
                copy.write_row(row)
            count += 1
    return count


def _insert(
    model: type[models.Model],
    fields: list[models.Field[Any, Any]],
    batch: list[models.Model],
    alias: str,
) -> None:
    if batch:
        # raw=True: the stored values as they are (no auto_now, no defaults, no signals).
        model._base_manager._insert(batch, fields=fields, using=alias, raw=True)  # type: ignore[attr-defined]


def empty_tables(alias: str) -> None:
    """Delete every row of every model's table in ``alias`` (inside the caller's transaction)."""
    connection = connections[alias]
    tables = [m._meta.db_table for m in all_models(alias)]
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=False, allow_cascade=True
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def reset_sequences(alias: str) -> None:
    """After inserting ids by hand: the next id PostgreSQL hands out follows the largest."""
    connection = connections[alias]
    statements = connection.ops.sequence_reset_sql(no_style(), all_models(alias))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def has_rows(alias: str, labels: Iterable[str]) -> dict[str, int]:
    """The counts of the named models that have rows (what a restore would overwrite)."""
    found = {}
    for label in labels:
        count = apps.get_model(label)._base_manager.using(alias).count()
        if count:
            found[label] = count
    return found
