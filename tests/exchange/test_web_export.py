"""The export page: vCard 4.0/3.0, CSV and JSON downloads of a vault or a tag."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from aandacht.accounts.models import Vault
from aandacht.exchange.records import FIELD_NAMES
from aandacht.people.models import Person, Tag
from aandacht.people.services import add_contact_method, create_person, set_tags

EXPORT = reverse("exchange:export")


@pytest.fixture
def people(vault: Vault) -> list[Person]:
    anna = create_person(vault, "Anna de Vries", organisation="Acme")
    add_contact_method(anna, "email", "anna@example.org")
    set_tags(vault, anna, ["climbing"])
    piet = create_person(vault, "Piet Jansen")
    add_contact_method(piet, "phone", "+31612345678")
    return [anna, piet]


def body(response: Any) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def download(client: Client, vault: Vault, fmt: str, **params: Any) -> Any:
    return client.get(EXPORT, {"vault": vault.pk, "format": fmt, **params})


def test_the_page_offers_every_format(as_alice: Client, vault: Vault, people: list[Person]) -> None:
    response = as_alice.get(f"{EXPORT}?vault={vault.pk}")

    page = response.content.decode()
    assert response.status_code == 200
    for value in ("vcard", "vcard3", "csv", "json"):
        assert f'value="{value}"' in page
    assert "climbing" in page, "the tag choice lists the vault's tags"


def test_the_page_recommends_vcard_3_for_the_common_address_books(
    as_alice: Client, vault: Vault
) -> None:
    page = as_alice.get(f"{EXPORT}?vault={vault.pk}").content.decode()

    # vCard 3.0 is what Google Contacts and iCloud write, and what they and Outlook import.
    checked = [tag for tag in re.findall(r"<input[^>]*>", page) if " checked" in tag]
    assert len(checked) == 1 and 'value="vcard3"' in checked[0], "vCard 3.0 is the default"
    assert page.index('value="vcard3"') < page.index('value="vcard"')
    assert "vCard 3.0 (.vcf) — for Google Contacts, Apple Contacts and phones" in page
    assert "vCard 4.0 (.vcf) — the newer standard, for address books that read it" in page
    assert "Apple, Google and most address books" not in page
    assert "Other members’ private notes stay out." in page


def test_vcard_4_of_the_whole_vault(as_alice: Client, vault: Vault, people: list[Person]) -> None:
    response = download(as_alice, vault, "vcard")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="alices-people-') and '.vcf"' in disposition
    text = body(response)
    assert text.count("BEGIN:VCARD") == 2 and "VERSION:4.0" in text
    assert "Anna de Vries" in text and "Piet Jansen" in text
    assert "\r\n" in text


def test_vcard_3_of_one_tag(as_alice: Client, vault: Vault, people: list[Person]) -> None:
    tag = Tag.objects.get(vault=vault, name="climbing")

    response = download(as_alice, vault, "vcard3", tag=tag.pk)

    text = body(response)
    assert "VERSION:3.0" in text and text.count("BEGIN:VCARD") == 1
    assert "Anna de Vries" in text and "Piet Jansen" not in text
    assert "-climbing-vcard3-" in response["Content-Disposition"]


def test_csv_has_the_import_field_names_as_header(
    as_alice: Client, vault: Vault, people: list[Person]
) -> None:
    response = download(as_alice, vault, "csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert list(rows[0].keys()) == list(FIELD_NAMES)
    assert {row["email"] for row in rows} >= {"anna@example.org"}
    assert len(rows) == 2


def test_json_of_the_vault(as_alice: Client, vault: Vault, people: list[Person]) -> None:
    pytest.importorskip("aandacht.exchange.json_document")

    response = download(as_alice, vault, "json")

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    document = json.loads(body(response))
    assert document["format"] == "aandacht.vault"
    assert "Vries" in json.dumps(document) and "Piet" in json.dumps(document)
    assert response["Content-Disposition"].endswith('.json"')


def test_an_empty_vault_exports_an_empty_file(as_alice: Client, vault: Vault) -> None:
    response = download(as_alice, vault, "vcard")

    assert response.status_code == 200 and body(response) == ""


def test_carol_the_viewer_may_export(
    client: Client, carol: User, vault: Vault, people: list[Person]
) -> None:
    client.force_login(carol)

    response = download(client, vault, "vcard")

    assert response.status_code == 200 and body(response).count("BEGIN:VCARD") == 2


def test_mallory_cannot_export_alices_vault(
    client: Client, mallory: User, other_vault: Vault, vault: Vault, people: list[Person]
) -> None:
    client.force_login(mallory)

    assert download(client, vault, "vcard").status_code == 404
    mine = body(download(client, other_vault, "vcard"))
    assert "Anna" not in mine


def test_another_vaults_tag_is_refused(
    as_alice: Client, vault: Vault, other_vault: Vault, people: list[Person]
) -> None:
    foreign = Tag.objects.create(vault=other_vault, name="secret")

    response = download(as_alice, vault, "vcard", tag=foreign.pk)

    assert response.status_code == 400
    assert "Choose a tag from the list." in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"format": "pdf"}, "Select a valid choice"),
        ({"format": "vcard", "tag": "x"}, "Choose a tag from the list."),
        ({"format": "vcard", "tag": "99999999999999999999"}, "Choose a tag from the list."),
    ],
)
def test_bad_choices_get_a_message(
    as_alice: Client, vault: Vault, params: dict[str, str], message: str
) -> None:
    response = as_alice.get(EXPORT, {"vault": vault.pk, **params})

    assert response.status_code == 400 and message in response.content.decode()


def test_the_export_costs_a_bounded_number_of_queries(
    as_alice: Client, vault: Vault, django_assert_max_num_queries: Any
) -> None:
    for number in range(30):
        person = create_person(vault, f"Person {number}")
        add_contact_method(person, "email", f"p{number}@example.org")

    with django_assert_max_num_queries(20):
        response = download(as_alice, vault, "vcard")
        text = body(response)

    assert text.count("BEGIN:VCARD") == 30


def test_a_viewer_takes_home_only_what_they_may_see(
    client: Client, alice: User, carol: User, vault: Vault, people: list[Person]
) -> None:
    from aandacht.timeline.services import add_note

    add_note(vault, people[0], "Alice's own thoughts", private=True, author=alice)
    add_note(vault, people[0], "Met at the climbing gym", author=alice)
    client.force_login(carol)

    document = body(download(client, vault, "json"))
    cards = body(download(client, vault, "vcard"))

    assert "Met at the climbing gym" in document and "Met at the climbing gym" in cards
    assert "Alice's own thoughts" not in document and "own thoughts" not in cards


@pytest.mark.django_db
def test_the_tag_choice_reads_a_to_z_whatever_the_case(vault: Vault) -> None:
    from aandacht.exchange.forms import ExportForm

    for name in ("zeilen", "Werk", "buren", "Échecs"):
        Tag.objects.create(vault=vault, name=name)
    form = ExportForm(vault=vault)
    labels = [label for _value, label in form.fields["tag"].choices][1:]
    assert labels == ["buren", "Échecs", "Werk", "zeilen"]
