"""The phone address book page: exactly what to type to see Aandacht's people on a phone.

Everything a CardDAV client asks for is on one page: the server address (this site's public
origin + ``/dav/``), the user name, and where the password comes from (a personal access
token, never the sign-in password), with the direct address of each vault's address book for
clients that do not discover them. Read only: it shows, it never changes anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from aandacht.accounts.models import Membership, Role, TokenScope
from aandacht.accounts.services import absolute_url, request_origin
from aandacht.web.access import signed_in_user

DAV_ROOT = "/dav/"


@dataclass(frozen=True)
class PhoneBook:
    """One vault as the phone will show it."""

    vault_id: int
    name: str
    role: str
    role_label: str
    read_only: bool
    people: int
    url: str


def root_path() -> str:
    """Where a client starts looking: the DAV server's root."""
    try:
        return reverse("carddav:root")
    except NoReverseMatch:  # the DAV views not mounted: the address they will have
        return DAV_ROOT


def collection_path(username: str, vault_id: int) -> str:
    """The address book's path on the DAV server; the user name percent-encoded for a URL."""
    try:
        return reverse("carddav:collection", args=[username, vault_id])
    except NoReverseMatch:
        return f"{DAV_ROOT}addressbooks/{quote(username, safe='@+')}/{vault_id}/"


def phone_books(user: User, origin: str) -> list[PhoneBook]:
    """The user's vaults with their role and number of people, in one query (no N+1)."""
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("vault")
        .annotate(people=Count("vault__people", filter=Q(vault__people__trashed_at__isnull=True)))
        .order_by("vault__name", "vault_id")
    )
    labels = dict(Role.choices)
    username = user.get_username()
    return [
        PhoneBook(
            vault_id=membership.vault_id,
            name=membership.vault.name,
            role=membership.role,
            role_label=str(labels.get(membership.role, membership.role)),
            read_only=membership.role == Role.VIEWER,
            people=int(getattr(membership, "people", 0)),
            url=absolute_url(collection_path(username, membership.vault_id), origin=origin),
        )
        for membership in memberships
    ]


def token_link(can_write: bool) -> str:
    """The tokens page with its form filled in for a phone (write only where it helps)."""
    scope = TokenScope.WRITE if can_write else TokenScope.READ
    query = urlencode({"name": _("Phone"), "scope": scope.value})
    return f"{reverse('accounts:tokens')}?{query}#create-title"


@login_required
@require_safe
def carddav_setup(request: HttpRequest) -> HttpResponse:
    """What to type on a phone (or in Thunderbird, DAVx⁵, vdirsyncer) to sync the vaults."""
    user = signed_in_user(request)
    origin = request_origin(request)
    server_url = absolute_url(root_path(), origin=origin)
    books = phone_books(user, origin)
    can_write = any(not book.read_only for book in books)
    context: dict[str, Any] = {
        "server_url": server_url,
        "username": user.get_username(),
        "books": books,
        "can_write": can_write,
        "token_url": token_link(can_write),
        "plain_http": server_url.startswith("http://") and not settings.PRODUCTION,
        "example_url": books[0].url if books else server_url,
    }
    return render(request, "accounts/carddav_setup.html", context)


urlpatterns: list[URLPattern] = [
    path("phone/", carddav_setup, name="carddav_setup"),
]
