"""Our own CSV export reads back through csv_sources without a mapping, field for field."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from aandacht.accounts.models import Vault
from aandacht.exchange.csv_sources import read_mapped, sniff_csv
from aandacht.exchange.exporting import export_csv
from aandacht.exchange.records import Record, RecordAddress, RecordContact, RecordDate
from aandacht.people.models import Address, Person
from aandacht.people.services import add_contact_method, add_important_date, create_person
from aandacht.timeline.services import add_note


@pytest.mark.django_db
def test_export_then_read_gives_the_same_person(vault: Vault) -> None:
    person = create_person(
        vault,
        given_name="Frédérique",
        particles="van der",
        family_name="Berg",
        nickname="-Fré-",  # a spreadsheet would run this: the export guards it
        organisation="Gemeente Utrecht, Ruimte",
        job_title="=Stedenbouwkundige",
        met_at="Dutch PHP Conference",
        met_on=dt.date(2024, 6, 14),
        emails=["fre@example.nl", "frederique@thuis.example"],
        phones=["+31 6 12345678", "030 123 4567"],
        tags=["speaker", "Utrecht, centrum"],
    )
    Person.objects.filter(pk=person.pk).update(
        name_prefix="dr.", name_suffix="MSc", time_zone="Europe/Amsterdam", pronouns="zij/haar"
    )
    add_contact_method(person, "website", "https://fre.example")
    add_contact_method(person, "social", "https://mastodon.social/@fre")
    add_contact_method(person, "social", "https://www.linkedin.com/in/fre-berg")
    Address.objects.create(
        person=person,
        street="Oudegracht 12",
        postal_code="3511 AB",
        locality="Utrecht",
        region="Utrecht",
        country="Nederland",
    )
    add_important_date(person, "birthday", 2, 29)
    add_important_date(person, "anniversary", 6, 1, 2012)
    add_note(vault, person, "earlier, with\na break", occurred_at=timezone.now())
    create_person(vault, given_name="Sam")

    out = io.StringIO(newline="")
    assert export_csv(vault, out) == 2
    data = out.getvalue().encode("utf-8")
    assert sniff_csv(data) == "csv"
    records = [item for item in read_mapped(io.BytesIO(data)) if isinstance(item, Record)]
    assert len(records) == 2
    fre = next(r for r in records if r.family_name == "Berg")
    assert (fre.given_name, fre.particles, fre.family_name) == ("Frédérique", "van der", "Berg")
    assert (fre.nickname, fre.name_prefix, fre.name_suffix) == ("-Fré-", "dr.", "MSc")
    assert (fre.organisation, fre.job_title) == ("Gemeente Utrecht, Ruimte", "=Stedenbouwkundige")
    assert [(c.kind, c.value, c.service) for c in fre.contacts] == [
        ("email", "fre@example.nl", ""),
        ("email", "frederique@thuis.example", ""),
        ("phone", "+31 6 12345678", ""),
        ("phone", "030 123 4567", ""),
        ("website", "https://fre.example", ""),
        ("social", "https://mastodon.social/@fre", "mastodon"),
        ("social", "https://www.linkedin.com/in/fre-berg", "linkedin"),
    ]
    assert all(isinstance(c, RecordContact) for c in fre.contacts)
    assert fre.addresses == [
        RecordAddress(
            street="Oudegracht 12",
            postal_code="3511 AB",
            locality="Utrecht",
            region="Utrecht",
            country="Nederland",
        )
    ]
    assert fre.dates == [
        RecordDate("birthday", 2, 29, None),
        RecordDate("anniversary", 6, 1, 2012),
    ]
    assert sorted(fre.tags) == ["Utrecht, centrum", "speaker"]
    assert fre.note == "earlier, with\na break"
    assert (fre.met_on, fre.met_at) == (dt.date(2024, 6, 14), "Dutch PHP Conference")
    assert (fre.time_zone, fre.pronouns) == ("Europe/Amsterdam", "zij/haar")
    sam = next(r for r in records if r.given_name == "Sam")
    assert (sam.particles, sam.family_name, sam.contacts) == ("", "", [])
