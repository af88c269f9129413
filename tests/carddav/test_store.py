"""The stored cards follow every edit: new people, changes, the trash, moves and deletions."""

from __future__ import annotations

from django.contrib.auth.models import User

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.carddav import store
from aandacht.carddav.models import Card
from aandacht.people.lifecycle import trash_person
from aandacht.people.models import Person
from aandacht.people.services import add_contact_method, create_person
from aandacht.people.transfer import move_person


def test_refresh_creates_renders_and_bumps_only_on_change(vault: Vault) -> None:
    ada = create_person(vault, given_name="Ada", family_name="Lovelace")
    first = store.refresh(vault)
    card = Card.objects.get(person=ada)
    assert card.etag.startswith('"') and "FN:Ada Lovelace" in card.text
    assert card.revision == first
    # nothing changed: same revision, no writes
    assert store.refresh(vault) == first
    # a save that changes nothing visible renders again but keeps the ETag and revision
    ada.save()
    assert store.refresh(vault) == first
    assert Card.objects.get(person=ada).etag == card.etag
    add_contact_method(ada, "email", "ada@example.org")
    second = store.refresh(vault)
    assert second == first + 1
    changed = list(store.changes_since(vault.pk, first))
    assert [c.person_id for c in changed] == [ada.pk]
    assert "ada@example.org" in changed[0].text


def test_trash_and_delete_leave_tombstones(vault: Vault) -> None:
    ada = create_person(vault, given_name="Ada")
    bob = create_person(vault, given_name="Bob")
    start = store.refresh(vault)
    trash_person(ada)
    Person.objects.filter(pk=bob.pk).delete()
    after = store.refresh(vault)
    assert after == start + 1
    gone = list(store.changes_since(vault.pk, start))
    assert len(gone) == 2 and all(c.deleted and c.person_id is None for c in gone)
    assert not store.live_cards(vault.pk).exists()


def test_sync_tokens_name_their_vault(vault: Vault) -> None:
    token = store.sync_token(vault.pk, 7)
    assert store.parse_sync_token(token, vault.pk) == 7
    assert store.parse_sync_token(token, vault.pk + 1) is None
    assert store.parse_sync_token("http://example.org/sync/7", vault.pk) is None


def test_a_move_carries_the_phone_only_lines_and_leaves_a_tombstone(
    alice: User, vault: Vault
) -> None:
    team = Vault.objects.create(name="Team")
    Membership.objects.create(vault=team, user=alice, role=Role.OWNER)
    ada = create_person(vault, given_name="Ada")
    store.refresh(vault)
    Card.objects.filter(person=ada).update(extra="X-PHONETIC-FIRST-NAME:Ah-da")
    before = store.refresh(vault)
    move_person(alice, ada, team)
    store.refresh(vault)
    store.refresh(team)
    (old,) = store.changes_since(vault.pk, before)
    assert old.deleted
    moved = store.live_cards(team.pk).get(person=ada)
    assert "X-PHONETIC-FIRST-NAME:Ah-da" in moved.text
    assert moved.text.count("X-PHONETIC-FIRST-NAME") == 1
