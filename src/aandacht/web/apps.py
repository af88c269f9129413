from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "aandacht.web"
    label = "web"
    verbose_name = _("Web app")

    def ready(self) -> None:
        from aandacht.web import stamp

        # After every migrate (and a test's flush): the write stamp's triggers of new tables.
        post_migrate.connect(stamp.installed, sender=self, dispatch_uid="aandacht-write-stamp")
