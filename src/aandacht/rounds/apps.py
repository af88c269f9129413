from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "aandacht.rounds"
    label = "rounds"
    verbose_name = _("Check-in rounds")
