"""Make Django usable from a console command: settings, a migrated database and an owner.

Every ``aandacht`` command starts here, so a fresh data directory works at once, without a
setup step, and the CLI always uses the same data directory and database as the web app.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Importing models before django.setup() fails, so these are for the type checker only.
    from django.contrib.auth.models import User
    from django.db.migrations.migration import Migration

SETTINGS_MODULE = "aandacht.settings"

Notify = Callable[[str], None]


def setup_django() -> None:
    """Load the settings and the app registry (idempotent)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
        ensure_translations()


def ensure_translations() -> None:
    """Compile missing or stale ``.mo`` files: an install made without ``make`` is still Dutch.

    Two ``stat`` calls per catalogue when all is current; problems are warnings, not errors.
    """
    from aandacht.translations import ensure_compiled

    for warning in ensure_compiled():
        sys.stderr.write(f"aandacht: translations: {warning}\n")


def pending_migrations() -> list[tuple[Migration, bool]]:
    """The migrations not yet applied, read from the migration table: no schema work."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


@contextmanager
def _migration_lock(directory: Path) -> Iterator[None]:
    """Let one process migrate at a time: two first commands run at once must not collide.

    A lock file in the data directory covers processes on this machine (the SQLite case);
    where ``fcntl`` is missing (Windows) the lock is skipped.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".migrate.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_database(notify: Notify | None = None) -> bool:
    """Set Django up and apply unapplied migrations; True when it migrated.

    Cheap when nothing is pending (one look at the migration table), so every command can
    call it. ``notify`` receives a one-line message before migrating (the CLI sends it to
    stderr); the migrate command itself stays silent.
    """
    setup_django()
    if not pending_migrations():
        return False
    from django.conf import settings
    from django.core.management import call_command
    from django.utils.translation import ngettext

    with _migration_lock(Path(settings.DATA_DIR)):
        plan = pending_migrations()  # another process may have migrated while we waited
        if not plan:
            return False
        if notify is not None:
            notify(
                ngettext(
                    "Preparing the database (%(count)d migration)…",
                    "Preparing the database (%(count)d migrations)…",
                    len(plan),
                )
                % {"count": len(plan)}
            )
        call_command("migrate", interactive=False, verbosity=0, stdout=sys.stderr)
    return True


def ensure_ready(notify: Notify | None = None) -> User:
    """Settings, a migrated database and the local owner: what every command needs.

    Idempotent; returns the user the console acts as (the first superuser).
    """
    ensure_database(notify)
    from aandacht.accounts.services import ensure_local_owner

    return ensure_local_owner()
