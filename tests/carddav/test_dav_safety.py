"""What the security review found, kept fixed: NUL bytes, cards with endless properties, a
DELETE racing a PUT, a restored person whose UID a newer card took, and huge folded cards."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from aandacht.accounts.models import Vault
from aandacht.carddav import store
from aandacht.carddav.mapping import unfolded
from aandacht.carddav.models import Card
from aandacht.carddav.writing import MAX_PROPERTIES, CardRejected, delete_card, put_card
from aandacht.people.lifecycle import restore_person
from aandacht.people.models import Person


def body(*lines: str) -> bytes:
    return "\r\n".join(["BEGIN:VCARD", "VERSION:3.0", *lines, "END:VCARD", ""]).encode()


def put(vault: Vault, user: User, href: str, data: bytes) -> Card:
    existing = store.cards_by_href(vault.pk, [href]).get(href)
    return put_card(vault=vault, user=user, href=href, body=data, existing=existing).card


def test_a_nul_byte_is_refused_and_nothing_is_stored(alice: User, vault: Vault) -> None:
    with pytest.raises(CardRejected) as refused:
        put(vault, alice, "nul.vcf", body("FN:Ada\x00Lovelace", "UID:nul"))
    assert refused.value.status == 400 and "NUL" in refused.value.message
    assert not Person.objects.filter(vault=vault).exists()
    assert not Card.objects.filter(vault=vault).exists()


def test_a_card_with_too_many_properties_is_refused(alice: User, vault: Vault) -> None:
    numbers = [f"TEL:+31 6 {10000000 + n}" for n in range(MAX_PROPERTIES + 1)]
    with pytest.raises(CardRejected) as refused:
        put(vault, alice, "many.vcf", body("FN:Many Numbers", "UID:many", *numbers))
    assert refused.value.status == 400
    assert f"at most {MAX_PROPERTIES:,}" in refused.value.message
    assert not Person.objects.filter(vault=vault).exists()


def test_a_delete_after_the_card_changed_is_refused(alice: User, vault: Vault) -> None:
    card = put(vault, alice, "ada.vcf", body("FN:Ada Lovelace", "UID:ada"))
    checked = store.cards_by_href(vault.pk, ["ada.vcf"])["ada.vcf"]
    # another client's PUT lands between this DELETE's If-Match check and its lock
    put(vault, alice, "ada.vcf", body("FN:Ada Lovelace", "TEL:+31 6 12345678", "UID:ada"))
    with pytest.raises(CardRejected) as refused:
        delete_card(card=checked, user=alice)
    assert refused.value.status == 412
    person = Person.objects.get(pk=card.person_id)
    assert person.trashed_at is None
    assert store.live_cards(vault.pk).filter(href="ada.vcf").exists()


def test_a_restored_person_gets_a_uid_of_their_own(alice: User, vault: Vault) -> None:
    first = put(vault, alice, "rc1.vcf", body("FN:Ada Lovelace", "UID:rc1"))
    delete_card(card=store.cards_by_href(vault.pk, ["rc1.vcf"])["rc1.vcf"], user=alice)
    # the phone creates her again with the same UID, under another name
    second = put(vault, alice, "again.vcf", body("FN:Ada Lovelace", "UID:rc1"))
    assert second.person_id != first.person_id
    restore_person(Person.objects.get(pk=first.person_id))
    store.refresh(vault)
    uids = list(store.live_cards(vault.pk).values_list("uid", flat=True))
    assert len(uids) == 2 and len(set(uids)) == 2
    texts = list(store.live_cards(vault.pk).values_list("text", flat=True))
    assert sum("UID:rc1\r\n" in text for text in texts) == 1


def test_a_four_megabyte_card_unfolds_into_its_lines() -> None:
    # (was quadratic: seconds per PUT while holding the database; no timing asserted here)
    text = "BEGIN:VCARD\r\nNOTE:" + "\r\n ".join(["x" * 74] * 55_000) + "\r\nEND:VCARD\r\n"
    lines = unfolded(text)
    assert len(lines) == 3 and len(lines[1]) == len("NOTE:") + 74 * 55_000
