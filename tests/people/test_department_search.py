"""A department is found by search, whether typed on the person page or imported."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from aandacht.accounts.models import Vault
from aandacht.exchange.importing import import_records
from aandacht.exchange.records import Record
from aandacht.people.models import Person
from aandacht.people.search import search_people

pytestmark = pytest.mark.django_db


def found(vault: Vault, query: str) -> list[str]:
    return [hit.person.name for hit in search_people(vault, query)]


def test_a_saved_department_is_searchable(vault: Vault) -> None:
    Person.objects.create(vault=vault, given_name="Iris", organisation="IBM", department="Treasury")
    assert found(vault, "treasury") == ["Iris"]


def test_an_imported_department_is_searchable(vault: Vault, alice: User) -> None:
    record = Record(number=1, given_name="Omar", organisation="Acme", department="Logistiek")
    import_records(vault, [record], user=alice)
    assert found(vault, "logistiek") == ["Omar"]
