"""The move-or-copy pages: choose, confirm, do; for the whole cast and for bad input."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.timeline.models import Note
from aandacht.timeline.services import add_note, log_interaction
from aandacht.web.access import CURRENT_VAULT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def team(alice: User) -> Vault:
    team = Vault.objects.create(name="Team")
    Membership.objects.create(vault=team, user=alice, role=Role.OWNER)
    return team


@pytest.fixture
def ann(vault: Vault, alice: User) -> Person:
    ann = create_person(vault, "Ann de Vries", emails=["ann@example.nl"], tags=["Rowing"])
    add_note(vault, ann, "likes sourdough", author=alice)
    log_interaction(vault, [ann], "call", author=alice)
    return ann


def url(person: Person) -> str:
    return reverse("people:transfer", args=[person.pk])


def said(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def token_of(html: str) -> str:
    match = re.search(r'name="token" value="([0-9a-f]{32})"', html)
    assert match
    return match[1]


# --- the cast --------------------------------------------------------------------------------


def test_alice_sees_her_other_vault_and_the_menu_entry(
    as_alice: Client, ann: Person, team: Vault
) -> None:
    detail = as_alice.get(reverse("people:detail", args=[ann.pk])).content.decode()
    assert "Move or copy to another vault" in detail
    assert f'href="{url(ann)}"' in detail
    page = as_alice.get(url(ann))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Team" in html and 'value="move"' in html and 'value="copy"' in html
    assert "Alice&#x27;s people" not in html.split("To which vault?")[1]


def test_bob_without_another_vault_gets_no_entry_and_a_clear_page(
    as_bob: Client, ann: Person, team: Vault
) -> None:
    detail = as_bob.get(reverse("people:detail", args=[ann.pk])).content.decode()
    assert "Move or copy to another vault" not in detail
    page = as_bob.get(url(ann))
    assert page.status_code == 200
    assert "You can edit no other vault" in page.content.decode()


def test_bob_cannot_move_into_a_vault_he_is_not_in(
    as_bob: Client, ann: Person, team: Vault
) -> None:
    assert as_bob.get(url(ann), {"to": team.pk, "mode": "move"}).status_code == 404
    assert as_bob.post(url(ann), {"to": team.pk, "mode": "move"}).status_code == 404
    assert Person.objects.get(pk=ann.pk).vault_id != team.pk


def test_carol_the_viewer_gets_403_and_mallory_404(
    as_carol: Client, as_mallory: Client, ann: Person, team: Vault, carol: User
) -> None:
    Membership.objects.create(vault=team, user=carol, role=Role.EDITOR)
    assert as_carol.get(url(ann)).status_code == 403
    assert as_carol.post(url(ann), {"to": team.pk, "mode": "copy"}).status_code == 403
    assert as_mallory.get(url(ann)).status_code == 404
    assert as_mallory.post(url(ann), {"to": team.pk, "mode": "move"}).status_code == 404
    assert not Person.objects.filter(vault=team).exists()


def test_a_target_where_alice_only_reads_is_403(as_alice: Client, alice: User, ann: Person) -> None:
    shared = Vault.objects.create(name="Read only")
    Membership.objects.create(vault=shared, user=alice, role=Role.VIEWER)
    assert as_alice.get(url(ann), {"to": shared.pk, "mode": "copy"}).status_code == 403
    assert as_alice.post(url(ann), {"to": shared.pk, "mode": "copy"}).status_code == 403
    assert not Person.objects.filter(vault=shared).exists()


@pytest.mark.parametrize(
    ("query", "status", "text"),
    [
        ({"to": "abc", "mode": "move"}, 400, "Choose the vault"),
        ({"to": "-1", "mode": "move"}, 400, "Choose the vault"),
        ({"to": "9" * 30, "mode": "move"}, 400, "Choose the vault"),
        ({"to": "", "mode": "move"}, 400, "Choose the vault"),
        ({"to": "TEAM", "mode": "swap"}, 400, "move or to copy"),
        ({"to": "999999", "mode": "move"}, 404, ""),
    ],
)
def test_bad_choices_are_specific_errors(
    as_alice: Client, ann: Person, team: Vault, query: dict[str, str], status: int, text: str
) -> None:
    query = {key: str(team.pk) if value == "TEAM" else value for key, value in query.items()}
    for response in (as_alice.get(url(ann), query), as_alice.post(url(ann), query)):
        assert response.status_code == status
        assert text in response.content.decode()
    assert Person.objects.get(pk=ann.pk).vault_id == ann.vault_id


def test_mallorys_vault_is_a_404_and_the_same_vault_a_400(
    as_alice: Client, ann: Person, vault: Vault, other_vault: Vault, team: Vault
) -> None:
    assert as_alice.get(url(ann), {"to": other_vault.pk, "mode": "move"}).status_code == 404
    same = as_alice.get(url(ann), {"to": vault.pk, "mode": "copy"})
    assert same.status_code == 400
    assert "already" in same.content.decode()
    assert as_alice.post(url(ann), {"to": vault.pk, "mode": "copy"}).status_code == 400
    assert as_alice.get("/people/abc/transfer/").status_code == 404


# --- confirm and do --------------------------------------------------------------------------


def test_the_confirmation_lists_what_happens_and_warns_of_a_duplicate(
    as_alice: Client, ann: Person, team: Vault, django_assert_max_num_queries: Any
) -> None:
    twin = create_person(team, "Ann de Vries")
    with django_assert_max_num_queries(40):
        page = as_alice.get(url(ann), {"to": team.pk, "mode": "move"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Move Ann de Vries to “Team”?" in html
    assert "1 contact detail" in html and "1 note" in html and "1 conversation" in html
    assert "new there: Rowing" in html
    assert f'href="{reverse("people:detail", args=[twin.pk])}"' in html
    assert 'method="post"' in html and "csrfmiddlewaretoken" in html


def test_moving_lands_on_the_person_in_the_target_which_becomes_current(
    as_alice: Client, ann: Person, vault: Vault, team: Vault
) -> None:
    form = {"to": team.pk, "mode": "move", "from": vault.pk}
    response = as_alice.post(url(ann), form)
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[ann.pk])
    assert said(response) == ["Ann de Vries is moved to “Team”."]
    assert as_alice.session[CURRENT_VAULT] == team.pk
    assert Person.objects.get(pk=ann.pk).vault_id == team.pk

    again = as_alice.post(url(ann), form)
    assert again.status_code == 302
    assert said(again)[-1] == "Ann de Vries is already in “Team”."


def test_copying_twice_with_the_same_form_makes_one_copy(
    as_alice: Client, ann: Person, vault: Vault, team: Vault
) -> None:
    token = token_of(as_alice.get(url(ann), {"to": team.pk, "mode": "copy"}).content.decode())
    form = {"to": team.pk, "mode": "copy", "from": vault.pk, "token": token}
    first = as_alice.post(url(ann), form)
    second = as_alice.post(url(ann), form)
    copy = Person.objects.get(vault=team)
    assert first["Location"] == second["Location"] == reverse("people:detail", args=[copy.pk])
    copied = "Ann de Vries is copied to “Team”; the original stays in “Alice's people”."
    assert said(first) == [copied]
    assert said(second)[-1] == "This copy of Ann de Vries was already made."
    assert Person.objects.get(pk=ann.pk).vault_id == vault.pk


def test_a_copy_without_a_valid_token_is_refused(
    as_alice: Client, ann: Person, team: Vault
) -> None:
    for token in ("", "nonsense", "g" * 32):
        response = as_alice.post(url(ann), {"to": team.pk, "mode": "copy", "token": token})
        assert response.status_code == 409
        assert "expired" in response.content.decode()
    assert not Person.objects.filter(vault=team).exists()


def test_a_damaged_source_field_is_a_400(as_alice: Client, ann: Person, team: Vault) -> None:
    response = as_alice.post(url(ann), {"to": team.pk, "mode": "move", "from": "x"})
    assert response.status_code == 400
    assert Person.objects.get(pk=ann.pk).vault_id != team.pk


def test_bobs_private_note_blocks_the_move_without_naming_him(
    as_alice: Client, bob: User, ann: Person, vault: Vault, team: Vault
) -> None:
    add_note(vault, ann, "bob's secret", author=bob, private=True)
    page = as_alice.get(url(ann), {"to": team.pk, "mode": "move"})
    html = page.content.decode()
    assert "keeps private notes or moments" in html
    # the random CSRF token can contain "bob" by chance: leave the form's secrets out
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    assert "bob" not in html.casefold() and "secret" not in html
    assert "Move to “Team”" not in html  # no button
    response = as_alice.post(url(ann), {"to": team.pk, "mode": "move", "from": vault.pk})
    assert response.status_code == 409
    assert Person.objects.get(pk=ann.pk).vault_id == vault.pk
    # A copy is the way out, and it leaves bob's note where he can read it.
    token = token_of(as_alice.get(url(ann), {"to": team.pk, "mode": "copy"}).content.decode())
    as_alice.post(url(ann), {"to": team.pk, "mode": "copy", "token": token})
    assert not Note.objects.filter(vault=team, body="bob's secret").exists()


def test_the_form_needs_csrf(alice: User, ann: Person, team: Vault) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(url(ann), {"to": team.pk, "mode": "move"}).status_code == 403
    assert Person.objects.get(pk=ann.pk).vault_id != team.pk


def test_back_goes_to_the_choice_with_it_kept(as_alice: Client, ann: Person, team: Vault) -> None:
    page = as_alice.get(url(ann), {"to": team.pk, "mode": "copy", "back": "1"})
    html = page.content.decode()
    assert "To which vault?" in html
    assert re.search(rf'value="{team.pk}" required checked', html)
    assert re.search(r'value="copy" checked', html)


def test_after_a_move_bobs_private_note_is_his_alone_on_the_page(
    as_alice: Client,
    as_bob: Client,
    as_carol: Client,
    bob: User,
    carol: User,
    ann: Person,
    vault: Vault,
    team: Vault,
) -> None:
    Membership.objects.create(vault=team, user=bob, role=Role.VIEWER)
    Membership.objects.create(vault=team, user=carol, role=Role.VIEWER)
    add_note(vault, ann, "bob's private thought", author=bob, private=True)
    response = as_alice.post(url(ann), {"to": team.pk, "mode": "move", "from": vault.pk})
    assert response.status_code == 302
    detail = reverse("people:detail", args=[ann.pk])
    assert "bob&#x27;s private thought" in as_bob.get(detail).content.decode()
    for client in (as_alice, as_carol):
        page = client.get(detail)
        assert page.status_code == 200
        assert "private thought" not in page.content.decode()
