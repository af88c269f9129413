"""A realistic demo network: about 150 people and a year of history, in English or Dutch.

The demo is what a new user judges the product by, so it is hand-written where it shows
(the people you meet first, their stories) and generated from small, natural word pools for
the wider network. See :func:`load_demo`.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.accounts.services import ensure_local_owner
from aandacht.demo.builder import DemoBuilder
from aandacht.demo.content import DemoLocale

__all__ = ["DEMO_LANGUAGES", "load_demo"]

DEMO_LANGUAGES = ("en", "nl")


def demo_locale(lang: str) -> tuple[str, DemoLocale]:
    """The language code and its tables; "nl-NL" and "EN" are accepted, other languages not."""
    code = lang.strip().lower().replace("_", "-").split("-", 1)[0]
    if code not in DEMO_LANGUAGES:
        raise ValueError(
            f"the demo exists in English and Dutch only: use 'en' or 'nl', not {lang!r}"
        )
    module = import_module(f"aandacht.demo.{code}")
    locale: DemoLocale = module.LOCALE
    return code, locale


def load_demo(
    lang: str = "en",
    owner: AbstractBaseUser | None = None,
    *,
    rebuild: bool = False,
    today: dt.date | None = None,
) -> Vault:
    """Load the demo network into its own vault ("Demo", ``is_demo=True``) and return it.

    ``owner`` (default: the local owner) becomes the vault's owner. There is only ever one
    demo vault: when it exists it is returned untouched, whatever ``lang`` says, so running
    this twice never duplicates anything (``owner`` is only added as a member if missing).
    ``rebuild=True`` deletes the demo vault and builds it afresh, e.g. to switch language.
    ``today`` (default: the local date) anchors the history, which covers the twelve months
    before it. Raises ``ValueError`` for a language other than English or Dutch.
    """
    code, locale = demo_locale(lang)
    with transaction.atomic():
        user = ensure_local_owner() if owner is None else owner
        if not isinstance(user, User):
            raise TypeError(f"the demo owner must be a saved {User.__name__}, not {user!r}")
        existing = Vault.objects.filter(is_demo=True).order_by("id").first()
        if existing is not None and not rebuild:
            Membership.objects.get_or_create(
                vault=existing, user=user, defaults={"role": Role.OWNER}
            )
            return existing
        if existing is not None:
            Vault.objects.filter(is_demo=True).delete()
        vault = Vault.objects.create(name=locale.vault_name, is_demo=True)
        Membership.objects.create(vault=vault, user=user, role=Role.OWNER)
        DemoBuilder(vault, user, code, locale, today or timezone.localdate()).build()
    return vault
