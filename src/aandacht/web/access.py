"""Which vault a request works in, and who may read or write what in it.

Every people and timeline view goes through these helpers, so vault scoping and roles are
decided in one place: a vault or person you are not a member of is a 404 (its existence is not
revealed); a write in a vault where you are only a viewer is a 403.
"""

from __future__ import annotations

import re
from typing import TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, models
from django.db.models import F
from django.http import Http404, HttpRequest
from django_htmx.middleware import HtmxDetails

from aandacht.accounts.models import Membership, Preference, Role, Vault
from aandacht.accounts.services import default_vault
from aandacht.people.models import Person
from aandacht.web.faults import fault_of

CURRENT_VAULT = "aandacht_vault"  # session key: the vault chosen last
WRITER_ROLES = frozenset({Role.OWNER, Role.EDITOR})
# The largest key a database column holds (a signed 64-bit integer): a longer number in a URL
# would make SQLite or PostgreSQL fail instead of finding nothing.
MAX_ID = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")

VaultObject = TypeVar("VaultObject", bound=models.Model)


def positive_id(raw: object) -> int | None:
    """A positive whole number from user input (a form field, a query parameter), or None.

    Only plain ASCII digits, nothing around them: ``str.isdigit`` also accepts "²" (which
    ``int`` refuses, a 500) and other scripts' digits; "-1", "1e3", " 7" and "" are no ids
    either, and neither is a number too large for a database key.
    """
    if not isinstance(raw, str) or not _ASCII_DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def signed_in_user(request: HttpRequest) -> User:
    """The user of a ``login_required`` view, typed as the concrete model."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("this view needs a signed-in user")
    return user


def current_vault(request: HttpRequest) -> Vault:
    """The vault named by ``?vault=`` (remembered in the session), else the last one used,
    else the user's default vault. Someone else's vault is a 404."""
    user = signed_in_user(request)
    raw = request.GET.get("vault")
    if raw:
        vault = _member_vault(user, raw)
        remember_vault(request, vault.pk)
        return vault
    # Signing in copies the vault last worked in into the session (accounts.language).
    remembered = request.session.get(CURRENT_VAULT)
    if remembered is not None:
        try:
            return _member_vault(user, str(remembered))
        except Http404:
            request.session.pop(CURRENT_VAULT, None)
    return default_vault(user)


def remember_vault(request: HttpRequest, vault_id: int) -> None:
    """Make a vault the current one, in the session and for the user's next sign-in.

    Unchanged, nothing is written: following a ``?vault=`` link costs no write.
    """
    if request.session.get(CURRENT_VAULT) != vault_id:
        user = request.user
        if isinstance(user, User):
            try:
                Preference.objects.update_or_create(user=user, defaults={"last_vault_id": vault_id})
            except DatabaseError as error:
                # A convenience: on a full disk or a read-only database the page is still
                # shown (web/faults.py), and the session is left alone, since saving it would
                # fail too (a 400); anything else is a bug.
                if fault_of(error) is None:
                    raise
                return
        request.session[CURRENT_VAULT] = vault_id


def _member_vault(user: User, raw_id: str) -> Vault:
    vault_id = positive_id(raw_id)
    if vault_id is None:
        raise Http404("no such vault")
    vault = Vault.objects.filter(pk=vault_id, memberships__user=user).first()
    if vault is None:
        raise Http404("no such vault")
    return vault


# Set by object_in_vault on the vault it found: (user pk, role), read in the same query that
# checked the membership, so the view's role_of on that vault costs no second query.
_KNOWN_ROLE = "_aandacht_known_role"
_ROLE_ANNOTATION = "_aandacht_member_role"


def role_of(user: User, vault: Vault) -> str | None:
    known = getattr(vault, _KNOWN_ROLE, None)
    if known is not None and known[0] == user.pk:
        role: str | None = known[1]
        return role
    return Membership.objects.filter(user=user, vault=vault).values_list("role", flat=True).first()


def can_write(user: User, vault: Vault) -> bool:
    return role_of(user, vault) in WRITER_ROLES


def require_writer(user: User, vault: Vault) -> None:
    if not can_write(user, vault):
        raise PermissionDenied("viewers cannot change this vault")


def object_in_vault(
    request: HttpRequest,
    queryset: models.QuerySet[VaultObject],
    pk: int,
    *,
    write: bool = False,
    vault_field: str = "vault",
) -> VaultObject:
    """The object ``pk`` of ``queryset`` if it lies in one of the user's vaults, else a 404.

    ``queryset`` is the model's rows narrowed as the caller needs (not in the trash, with its
    ``select_related``); ``vault_field`` is the path to its vault. ``write=True`` also needs
    the owner or editor role (403 for a viewer). Its vault becomes the current vault. The
    rules of ``person_for``, for any model that belongs to a vault.
    """
    user = signed_in_user(request)
    found: VaultObject | None = (
        queryset.select_related(vault_field)
        .filter(pk=pk, **{f"{vault_field}__memberships__user": user})
        # The same join as the filter: this user's membership of the object's vault.
        .annotate(**{_ROLE_ANNOTATION: F(f"{vault_field}__memberships__role")})
        .first()
    )
    if found is None:
        raise Http404(f"no such {queryset.model._meta.model_name}")
    vault = _vault_of(found, vault_field)
    setattr(vault, _KNOWN_ROLE, (user.pk, getattr(found, _ROLE_ANNOTATION)))
    if write:
        require_writer(user, vault)
    remember_vault(request, vault.pk)
    return found


def _vault_of(found: models.Model, vault_field: str) -> Vault:
    value: object = found
    for part in vault_field.split("__"):
        value = getattr(value, part)
    if not isinstance(value, Vault):
        raise TypeError(f"{vault_field} does not lead to a vault")
    return value


def person_for(
    request: HttpRequest, pk: int, *, write: bool = False, include_trashed: bool = False
) -> Person:
    """A person in one of the user's vaults (404 otherwise), not in the trash unless
    ``include_trashed`` (restore and forget need those).

    ``write=True`` also requires the owner or editor role (403 for a viewer). The person's
    vault becomes the current vault, so lists and quick add follow where you are.
    """
    people = Person.objects.all()
    if not include_trashed:
        people = people.filter(trashed_at__isnull=True)
    return object_in_vault(request, people, pk, write=write)
