"""How we met, after a LinkedIn import: "Connected on LinkedIn" rather than "Met (LinkedIn)"."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from aandacht.accounts.models import Vault
from aandacht.exchange.csv_sources import read_linkedin
from aandacht.exchange.importing import import_records
from aandacht.people.models import Person
from aandacht.people.services import create_person

pytestmark = pytest.mark.django_db

CONNECTIONS = (
    b"Notes:\n"
    b'"When exporting your connection data, you may notice that some of the email addresses are '
    b'missing."\n'
    b"\n"
    b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    b"Daan,Visser,https://www.linkedin.com/in/daanvisser,,Gemeente Utrecht,Adviseur,\n"
    b"Sanne,de Vries,https://www.linkedin.com/in/sannedevries,,Rabobank,Analist,15 Mar 2023\n"
)


def _met_sentence(client: Client, person: Person) -> str:
    html = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    start = html.index('class="met-sentence">') + len('class="met-sentence">')
    return " ".join(html[start : html.index("</p>", start)].split())


def test_a_connection_without_a_date_reads_connected_on_linkedin(
    client: Client, alice: User, vault: Vault
) -> None:
    report = import_records(vault, read_linkedin(io.BytesIO(CONNECTIONS)), user=alice)
    assert report.created == 2
    daan = Person.objects.get(vault=vault, given_name="Daan")
    assert (daan.met_on, daan.met_channel, daan.met_at, daan.met_story) == (
        None,
        "linkedin",
        "",
        "",
    )
    client.force_login(alice)
    assert _met_sentence(client, daan) == "Connected on LinkedIn"
    assert (
        "Met (LinkedIn)"
        not in client.get(reverse("people:detail", args=[daan.pk])).content.decode()
    )


def test_a_connection_with_a_date_says_when(client: Client, alice: User, vault: Vault) -> None:
    import_records(vault, read_linkedin(io.BytesIO(CONNECTIONS)), user=alice)
    sanne = Person.objects.get(vault=vault, given_name="Sanne")
    assert sanne.met_on == dt.date(2023, 3, 15)
    client.force_login(alice)
    assert _met_sentence(client, sanne) == "Connected on LinkedIn on 15 March 2023"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"met_channel": "mastodon"}, "Connected on Mastodon"),
        ({"met_channel": "work"}, "Work"),
        ({"met_channel": "conference"}, "Conference or event"),
        # With a place or a person the full sentence stays, the channel in brackets.
        (
            {"met_channel": "linkedin", "met_at": "PyCon NL"},
            "Met at PyCon NL (LinkedIn)",
        ),
        (
            {"met_channel": "work", "met_on": dt.date(2025, 3, 12)},
            "Met on 12 March 2025 (work)",
        ),
        ({"met_on": dt.date(2025, 3, 12)}, "Met on 12 March 2025"),
    ],
)
def test_how_we_met_reads_naturally_for_each_combination(
    client: Client, alice: User, vault: Vault, fields: dict[str, object], expected: str
) -> None:
    person = create_person(vault, "Fenna Bakker")
    for name, value in fields.items():
        setattr(person, name, value)
    person.save()
    client.force_login(alice)
    assert _met_sentence(client, person) == expected


def test_nothing_known_still_says_so(client: Client, alice: User, vault: Vault) -> None:
    person = create_person(vault, "Fenna Bakker")
    client.force_login(alice)
    html = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert 'class="met-sentence"' not in html
    assert "Not written down yet." in html
