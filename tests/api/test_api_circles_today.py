"""/api/circles and /api/today."""

from __future__ import annotations

from typing import Any

from api_client import Api
from django.contrib.auth.models import User
from django.utils import timezone

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.accounts.tokens import create_token
from aandacht.attention import agenda_json
from aandacht.attention.models import Circle
from aandacht.attention.services import (
    agenda_for,
    create_circle,
    ensure_default_circles,
    set_circle,
)
from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.timeline.services import add_follow_up


def test_circles_list_and_members(
    alice_api: Api, vault: Vault, ann: Person, django_assert_max_num_queries: Any
) -> None:
    ensure_default_circles(vault)
    inner = Circle.objects.get(vault=vault, preset="inner")
    friends = create_circle(vault, "", 30, tag_name="friends")
    bert = create_person(vault, "Bert Jansen")
    set_circle(bert, inner)
    with django_assert_max_num_queries(8):
        listed = alice_api.get("/api/circles").json()
    assert listed["count"] == 5
    assert listed["items"][0] == {
        "id": inner.pk,
        "vault": vault.pk,
        "name": "Inner circle",
        "cadence_days": 14,
        "tag": None,
    }
    assert alice_api.get(f"/api/circles/{inner.pk}").json()["members"] == [bert.pk]
    detail = alice_api.get(f"/api/circles/{friends.pk}").json()
    assert detail["members"] == [ann.pk]
    assert detail["tag"] == "friends"


def test_circles_of_other_vaults_are_404(
    mallory_api: Api, alice_read: Api, vault: Vault, other_vault: Vault
) -> None:
    ensure_default_circles(vault)
    ensure_default_circles(other_vault)
    theirs = other_vault.circles.first()
    mine = vault.circles.first()
    assert theirs is not None and mine is not None
    assert mallory_api.get(f"/api/circles/{mine.pk}").status_code == 404
    assert mallory_api.get(f"/api/circles?vault={vault.pk}").status_code == 404
    assert alice_read.get(f"/api/circles/{theirs.pk}").status_code == 404
    assert {c["vault"] for c in alice_read.get("/api/circles").json()["items"]} == {vault.pk}


def test_today_shows_the_agenda(alice: User, alice_api: Api, vault: Vault, ann: Person) -> None:
    follow_up = add_follow_up(vault, ann, "Send the book", due_on=timezone.localdate())
    response = alice_api.get("/api/today")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["vault"] == vault.pk
    kinds = {(item["kind"], item["follow_up_id"]) for item in data["items"]}
    assert ("follow_up", follow_up.pk) in kinds


def test_today_matches_the_cli_json(
    alice: User, alice_read: Api, vault: Vault, ann: Person
) -> None:
    """``/api/today`` and ``aandacht today --json`` share attention.agenda_json: same items."""
    import aandacht.cli  # noqa: F401  (the CLI's modules load through it)
    from aandacht import cli_attention
    from aandacht.api import today

    add_follow_up(vault, ann, "Send the book", due_on=timezone.localdate())
    agenda = agenda_for(alice, vault)
    expected = agenda_json.agenda_items(agenda, None)  # a read token gets no nudge
    assert expected
    got = alice_read.get("/api/today").json()["items"]
    # The API's schema also lists an appreciation item's texts (null for the other kinds).
    assert len(got) == len(expected)
    shared = [{key: item[key] for key in want} for item, want in zip(got, expected, strict=True)]
    assert shared == expected
    assert today.agenda_items is cli_attention.agenda_items is agenda_json.agenda_items


def test_today_needs_a_vault_when_there_are_several(
    alice: User, alice_api: Api, vault: Vault, other_vault: Vault
) -> None:
    Membership.objects.create(vault=other_vault, user=alice, role=Role.VIEWER)
    response = alice_api.get("/api/today")
    assert response.status_code == 422
    data = response.json()
    # ?vault= is a query parameter, and the answer lists the vaults to choose from.
    assert data["errors"] == [{"field": "vault", "location": "query", "message": data["detail"]}]
    assert f"{vault.pk} ({vault.name})" in data["detail"]
    assert f"{other_vault.pk} ({other_vault.name})" in data["detail"]
    assert "?vault=" in data["detail"]
    assert alice_api.get(f"/api/today?vault={other_vault.pk}").status_code == 200


def test_today_lists_only_vaults_the_caller_reaches(
    alice: User, alice_api: Api, vault: Vault, other_vault: Vault
) -> None:
    """The listing never names a vault the caller does not reach; a token narrowed to one vault
    needs no ?vault= at all."""
    Membership.objects.create(vault=Vault.objects.create(name="Team"), user=alice, role="viewer")
    detail = alice_api.get("/api/today").json()["detail"]
    assert "you reach 2" in detail
    assert other_vault.name not in detail
    narrow = Api(create_token(alice, "narrow", "read", vault).secret)
    assert narrow.get("/api/today").json()["vault"] == vault.pk


def test_today_with_no_vault_at_all(alice: User, alice_api: Api, vault: Vault) -> None:
    Membership.objects.filter(user=alice).delete()
    response = alice_api.get("/api/today")
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "query"


def test_today_refuses_other_vaults_and_odd_dates(
    alice_api: Api, mallory_api: Api, vault: Vault, other_vault: Vault
) -> None:
    assert mallory_api.get(f"/api/today?vault={vault.pk}").status_code == 404
    too_far = alice_api.get("/api/today?date=3000-01-01")
    assert too_far.status_code == 422
    assert too_far.json()["errors"][0] == {
        "field": "date",
        "location": "query",
        "message": too_far.json()["detail"],
    }
    assert alice_api.get("/api/today?date=tomorrow").status_code == 422
    assert alice_api.get("/api/today?date=2020-01-01").status_code == 200


def test_viewer_sees_today_without_the_appreciation_nudge(carol_api: Api, ann: Person) -> None:
    response = carol_api.get("/api/today")
    assert response.status_code == 200
    assert all(item["kind"] != "appreciation" for item in response.json()["items"])
