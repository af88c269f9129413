"""CSV export (aandacht.exchange.exporting.export_csv): the import's own field names as header."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from aandacht.accounts.models import Vault
from aandacht.exchange import exporting, sources
from aandacht.exchange.exporting import (
    CSV_COLUMNS,
    MULTI_VALUE_SEPARATOR,
    export_csv,
    guard_formula,
)
from aandacht.exchange.importing import import_records
from aandacht.exchange.records import FIELD_NAMES
from aandacht.people.lifecycle import trash_person
from aandacht.people.models import Address, Person, Tag
from aandacht.people.services import add_contact_method, add_important_date, create_person
from aandacht.timeline.services import add_note


def export(vault: Vault, tag: Tag | None = None) -> tuple[str, int]:
    out = io.StringIO(newline="")
    count = export_csv(vault, out, tag=tag)
    return out.getvalue(), count


def rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    return list(reader)


@pytest.mark.django_db
def test_header_only_for_an_empty_vault(vault: Vault) -> None:
    text, count = export(vault)
    assert count == 0
    assert text == ",".join(CSV_COLUMNS) + "\r\n"


@pytest.mark.django_db
def test_every_column(vault: Vault, alice: User) -> None:
    person = create_person(
        vault,
        given_name="Frédérique",
        particles="van der",
        family_name="Berg",
        nickname="Fré",
        organisation="Gemeente Utrecht, Ruimte",
        department="Stedenbouw",
        job_title="Stedenbouwkundige",
        met_at="Dutch PHP Conference",
        met_on=dt.date(2024, 6, 14),
        emails=["fre@example.nl", "frederique@thuis.example"],
        phones=["+31 6 12345678", "030 123 4567"],
        tags=["speaker", "Buren"],
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
    Address.objects.create(person=person, street="Kanaalweg 1", locality="Delft")
    add_important_date(person, "birthday", 4, 15)
    add_important_date(person, "anniversary", 6, 1, 2012)
    add_note(vault, person, "later", occurred_at=timezone.now())
    add_note(vault, person, "earlier, with\na break", occurred_at=timezone.now() - dt.timedelta(1))
    add_note(vault, person, "PRIVATE", private=True, author=alice)
    text, count = export(vault)
    assert count == 1
    [row] = rows(text)
    assert row == {
        "full_name": "Frédérique van der Berg",
        "given_name": "Frédérique",
        "particles": "van der",
        "family_name": "Berg",
        "nickname": "Fré",
        "name_prefix": "dr.",
        "name_suffix": "MSc",
        "organisation": "Gemeente Utrecht, Ruimte",
        "department": "Stedenbouw",
        "job_title": "Stedenbouwkundige",
        "email": "fre@example.nl ::: frederique@thuis.example",
        "phone": "+31 6 12345678 ::: 030 123 4567",
        "website": "https://fre.example",
        "social": "https://mastodon.social/@fre ::: https://www.linkedin.com/in/fre-berg",
        "street": "Oudegracht 12",
        "postal_code": "3511 AB",
        "city": "Utrecht",
        "region": "Utrecht",
        "country": "Nederland",
        "birthday": "--04-15",
        "anniversary": "2012-06-01",
        "note": "earlier, with\na break\n\nlater",
        "tags": "Buren ::: speaker",
        "met_on": "2024-06-14",
        "met_at": "Dutch PHP Conference",
        "time_zone": "Europe/Amsterdam",
        "pronouns": "zij/haar",
    }
    assert "PRIVATE" not in text
    assert MULTI_VALUE_SEPARATOR == " ::: "


@pytest.mark.django_db
def test_crlf_rows_and_quoted_line_breaks(vault: Vault) -> None:
    person = create_person(vault, "Anna Smit")
    add_note(vault, person, 'line one\nline "two"')
    text, _count = export(vault)
    assert text.count("\r\n") == 2  # header and row; the note's own break stays a bare LF
    assert '"line one\nline ""two"""' in text


@pytest.mark.django_db
def test_trashed_and_other_vaults_are_left_out_and_tag_filters(
    vault: Vault, other_vault: Vault
) -> None:
    create_person(vault, "Jeroen van de Ven", tags=["speaker"])
    create_person(vault, "Anna Smit")
    trash_person(create_person(vault, "Bert Weg", tags=["speaker"]))
    create_person(other_vault, "Mallory Geheim", tags=["speaker"])
    assert [r["full_name"] for r in rows(export(vault)[0])] == [
        "Anna Smit",
        "Jeroen van de Ven",
    ]
    tag = Tag.objects.get(vault=vault, name="speaker")
    text, count = export(vault, tag)
    assert count == 1
    assert [r["full_name"] for r in rows(text)] == ["Jeroen van de Ven"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("\t=1", "'\t=1"),
        ("+31 6 12345678", "+31 6 12345678"),
        ("+1 (555) 010-9999", "+1 (555) 010-9999"),
        ("-", "-"),
        ("Anna", "Anna"),
        ("", ""),
    ],
)
def test_formula_guard(value: str, expected: str) -> None:
    assert guard_formula(value) == expected


@pytest.mark.django_db
def test_a_formula_in_a_name_is_defused(vault: Vault) -> None:
    create_person(vault, given_name="=cmd|' /C calc'!A0", family_name="Kwaad")
    [row] = rows(export(vault)[0])
    assert row["given_name"] == "'=cmd|' /C calc'!A0"
    assert row["full_name"].startswith("'=")


@pytest.mark.django_db
def test_row_keys_are_the_field_names(vault: Vault) -> None:
    person = create_person(vault, "Anna Smit")
    assert tuple(exporting.person_to_row(person, notes=[])) == CSV_COLUMNS


@pytest.mark.parametrize("size", [2, 40])
@pytest.mark.django_db
def test_queries_do_not_grow_with_the_people_in_a_batch(
    vault: Vault, size: int, django_assert_max_num_queries: Any
) -> None:
    for number in range(size):
        person = create_person(
            vault, f"Persoon {number}", emails=[f"p{number}@example.nl"], tags=["team"]
        )
        add_important_date(person, "birthday", 1, 1 + number % 28)
        Address.objects.create(person=person, street=f"Straat {number}")
        add_note(vault, person, f"note {number}")
    with django_assert_max_num_queries(7):
        _text, count = export(vault)
    assert count == size


def test_the_columns_are_the_field_names_with_the_department_after_the_organisation() -> None:
    assert [name for name in CSV_COLUMNS if name != "department"] == [
        name for name in FIELD_NAMES if name != "department"
    ]
    assert CSV_COLUMNS.index("department") == CSV_COLUMNS.index("organisation") + 1


@pytest.mark.django_db
def test_department_has_its_own_column(vault: Vault) -> None:
    create_person(vault, "Anna Smit", organisation="IBM, Inc.", department="=Accounting")
    [row] = rows(export(vault)[0])
    assert (row["organisation"], row["department"]) == ("IBM, Inc.", "'=Accounting")


@pytest.mark.django_db
def test_the_department_column_imports_again(vault: Vault, other_vault: Vault) -> None:
    create_person(vault, "Anna Smit", organisation="IBM", department="Accounting, Payroll")
    data = export(vault)[0].encode("utf-8")
    report = import_records(
        other_vault, sources.read_records(io.BytesIO(data), "auto", filename="export.csv")
    )
    assert report.errors == [] and report.created == 1
    person = Person.objects.get(vault=other_vault)
    assert (person.organisation, person.department) == ("IBM", "Accounting, Payroll")
