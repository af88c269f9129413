"""What the app shell (navigation on every page) needs: links, the user's vaults, roles.

The shell is lazy: a page that never touches ``shell`` (an anonymous one, an htmx fragment)
costs no query; a page with the navigation costs one (the user's memberships). Links to pages
that do not exist (yet) are simply left out, so the navigation never breaks a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from aandacht.accounts.models import Membership, Role
from aandacht.web.access import CURRENT_VAULT, WRITER_ROLES

# The shell's links by short name; a URL name that does not resolve leaves its link out.
NAV_URLS = {
    "today": "attention:today",
    "home": "web:home",
    "people": "people:list",
    "quick_add": "people:quick_add",
    "circles": "attention:circles",
    "report": "attention:report",
    "cards": "cards:season",
    "rounds": "rounds:list",
    "imports": "exchange:import",
    "exports": "exchange:export",
}
# Pages with a search box of their own: the header's search would only repeat it.
PAGES_WITH_SEARCH = frozenset({"web:home", "people:list"})


@dataclass(frozen=True)
class VaultChoice:
    """One of the user's vaults as the vault switcher shows it."""

    pk: int
    name: str
    is_demo: bool
    role: str

    @property
    def can_write(self) -> bool:
        return self.role in WRITER_ROLES

    @property
    def is_viewer(self) -> bool:
        return self.role == Role.VIEWER

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Shell:
    """Everything base.html's navigation reads, computed once per request."""

    urls: dict[str, str]
    vaults: list[VaultChoice] = field(default_factory=list)
    vault: VaultChoice | None = None
    show_search: bool = False

    @property
    def writable(self) -> frozenset[int]:
        """The pks of the vaults the user may change: quick add shows only for those."""
        return frozenset(each.pk for each in self.vaults if each.can_write)

    @property
    def can_write(self) -> bool:
        return self.vault is not None and self.vault.can_write

    @property
    def several_vaults(self) -> bool:
        return len(self.vaults) > 1


def safe_reverse(name: str) -> str | None:
    """The URL of ``name``, or None while nobody has built that page."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def nav_urls() -> dict[str, str]:
    urls = {}
    for key, name in NAV_URLS.items():
        url = safe_reverse(name)
        if url is not None:
            urls[key] = url
    return urls


def build_shell(request: HttpRequest) -> Shell:
    """The shell for ``request``; never raises, even on a page that is itself an error."""
    urls = nav_urls()
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return Shell(urls=urls)
    vaults = [
        VaultChoice(
            pk=membership.vault.pk,
            name=membership.vault.name,
            is_demo=membership.vault.is_demo,
            role=membership.role,
        )
        for membership in Membership.objects.filter(user=user)
        .select_related("vault")
        .order_by("vault__is_demo", "vault__name", "vault__id")
    ]
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else ""
    return Shell(
        urls=urls,
        vaults=vaults,
        vault=_current(request, vaults),
        show_search="people" in urls and view_name not in PAGES_WITH_SEARCH,
    )


def _current(request: HttpRequest, vaults: list[VaultChoice]) -> VaultChoice | None:
    """The vault :func:`aandacht.web.access.current_vault` would choose, without a query."""
    by_pk = {str(each.pk): each for each in vaults}
    asked = request.GET.get("vault", "")
    if asked in by_pk:
        return by_pk[asked]
    session = getattr(request, "session", None)
    remembered = str(session.get(CURRENT_VAULT, "")) if session is not None else ""
    if remembered in by_pk:
        return by_pk[remembered]
    own = [each for each in vaults if not each.is_demo]
    choices = own or vaults
    return choices[0] if choices else None


def shell(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: ``shell`` (see :class:`Shell`), evaluated on first use."""
    return {"shell": SimpleLazyObject(lambda: build_shell(request))}
