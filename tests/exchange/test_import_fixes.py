"""Importer fixes of issue 5: company sort keys, invalid phones, reasons, related names."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Literal

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from aandacht.accounts.models import Vault
from aandacht.exchange import exporting, importing, sources
from aandacht.exchange.from_vcard import records_from_vcards
from aandacht.exchange.importing import import_records
from aandacht.exchange.records import Record
from aandacht.people.models import Address, Person
from aandacht.people.services import add_contact_method, create_person
from aandacht.timeline.models import Note


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


FIXTURES = Path(__file__).parent / "fixtures"


def notes_of(person: Person) -> list[str]:
    return list(Note.objects.filter(person=person).values_list("body", flat=True))


@pytest.mark.django_db
def test_related_names_become_lines_of_the_note_once(vault: Vault, alice: User) -> None:
    data = (FIXTURES / "apple_contacts.vcf").read_text()
    first = import_vcf(vault, alice, data)
    jeroen = Person.objects.get(vault=vault, given_name="Jeroen")
    assert notes_of(jeroen) == ["Ontmoet op de bierbeurs; houdt van tripel.\n\nSpouse: Anne"]
    again = import_vcf(vault, alice, data)
    assert (again.created, again.updated) == (0, 0), again.as_json()
    assert notes_of(jeroen) == ["Ontmoet op de bierbeurs; houdt van tripel.\n\nSpouse: Anne"]
    assert first.created == 3


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["4.0", "3.0"])
def test_related_names_survive_our_export_and_its_reimport(
    vault: Vault, alice: User, version: Literal["4.0", "3.0"]
) -> None:
    import_vcf(vault, alice, (FIXTURES / "apple_contacts.vcf").read_text())
    out = io.StringIO(newline="")
    exporting.export_vcards(vault, out, version=version)
    report = import_vcf(vault, alice, out.getvalue())
    assert (report.created, report.updated) == (0, 0), report.as_json()
    jeroen = Person.objects.get(vault=vault, given_name="Jeroen")
    assert notes_of(jeroen) == ["Ontmoet op de bierbeurs; houdt van tripel.\n\nSpouse: Anne"]


def test_related_in_vcard_40_and_the_old_properties() -> None:
    [record] = list(
        records_from_vcards(
            vcf(
                [
                    "FN:Anna Berg",
                    "N:Berg;Anna;;;",
                    "RELATED;TYPE=spouse;VALUE=text:Kees",
                    "RELATED;TYPE=child;VALUE=text:Lotte",
                    "RELATED;TYPE=friend:urn:uuid:03a0e51f-d1aa-4385-8a53-e29025acd8af",
                    "RELATED;VALUE=text:Oom Piet",
                    "item1.X-ABRELATEDNAMES:Mieke",
                    "item1.X-ABLabel:_$!<Manager>!$_",
                    "item2.X-ABRELATEDNAMES:Joop",
                    "item2.X-ABLabel:Buurman",
                    "X-SPOUSE:Kees",
                    "NOTE:Oude vriendin.",
                ],
                version="4.0",
            ).encode()
        )
    )
    assert isinstance(record, Record)
    assert record.note == (
        "Oude vriendin.\n\n"
        "Spouse: Kees\nChild: Lotte\nRelated: Oom Piet\nManager: Mieke\nBuurman: Joop"
    )


def test_related_names_are_translated() -> None:
    card = vcf(["FN:Anna Berg", "item1.X-ABRELATEDNAMES:Anne", "item1.X-ABLabel:_$!<Spouse>!$_"])
    with translation.override("nl"):
        [record] = list(records_from_vcards(card.encode()))
    assert isinstance(record, Record)
    assert record.note.endswith(": Anne")  # "Echtgenoot: Anne" once the translation is in


@pytest.mark.parametrize(
    ("lines", "label"),
    [
        (["item1.EMAIL:a@example.org", "item1.X-ABLabel:Home"], "Home"),  # typed: as written
        (["item1.EMAIL:a@example.org", "item1.X-ABLabel:_$!<Home>!$_"], "home"),  # Apple's
        (["item1.EMAIL:a@example.org", "item1.X-ABLabel:XMPP"], "XMPP"),
        (["item1.EMAIL:a@example.org", "item1.X-ABLabel:_$!<HomeFAX>!$_"], "home fax"),
        (["item1.EMAIL:a@example.org", "item1.X-ABLabel:HOME_PAGE"], "home page"),  # Google
        (["EMAIL;TYPE=HOME:a@example.org"], "home"),
    ],
)
def test_typed_labels_keep_their_case(lines: list[str], label: str) -> None:
    [record] = list(records_from_vcards(vcf(["FN:Anna Berg", *lines]).encode()))
    assert isinstance(record, Record)
    assert record.contacts[0].label == label


@pytest.mark.parametrize(
    ("line", "tags"),
    [
        ("CATEGORIES:klant\\, groot,Buren", ["klant, groot", "Buren"]),
        ("CATEGORIES:klant\\, groot", ["klant, groot"]),
        ("CATEGORIES;CHARSET=UTF-8:a\\, b", ["a", "b"]),  # Thunderbird's add-ons
    ],
)
def test_an_escaped_comma_stays_in_its_tag(line: str, tags: list[str]) -> None:
    [record] = list(records_from_vcards(vcf(["FN:Anna Berg", line]).encode()))
    assert isinstance(record, Record)
    assert record.tags == tags


def test_a_grouped_birthday_takes_its_label() -> None:
    [record] = list(
        records_from_vcards(
            vcf(
                [
                    "FN:Anna Berg",
                    "item3.BDAY:1980-03-04",
                    "item3.X-ABLabel:geboortedag",
                    "item4.X-ANNIVERSARY:2001-05-06",
                    "item4.X-ABLabel:_$!<Anniversary>!$_",
                ]
            ).encode()
        )
    )
    assert isinstance(record, Record)
    assert [(d.kind, d.label) for d in record.dates] == [
        ("birthday", "geboortedag"),
        ("anniversary", ""),
    ]


@pytest.mark.django_db
def test_a_street_of_two_lines_matches_the_same_street_joined(vault: Vault, alice: User) -> None:
    """People imported before line breaks were kept have "Kerkstraat 1, Achterhuis"."""
    card = ["FN:Anna Berg", "N:Berg;Anna;;;", "UID:anna-1"]
    import_vcf(vault, alice, vcf([*card, "ADR:;;Kerkstraat 1, Achterhuis;Utrecht;;;"]))
    report = import_vcf(vault, alice, vcf([*card, "ADR:;;Kerkstraat 1\\nAchterhuis;Utrecht;;;"]))
    assert report.unchanged == 1
    assert Address.objects.filter(person__vault=vault).count() == 1


def csv_export(vault: Vault) -> bytes:
    out = io.StringIO(newline="")
    exporting.export_csv(vault, out)
    return out.getvalue().encode()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["auto", "csv"])
def test_our_csv_export_imports_again_unchanged(vault: Vault, alice: User, fmt: str) -> None:
    create_person(vault, given_name="Contact")  # nothing but a name
    anna = create_person(vault, given_name="Anna", family_name="Smit")
    add_contact_method(anna, "email", "anna@example.org")
    Person.objects.create(vault=vault, organisation="Acme")  # a company card
    create_person(vault, given_name="Kees", family_name="Dam", organisation="Acme")
    data = csv_export(vault)
    report = import_records(
        vault, sources.read_records(io.BytesIO(data), fmt, filename="people.csv"), user=alice
    )
    # Everyone is found; people made here without a UID only get the record's UID.
    assert report.created == 0, report.as_json()
    assert all(each["added"] == [] for each in report.as_json()["updated_people"])
    assert Person.objects.filter(vault=vault).count() == 4
    again = import_records(
        vault, sources.read_records(io.BytesIO(data), fmt, filename="people.csv"), user=alice
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4), again.as_json()


@pytest.mark.django_db
def test_a_name_alone_is_not_enough_when_two_people_have_it(vault: Vault, alice: User) -> None:
    create_person(vault, given_name="Jan", family_name="Jansen")
    create_person(vault, given_name="Jan", family_name="Jansen")
    report = import_vcf(vault, alice, vcf(["FN:Jan Jansen", "N:Jansen;Jan;;;"]))
    assert report.created == 1


@pytest.mark.django_db
def test_a_name_with_an_email_of_its_own_is_someone_else(vault: Vault, alice: User) -> None:
    jan = create_person(vault, given_name="Jan", family_name="Jansen")
    add_contact_method(jan, "email", "jan@example.org")
    report = import_vcf(
        vault, alice, vcf(["FN:Jan Jansen", "N:Jansen;Jan;;;", "EMAIL:other@example.org"])
    )
    assert report.created == 1
