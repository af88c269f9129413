"""Titles before and after a name (vCard N prefixes/suffixes): editable, shown in the header."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from aandacht.accounts.models import Vault
from aandacht.people.models import Person
from aandacht.people.services import create_person

HX = {"HX-Request": "true"}
NAME = {"given_name": "Anna", "particles": "de", "family_name": "Vries"}


@pytest.fixture(autouse=True)
def quick_passwords(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def anna(vault: Vault) -> Person:
    return create_person(vault, "Anna de Vries")


def edit_url(person: Person) -> str:
    return reverse("people:edit", args=[person.pk, "name"])


def test_the_name_form_shows_prefix_and_suffix(client: Client, alice: User, anna: Person) -> None:
    anna.name_prefix, anna.name_suffix = "dr.", "MSc"
    anna.save()
    client.force_login(alice)

    html = client.get(edit_url(anna)).content.decode()

    assert 'name="name_prefix"' in html and 'value="dr."' in html
    assert 'name="name_suffix"' in html and 'value="MSc"' in html


@pytest.mark.parametrize("headers", [{}, HX])
def test_prefix_and_suffix_save_and_show_in_the_header(
    client: Client, alice: User, anna: Person, headers: dict[str, str]
) -> None:
    client.force_login(alice)

    response = client.post(
        edit_url(anna), {**NAME, "name_prefix": " dr. ", "name_suffix": "jr."}, headers=headers
    )

    assert response.status_code == (200 if headers else 302)
    anna.refresh_from_db()
    assert (anna.name_prefix, anna.name_suffix) == ("dr.", "jr.")
    assert anna.name == "Anna de Vries"  # the name itself (and its sorting) is unchanged
    html = client.get(reverse("people:detail", args=[anna.pk])).content.decode()
    assert "<h1>Anna de Vries</h1>" in html
    assert '<span class="formal-name">dr. Anna de Vries jr.</span>' in html


def test_no_titles_no_formal_name(client: Client, alice: User, anna: Person) -> None:
    client.force_login(alice)
    client.post(edit_url(anna), {**NAME, "name_prefix": "", "name_suffix": "MSc"})

    html = client.get(reverse("people:detail", args=[anna.pk])).content.decode()

    assert '<span class="formal-name">Anna de Vries MSc</span>' in html
    client.post(edit_url(anna), NAME)
    html = client.get(reverse("people:detail", args=[anna.pk])).content.decode()
    assert "formal-name" not in html


def test_too_long_titles_are_refused(client: Client, alice: User, anna: Person) -> None:
    client.force_login(alice)

    response = client.post(edit_url(anna), {**NAME, "name_prefix": "x" * 41})

    assert response.status_code == 200
    assert 'id="id_name-name_prefix_error"' in response.content.decode()
    anna.refresh_from_db()
    assert anna.name_prefix == ""


def test_a_viewer_cannot_edit_titles(client: Client, carol: User, anna: Person) -> None:
    client.force_login(carol)

    response = client.post(edit_url(anna), {**NAME, "name_prefix": "prof."})

    assert response.status_code == 403
    anna.refresh_from_db()
    assert anna.name_prefix == ""
