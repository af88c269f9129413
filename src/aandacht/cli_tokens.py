"""``aandacht token``: registered on ``aandacht.cli.app`` (imported at the end of cli.py).

Personal access tokens from the console, for any user of the instance (whoever runs the
command can already read the database): ``create`` prints the secret once on stdout, so
``TOKEN=$(aandacht token create --user anna --scope read)`` works; ``list`` and ``revoke`` never
print a secret or its digest. The rules are those of the account page
(``aandacht.accounts.tokens``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from django.utils.translation import gettext as _
from rich.table import Table
from rich.text import Text

from aandacht.cli import (
    EXIT_FAILED,
    EXIT_REFUSED,
    EXIT_USAGE,
    JsonFlag,
    app,
    emit_json,
    fail,
    out,
    ready,
    say,
)

if TYPE_CHECKING:
    import datetime as dt

    from django.contrib.auth.models import User

    from aandacht.accounts.models import AccessToken, Vault

USERS_LISTED = 20

token_app = typer.Typer(
    help="Personal access tokens for the API and CardDAV: create, list, revoke.",
    no_args_is_help=True,
)
app.add_typer(token_app, name="token")

UserOption = Annotated[
    str | None, typer.Option("--user", help="The user name the token belongs to.")
]


def _user_named(name: str) -> User:
    """The user called ``name`` (exactly, else in any case if only one matches), or exit 1
    naming the users there are."""
    from django.contrib.auth.models import User

    found = User.objects.filter(username=name).first()
    if found is None:
        matches = list(User.objects.filter(username__iexact=name)[:2])
        found = matches[0] if len(matches) == 1 else None
    if found is None:
        names = list(
            User.objects.order_by("username").values_list("username", flat=True)[:USERS_LISTED]
        )
        fail(
            _("There is no user called “%(name)s”. These are the users:") % {"name": name},
            EXIT_FAILED,
            details=[f"  {username}" for username in names],
        )
    return found


def _vault_of(user: User, wanted: str) -> Vault:
    """One of the user's vaults by name (any case) or id, or exit 1 listing theirs."""
    from aandacht.accounts.models import Role
    from aandacht.accounts.services import VaultNotFound, vault_named
    from aandacht.accounts.tokens import token_vaults
    from aandacht.web.access import positive_id

    try:
        return vault_named(user, wanted)
    except VaultNotFound:
        pass
    theirs = token_vaults(user)
    wanted_id = positive_id(wanted.strip())
    for vault, _role in theirs:
        if vault.pk == wanted_id:
            return vault
    fail(
        _("“%(user)s” has no vault called “%(name)s”; no token was created. Theirs are:")
        % {"user": user.get_username(), "name": wanted},
        EXIT_FAILED,
        details=[f"  {vault.name}  ({Role(role).label})" for vault, role in theirs],
    )


def _when(moment: dt.datetime | None) -> str:
    from django.utils import timezone

    if moment is None:
        return "–"
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _scope_label(token: AccessToken) -> str:
    return _("read and write") if token.can_write else _("read")


def _vault_label(token: AccessToken) -> str:
    return token.vault.name if token.vault is not None else _("all their vaults")


@token_app.command("create")
def token_create(
    user_name: Annotated[
        str, typer.Option("--user", help="The user name the token acts as.", show_default=False)
    ],
    scope: Annotated[
        str, typer.Option("--scope", help="read, or write (read and write).", show_default=False)
    ],
    vault_name: Annotated[
        str | None,
        typer.Option("--vault", help="Limit the token to this vault (name or id)."),
    ] = None,
    name: Annotated[
        str, typer.Option("--name", help="What will use it, to recognise it later.")
    ] = "token",
    json_output: JsonFlag = False,
) -> None:
    """Create a token and print its secret: it is shown only this once."""
    from aandacht.accounts.models import TokenScope

    if scope not in TokenScope.values:
        fail(_("--scope is read or write, not “%(scope)s”.") % {"scope": scope}, EXIT_USAGE)
    ready()
    from django.db import transaction

    from aandacht.accounts import tokens

    user = _user_named(user_name)
    if not user.is_active:
        fail(
            _("“%(user)s” is deactivated: a token of theirs would let nothing in.")
            % {"user": user.get_username()},
            EXIT_REFUSED,
        )
    vault = _vault_of(user, vault_name) if vault_name is not None else None
    try:
        with transaction.atomic():
            new = tokens.create_token(user, name, scope, vault)
    except tokens.TokenRefused as refused:
        fail(str(refused), EXIT_REFUSED)
    if json_output:
        emit_json({**tokens.token_summary(new.token), "token": new.secret})
        return
    say(
        _(
            "Token %(id)d “%(name)s” for %(user)s: %(scope)s, %(vault)s. "
            "Copy it now, it is shown only this once:"
        )
        % {
            "id": new.token.pk,
            "name": new.token.name,
            "user": user.get_username(),
            "scope": _scope_label(new.token),
            "vault": _vault_label(new.token),
        }
    )
    typer.echo(new.secret)


@token_app.command("list")
def token_list(user_name: UserOption = None, json_output: JsonFlag = False) -> None:
    """List tokens (of one user, or everyone's), live and revoked; never their secrets."""
    ready()
    from aandacht.accounts import tokens
    from aandacht.accounts.models import AccessToken

    if user_name is not None:
        found = list(tokens.tokens_of(_user_named(user_name)))
    else:
        found = list(
            AccessToken.objects.select_related("user", "vault").order_by(
                "user__username", "-created_at", "-id"
            )
        )
    if json_output:
        emit_json([tokens.token_summary(token) for token in found])
        return
    if not found:
        say(_("No tokens yet."))
        return
    table = Table(
        _("id"),
        _("user"),
        _("name"),
        _("scope"),
        _("vault"),
        _("starts with"),
        _("created"),
        _("last used"),
        _("revoked"),
    )
    table.columns[0].justify = "right"
    for token in found:
        dim = "dim" if token.revoked_at is not None else ""
        table.add_row(
            str(token.pk),
            Text(token.user.get_username(), style=dim),
            Text(token.name, style=dim),
            _scope_label(token),
            Text(_vault_label(token), style=dim),
            token.prefix + "…",
            _when(token.created_at),
            _when(token.last_used_at),
            _when(token.revoked_at),
        )
    out.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(metavar="ID", help="The token's id (see list).")],
    user_name: UserOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Revoke a token: whatever uses it is refused from now on. Again is harmless."""
    from aandacht.web.access import positive_id

    pk = positive_id(token_id.strip())
    if pk is None:
        fail(_("“%(id)s” is no token id; ids are whole numbers.") % {"id": token_id}, EXIT_USAGE)
    ready()
    from django.db import transaction

    from aandacht.accounts import tokens
    from aandacht.accounts.models import AccessToken

    with transaction.atomic():
        candidates = AccessToken.objects.select_related("user", "vault").filter(pk=pk)
        if user_name is not None:
            candidates = candidates.filter(user=_user_named(user_name))
        token = candidates.first()
        if token is None:
            if user_name is not None:
                message = _("“%(user)s” has no token %(id)d.") % {"user": user_name, "id": pk}
            else:
                message = _("There is no token %(id)d.") % {"id": pk}
            fail(message, EXIT_FAILED)
        already = token.revoked_at is not None
        tokens.revoke(token)
    if json_output:
        emit_json(tokens.token_summary(token))
        return
    if already:
        say(
            _("Token %(id)d “%(name)s” of %(user)s was already revoked (%(when)s).")
            % {
                "id": token.pk,
                "name": token.name,
                "user": token.user.get_username(),
                "when": _when(token.revoked_at),
            }
        )
    else:
        say(
            _("Revoked token %(id)d “%(name)s” of %(user)s; it lets nothing in any more.")
            % {"id": token.pk, "name": token.name, "user": token.user.get_username()}
        )
