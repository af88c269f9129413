"""``aandacht user export NAME -o FILE``: everything of one user's, the ZIP of /accounts/export/.

Registered on the ``user`` group of ``cli_users`` (import this module at the end of cli.py).
Whoever runs the console can already read the database, so it acts for the instance owner.
The ZIP appears at its destination only when complete (written under a temporary name in the
same folder, owner-only permissions, then renamed), so a failed export never leaves half a
file nor replaces a good one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from django.utils.translation import gettext as _

from aandacht.cli import JsonFlag, emit_json, fail, ready, say
from aandacht.cli_users import user_app


@user_app.command("export")
def user_export(
    name: Annotated[str, typer.Argument(help="The username.", show_default=False)],
    output: Annotated[
        Path,
        typer.Option("-o", "--output", help="The ZIP file to write.", show_default=False),
    ],
    json_output: JsonFlag = False,
) -> None:
    """Everything of one user's as one ZIP: account.json and each of their vaults."""
    from django.contrib.auth.models import User

    from aandacht.accounts.account_data import export_everything

    ready()
    user = User.objects.filter(username=name).first()
    if user is None:
        fail(_("No user is called %(name)s.") % {"name": name})
    target = output.expanduser()
    if target.is_dir():
        fail(_("%(path)s is a folder; give a file name.") % {"path": target})
    if not target.parent.is_dir():
        fail(_("The folder %(path)s does not exist.") % {"path": target.parent})
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, then renamed or removed)
        mode="wb", dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False
    )
    try:
        with handle:
            result = export_everything(user, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise
    if json_output:
        emit_json({"user": user.username, "file": str(target), "files": result.files})
        return
    say(
        _("Exported %(name)s: %(count)d files in %(path)s.")
        % {"name": user.username, "count": len(result.files), "path": target}
    )
