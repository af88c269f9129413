"""Shared vaults: creating them, their members and roles, renaming, leaving, deleting.

One path for the vault pages and the ``aandacht vault`` command. The rules: a vault always
keeps at least one owner (the last owner cannot be demoted, removed or leave); every write is
transactional and safe to repeat (sharing with the same role again changes nothing). Who may
call these is decided by the caller: the pages check :func:`require_owner` first (a non-member
gets a 404 before that), the console acts as the instance's administrator.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from aandacht.accounts.models import Membership, Role, Vault

VAULT_NAME_MAX = Vault._meta.get_field("name").max_length or 120


class MemberProblem(ValueError):
    """A refused change to a vault or its members, with a message fit to show."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class VaultSummary:
    """One of a user's vaults as the vaults page lists it."""

    vault: Vault
    role: str
    members: int

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


def parse_role(raw: str) -> Role:
    """``owner``, ``editor`` or ``viewer`` (any capitals), else a :class:`MemberProblem`."""
    value = raw.strip().lower()
    if value not in Role.values:
        raise MemberProblem(
            _("“%(role)s” is not a role; choose owner, editor or viewer.") % {"role": raw.strip()},
            "role",
        )
    return Role(value)


def check_vault_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise MemberProblem(_("Give the vault a name."), "name")
    if len(cleaned) > VAULT_NAME_MAX:
        raise MemberProblem(
            _("A vault name has at most %(max)d characters.") % {"max": VAULT_NAME_MAX}, "name"
        )
    return cleaned


def membership_of(user: User, vault_id: int) -> Membership | None:
    """The user's membership of vault ``vault_id`` (with the vault), or None: not theirs."""
    return (
        Membership.objects.select_related("vault")
        .filter(user=user, vault_id=vault_id, user__is_active=True)
        .first()
    )


def require_owner(user: User, vault: Vault) -> None:
    """Only an owner manages a vault; an editor's or viewer's attempt is a 403."""
    if not Membership.objects.filter(user=user, vault=vault, role=Role.OWNER).exists():
        raise PermissionDenied("only an owner manages this vault")


def summaries_for(user: User) -> list[VaultSummary]:
    """The user's vaults with their role and member count, in one query."""
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("vault")
        .annotate(member_count=Count("vault__memberships", distinct=True))
        .order_by("vault__is_demo", "vault__name", "vault_id")
    )
    return [
        VaultSummary(each.vault, each.role, getattr(each, "member_count", 1))
        for each in memberships
    ]


ROLE_ORDER = {Role.OWNER: 0, Role.EDITOR: 1, Role.VIEWER: 2}


def members_of(vault: Vault) -> list[Membership]:
    """The vault's members, owners first, then by username."""
    found = list(Membership.objects.filter(vault=vault).select_related("user"))
    return sorted(
        found,
        key=lambda each: (ROLE_ORDER.get(Role(each.role), 3), each.user.username.casefold()),
    )


def email_matching_allowed() -> bool:
    """Whether an email address may name a user (adding a member, the console's ``--user``).

    With open sign-up on, anyone can make an account with anyone's address (nothing proves it
    is theirs), so an address could put a stranger into a team: only usernames count then.
    With it off, accounts are made by the instance owner or through an emailed invitation, so
    an address on an account was given by the owner or proven by receiving the invitation.
    """
    return not settings.OPEN_SIGNUP


def find_user(identifier: str) -> User:
    """An active user by username (any capitals), or by email address while
    :func:`email_matching_allowed`; else a clear problem."""
    text = identifier.strip()
    by_email = email_matching_allowed()
    if not text:
        raise MemberProblem(
            _("Enter a username or an email address.") if by_email else _("Enter a username."),
            "user",
        )
    if not by_email:
        user = User.objects.filter(username__iexact=text, is_active=True).first()
        if user is not None:
            return user
        if "@" in text:
            raise MemberProblem(
                _(
                    "With open sign-up anyone can register any email address, so members are "
                    "added by username only. Ask them for their username."
                ),
                "user",
            )
        raise MemberProblem(
            _("There is no user “%(name)s” on this instance.") % {"name": text}, "user"
        )
    found = list(
        User.objects.filter(Q(username__iexact=text) | Q(email__iexact=text), is_active=True)[:2]
    )
    if len(found) > 1:
        by_name = [user for user in found if user.username.casefold() == text.casefold()]
        if len(by_name) == 1:
            return by_name[0]
        raise MemberProblem(
            _("More than one user has the address %(email)s; use the username.") % {"email": text},
            "user",
        )
    if not found:
        raise MemberProblem(
            _(
                "There is no user “%(name)s” on this instance. Check the spelling; someone "
                "without an account needs an invitation by email first."
            )
            % {"name": text},
            "user",
        )
    return found[0]


# --- Writes -------------------------------------------------------------------------------


def create_vault(owner: User, name: str) -> Vault:
    """A new (shared) vault with ``owner`` as its first owner.

    A vault of that name which ``owner`` already owns is returned instead (any capitals), so a
    double submit or a repeated command makes one vault, not two.
    """
    cleaned = check_vault_name(name)
    with transaction.atomic():
        existing = (
            Vault.objects.filter(
                name__iexact=cleaned,
                is_demo=False,
                memberships__user=owner,
                memberships__role=Role.OWNER,
            )
            .order_by("id")
            .first()
        )
        if existing is not None:
            return existing
        vault = Vault.objects.create(name=cleaned)
        Membership.objects.create(vault=vault, user=owner, role=Role.OWNER)
    return vault


def rename_vault(vault: Vault, name: str) -> bool:
    """Rename; False when the name was already that (nothing written)."""
    cleaned = check_vault_name(name)
    if cleaned == vault.name:
        return False
    vault.name = cleaned
    vault.save(update_fields=["name"])
    return True


def delete_vault(vault: Vault, typed_name: str) -> None:
    """Delete the vault and everything in it, once its name has been typed exactly."""
    if typed_name.strip() != vault.name:
        raise MemberProblem(
            _("Type the vault's name, “%(name)s”, exactly to delete it.") % {"name": vault.name},
            "confirm",
        )
    with transaction.atomic():
        Vault.objects.filter(pk=vault.pk).delete()


@dataclass(frozen=True)
class Shared:
    membership: Membership
    outcome: str  # "added", "changed" or "unchanged"


def display_name(user: User) -> str:
    """How a person is named in messages: their full name when they have one, else username."""
    return user.get_full_name() or user.username


def share(vault: Vault, user: User, role: Role | str, *, by: User | None = None) -> Shared:
    """Give ``user`` ``role`` in the vault: add them, or change their role.

    Repeating it with the same role changes nothing; demoting the last owner is refused (the
    message says "you" when ``by``, the one acting, is that owner).
    """
    chosen = parse_role(str(role))
    if not user.is_active:
        raise MemberProblem(
            _("%(name)s's account is not active.") % {"name": user.username}, "user"
        )
    with transaction.atomic():
        existing = _locked_members(vault).filter(user=user).first()
        if existing is None:
            membership = Membership.objects.create(vault=vault, user=user, role=chosen)
            return Shared(membership, "added")
        if existing.role == chosen:
            return Shared(existing, "unchanged")
        _keep_an_owner(vault, existing, chosen, by)
        existing.role = chosen
        existing.save(update_fields=["role"])
        return Shared(existing, "changed")


def set_role(vault: Vault, user: User, role: Role | str, *, by: User | None = None) -> Shared:
    """Change a member's role (they must be a member already)."""
    chosen = parse_role(str(role))
    if not Membership.objects.filter(vault=vault, user=user).exists():
        raise MemberProblem(
            _("%(name)s is not a member of “%(vault)s”.")
            % {"name": display_name(user), "vault": vault.name},
            "user",
        )
    return share(vault, user, chosen, by=by)


def remove_member(vault: Vault, user: User, *, by: User | None = None) -> bool:
    """Take ``user`` out of the vault (also: leaving it). False when they were not a member.

    Their private notes and moments in the vault stay theirs and stay hidden; the last owner
    cannot go (delete the vault, or make someone else an owner first).
    """
    with transaction.atomic():
        existing = _locked_members(vault).filter(user=user).first()
        if existing is None:
            return False
        _keep_an_owner(vault, existing, None, by)
        existing.delete()
    return True


def _locked_members(vault: Vault) -> QuerySet[Membership]:
    # Owners are counted under a row lock, so two owners leaving at once cannot both succeed
    # (SQLite serialises writers anyway; PostgreSQL needs the lock).
    return Membership.objects.select_for_update().filter(vault=vault)


def is_last_owner(vault: Vault, user: User) -> bool:
    """True when ``user`` is the vault's only owner (who cannot leave or step down)."""
    owners = list(Membership.objects.filter(vault=vault, role=Role.OWNER).values_list("user_id"))
    return owners == [(user.pk,)]


def _keep_an_owner(
    vault: Vault, membership: Membership, new_role: Role | None, by: User | None = None
) -> None:
    """Refuse a change that would leave the vault without an owner."""
    if membership.role != Role.OWNER or new_role == Role.OWNER:
        return
    owners = list(_locked_members(vault).filter(role=Role.OWNER).values_list("pk", flat=True))
    if owners != [membership.pk]:
        return
    values = {"name": display_name(membership.user), "vault": vault.name}
    yourself = by is not None and by.pk == membership.user_id
    if new_role is None:
        if yourself:
            message = _(
                "You are the last owner of “%(vault)s”: make someone else an owner first, "
                "or delete the vault."
            )
        else:
            message = _(
                "%(name)s is the last owner of “%(vault)s”: make someone else an owner "
                "first, or delete the vault."
            )
        raise MemberProblem(message % values, "user")
    if yourself:
        message = _(
            "You are the last owner of “%(vault)s” and stay owner: make someone else an "
            "owner first."
        )
    else:
        message = _(
            "%(name)s is the last owner of “%(vault)s” and stays owner: make someone else "
            "an owner first."
        )
    raise MemberProblem(message % values, "role")
