from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CardDavConfig(AppConfig):
    name = "aandacht.carddav"
    label = "carddav"
    verbose_name = _("CardDAV address books")

    def ready(self) -> None:
        from aandacht.carddav import signals  # noqa: F401  (connects the receivers)
