"""An imported person's search text names each email once, and search still finds them."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User

from aandacht.accounts.models import Vault
from aandacht.exchange import pipeline, sources
from aandacht.exchange.importing import import_records
from aandacht.people.models import ContactMethod, Person
from aandacht.people.search import refresh_search_fields, search_people

CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Berg;Jan;;;\r\nFN:Jan Berg\r\n"
    "EMAIL;TYPE=INTERNET:Jan.Berg@Example.NL\r\nEMAIL;TYPE=INTERNET:jan@berg.example\r\n"
    "TEL;TYPE=CELL:06 1234 5678\r\nORG:Acme\r\nEND:VCARD\r\n"
)


@pytest.mark.django_db
def test_each_email_is_written_once_and_a_phone_in_both_forms(vault: Vault, alice: User) -> None:
    import_records(vault, sources.read_records(io.BytesIO(CARD.encode()), "vcard"), user=alice)
    person = Person.objects.get(vault=vault)
    text = person.search_text
    assert text.split().count("jan.berg@example.nl") == 1
    assert text.split().count("jan@berg.example") == 1
    assert "06 1234 5678" in text and "+31612345678" in text
    # the import's own columns are what the search module makes of the person
    written = (person.search_names, person.search_text)
    refresh_search_fields([person.pk])
    person.refresh_from_db()
    assert (person.search_names, person.search_text) == written
    # (a national "0612345678" finds the number on SQLite only: pg_trgm's word similarity)
    for query in ("jan.berg@example.nl", "Jan.Berg@Example.NL", "berg.example", "+31612345678",
                  "612345678", "acme"):  # fmt: skip
        assert [hit.person.pk for hit in search_people(vault, query)] == [person.pk], query


@pytest.mark.django_db
def test_a_normalised_form_that_differs_is_still_indexed(vault: Vault) -> None:
    person = Person.objects.create(vault=vault, given_name="Ann")
    ContactMethod.objects.create(
        person=person, kind="email", value="ann@example.nl", normalized="ann@example.nl"
    )
    ContactMethod.objects.create(
        person=person, kind="phone", value="+31 6 11112222", normalized="+31611112222"
    )
    refresh_search_fields([person.pk])
    person.refresh_from_db()
    assert person.search_text.split().count("ann@example.nl") == 1
    assert "+31611112222" in person.search_text
    assert [hit.person.pk for hit in search_people(vault, "31611112222")] == [person.pk]


def test_the_worker_prepares_every_chunk_by_default() -> None:
    """The importer's matching and writing is the larger half (measured): it prepares none."""
    assert pipeline.LOW_WATER == 0
