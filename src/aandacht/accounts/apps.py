from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "aandacht.accounts"
    label = "accounts"
    verbose_name = _("Accounts and vaults")

    def ready(self) -> None:
        # Registers the system checks and the login signals (language; signed-in sessions).
        from aandacht.accounts import checks, language, sessions  # noqa: F401
