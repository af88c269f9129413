"""``aandacht vault``: registered on ``aandacht.cli.app`` (imported at the end of cli.py).

Vaults and their members from the console, which acts as the instance owner (whoever runs it
can already read the database): ``list`` shows every vault with its members, ``create`` makes
a shared vault for an owner, ``share`` gives a user a role (or changes it), ``unshare`` takes
them out. The rules are those of the vault page (``aandacht.accounts.members``): the last
owner stays, and repeating a command changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from django.utils.translation import gettext as _
from rich.table import Table
from rich.text import Text

from aandacht.cli import EXIT_FAILED, JsonFlag, app, emit_json, fail, out, ready, refuse, say

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from aandacht.accounts.models import Vault

vault_app = typer.Typer(
    help="Vaults and their members: list, create, share, unshare.",
    no_args_is_help=True,
)
app.add_typer(vault_app, name="vault")

VaultArgument = Annotated[
    str, typer.Argument(help="The vault's id or its name.", show_default=False)
]
UserOption = Annotated[
    str, typer.Option("--user", help="A username or email address.", show_default=False)
]


def vault_called(text: str) -> Vault:
    """The vault with id or name ``text`` (any capitals), or exit 1 listing the vaults."""
    from aandacht.accounts.models import Vault
    from aandacht.web.access import positive_id

    pk = positive_id(text.strip())
    found = Vault.objects.filter(pk=pk).first() if pk is not None else None
    if found is not None:
        return found
    named = list(Vault.objects.filter(name__iexact=text.strip()).order_by("id")[:5])
    if len(named) == 1:
        return named[0]
    if named:
        fail(
            _("More than one vault is called “%(name)s”; use its id:") % {"name": text},
            details=[f"  {vault.pk}  {vault.name}" for vault in named],
        )
    fail(
        _("There is no vault “%(name)s”. These are the vaults:") % {"name": text},
        details=[f"  {vault.pk}  {vault.name}" for vault in Vault.objects.order_by("name")[:20]],
    )


def user_called(text: str) -> User:
    from aandacht.accounts.members import MemberProblem, find_user

    try:
        return find_user(text)
    except MemberProblem as problem:
        fail(problem.message, EXIT_FAILED)


def vault_json(vault: Vault) -> dict[str, Any]:
    from aandacht.accounts.members import members_of

    return {
        "id": vault.pk,
        "name": vault.name,
        "is_demo": vault.is_demo,
        "members": [
            {"username": each.user.username, "role": each.role} for each in members_of(vault)
        ],
    }


@vault_app.command("list")
def vault_list(json_output: JsonFlag = False) -> None:
    """Every vault of the instance, with its members and their roles."""
    from aandacht.accounts.models import Role, Vault

    ready()
    vaults = [vault_json(vault) for vault in Vault.objects.order_by("is_demo", "name", "id")]
    if json_output:
        emit_json(vaults)
        return
    table = Table(_("id"), _("vault"), _("members"))
    for vault in vaults:
        members = ", ".join(
            f"{each['username']} ({Role(each['role']).label})" for each in vault["members"]
        )
        name = vault["name"] + (" " + _("(demo)") if vault["is_demo"] else "")
        table.add_row(str(vault["id"]), Text(name), Text(members or "–"))
    out.print(table)


@vault_app.command("create")
def vault_create(
    name: Annotated[str, typer.Argument(help="The new vault's name.", show_default=False)],
    owner: Annotated[
        str, typer.Option("--owner", help="Its first owner (a username).", show_default=False)
    ],
    json_output: JsonFlag = False,
) -> None:
    """Create a shared vault with a first owner."""
    from aandacht.accounts.members import MemberProblem, create_vault

    ready()
    user = user_called(owner)
    try:
        vault = create_vault(user, name)
    except MemberProblem as problem:
        refuse(problem.message)
    if json_output:
        emit_json(vault_json(vault))
        return
    say(
        _("The vault “%(vault)s” (id %(id)d) is ready, owned by %(name)s.")
        % {
            "vault": vault.name,
            "id": vault.pk,
            "name": user.username,
        }
    )


@vault_app.command("share")
def vault_share(
    vault: VaultArgument,
    user: UserOption,
    role: Annotated[
        str, typer.Option("--role", help="owner, editor or viewer.", show_default=False)
    ],
    json_output: JsonFlag = False,
) -> None:
    """Give a user a role in a vault (or change their role)."""
    from aandacht.accounts import members

    ready()
    try:
        chosen = members.parse_role(role)
    except members.MemberProblem as problem:
        refuse(problem.message)
    found = vault_called(vault)
    member = user_called(user)
    try:
        shared = members.share(found, member, chosen)
    except members.MemberProblem as problem:
        refuse(problem.message)
    if json_output:
        emit_json({**vault_json(found), "outcome": shared.outcome})
        return
    names = {"name": member.username, "vault": found.name, "role": str(chosen.label)}
    if shared.outcome == "added":
        say(_("%(name)s is now a member of “%(vault)s” (%(role)s).") % names)
    elif shared.outcome == "changed":
        say(_("%(name)s is now %(role)s of “%(vault)s”.") % names)
    else:
        say(_("%(name)s was already %(role)s of “%(vault)s”; nothing changed.") % names)


@vault_app.command("unshare")
def vault_unshare(vault: VaultArgument, user: UserOption, json_output: JsonFlag = False) -> None:
    """Take a user out of a vault (never its last owner)."""
    from aandacht.accounts import members

    ready()
    found = vault_called(vault)
    member = user_called(user)
    try:
        removed = members.remove_member(found, member)
    except members.MemberProblem as problem:
        refuse(problem.message)
    if json_output:
        emit_json({**vault_json(found), "outcome": "removed" if removed else "unchanged"})
        return
    names = {"name": member.username, "vault": found.name}
    if removed:
        say(_("%(name)s is no longer a member of “%(vault)s”.") % names)
    else:
        say(_("%(name)s was not a member of “%(vault)s”; nothing changed.") % names)
