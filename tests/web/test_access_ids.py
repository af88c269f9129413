"""web.access: ids from user input, and the one place the vault 404/403 rules live."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from aandacht.accounts.models import Vault
from aandacht.people.forms_listing import BulkTagForm
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


# --- The same ids elsewhere: each place that read one with str.isdigit() --------

BAD = ["²", "-1", "1e3", " 7", str(2**70)]


@pytest.fixture
def signed_in(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


@pytest.mark.parametrize("raw", BAD)
def test_list_cursors_with_a_bad_id_start_at_the_top(
    signed_in: Client, vault: Vault, raw: str
) -> None:
    create_person(vault, "Anna Bakker")
    for page in ("people:list", "attention:lists"):
        for key in ("after", "before"):
            response = signed_in.get(reverse(page), {key: raw})
            assert response.status_code == 200, (page, key)


@pytest.mark.parametrize("raw", BAD)
def test_bad_ids_in_people_and_circle_forms_are_no_500(
    signed_in: Client, vault: Vault, raw: str
) -> None:
    person = create_person(vault, "Anna Bakker")
    merge = signed_in.get(reverse("people:merge", args=[person.pk]), {"with": raw})
    if raw.strip() == raw:  # " 7" is stripped there: person 7, who is not in this vault (404)
        assert merge.status_code == 400
        assert "Choose the other person from the list." in merge.content.decode()
    bulk = signed_in.post(reverse("people:bulk_tag"), {"person": [raw], "tag": "x"})
    assert bulk.status_code < 500
    circles = signed_in.post(reverse("attention:circles"), {"name": "C", "tag": raw})
    assert circles.status_code < 500
    circle = signed_in.post(
        reverse("attention:person_circle", args=[person.pk]), {"circle": raw, "following": raw}
    )
    assert circle.status_code < 500


@pytest.mark.parametrize("raw", [str(2**70), str(MAX_ID + 1), "²", "-1"])
def test_bulk_tag_with_an_impossible_person_id_is_a_field_error(
    signed_in: Client, vault: Vault, raw: str
) -> None:
    person = create_person(vault, "Anna Bakker")
    form = BulkTagForm(
        {"person": [str(person.pk), raw], "new_tag": "x", "action": "add"}, vault=vault
    )
    assert not form.is_valid()
    assert form.errors["person"] == ["Some of the people you ticked are no longer here."]
    response = signed_in.post(
        reverse("people:bulk_tag"), {"person": [raw], "new_tag": "x", "action": "add"}
    )
    assert response.status_code < 500


@pytest.mark.parametrize("raw", BAD)
def test_a_bad_timeline_cursor_or_person_id_is_refused(
    signed_in: Client, vault: Vault, raw: str
) -> None:
    from aandacht.timeline.forms import PeopleField
    from aandacht.timeline.services import Cursor

    person = create_person(vault, "Anna Bakker")
    assert Cursor.parse(f"5.note.{raw}") is None
    assert Cursor.parse(f"{raw}.note.5") is None or raw == "-1"
    response = signed_in.get(
        reverse("timeline:more", args=[person.pk]), {"before": f"5.note.{raw}"}
    )
    assert response.status_code == 404
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        PeopleField(queryset=Person.objects.all(), required=False).clean([raw])


def test_a_cursor_with_two_minus_signs_is_no_cursor() -> None:
    from aandacht.timeline.services import Cursor

    assert Cursor.parse("--5.note.1") is None
    assert Cursor.parse("-5.note.1") is not None


@pytest.mark.parametrize("raw", [*BAD, "²"])
def test_a_bad_announced_length_is_not_said(raw: str) -> None:
    from aandacht.exchange.uploads import announced_length

    request = RequestFactory().post("/", CONTENT_LENGTH=raw)
    assert announced_length(request) is None


def test_an_announced_length_is_read() -> None:
    from aandacht.exchange.uploads import announced_length

    assert announced_length(RequestFactory().post("/", CONTENT_LENGTH="0")) == 0
    assert announced_length(RequestFactory().post("/", CONTENT_LENGTH="123")) == 123


@pytest.mark.parametrize("raw", BAD)
def test_resolving_a_person_or_circle_by_a_bad_id_searches_instead(vault: Vault, raw: str) -> None:
    import typer

    import aandacht.cli  # noqa: F401  (loads the commands in their order)
    from aandacht.cli_attention import find_circle
    from aandacht.people.services import PersonNotFound, resolve_person

    create_person(vault, "Anna Bakker")
    with pytest.raises(PersonNotFound):
        resolve_person(vault, raw)
    with pytest.raises((typer.Exit, SystemExit)):
        find_circle(vault, raw)
