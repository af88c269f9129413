"""Which vault real work lands in when none is chosen."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.accounts.services import default_vault


def test_an_own_vault_wins_over_one_shared_read_only(carol: User, vault: Vault) -> None:
    # carol views "Alice's people", which sorts before her own "Zoë's vault".
    own = Vault.objects.create(name="Zoë's vault")
    Membership.objects.create(vault=own, user=carol, role=Role.OWNER)

    assert default_vault(carol) == own


def test_an_edited_vault_wins_over_a_viewed_one(bob: User, vault: Vault) -> None:
    viewed = Vault.objects.create(name="Aardvarks")
    Membership.objects.create(vault=viewed, user=bob, role=Role.VIEWER)

    assert default_vault(bob) == vault


def test_the_demo_vault_is_never_the_default(alice: User, vault: Vault) -> None:
    demo = Vault.objects.create(name="A demo", is_demo=True)
    Membership.objects.create(vault=demo, user=alice, role=Role.OWNER)

    assert default_vault(alice) == vault


def test_someone_without_a_vault_gets_a_personal_one(mallory: User) -> None:
    created = default_vault(mallory)

    assert Membership.objects.get(user=mallory, vault=created).role == Role.OWNER
    assert default_vault(mallory) == created


def test_the_vault_last_worked_in_opens_again_after_signing_in(
    client: Client, alice: User, vault: Vault
) -> None:
    demo = Vault.objects.create(name="Demo", is_demo=True)
    Membership.objects.create(vault=demo, user=alice, role=Role.OWNER)
    client.force_login(alice)
    assert client.get(reverse("web:home")).context["vault"] == vault

    client.get(reverse("people:list"), {"vault": demo.pk})
    client.logout()
    client.force_login(alice)

    assert client.get(reverse("web:home")).context["vault"] == demo
    assert client.get(reverse("people:list")).context["vault"] == demo


def test_a_vault_you_left_is_not_opened_again(client: Client, bob: User, vault: Vault) -> None:
    own = Vault.objects.create(name="Bob's own")
    Membership.objects.create(vault=own, user=bob, role=Role.OWNER)
    client.force_login(bob)
    client.get(reverse("people:list"), {"vault": vault.pk})
    Membership.objects.filter(user=bob, vault=vault).delete()
    client.logout()
    client.force_login(bob)

    assert client.get(reverse("web:home")).context["vault"] == own
