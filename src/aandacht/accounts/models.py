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


class TokenScope(models.TextChoices):
    READ = "read", _("read")
    WRITE = "write", _("read and write")


class AccessToken(models.Model):
    """A personal access token for the API and CardDAV.

    The secret is long and random, so a SHA-256 digest is enough to store it (a slow password
    hash on every request would cap the API at a few requests per second). The secret itself is
    shown once, when created. ``vault`` narrows the token to one vault; empty means every vault
    the user is a member of (with the user's role there, never more than ``scope``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(
        _("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ
    )
    vault = models.ForeignKey(
        Vault,
        verbose_name=_("vault"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="access_tokens",
    )
    # The first characters of the secret, shown in lists so a token can be recognised.
    prefix = models.CharField(_("starts with"), max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Written at most once a minute (accounts.tokens.authenticate), not on every request.
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.name} ({self.scope})"

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE


class Invitation(models.Model):
    """An emailed invitation to join the instance (and, optionally, a vault with a role).

    Only a SHA-256 digest of the link's secret is stored; the link works once, until it expires.
    """

    email = models.EmailField(_("email address"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.CASCADE,
        related_name="invitations_sent",
    )
    vault = models.ForeignKey(
        Vault,
        verbose_name=_("vault"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"


class SignedInSession(models.Model):
    """One signed-in browser or device, so a user can see and end their sessions.

    Django's session table cannot be listed per user without decoding every row; this row is
    written at sign-in and touched at most once a minute.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(_("signed in"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"))
    user_agent = models.CharField(_("browser"), max_length=300, blank=True, default="")
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        ordering = ["-last_seen_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.user_agent[:40]}"
