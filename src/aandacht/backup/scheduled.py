"""``python -m aandacht.backup.scheduled TARGET WHEN``: the scheduled backup's child process.

The scheduler starts it in production (``settings.BACKUP_IN_CHILD``, see
:mod:`aandacht.backup.schedule`) so that a long dump runs outside the server's workers. Unlike
``aandacht backup`` it never migrates: a backup must not change the schema under a server
still running older code (a package upgraded on disk, the server not yet restarted). With
migrations pending it refuses, and the server logs a failed backup. ``WHEN`` is the time of
the file's name, so the manifest says the same. It prints the result as JSON; on failure it
says why on stderr and exits 1.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if len(arguments) != 2:
        sys.stderr.write("usage: python -m aandacht.backup.scheduled TARGET WHEN\n")
        return 2
    target = Path(arguments[0])
    try:
        when = dt.datetime.fromisoformat(arguments[1])
    except ValueError:
        sys.stderr.write(f"not a time: {arguments[1]!r}\n")
        return 2
    from aandacht import bootstrap

    bootstrap.setup_django()
    from aandacht.backup.make import create_backup

    try:
        pending = bootstrap.pending_migrations()
        if pending:
            names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in pending[:5])
            sys.stderr.write(
                f"not backing up: the database lacks {len(pending)} migration(s) of this "
                f"version ({names}); restart the server on it first\n"
            )
            return 1
        result = create_backup(target, now=when)
    except Exception as error:  # noqa: BLE001 - the parent logs what it says
        sys.stderr.write(f"{type(error).__name__}: {error}\n")
        return 1
    sys.stdout.write(json.dumps(result.as_json()) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
