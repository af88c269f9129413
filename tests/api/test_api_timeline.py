"""/api/interactions, /api/notes, /api/moments, /api/follow-ups: CRUD, filters, privacy, roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from api_client import Api
from django.contrib.auth.models import User
from django.utils import timezone

from aandacht.accounts.models import Vault
from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.timeline import services
from aandacht.timeline.models import FollowUp, Interaction, Moment, Note

JAN_1 = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)


def test_interactions_crud(alice_api: Api, vault: Vault, ann: Person) -> None:
    bert = create_person(vault, "Bert Jansen")
    made = alice_api.post(
        "/api/interactions",
        {"people": [ann.pk, bert.pk], "kind": "voicemail", "summary": " left a message "},
    )
    assert made.status_code == 201, made.content
    data = made.json()
    assert data["outcome"] == "attempt"  # from the kind
    assert data["people"] == sorted([ann.pk, bert.pk])
    assert data["summary"] == "left a message"
    pk = data["id"]
    changed = alice_api.patch(f"/api/interactions/{pk}", {"kind": "call", "people": [ann.pk]})
    assert changed.status_code == 200
    assert changed.json()["outcome"] == "conversation"
    assert changed.json()["people"] == [ann.pk]
    assert changed.json()["summary"] == "left a message"
    assert alice_api.get(f"/api/interactions/{pk}").json() == changed.json()
    assert alice_api.delete(f"/api/interactions/{pk}").status_code == 204
    assert not Interaction.objects.exists()


def test_interactions_refuse_bad_people(
    alice_api: Api, ann: Person, mo: Person, vault: Vault
) -> None:
    empty = alice_api.post("/api/interactions", {"people": [], "kind": "call"})
    assert empty.status_code == 422
    for people in ([mo.pk], [ann.pk, mo.pk], [ann.pk + 999]):
        response = alice_api.post("/api/interactions", {"people": people, "kind": "call"})
        assert response.status_code == 404, people  # someone else's person is not revealed
        assert response.json()["errors"][0]["field"] == "people"
    assert (
        alice_api.post("/api/interactions", {"people": [ann.pk], "kind": "fax"}).status_code == 422
    )
    assert not Interaction.objects.exists()


def test_interaction_filters_and_paging(
    alice_api: Api, vault: Vault, ann: Person, django_assert_max_num_queries: Any
) -> None:
    bert = create_person(vault, "Bert Jansen")
    for day in range(1, 11):
        services.log_interaction(
            vault,
            [ann, bert] if day % 2 else [ann],
            "call",
            occurred_at=JAN_1 + dt.timedelta(days=day),
        )
    with django_assert_max_num_queries(8):
        data = alice_api.get("/api/interactions?limit=100").json()
    assert data["count"] == 10
    assert data["items"][0]["occurred_at"] > data["items"][-1]["occurred_at"]
    assert alice_api.get(f"/api/interactions?person={bert.pk}").json()["count"] == 5
    since = (JAN_1 + dt.timedelta(days=9)).isoformat().replace("+00:00", "Z")
    assert alice_api.get(f"/api/interactions?since={since}").json()["count"] == 2
    assert alice_api.get(f"/api/interactions?until={since}").json()["count"] == 8
    last = alice_api.get("/api/interactions?limit=3&offset=9").json()
    assert len(last["items"]) == 1
    assert last["items"][0]["people"] == sorted([ann.pk, bert.pk])  # day 1, the oldest


def test_notes_crud_and_private_notes_stay_private(
    alice: User, alice_api: Api, bob_api: Api, carol_api: Api, vault: Vault, ann: Person
) -> None:
    secret = alice_api.post(
        "/api/notes", {"person": ann.pk, "body": "Private thought", "private": True}
    )
    assert secret.status_code == 201
    public = alice_api.post("/api/notes", {"person": ann.pk, "body": "Likes sailing"}).json()
    pk = secret.json()["id"]
    assert alice_api.get("/api/notes").json()["count"] == 2
    for other in (bob_api, carol_api):
        assert other.get("/api/notes").json()["count"] == 1
        assert other.get(f"/api/notes?person={ann.pk}").json()["items"][0]["id"] == public["id"]
        assert other.get(f"/api/notes/{pk}").status_code == 404
        assert other.patch(f"/api/notes/{pk}", {"body": "x"}).status_code == 404
        assert other.delete(f"/api/notes/{pk}").status_code == 404
    assert bob_api.get("/api/people?q=thought").json()["count"] == 0
    changed = alice_api.patch(f"/api/notes/{pk}", {"body": "Still private"})
    assert changed.json()["private"] is True
    assert alice_api.patch(f"/api/notes/{pk}", {"body": "  "}).status_code == 422
    assert alice_api.delete(f"/api/notes/{pk}").status_code == 204
    assert Note.objects.count() == 1


def test_moments_crud_and_privacy(alice_api: Api, bob_api: Api, ann: Person) -> None:
    made = bob_api.post(
        "/api/moments",
        {"person": ann.pk, "text": "Helped me move", "kind": "grateful", "private": True},
    )
    assert made.status_code == 201
    pk = made.json()["id"]
    assert alice_api.get("/api/moments").json()["count"] == 0
    assert alice_api.get(f"/api/moments/{pk}").status_code == 404
    assert bob_api.get(f"/api/moments/{pk}").json()["kind"] == "grateful"
    shared = bob_api.patch(f"/api/moments/{pk}", {"private": False, "kind": "strength"}).json()
    assert shared["kind"] == "strength"
    assert alice_api.get(f"/api/moments/{pk}").status_code == 200
    assert bob_api.patch(f"/api/moments/{pk}", {"kind": "angry"}).status_code == 422
    assert alice_api.delete(f"/api/moments/{pk}").status_code == 204
    assert not Moment.objects.exists()


def test_follow_ups_open_and_done(alice_api: Api, ann: Person) -> None:
    made = alice_api.post(
        "/api/follow-ups", {"person": ann.pk, "text": "Send the book", "due_on": "2026-12-24"}
    )
    assert made.status_code == 201
    pk = made.json()["id"]
    alice_api.post(
        "/api/follow-ups", {"person": ann.pk, "text": "Ask about the boat", "direction": "request"}
    )
    assert alice_api.get("/api/follow-ups?done=false").json()["count"] == 2
    done = alice_api.patch(f"/api/follow-ups/{pk}", {"done": True}).json()
    assert done["done"] is True and done["done_at"]
    again = alice_api.patch(f"/api/follow-ups/{pk}", {"done": True}).json()
    assert again["done_at"] == done["done_at"]  # idempotent
    assert alice_api.get("/api/follow-ups?done=true").json()["count"] == 1
    assert alice_api.get("/api/follow-ups?done=false").json()["count"] == 1
    reopened = alice_api.patch(f"/api/follow-ups/{pk}", {"done": False, "due_on": None}).json()
    assert reopened["done"] is False and reopened["due_on"] is None
    assert alice_api.patch(f"/api/follow-ups/{pk}", {"direction": "threat"}).status_code == 422
    assert alice_api.delete(f"/api/follow-ups/{pk}").status_code == 204
    assert FollowUp.objects.count() == 1


@pytest.fixture
def entries(alice: User, vault: Vault, ann: Person) -> dict[str, int]:
    return {
        "interactions": services.log_interaction(vault, [ann], "call", author=alice).pk,
        "notes": services.add_note(vault, ann, "A note", author=alice).pk,
        "moments": services.add_moment(vault, ann, "A moment", author=alice).pk,
        "follow-ups": services.add_follow_up(vault, ann, "A promise", author=alice).pk,
    }


CHANGES = {
    "interactions": {"summary": "x"},
    "notes": {"body": "x"},
    "moments": {"text": "x"},
    "follow-ups": {"text": "x"},
}
CREATES = {
    "interactions": lambda ann: {"people": [ann], "kind": "call"},
    "notes": lambda ann: {"person": ann, "body": "x"},
    "moments": lambda ann: {"person": ann, "text": "x"},
    "follow-ups": lambda ann: {"person": ann, "text": "x"},
}


@pytest.mark.parametrize("resource", list(CHANGES))
def test_outsiders_get_404_and_see_nothing(
    resource: str, mallory_api: Api, entries: dict[str, int], ann: Person
) -> None:
    pk = entries[resource]
    assert mallory_api.get(f"/api/{resource}").json()["count"] == 0
    assert mallory_api.get(f"/api/{resource}?vault={ann.vault_id}").status_code == 404
    assert mallory_api.get(f"/api/{resource}?person={ann.pk}").status_code == 404
    assert mallory_api.get(f"/api/{resource}/{pk}").status_code == 404
    assert mallory_api.patch(f"/api/{resource}/{pk}", CHANGES[resource]).status_code == 404
    assert mallory_api.delete(f"/api/{resource}/{pk}").status_code == 404
    assert mallory_api.post(f"/api/{resource}", CREATES[resource](ann.pk)).status_code == 404


@pytest.mark.parametrize("resource", list(CHANGES))
@pytest.mark.parametrize("who", ["carol_api", "alice_read"])
def test_viewers_and_read_tokens_read_but_cannot_write(
    resource: str, who: str, request: pytest.FixtureRequest, entries: dict[str, int], ann: Person
) -> None:
    api: Api = request.getfixturevalue(who)
    pk = entries[resource]
    assert api.get(f"/api/{resource}").json()["count"] == 1
    assert api.get(f"/api/{resource}/{pk}").status_code == 200
    assert api.patch(f"/api/{resource}/{pk}", CHANGES[resource]).status_code == 403
    assert api.delete(f"/api/{resource}/{pk}").status_code == 403
    assert api.post(f"/api/{resource}", CREATES[resource](ann.pk)).status_code == 403


@pytest.mark.parametrize("resource", list(CHANGES))
def test_lists_without_auth_are_401(resource: str, anonymous: Api, vault: Vault) -> None:
    assert anonymous.get(f"/api/{resource}").status_code == 401


def test_times_are_checked(alice_api: Api, ann: Person) -> None:
    for when in (
        "tomorrow",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "2026-13-01",
    ):
        response = alice_api.post(
            "/api/notes", {"person": ann.pk, "body": "x", "occurred_at": when}
        )
        assert response.status_code == 422, when
        assert response.json()["errors"][0]["field"] == "occurred_at"
    odd_offset = alice_api.get("/api/moments?until=2311-04-27T09:46:47-19:17")
    assert odd_offset.status_code == 200  # PostgreSQL would refuse that offset: sent as UTC
    naive = alice_api.post(
        "/api/notes", {"person": ann.pk, "body": "x", "occurred_at": "2026-05-01T10:00:00"}
    )
    assert naive.status_code == 201
    assert Note.objects.get().occurred_at == timezone.make_aware(dt.datetime(2026, 5, 1, 10))
