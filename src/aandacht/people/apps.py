from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "aandacht.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from aandacht.people import signals  # noqa: F401  (keeps the search columns fresh)
