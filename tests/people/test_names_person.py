"""Organisation- and nickname-only people in the database and the list (names.fallback_name).

Person.save() and Person.initials pass ``fallback=names.fallback_name(nickname, organisation)``
to names.sort_key/initials; migration people 0004 recomputes the keys stored before that.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from aandacht.accounts.models import Vault
from aandacht.people.models import Person

pytestmark = pytest.mark.django_db


def test_an_organisation_only_person_sorts_and_draws_by_the_organisation(vault: Vault) -> None:
    company = Person.objects.create(vault=vault, organisation="Fietsenmakerij Ven")
    assert company.name == "Fietsenmakerij Ven"
    assert company.initials == "FV"
    assert company.sort_key.startswith("fietsenmakerij ven")


def test_a_nickname_only_person_sorts_and_draws_by_the_nickname(vault: Vault) -> None:
    person = Person.objects.create(vault=vault, nickname="Jer", organisation="Zeta")
    assert person.initials == "J"
    assert person.sort_key.startswith("jer")


def test_the_list_files_a_company_under_its_letter(
    client: Client, alice: User, vault: Vault
) -> None:
    Person.objects.create(vault=vault, organisation="Fietsenmakerij Ven")
    client.force_login(alice)
    response = client.get(reverse("people:list"), {"vault": vault.pk})
    groups = {group.label: group for group in response.context["groups"]}
    assert "#" not in groups
    [row] = groups["F"].rows
    assert row.person.initials == "FV"


def test_the_migration_files_stored_companies_under_their_letter(vault: Vault) -> None:
    """People stored before the fallback had an empty key; migration 0004 recomputes it."""
    from importlib import import_module

    from django.apps import apps

    company = Person.objects.create(vault=vault, organisation="Fietsenmakerij Ven")
    named = Person.objects.create(vault=vault, given_name="Anna", family_name="Boer")
    Person.objects.filter(pk=company.pk).update(sort_key="\x1f\x1f")
    migration = import_module("aandacht.people.migrations.0004_sort_key_fallback")
    migration.recompute_sort_keys(apps, None)
    company.refresh_from_db()
    assert company.sort_key.startswith("fietsenmakerij ven")
    assert Person.objects.get(pk=named.pk).sort_key == named.sort_key
