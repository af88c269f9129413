"""Personal access tokens: created once, stored as SHA-256 digests, checked cheaply.

Shared by the API (``Authorization: Bearer``), CardDAV (the Basic-auth password), the settings
page and ``aandacht token``. A token acts as its user, limited by its scope (read or write) and,
if set, by its one vault; the user's role in a vault still applies (a viewer's write token
cannot write there).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aandacht.accounts.models import AccessToken, Membership, Role, TokenScope, Vault
from aandacht.web.faults import fault_of

TOKEN_PREFIX = "aat_"  # noqa: S105 (a public marker, not a secret)
# 32 random bytes: far beyond guessing, so a fast hash is safe to store.
TOKEN_BYTES = 32
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 6
# last_used_at is written at most this often, so a busy client costs no write per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200
# What a token can look like (token_urlsafe's alphabet): anything else is refused unhashed,
# including text that could not even be encoded (a lone surrogate from a decoded header).
TOKEN_SHAPE = re.compile(r"aat_[A-Za-z0-9_-]+")
NAME_MAX = AccessToken._meta.get_field("name").max_length or 100
DEFAULT_NAME = "token"


class TokenRefused(ValueError):
    """A token that cannot be created as asked; the message is meant for the user."""


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """A token just created: ``secret`` is shown once and never stored."""

    token: AccessToken
    secret: str


def create_token(
    user: User, name: str, scope: str = TokenScope.READ, vault: Vault | None = None
) -> NewToken:
    """A new token for ``user``, or :class:`TokenRefused` (a ``ValueError``) saying why not.

    ``vault``, if given, must be one of the user's vaults, and a write token for one vault
    needs the owner or editor role there: a viewer's write token could never write, so it is
    refused rather than handed out looking more powerful than it is. A token for all vaults
    may have the write scope; where the user only reads, it only reads.
    """
    name = name.strip()
    if len(name) > NAME_MAX:
        raise TokenRefused(
            _("A token's name has at most %(max)d characters; this one has %(count)d.")
            % {"max": NAME_MAX, "count": len(name)}
        )
    if scope not in TokenScope.values:
        raise TokenRefused(_("“%(scope)s” is no scope; choose read or write.") % {"scope": scope})
    if vault is not None:
        role = (
            Membership.objects.filter(user=user, vault=vault).values_list("role", flat=True).first()
        )
        if role is None:
            raise TokenRefused(_("You are not a member of that vault."))
        if scope == TokenScope.WRITE and role == Role.VIEWER:
            raise TokenRefused(
                _(
                    "You may only read the vault “%(vault)s”, so a token for it can only read: "
                    "choose the read scope, or ask its owner to make you an editor."
                )
                % {"vault": vault.name}
            )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    token = AccessToken.objects.create(
        user=user,
        name=name or DEFAULT_NAME,
        scope=scope,
        vault=vault,
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        digest=digest_of(secret),
    )
    return NewToken(token=token, secret=secret)


def _live_token(raw: str) -> AccessToken | None:
    """The live token behind ``raw`` with its user and vault, in one indexed query."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH or not TOKEN_SHAPE.fullmatch(raw):
        return None
    return (
        AccessToken.objects.select_related("user", "vault")
        .filter(digest=digest_of(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def _mark_used(token: AccessToken) -> None:
    """Write ``last_used_at``, at most once a LAST_USED_RESOLUTION (the condition in the
    UPDATE keeps concurrent requests from writing it twice)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        try:
            # No savepoint: it would cost two statements on every authenticated API and
            # CardDAV request. Those authenticate outside any transaction, so a refused UPDATE
            # aborts nothing; inside a caller's transaction on PostgreSQL it would (25P02).
            AccessToken.objects.filter(pk=token.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
            ).update(last_used_at=now)
        except DatabaseError as error:
            # Bookkeeping: on a full disk or a read-only database the token still reads
            # (web/faults.py); anything else is a bug.
            if fault_of(error) is None:
                raise
            return
        token.last_used_at = now


def authenticate(raw: str) -> AccessToken | None:
    """The live token behind ``raw`` (with its user and vault loaded), or None.

    One indexed lookup; ``last_used_at`` is written at most once a minute.
    """
    token = _live_token(raw)
    if token is not None:
        _mark_used(token)
    return token


def authenticate_basic(username: str, password: str) -> AccessToken | None:
    """A token sent as a Basic-auth password (CardDAV), or None.

    The token must belong to ``username``; the account's login password is never accepted
    here (it would need the slow password hash on every request, and it would let a leaked
    address-book setting sign in to the web).
    """
    if not username:
        return None
    token = _live_token(password)
    if token is None or token.user.get_username() != username:
        return None
    _mark_used(token)
    return token


def revoke(token: AccessToken) -> None:
    """Revoke a token; idempotent (a second revoke keeps the first time)."""
    if token.revoked_at is None:
        AccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        token.refresh_from_db(fields=["revoked_at"])


def token_vault_ids(token: AccessToken) -> list[int]:
    """The vaults a token may read: its one vault, or all of its user's vaults."""
    memberships = Membership.objects.filter(user=token.user)
    if token.vault_id is not None:
        memberships = memberships.filter(vault_id=token.vault_id)
    return list(memberships.values_list("vault_id", flat=True))


def token_can_write(token: AccessToken, vault: Vault) -> bool:
    """Write needs a write token *and* the owner or editor role in that vault."""
    if not token.can_write:
        return False
    if token.vault_id is not None and token.vault_id != vault.pk:
        return False
    return Membership.objects.filter(
        user=token.user, vault=vault, role__in=[Role.OWNER, Role.EDITOR]
    ).exists()


# --- For the settings page and ``aandacht token`` ------------------------------------------


def tokens_of(user: User) -> QuerySet[AccessToken]:
    """A user's tokens, live and revoked, newest first, with their vaults."""
    return AccessToken.objects.filter(user=user).select_related("user", "vault")


def token_of(user: User, pk: int) -> AccessToken:
    """One of ``user``'s tokens; someone else's raises ``AccessToken.DoesNotExist`` like a
    missing one (the caller answers 404 either way)."""
    return tokens_of(user).get(pk=pk)


def revoke_token_of(user: User, pk: int) -> AccessToken:
    """Revoke one of ``user``'s tokens (idempotent); ``AccessToken.DoesNotExist`` otherwise."""
    with transaction.atomic():
        token = token_of(user, pk)
        revoke(token)
    return token


def token_vaults(user: User) -> list[tuple[Vault, str]]:
    """The vaults a new token can be limited to, with the user's role in each."""
    memberships = (
        Membership.objects.filter(user=user).select_related("vault").order_by("vault__name")
    )
    return [(membership.vault, membership.role) for membership in memberships]


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def token_summary(token: AccessToken) -> dict[str, Any]:
    """A token as JSON for ``aandacht token``: everything but the secret and its digest."""
    return {
        "id": token.pk,
        "user": token.user.get_username(),
        "name": token.name,
        "scope": token.scope,
        "vault": token.vault.name if token.vault is not None else None,
        "vault_id": token.vault_id,
        "prefix": token.prefix,
        "created_at": _iso(token.created_at),
        "last_used_at": _iso(token.last_used_at),
        "revoked_at": _iso(token.revoked_at),
    }
