"""Vaults (address books) and who may use them.

Every person, note and interaction belongs to exactly one vault; every query starts from one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Vault(models.Model):
    name = models.CharField(_("name"), max_length=120)
    is_demo = models.BooleanField(_("demo vault"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("vault")
        verbose_name_plural = _("vaults")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("owner")
    EDITOR = "editor", _("editor")
    VIEWER = "viewer", _("viewer")


class Membership(models.Model):
    """A user's role in a vault. Owners manage members; editors write; viewers only read."""

    vault = models.ForeignKey(Vault, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.OWNER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["vault", "user"], name="one_membership_per_vault")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.vault} ({self.role})"

    @property
    def can_write(self) -> bool:
        return self.role in (Role.OWNER, Role.EDITOR)


class Preference(models.Model):
    """Per-user settings that follow the person from device to device (the language first).

    ``language`` is blank to follow the browser (Accept-Language, then the language cookie).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="preference",
    )
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    # The vault last worked in, so signing in again (or on another device) opens it again.
    last_vault = models.ForeignKey(
        Vault,
        verbose_name=_("last vault"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return f"{self.user} · {self.language or '-'}"
