"""A backup from an older version comes up to date: its rows are loaded at the backup's own
migration state and migrated forward (here: a JSON-lines backup from before the person's
department existed, people.0005)."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from backup_cast import seed
from django.contrib.auth.models import User
from django.db.migrations.loader import MigrationLoader

from aandacht.accounts.models import Vault
from aandacht.backup import archive
from aandacht.backup.make import create_backup
from aandacht.backup.restore import check_archive, restore_backup
from aandacht.people.models import Person

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("people", "0005_person_department")


def make_older(good: Path, older: Path) -> None:
    """The same backup as the version before ``BEFORE`` would have written it."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    dropped = set(loader.graph.backwards_plan(BEFORE))  # it and all that follow it
    with zipfile.ZipFile(good) as source:
        manifest = json.loads(source.read(archive.MANIFEST))
        kept = {
            app: [n for n in names if (app, n) not in dropped]
            for app, names in manifest["migrations"].items()
        }
        leaves = [
            (app, names[-1]) for app, names in kept.items() if names
        ]  # sorted names: the last is the newest
        historical = loader.project_state(leaves, at_end=True).apps
        lines: list[str] = []
        keep: list[int] | None = None
        with source.open(archive.JSONL_MEMBER) as dump:
            for raw in dump:
                item = json.loads(raw)
                if isinstance(item, dict):
                    try:
                        model = historical.get_model(item["model"])
                    except LookupError:
                        keep = None
                        continue
                    names = {f.attname for f in model._meta.local_concrete_fields}
                    keep = [i for i, name in enumerate(item["fields"]) if name in names]
                    item["fields"] = [item["fields"][i] for i in keep]
                    lines.append(json.dumps(item))
                elif keep is not None:
                    lines.append(json.dumps([item[i] for i in keep]))
        data = ("\n".join(lines) + "\n").encode()
        manifest["migrations"] = kept
        writer = archive.ArchiveWriter(older)
        member = writer.zip.open(archive.JSONL_MEMBER, "w")
        member.write(data)
        member.close()
        writer.files[archive.JSONL_MEMBER] = {
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        writer.finish(
            archive.Manifest(
                vendor=manifest["vendor"],
                payload=archive.JSONL_MEMBER,
                created_at=manifest["created_at"],
                app_version="0.0.9",
                migrations=kept,
                counts=manifest["counts"],
            )
        )


def test_an_older_json_backup_is_loaded_at_its_state_and_migrated(
    tmp_path: Path, media: Path, alice: User, vault: Vault, other_vault: Vault
) -> None:
    seed(alice, vault, other_vault)
    Person.objects.filter(given_name="Anna").update(department="Burgerzaken")
    names = sorted(Person.objects.values_list("pk", "given_name", "family_name"))
    good = create_backup(tmp_path / "good.zip", portable=True).path
    older = tmp_path / "older.zip"
    make_older(good, older)
    assert check_archive(older).needs_migration

    result = restore_backup(older, force=True)

    assert result.migrated
    assert sorted(Person.objects.values_list("pk", "given_name", "family_name")) == names
    # The column the older version did not have is there, with its default.
    assert set(Person.objects.values_list("department", flat=True)) == {""}
