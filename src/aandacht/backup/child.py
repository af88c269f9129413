"""``python -m aandacht.backup.child DB_PATH [TARGETS]``: migrate one SQLite file.

A restore brings its temporary database to a migration state in a process of its own, where
that file is the *default* database: data migrations that query ``Model.objects`` without
naming a database then touch the temporary file, never the live instance. ``TARGETS`` is a
JSON list of ``[app, migration]`` to migrate to (the backup's state); without it, to the
newest migrations of this code.
"""

from __future__ import annotations

import json
import sys


def main(argv: list[str]) -> int:
    from django.core.management import call_command

    from aandacht import bootstrap

    bootstrap.setup_django()
    targets = json.loads(argv[0]) if argv else None
    if targets is None:
        call_command("migrate", interactive=False, verbosity=0)
    else:
        for app_label, name in targets:
            call_command("migrate", app_label, name, interactive=False, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
