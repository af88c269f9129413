"""Imported photos are written by a thread while the import goes on: same result, clean failures."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.storage import default_storage

from aandacht.accounts.models import Vault
from aandacht.exchange import importing
from aandacht.exchange.importing import import_records
from aandacht.exchange.records import Record, RecordContact, RecordPhoto
from aandacht.people.models import Person

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def records(count: int) -> list[Record]:
    return [
        Record(
            number=number,
            given_name=f"Pic{number}",
            family_name="Berg",
            contacts=[RecordContact("email", f"pic{number}@example.nl")],
            photo=RecordPhoto(PNG, "image/png"),
        )
        for number in range(1, count + 1)
    ]


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.django_db
def test_every_photo_is_written_before_the_import_ends(
    vault: Vault, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "PHOTOS_PENDING", 3)  # finished writes are counted on the way
    report = import_records(vault, records(20), user=alice, chunk_size=4)
    assert report.created == 20
    people = list(Person.objects.filter(vault=vault))
    assert all(person.photo.name.endswith(".png") for person in people)
    assert {person.photo.name for person in people} == {
        str(path.relative_to(settings.MEDIA_ROOT)) for path in media_files()
    }
    for person in people:
        with default_storage.open(person.photo.name, "rb") as handle:
            assert handle.read() == PNG
    # the first through the storage, the rest written directly: all the same to look at
    modes = {path.stat().st_mode & 0o777 for path in media_files()}
    assert modes == {settings.FILE_UPLOAD_PERMISSIONS}


@pytest.mark.django_db
def test_a_file_the_storage_names_otherwise_is_stored_under_that_name(
    vault: Vault, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved: list[str] = []
    original = default_storage.save

    def elsewhere(name: str, content: Any, **kwargs: Any) -> str:
        stored = original(name.replace(".png", "_x1.png"), content, **kwargs)
        saved.append(stored)
        return stored

    monkeypatch.setattr(default_storage, "save", elsewhere)
    import_records(vault, records(3), user=alice)
    names = sorted(Person.objects.filter(vault=vault).values_list("photo", flat=True))
    assert len(saved) == 1 and saved[0] in names  # the first: the others went directly
    assert names == sorted(str(p.relative_to(settings.MEDIA_ROOT)) for p in media_files())


@pytest.mark.django_db
def test_a_name_taken_on_the_direct_way_goes_through_the_storage(
    vault: Vault, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = iter(["a" * 24, "a" * 24, "b" * 24])  # the second photo's name is taken
    monkeypatch.setattr(importing.secrets, "token_hex", lambda _size: next(taken))
    import_records(vault, records(3), user=alice, chunk_size=1)
    names = sorted(Person.objects.filter(vault=vault).values_list("photo", flat=True))
    assert len(set(names)) == 3
    assert names == sorted(str(p.relative_to(settings.MEDIA_ROOT)) for p in media_files())


@pytest.mark.django_db
@pytest.mark.parametrize("failing", [1, 5])  # through the storage; written directly
def test_a_failed_write_fails_the_import_and_leaves_no_file(
    vault: Vault, alice: User, monkeypatch: pytest.MonkeyPatch, failing: int
) -> None:
    original = os.chmod
    calls: list[str] = []

    def full_disk(path: Any, mode: int, **kwargs: Any) -> None:
        calls.append(str(path))
        if len(calls) == failing:
            raise OSError(28, "No space left on device")
        original(path, mode, **kwargs)

    monkeypatch.setattr(os, "chmod", full_disk)
    with pytest.raises(OSError, match="No space left"):
        import_records(vault, records(12), user=alice, chunk_size=4)
    assert len(calls) == 12  # the other writes went on, and were deleted
    assert not Person.objects.filter(vault=vault).exists()
    assert media_files() == []


@pytest.mark.django_db
def test_a_failure_elsewhere_deletes_the_photos_written_so_far(vault: Vault, alice: User) -> None:
    def failing() -> Any:
        yield from records(8)
        raise RuntimeError("the upload broke off")

    with pytest.raises(RuntimeError, match="broke off"):
        import_records(vault, failing(), user=alice, chunk_size=4)
    assert not Person.objects.filter(vault=vault).exists()
    assert media_files() == []


@pytest.mark.django_db
def test_a_dry_run_writes_no_photo(vault: Vault, alice: User) -> None:
    report = import_records(vault, records(5), user=alice, dry_run=True)
    assert report.created == 5
    assert media_files() == []
    assert not Person.objects.filter(vault=vault).exists()
