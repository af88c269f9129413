"""System checks for operational mistakes a self-hoster makes once and regrets later."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Warning, register


@register()
def check_email_and_base_url(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[Warning]:
    warnings: list[Warning] = []
    if not getattr(settings, "EMAIL_URL", ""):
        warnings.append(
            Warning(
                "No SMTP server is configured: digests and emails are printed, not sent.",
                hint="Set EMAIL_URL, e.g. smtp+tls://user:password@mail.example.org:587",
                id="aandacht.W001",
            )
        )
    if not getattr(settings, "BASE_URL", ""):
        warnings.append(
            Warning(
                "AANDACHT_BASE_URL is not set: links in emails and calendar feeds cannot be "
                "absolute.",
                hint="Set AANDACHT_BASE_URL to the address people use, e.g. https://crm.example.org",
                id="aandacht.W002",
            )
        )
    return warnings
