"""Personal access tokens: created once, stored as SHA-256 digests, checked cheaply.

Shared by the API (``Authorization: Bearer``), CardDAV (the Basic-auth password), the settings
page and ``aandacht token``. A token acts as its user, limited by its scope (read or write) and,
if set, by its one vault; the user's role in a vault still applies (a viewer's write token
cannot write there).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone

from aandacht.accounts.models import AccessToken, Membership, Role, TokenScope, Vault

TOKEN_PREFIX = "aat_"  # noqa: S105 (a public marker, not a secret)
# 32 random bytes: far beyond guessing, so a fast hash is safe to store.
TOKEN_BYTES = 32
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 6
# last_used_at is written at most this often, so a busy client costs no write per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200


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
    """A new token for ``user``. ``vault``, if given, must be one of the user's vaults."""
    if scope not in TokenScope.values:
        raise ValueError(f"unknown scope {scope!r}")
    if vault is not None and not Membership.objects.filter(user=user, vault=vault).exists():
        raise ValueError("the user is not a member of that vault")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    token = AccessToken.objects.create(
        user=user,
        name=name.strip() or "token",
        scope=scope,
        vault=vault,
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        digest=digest_of(secret),
    )
    return NewToken(token=token, secret=secret)


def authenticate(raw: str) -> AccessToken | None:
    """The live token behind ``raw`` (with its user and vault loaded), or None.

    One indexed lookup; ``last_used_at`` is written at most once a minute.
    """
    if not raw or len(raw) > MAX_TOKEN_LENGTH or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        AccessToken.objects.select_related("user", "vault")
        .filter(digest=digest_of(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        AccessToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        token.last_used_at = now
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
