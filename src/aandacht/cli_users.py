"""``aandacht user``: registered on ``aandacht.cli.app`` (imported at the end of cli.py).

The instance's users from the console (whoever runs it can already read the database, so it
acts as the instance owner): ``add`` makes a user with a personal vault, with a password read
from stdin or else a one-time "choose your password" link (printed on stdout, and emailed when
an email server is configured); ``list`` shows everyone. The rules are those of the users page
(``aandacht.accounts.services``).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from django.utils.translation import gettext as _
from rich.table import Table
from rich.text import Text

from aandacht.cli import JsonFlag, app, emit_json, out, ready, refuse, say

if TYPE_CHECKING:
    from django.contrib.auth.models import User

user_app = typer.Typer(
    help="The users of this instance: add, list.",
    no_args_is_help=True,
)
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="The username.", show_default=False)],
    email: Annotated[str, typer.Option("--email", help="Their email address.", show_default=False)],
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read the password from stdin; without it they get a one-time link.",
        ),
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """Add a user with a personal vault."""
    from aandacht.accounts.invitations import send_password_link
    from aandacht.accounts.services import (
        FALLBACK_BASE_URL,
        AccountProblem,
        create_user,
        ensure_personal_vault,
        has_base_url,
        set_password_link,
    )

    owner = ready()
    password: str | None = None
    if password_stdin:
        password = sys.stdin.read().rstrip("\r\n")
        if not password:
            refuse(_("--password-stdin read no password from stdin."))
    try:
        user = create_user(name, email=email, password=password, email_required=True)
    except AccountProblem as problem:
        refuse(problem.message)
    vault = ensure_personal_vault(user)
    link = None if user.has_usable_password() else set_password_link(user)
    emailed = link is not None and send_password_link(user, link, owner)
    if json_output:
        emit_json(
            {
                **user_json(user),
                "personal_vault": {"id": vault.pk, "name": vault.name},
                "password_link": link,
                "emailed": emailed,
            }
        )
        return
    say(
        _("Added %(name)s, with the personal vault “%(vault)s”.")
        % {"name": user.username, "vault": vault.name}
    )
    if link is not None:
        if emailed:
            say(_("We emailed %(email)s a link to choose a password:") % {"email": user.email})
        else:
            say(_("Give them this link to choose a password; it works once:"))
        sys.stdout.write(link + "\n")
        if not has_base_url():
            say(
                _(
                    "AANDACHT_BASE_URL is not set, so the link uses %(base)s; change the address "
                    "if the server answers elsewhere."
                )
                % {"base": FALLBACK_BASE_URL}
            )


@user_app.command("list")
def user_list(json_output: JsonFlag = False) -> None:
    """Everyone with an account here, with their vaults and last sign-in."""
    from django.contrib.auth.models import User
    from django.db.models import Count

    ready()
    people = list(
        User.objects.annotate(vault_count=Count("memberships", distinct=True)).order_by(
            "-is_active", "username"
        )
    )
    if json_output:
        emit_json([user_json(user) for user in people])
        return
    table = Table(_("username"), _("email"), _("vaults"), _("last signed in"), _("status"))
    table.columns[2].justify = "right"
    for user in people:
        table.add_row(
            Text(user.username),
            Text(user.email or "–"),
            str(getattr(user, "vault_count", 0)),
            user.last_login.strftime("%Y-%m-%d %H:%M") if user.last_login else _("never"),
            status_of(user),
        )
    out.print(table)


def status_of(user: User) -> str:
    if not user.is_active:
        return _("inactive")
    if user.is_superuser:
        return _("instance owner")
    if not user.has_usable_password():
        return _("no password yet")
    return _("active")


def user_json(user: User) -> dict[str, Any]:
    from django.db.models import Count

    vault_count = getattr(user, "vault_count", None)
    if vault_count is None:
        vault_count = type(user).objects.filter(pk=user.pk).aggregate(n=Count("memberships"))["n"]
    return {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "is_active": user.is_active,
        "is_instance_owner": user.is_superuser,
        "has_password": user.has_usable_password(),
        "vaults": vault_count,
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }
