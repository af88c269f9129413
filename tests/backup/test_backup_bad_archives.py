"""A restore checks the whole archive first: each kind of bad file is refused with its own
reason, and nothing in the database or the media folder changes."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from backup_cast import seed
from django.contrib.auth.models import User

from aandacht.accounts.models import Vault
from aandacht.backup import archive, rows
from aandacht.backup.make import create_backup
from aandacht.backup.restore import restore_backup
from aandacht.people.services import create_person

pytestmark = pytest.mark.django_db(transaction=True)


def rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """A copy of the archive with each member passed through ``change`` (None drops it)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = change(name, old.read(name))
            if data is not None:
                new.writestr(name, data)
    return target


def manifest_edit(edit: Callable[[dict[str, object]], None]) -> Callable[[str, bytes], bytes]:
    def change(name: str, data: bytes) -> bytes:
        if name != archive.MANIFEST:
            return data
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()

    return change


def truncated(good: Path, tmp: Path) -> Path:
    bad = tmp / "truncated.zip"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return bad


def wrong_checksum(good: Path, tmp: Path) -> Path:
    def change(name: str, data: bytes) -> bytes:
        return data + b"tampered" if name.startswith(archive.MEDIA_PREFIX) else data

    return rewrite(good, tmp / "tampered.zip", change)


def newer_format(good: Path, tmp: Path) -> Path:
    def edit(manifest: dict[str, object]) -> None:
        manifest["format_version"] = archive.FORMAT_VERSION + 1

    return rewrite(good, tmp / "newer.zip", manifest_edit(edit))


def newer_migrations(good: Path, tmp: Path) -> Path:
    def edit(manifest: dict[str, object]) -> None:
        migrations = manifest["migrations"]
        assert isinstance(migrations, dict)
        migrations["people"].append("9999_from_the_future")

    return rewrite(good, tmp / "future.zip", manifest_edit(edit))


def not_an_archive(good: Path, tmp: Path) -> Path:
    bad = tmp / "notes.zip"
    bad.write_text("BEGIN:VCARD\nEND:VCARD\n")
    return bad


def no_manifest(good: Path, tmp: Path) -> Path:
    return rewrite(good, tmp / "bare.zip", lambda n, d: None if n == archive.MANIFEST else d)


def missing_database(good: Path, tmp: Path) -> Path:
    return rewrite(
        good,
        tmp / "nodb.zip",
        lambda n, d: None if n in (archive.SQLITE_MEMBER, archive.JSONL_MEMBER) else d,
    )


@pytest.mark.parametrize(
    ("spoil", "code"),
    [
        (truncated, "truncated"),
        (wrong_checksum, "checksum"),
        (newer_format, "newer_format"),
        (newer_migrations, "newer_migrations"),
        (not_an_archive, "not_archive"),
        (no_manifest, "no_manifest"),
        (missing_database, "missing_member"),
    ],
)
def test_a_bad_archive_is_refused_for_its_own_reason_and_nothing_changes(
    spoil: Callable[[Path, Path], Path],
    code: str,
    tmp_path: Path,
    media: Path,
    alice: User,
    vault: Vault,
    other_vault: Vault,
) -> None:
    cast = seed(alice, vault, other_vault)
    good = create_backup(tmp_path / "good.zip").path
    create_person(vault, "Only after the backup")
    before = rows.count_rows()
    bad = spoil(good, tmp_path)

    with pytest.raises(archive.ArchiveProblem) as refused:
        restore_backup(bad, force=True)

    assert refused.value.code == code
    assert rows.count_rows() == before
    assert (media / cast.photo_name).read_bytes() == cast.photo


def test_a_missing_file_is_its_own_problem(tmp_path: Path) -> None:
    with pytest.raises(archive.ArchiveProblem) as refused:
        archive.open_archive(tmp_path / "nothing.zip")
    assert refused.value.code == "missing"
