"""Importer fixes of issue 5: company sort keys, invalid phones, reasons, related names."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from aandacht.accounts.models import Vault
from aandacht.exchange import importing
from aandacht.exchange.from_vcard import records_from_vcards
from aandacht.exchange.importing import import_records
from aandacht.people.models import Person


def import_vcf(vault: Vault, user: User, text: str, **options: Any) -> importing.ImportReport:
    return import_records(vault, records_from_vcards(text.encode()), user=user, **options)


def vcf(*cards: list[str], version: str = "3.0") -> str:
    return "".join(
        "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD"]) + "\r\n"
        for lines in cards
    )


@pytest.mark.django_db
def test_an_organisation_only_card_sorts_under_its_organisation(vault: Vault, alice: User) -> None:
    import_vcf(vault, alice, vcf(["FN:Fietsenmakerij Ven", "N:;;;;", "ORG:Fietsenmakerij Ven"]))
    person = Person.objects.get(vault=vault)
    assert person.sort_key.startswith("fietsenmakerij ven")
    assert person.initials == "FV"


@pytest.mark.django_db
def test_a_nickname_only_person_gains_an_organisation_sort_key_on_update(
    vault: Vault, alice: User
) -> None:
    card = ["FN:Acme", "N:;;;;", "ORG:Acme", "UID:acme-1"]
    import_vcf(vault, alice, vcf(card))
    import_vcf(vault, alice, vcf([*card, "TITLE:Supplier"]))
    assert Person.objects.get(vault=vault).sort_key.startswith("acme")


@pytest.mark.django_db
def test_invalid_phones_do_not_match_within_one_file(vault: Vault, alice: User) -> None:
    report = import_vcf(
        vault,
        alice,
        vcf(
            ["FN:Anna Berg", "N:Berg;Anna;;;", "TEL:123456"],
            ["FN:Kees Dam", "N:Dam;Kees;;;", "TEL:123456"],
        ),
    )
    assert report.created == 2
    assert Person.objects.filter(vault=vault).count() == 2


@pytest.mark.django_db
def test_invalid_phones_do_not_match_people_in_the_vault(vault: Vault, alice: User) -> None:
    import_vcf(vault, alice, vcf(["FN:Anna Berg", "N:Berg;Anna;;;", "TEL:123456"]))
    import_vcf(vault, alice, vcf(["FN:Kees Dam", "N:Dam;Kees;;;", "TEL:123456"]))
    assert Person.objects.filter(vault=vault).count() == 2


@pytest.mark.django_db
def test_valid_phones_still_match(vault: Vault, alice: User) -> None:
    import_vcf(vault, alice, vcf(["FN:Anna Berg", "N:Berg;Anna;;;", "TEL:+31 6 12345678"]))
    import_vcf(vault, alice, vcf(["FN:Anna", "N:;Anna;;;", "TEL:06-12345678"]))
    assert Person.objects.filter(vault=vault).count() == 1
