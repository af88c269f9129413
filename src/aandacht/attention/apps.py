from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttentionConfig(AppConfig):
    name = "aandacht.attention"
    label = "attention"
    verbose_name = _("Keep in touch")

    def ready(self) -> None:
        from aandacht.attention import signals  # noqa: F401  (connects the receivers)
