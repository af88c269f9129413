"""web.access: ids from user input, and the one place the vault 404/403 rules live."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from aandacht.accounts.models import Vault
from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.web.access import CURRENT_VAULT, MAX_ID, object_in_vault, positive_id


@pytest.mark.parametrize(
    "raw",
    ["²", "-1", "1e3", "", " 7", "7 ", "+7", "0", "00", "٣", "7.0", str(2**70), str(MAX_ID + 1)],
)
def test_positive_id_refuses_what_is_not_a_plain_id(raw: str) -> None:
    assert positive_id(raw) is None


def test_positive_id_refuses_what_is_not_text() -> None:
    assert positive_id(None) is None
    assert positive_id(7) is None


@pytest.mark.parametrize(("raw", "value"), [("7", 7), ("007", 7), (str(MAX_ID), MAX_ID)])
def test_positive_id_reads_plain_digits(raw: str, value: int) -> None:
    assert positive_id(raw) == value


@pytest.mark.parametrize("raw", ["²", "-1", "1e3", " 7", str(2**70), "0"])
@pytest.mark.parametrize("page", ["cards:season", "rounds:list"])
def test_a_bad_vault_parameter_is_a_404_not_a_500(
    client: Client, alice: User, vault: Vault, raw: str, page: str
) -> None:
    client.force_login(alice)
    assert client.get(reverse(page), {"vault": raw}).status_code == 404


def request_of(user: User) -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = user
    request.session = {}  # type: ignore[assignment]
    return request


def test_object_in_vault_finds_yours_and_hides_others(
    alice: User, vault: Vault, other_vault: Vault
) -> None:
    mine = create_person(vault, "Anna Bakker")
    theirs = create_person(other_vault, "Mallory Friend")
    request = request_of(alice)
    found = object_in_vault(request, Person.objects.all(), mine.pk)
    assert found == mine
    assert request.session[CURRENT_VAULT] == vault.pk
    with pytest.raises(Http404):
        object_in_vault(request, Person.objects.all(), theirs.pk)
    with pytest.raises(Http404):
        # Narrowed away by the caller (the trash): also a 404.
        object_in_vault(request, Person.objects.none(), mine.pk)


def test_object_in_vault_write_needs_a_writer(carol: User, vault: Vault) -> None:
    person = create_person(vault, "Anna Bakker")
    request = request_of(carol)
    assert object_in_vault(request, Person.objects.all(), person.pk) == person
    with pytest.raises(PermissionDenied):
        object_in_vault(request, Person.objects.all(), person.pk, write=True)


def test_object_in_vault_follows_a_longer_path_to_the_vault(
    alice: User, vault: Vault, other_vault: Vault
) -> None:
    from aandacht.rounds.models import CheckIn
    from aandacht.rounds.services import start_round

    person = create_person(vault, "Anna Bakker")
    round_, _created = start_round(vault, "R", [person])
    check_in = round_.check_ins.get()
    request = request_of(alice)
    found = object_in_vault(request, CheckIn.objects.all(), check_in.pk, vault_field="round__vault")
    assert found == check_in
