"""vCard export of departments, company cards, phone extensions and homepages (issue 5).

Each export is read back with our own reader (``vcard.read_cards``), by the importer's
``record_from_card`` where it matters, and the 3.0 output also with vobject.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from aandacht.accounts.models import Vault
from aandacht.exchange import sources
from aandacht.exchange.exporting import CSV_COLUMNS, export_csv, export_vcards, person_to_row
from aandacht.exchange.from_vcard import record_from_card
from aandacht.exchange.importing import import_records
from aandacht.exchange.vcard import Card, read_cards
from aandacht.people.models import ContactMethod, Person
from aandacht.people.services import add_contact_method, create_person

CORPUS = Path("/work/shared/corpus/vcards")


def export(vault: Vault, version: str = "4.0") -> str:
    out = io.StringIO(newline="")
    export_vcards(vault, out, version=version)  # type: ignore[arg-type]
    return out.getvalue()


def unfolded_lines(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def read_back(text: str) -> list[Card]:
    cards, errors = read_cards(text)
    assert errors == []
    return cards


def vobject_cards(text: str) -> list[Any]:
    vobject = pytest.importorskip("vobject")
    return list(vobject.readComponents(text))


# ---------------------------------------------------------------------------------------------
# Department: the second ORG component.


@pytest.mark.parametrize("version", ["4.0", "3.0"])
@pytest.mark.django_db
def test_department_is_the_second_org_component_escaped(vault: Vault, version: str) -> None:
    create_person(vault, "Anna Smit", organisation="Acme, Inc.", department="R&D; Lab, NL")
    text = export(vault, version)
    assert "ORG:Acme\\, Inc.;R&D\\; Lab\\, NL" in unfolded_lines(text)
    [card] = read_back(text)
    assert (card.organisation, card.departments) == ("Acme, Inc.", ["R&D; Lab, NL"])


@pytest.mark.parametrize("version", ["4.0", "3.0"])
@pytest.mark.django_db
def test_organisation_without_department_is_one_component(vault: Vault, version: str) -> None:
    create_person(vault, "Anna Smit", organisation="IBM")
    lines = unfolded_lines(export(vault, version))
    assert "ORG:IBM" in lines
    assert not any(line.startswith("ORG:IBM;") for line in lines)


@pytest.mark.django_db
def test_department_without_organisation(vault: Vault) -> None:
    create_person(vault, "Anna Smit", department="Sales")
    text = export(vault)
    assert "ORG:;Sales" in unfolded_lines(text)
    [card] = read_back(text)
    assert (card.organisation, card.departments) == ("", ["Sales"])


@pytest.mark.django_db
def test_vobject_reads_the_department(vault: Vault) -> None:
    create_person(vault, "Anna Smit", organisation="IBM", department="Accounting; Payroll")
    [card] = vobject_cards(export(vault, "3.0"))
    assert card.org.value == ["IBM", "Accounting; Payroll"]


@pytest.mark.django_db
def test_csv_row_follows_the_header_and_carries_the_department(vault: Vault) -> None:
    person = create_person(vault, "Anna Smit", organisation="IBM", department="Accounting")
    row = person_to_row(person, notes=[])
    assert list(row) == list(CSV_COLUMNS)
    out = io.StringIO(newline="")
    export_csv(vault, out)
    [exported] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(exported) == list(CSV_COLUMNS)
    assert (exported["organisation"], exported["department"]) == ("IBM", "Accounting")


# ---------------------------------------------------------------------------------------------
# Someone known only by their organisation is a company card.


@pytest.mark.django_db
def test_organisation_only_is_kind_org_in_40(vault: Vault) -> None:
    person = create_person(vault, "Tijdelijk")
    Person.objects.filter(pk=person.pk).update(given_name="", organisation="Bakkerij; Bakker")
    text = export(vault, "4.0")
    lines = unfolded_lines(text)
    assert "KIND:org" in lines
    assert "FN:Bakkerij\\; Bakker" in lines
    assert "N:;;;;" in lines
    assert "X-ABShowAs:COMPANY" not in lines
    [card] = read_back(text)
    assert (card.kind, card.formatted_name, card.organisation) == (
        "org",
        "Bakkerij; Bakker",
        "Bakkerij; Bakker",
    )
    record = record_from_card(card)
    assert (record.given_name, record.family_name, record.organisation) == (
        "",
        "",
        "Bakkerij; Bakker",
    )


@pytest.mark.django_db
def test_organisation_only_is_x_abshowas_company_in_30(vault: Vault) -> None:
    person = create_person(vault, "Tijdelijk")
    Person.objects.filter(pk=person.pk).update(given_name="", organisation="Bakkerij Bakker")
    text = export(vault, "3.0")
    lines = unfolded_lines(text)
    assert "X-ABShowAs:COMPANY" in lines
    assert "FN:Bakkerij Bakker" in lines and "N:;;;;" in lines
    assert not any(line.startswith("KIND") for line in lines)
    [card] = read_back(text)
    record = record_from_card(card)
    assert (record.given_name, record.family_name, record.organisation) == (
        "",
        "",
        "Bakkerij Bakker",
    )
    [parsed] = vobject_cards(text)
    assert parsed.fn.value == "Bakkerij Bakker"
    assert parsed.x_abshowas.value == "COMPANY"


@pytest.mark.parametrize("version", ["4.0", "3.0"])
@pytest.mark.django_db
def test_a_person_at_an_organisation_is_no_company(vault: Vault, version: str) -> None:
    create_person(vault, "Anna Smit", organisation="IBM")
    nick = create_person(vault, "Tijdelijk", organisation="IBM")
    Person.objects.filter(pk=nick.pk).update(given_name="", nickname="Nanne")
    lines = unfolded_lines(export(vault, version))
    assert "KIND:org" not in lines and "X-ABShowAs:COMPANY" not in lines


# ---------------------------------------------------------------------------------------------
# Phone numbers with an extension.


def _person_with_phone(vault: Vault, value: str, label: str = "work") -> Person:
    person = create_person(vault, "Simon Perreault")
    add_contact_method(person, "phone", value, label=label)
    return person


@pytest.mark.django_db
def test_extension_is_a_tel_uri_in_40(vault: Vault) -> None:
    _person_with_phone(vault, "+1-418-656-9254;ext=102")
    text = export(vault, "4.0")
    lines = unfolded_lines(text)
    assert "TEL;VALUE=uri;TYPE=work:tel:+1-418-656-9254;ext=102" in lines
    assert not any("\\;ext" in line for line in lines)
    [card] = read_back(text)
    assert [(p.value, p.types) for p in card.phones] == [("+1-418-656-9254;ext=102", ["work"])]


@pytest.mark.django_db
def test_extension_is_text_in_30(vault: Vault) -> None:
    _person_with_phone(vault, "+1-418-656-9254;ext=102")
    text = export(vault, "3.0")
    lines = unfolded_lines(text)
    assert "TEL;TYPE=work:+1-418-656-9254 ext. 102" in lines
    [card] = read_back(text)
    assert [p.value for p in card.phones] == ["+1-418-656-9254 ext. 102"]
    [parsed] = vobject_cards(text)
    assert parsed.tel.value == "+1-418-656-9254 ext. 102"


@pytest.mark.django_db
def test_extension_with_a_label_of_its_own_is_grouped(vault: Vault) -> None:
    _person_with_phone(vault, "+1 418 656 9254;EXT=7", label="Reception desk")
    add_contact_method(Person.objects.get(), "phone", "+31 6 12345678", label="Studio")
    text = export(vault, "4.0")
    lines = unfolded_lines(text)
    ext_line = next(line for line in lines if ";ext=" in line)
    group = ext_line.split(".", 1)[0]
    assert ext_line == f"{group}.TEL;VALUE=uri:tel:+1-418-656-9254;ext=7"
    assert f"{group}.X-ABLabel:Reception desk" in lines
    groups = [line.split(".", 1)[0] for line in lines if ".X-ABLabel:" in line]
    assert len(groups) == len(set(groups)) == 2  # the writer numbers its own past ours
    [card] = read_back(text)
    assert {(p.value, p.label) for p in card.phones} == {
        ("+1-418-656-9254;ext=7", "Reception desk"),
        ("+31 6 12345678", "Studio"),
    }


@pytest.mark.parametrize("version", ["4.0", "3.0"])
@pytest.mark.django_db
def test_the_rfc_6350_example_card_imports_and_exports_its_extension(
    vault: Vault, version: str
) -> None:
    path = CORPUS / "ez-vcard" / "rfc6350-example.vcf"
    if not path.exists():
        pytest.skip(f"{path} is not here")
    with path.open("rb") as stream:
        import_records(vault, sources.read_records(stream, "vcard"))
    stored = ContactMethod.objects.get(kind="phone", value__contains="ext")
    assert stored.value == "+1-418-656-9254;ext=102"
    lines = unfolded_lines(export(vault, version))
    expected = (
        "TEL;VALUE=uri;TYPE=work:tel:+1-418-656-9254;ext=102"
        if version == "4.0"
        else "TEL;TYPE=work:+1-418-656-9254 ext. 102"
    )
    assert expected in lines


# ---------------------------------------------------------------------------------------------
# A profile URL given as a homepage goes back out as a URL.


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("homepage", ["item1.URL:https://www.linkedin.com/in/anna", "item1.X-ABLabel:homepage"]),
        ("Home page", ["item1.URL:https://www.linkedin.com/in/anna", "item1.X-ABLabel:Home page"]),
        ("home", ["URL;TYPE=home:https://www.linkedin.com/in/anna"]),
        ("work", ["URL;TYPE=work:https://www.linkedin.com/in/anna"]),
    ],
)
@pytest.mark.django_db
def test_a_social_profile_labelled_as_a_homepage_is_a_url(
    vault: Vault, label: str, expected: list[str]
) -> None:
    person = create_person(vault, "Anna Smit")
    add_contact_method(person, "social", "https://www.linkedin.com/in/anna", label=label)
    text = export(vault, "4.0")
    lines = unfolded_lines(text)
    for line in expected:
        assert line in lines
    assert not any(line.split(":", 1)[0].endswith("X-SOCIALPROFILE") for line in lines)
    [card] = read_back(text)
    [contact] = record_from_card(card).contacts
    assert (contact.kind, contact.value, contact.service) == (
        "social",
        "https://www.linkedin.com/in/anna",
        "linkedin",
    )
    # a typed label comes back as it was written
    assert contact.label == label


@pytest.mark.django_db
def test_real_social_profiles_stay_x_socialprofile(vault: Vault) -> None:
    person = create_person(vault, "Anna Smit")
    add_contact_method(person, "social", "https://www.linkedin.com/in/anna")
    add_contact_method(person, "social", "https://github.com/anna", label="code")
    add_contact_method(person, "social", "@anna@mastodon.social", label="homepage")  # no URL
    lines = unfolded_lines(export(vault, "4.0"))
    assert "X-SOCIALPROFILE;TYPE=linkedin:https://www.linkedin.com/in/anna" in lines
    assert any(
        line.endswith("X-SOCIALPROFILE;TYPE=github:https://github.com/anna") for line in lines
    )
    assert any(
        line.endswith(":@anna@mastodon.social") and "SOCIALPROFILE" in line for line in lines
    )
    assert not any(line.split(":", 1)[0].endswith("URL") for line in lines)


@pytest.mark.django_db
def test_vobject_reads_a_homepage_url_in_30(vault: Vault) -> None:
    person = create_person(vault, "Anna Smit")
    add_contact_method(person, "social", "https://www.linkedin.com/in/anna", label="homepage")
    [parsed] = vobject_cards(export(vault, "3.0"))
    assert parsed.url.value == "https://www.linkedin.com/in/anna"
    assert parsed.x_ablabel.value == "homepage"


@pytest.mark.django_db
def test_no_pref_is_written_without_a_preferred_flag(vault: Vault) -> None:
    """ContactMethod has no preferred flag: the order is the order, nothing claims PREF."""
    person = create_person(vault, "Anna Smit", emails=["a@example.org", "b@example.org"])
    add_contact_method(person, "phone", "+31 6 12345678")
    for version in ("4.0", "3.0"):
        text = export(vault, version)
        assert "PREF" not in text.upper()
