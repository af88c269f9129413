"""An import started in the browser: the uploaded file, its preview and its progress.

The web import runs in steps a user can see (upload, preview, import) and may take a while for
a large file, so its state lives in the database rather than in a request: a page polls it,
and a restart leaves an honest record of where it stopped.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aandacht.accounts.models import Vault


class ImportFormat(models.TextChoices):
    AUTO = "auto", _("detect automatically")
    VCARD = "vcard", _("vCard (.vcf)")
    LINKEDIN = "linkedin", _("LinkedIn connections (CSV)")
    GOOGLE = "google", _("Google Contacts (CSV)")
    CSV = "csv", _("other CSV, with a column mapping")
    JSON = "json", _("Aandacht JSON export")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("uploaded")
    PREVIEWING = "previewing", _("reading the file")
    PREVIEWED = "previewed", _("ready to import")
    IMPORTING = "importing", _("importing")
    DONE = "done", _("imported")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


class ImportJob(models.Model):
    vault = models.ForeignKey(Vault, on_delete=models.CASCADE, related_name="import_jobs")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    upload = models.FileField(upload_to="imports/%Y/", blank=True)
    filename = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    format = models.CharField(
        _("format"), max_length=10, choices=ImportFormat.choices, default=ImportFormat.AUTO
    )
    detected_format = models.CharField(max_length=10, choices=ImportFormat.choices, blank=True)
    # Column mapping for CSV files: {"column header": "field name"}.
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    # Progress: bytes of the file read so far, out of ``size``; records handled so far.
    bytes_read = models.PositiveBigIntegerField(default=0)
    records_read = models.PositiveIntegerField(default=0)
    preview: models.JSONField[dict[str, Any] | None, dict[str, Any] | None] = models.JSONField(
        null=True, blank=True
    )
    result: models.JSONField[dict[str, Any] | None, dict[str, Any] | None] = models.JSONField(
        null=True, blank=True
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if not self.size:
            return 0
        return min(100, round(100 * self.bytes_read / self.size))
