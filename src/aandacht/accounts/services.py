"""Vault and owner set-up shared by the web app, the CLI and the tests."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from aandacht.accounts.models import Membership, Role, Vault

LOCAL_OWNER_USERNAME = "owner"
PERSONAL_VAULT_NAME = "Personal"


class VaultNotFound(LookupError):
    """No vault of that name is visible."""


def ensure_local_owner() -> User:
    """Create the single-user default on a fresh database: user ``owner`` with a personal vault.

    The owner has no usable password yet; the web app's first run lets them choose one.
    Idempotent: with any user present, the first superuser (or first user) is returned.
    """
    with transaction.atomic():
        existing = User.objects.order_by("-is_superuser", "id").first()
        if existing is not None:
            return existing
        owner = User(username=LOCAL_OWNER_USERNAME, is_staff=True, is_superuser=True)
        owner.set_unusable_password()
        owner.save()
        vault = Vault.objects.create(name=PERSONAL_VAULT_NAME)
        Membership.objects.create(vault=vault, user=owner, role=Role.OWNER)
        return owner


def needs_first_run() -> bool:
    """True while the owner has not chosen a password: the web app shows its welcome page."""
    users = list(User.objects.order_by("id")[:2])
    return len(users) == 0 or (len(users) == 1 and not users[0].has_usable_password())


def vaults_for(user: User) -> list[Vault]:
    return list(Vault.objects.filter(memberships__user=user).order_by("is_demo", "name", "id"))


ROLE_PREFERENCE = {Role.OWNER: 0, Role.EDITOR: 1, Role.VIEWER: 2}


def default_vault(user: User) -> Vault:
    """The vault real work lands in: one the user owns, else one they edit, else any.

    The demo vault is never the default, and neither is a vault shared read-only while one you
    can write to exists (quick add would vanish). A user without a vault gets a personal one.
    """
    memberships = (
        Membership.objects.filter(user=user, vault__is_demo=False)
        .select_related("vault")
        .order_by("vault__name", "vault_id")
    )
    ranked = sorted(memberships, key=lambda each: ROLE_PREFERENCE.get(Role(each.role), 3))
    if not ranked:
        vault = Vault.objects.create(name=PERSONAL_VAULT_NAME)
        Membership.objects.create(vault=vault, user=user, role=Role.OWNER)
        return vault
    return ranked[0].vault


def vault_named(user: User, name: str) -> Vault:
    for vault in vaults_for(user):
        if vault.name.casefold() == name.casefold():
            return vault
    raise VaultNotFound(name)


def role_in(user: User, vault: Vault) -> str | None:
    membership = Membership.objects.filter(user=user, vault=vault).first()
    return membership.role if membership else None
