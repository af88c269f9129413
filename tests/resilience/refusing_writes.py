"""Making the test database refuse writes, for the fault tests of this folder."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


def on_sqlite() -> bool:
    return connection.vendor == "sqlite"


@contextmanager
def refusing_writes() -> Iterator[None]:
    """SQLite's query_only; on PostgreSQL a read-only (sub)transaction, undone by rolling
    back its savepoint so the test's own teardown can write again."""
    savepoint = None if on_sqlite() else transaction.savepoint()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON" if on_sqlite() else "SET TRANSACTION READ ONLY")
    try:
        yield
    finally:
        if savepoint is None:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA query_only = OFF")
        else:
            transaction.savepoint_rollback(savepoint)
