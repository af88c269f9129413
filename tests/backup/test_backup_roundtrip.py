"""A backup and a restore bring back every row of every table and every photo, on both
databases and in both formats (the SQLite file, and JSON lines as PostgreSQL writes them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from backup_cast import exported, seed
from django.contrib.auth.models import User
from django.db import connection

from aandacht.accounts.models import Vault
from aandacht.accounts.tokens import authenticate
from aandacht.backup import archive, rows
from aandacht.backup.make import create_backup
from aandacht.backup.restore import InstanceNotEmpty, check_archive, restore_backup
from aandacht.carddav.models import Card
from aandacht.people.models import Person
from aandacht.people.search import search_people
from aandacht.people.services import create_person
from aandacht.web import stamp

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("portable", [False, True], ids=["native", "json-lines"])
def test_a_restore_brings_back_every_row_photo_token_and_card(
    portable: bool, tmp_path: Path, media: Path, alice: User, vault: Vault, other_vault: Vault
) -> None:
    # On PostgreSQL both are JSON lines: the second run is then the same test once more.
    cast = seed(alice, vault, other_vault)
    before_rows = rows.count_rows()
    before_export = exported(vault, alice)
    cards_before = sorted(Card.objects.values_list("href", "etag"))
    assert cards_before and before_rows["people.person"] == 3

    result = create_backup(tmp_path / "backup.zip", portable=portable)
    assert result.counts == before_rows
    assert result.media_files == 1
    manifest = check_archive(result.path).manifest
    expected_payload = (
        archive.SQLITE_MEMBER
        if connection.vendor == "sqlite" and not portable
        else archive.JSONL_MEMBER
    )
    assert manifest.payload == expected_payload
    assert manifest.vendor == connection.vendor

    # Afterwards things change: someone is deleted, someone added, the photo file lost.
    Person.objects.filter(given_name="Bram").delete()
    create_person(vault, "Zoë Nieuw")
    (media / cast.photo_name).unlink()

    restored = restore_backup(result.path, force=True)

    assert rows.count_rows() == before_rows
    assert restored.counts["people.person"] == 3
    assert exported(vault, alice) == before_export
    assert sorted(Card.objects.values_list("href", "etag")) == cards_before
    assert (media / cast.photo_name).read_bytes() == cast.photo
    token = authenticate(cast.raw_token)
    assert token is not None and token.user.username == "alice"
    # The search index came back too (FTS5 on SQLite, trigrams on PostgreSQL).
    assert [hit.person.name for hit in search_people(vault, "Anna")] == ["Anna de Vries"]
    # The link rows have their interaction's date again (the database's triggers dated them
    # as the rows came back, in whatever order: timeline.0004_link_dates).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(l.occurred_at), "
            "sum(CASE WHEN l.occurred_at = i.occurred_at THEN 1 ELSE 0 END) "
            "FROM timeline_interaction_people l "
            "JOIN timeline_interaction i ON i.id = l.interaction_id"
        )
        links, dated, agreeing = cursor.fetchone()
    assert links > 0 and links == dated == agreeing
    # New rows get fresh ids after a restore (PostgreSQL's sequences were reset).
    newcomer = create_person(vault, "Na de restore")
    assert newcomer.pk > max(Person.objects.exclude(pk=newcomer.pk).values_list("pk", flat=True))


def test_a_restore_refuses_an_instance_that_is_not_empty(
    tmp_path: Path, media: Path, alice: User, vault: Vault, other_vault: Vault
) -> None:
    seed(alice, vault, other_vault)
    backup = create_backup(tmp_path / "backup.zip").path
    added = create_person(vault, "Added after the backup")
    with pytest.raises(InstanceNotEmpty) as refused:
        restore_backup(backup)
    assert refused.value.found["people.person"] == 4
    assert refused.value.found["auth.user"] == 2
    assert Person.objects.filter(pk=added.pk).exists()


@pytest.mark.parametrize("portable", [False, True], ids=["native", "json-lines"])
def test_a_restore_raises_the_write_stamp(
    portable: bool, tmp_path: Path, media: Path, vault: Vault
) -> None:
    """The backup holds the stamp of its day, which the running processes have seen: figures
    they kept under it must not come back after the restore (``web.stamp``)."""
    create_person(vault, "Ann Smith")
    result = create_backup(tmp_path / "backup.zip", portable=portable)
    create_person(vault, "Ben Jones")
    before = stamp.current()
    assert before is not None
    restore_backup(result.path, force=True)
    after = stamp.current()
    assert after is not None and after > before
