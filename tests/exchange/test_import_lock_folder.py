"""The import lock's folder (DATA_DIR/locks, SQLite) cannot be written to: the import pages
answer with the read-only page (503) and leave the job as it was, and it runs once the
folder is writable again. The folder is made unusable for real: a file where it should be
(the tests run as root, whom folder permissions do not stop)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from aandacht.accounts.models import Vault
from aandacht.exchange import jobs
from aandacht.exchange.models import ImportJob, ImportStatus
from aandacht.people.models import Person

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's lock files (the SQLite leg)"
)

CARD = b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Vries;Anna;;;\r\nFN:Anna Vries\r\nEND:VCARD\r\n"


@pytest.fixture
def locks_unusable(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    blocker = tmp_path / "locks"
    blocker.write_text("not a folder")
    return blocker


def test_an_unusable_lock_folder_gives_the_read_only_page_and_loses_nothing(
    as_alice: Client, vault: Vault, locks_unusable: Path
) -> None:
    response = as_alice.post(
        f"{reverse('exchange:import')}?vault={vault.pk}",
        {"format": "auto", "file": SimpleUploadedFile("one.vcf", CARD)},
    )
    page = response.content.decode()
    assert response.status_code == 503
    assert "The database is read-only" in page and "Nothing was saved" in page
    job = ImportJob.objects.get(vault=vault)
    assert job.status == ImportStatus.UPLOADED and job.upload  # not claimed, file kept
    assert as_alice.get(reverse("exchange:job", args=[job.pk])).status_code == 200

    locks_unusable.unlink()  # the administrator fixes it
    assert jobs.start_preview(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED
    as_alice.post(reverse("exchange:run", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert list(Person.objects.filter(vault=vault).values_list("family_name", flat=True)) == [
        "Vries"
    ]
