"""A person's department: stored apart from the organisation, shown with it, edited with it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from aandacht.accounts.models import Vault
from aandacht.people import editing
from aandacht.people.forms import WorkForm
from aandacht.people.models import Person
from aandacht.people.services import create_person

HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def quick_passwords(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice_client(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


def work_html(client: Client, person: Person) -> str:
    html = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    start = html.index('class="person-work"')
    return html[start : html.index("</div>", start)]


@pytest.mark.django_db
def test_create_person_keeps_the_department_apart(vault: Vault) -> None:
    person = create_person(vault, "Anna Smit", organisation="IBM", department="  Accounting ")
    person.refresh_from_db()
    assert (person.organisation, person.department) == ("IBM", "Accounting")
    assert person.sort_key == create_person(vault, "Anna Smit").sort_key  # not a name part


@pytest.mark.django_db
def test_the_department_defaults_to_empty(vault: Vault) -> None:
    person = Person.objects.create(vault=vault, given_name="Anna")
    assert Person.objects.get(pk=person.pk).department == ""


@pytest.mark.parametrize(
    ("organisation", "department", "job_title", "shown"),
    [
        ("IBM", "Accounting", "Controller", "Controller at IBM, Accounting"),
        ("IBM", "Accounting", "", "IBM, Accounting"),
        ("IBM", "", "Controller", "Controller at IBM"),
        ("", "Accounting", "Controller", "Controller at Accounting"),
        ("", "Accounting", "", "Accounting"),
    ],
)
@pytest.mark.django_db
def test_the_person_page_shows_the_department_with_the_organisation(
    alice_client: Client,
    vault: Vault,
    organisation: str,
    department: str,
    job_title: str,
    shown: str,
) -> None:
    person = create_person(
        vault,
        "Anna Smit",
        organisation=organisation,
        department=department,
        job_title=job_title,
    )
    assert f"<p>{shown}</p>" in work_html(alice_client, person)


@pytest.mark.django_db
def test_a_department_with_markup_is_escaped_once(alice_client: Client, vault: Vault) -> None:
    person = create_person(vault, "Anna Smit", organisation="A&B", department="<R&D>")
    assert "<p>A&amp;B, &lt;R&amp;D&gt;</p>" in work_html(alice_client, person)


@pytest.mark.django_db
def test_the_work_form_edits_the_department(alice_client: Client, vault: Vault) -> None:
    person = create_person(vault, "Anna Smit", organisation="IBM")
    url = reverse("people:edit", args=[person.pk, "work"])
    form = alice_client.get(url, headers=HX).content.decode()
    assert 'name="department"' in form and ">Department<" in form

    response = alice_client.post(
        url,
        {"organisation": "IBM", "department": "Accounting", "job_title": "Controller"},
        headers=HX,
    )
    assert "Controller at IBM, Accounting" in response.content.decode()
    person.refresh_from_db()
    assert person.department == "Accounting"


@pytest.mark.django_db
def test_a_department_too_long_is_refused(alice_client: Client, vault: Vault) -> None:
    person = create_person(vault, "Anna Smit", organisation="IBM", department="Sales")
    response = alice_client.post(
        reverse("people:edit", args=[person.pk, "work"]),
        {"organisation": "IBM", "department": "x" * 201},
    )
    assert "at most 200 characters" in response.content.decode()
    person.refresh_from_db()
    assert person.department == "Sales"


def test_the_work_form_has_the_department_between_organisation_and_role() -> None:
    assert list(WorkForm.base_fields) == ["organisation", "department", "job_title"]
    assert "department" in editing.EDITABLE_FIELDS


@pytest.mark.django_db
def test_update_person_changes_the_department(vault: Vault) -> None:
    person = create_person(vault, "Anna Smit", organisation="IBM")
    editing.update_person(person, {"department": "Payroll"})
    assert Person.objects.get(pk=person.pk).department == "Payroll"
