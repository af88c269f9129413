"""/api/people: list, filters, search, paging, create, read, change, trash, circles; who may."""

from __future__ import annotations

from typing import Any

import pytest
from api_client import Api
from django.contrib.auth.models import User
from django.test import Client

from aandacht.accounts.models import Vault
from aandacht.attention.models import Circle
from aandacht.attention.services import create_circle, ensure_default_circles
from aandacht.people.models import Person
from aandacht.people.services import create_person


def test_list_is_paged_a_to_z_with_a_count(alice_api: Api, vault: Vault) -> None:
    for name in ("Cor Bakker", "Ann de Vries", "Bea Smit"):
        create_person(vault, name)
    first = alice_api.get("/api/people?limit=2").json()
    assert first["count"] == 3
    assert (first["limit"], first["offset"]) == (2, 0)
    assert [p["name"] for p in first["items"]] == ["Cor Bakker", "Bea Smit"]
    rest = alice_api.get("/api/people?limit=2&offset=2").json()
    assert [p["name"] for p in rest["items"]] == ["Ann de Vries"]
    assert alice_api.get("/api/people?offset=50").json()["items"] == []


def test_list_has_no_n_plus_one(
    alice_api: Api, vault: Vault, django_assert_max_num_queries: Any
) -> None:
    for index in range(12):
        create_person(
            vault, f"Person {index} Test", emails=[f"p{index}@example.org"], tags=["t", "u"]
        )
    with django_assert_max_num_queries(12):
        data = alice_api.get("/api/people?limit=100").json()
    assert data["count"] == 12
    assert all(p["contact_methods"] and p["tags"] == ["t", "u"] for p in data["items"])


def test_person_json_has_details(alice_api: Api, ann: Person) -> None:
    data = alice_api.get(f"/api/people/{ann.pk}").json()
    assert data["name"] == "Ann de Vries"
    assert data["particles"] == "de"
    assert data["contact_methods"][0]["kind"] == "email"
    assert data["contact_methods"][0]["value"] == "ann@example.org"
    assert data["tags"] == ["friends"]
    assert data["vault"] == ann.vault_id


def test_filters_tag_search_archived_vault(alice_api: Api, vault: Vault, ann: Person) -> None:
    bert = create_person(vault, "Bert Jansen", organisation="Sailing club")
    gone = create_person(vault, "Old Friend")
    gone.archived = True
    gone.save()
    names = lambda query: [p["name"] for p in alice_api.get(f"/api/people?{query}").json()["items"]]  # noqa: E731
    assert names("tag=FRIENDS") == ["Ann de Vries"]
    assert names("tag=nobody") == []
    assert names("q=sailing") == [bert.name]
    assert names("q=ann") == ["Ann de Vries"]
    assert names("archived=true") == ["Old Friend"]
    assert "Old Friend" not in names("")
    assert names(f"vault={vault.pk}") == ["Bert Jansen", "Ann de Vries"]  # Jansen, Vries


def test_circle_filter_and_setting_a_circle(alice_api: Api, vault: Vault, ann: Person) -> None:
    ensure_default_circles(vault)
    inner = Circle.objects.get(vault=vault, preset="inner")
    assert alice_api.get(f"/api/people?circle={inner.pk}").json()["count"] == 0
    put = alice_api.put(f"/api/people/{ann.pk}/circle", {"circle": inner.pk})
    assert put.status_code == 200
    assert put.json() == {"person": ann.pk, "circle": inner.pk}
    assert alice_api.get(f"/api/people?circle={inner.pk}").json()["count"] == 1
    out = alice_api.put(f"/api/people/{ann.pk}/circle", {"circle": None})
    assert out.json()["circle"] is None
    tagged = create_circle(vault, "", 30, tag_name="friends")
    refused = alice_api.put(f"/api/people/{ann.pk}/circle", {"circle": tagged.pk})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "circle"


def test_circle_of_another_vault_is_refused(
    alice_api: Api, ann: Person, other_vault: Vault
) -> None:
    ensure_default_circles(other_vault)
    theirs = other_vault.circles.first()
    assert theirs is not None
    assert alice_api.get(f"/api/people?circle={theirs.pk}").status_code == 404
    assert alice_api.put(f"/api/people/{ann.pk}/circle", {"circle": theirs.pk}).status_code == 422


def test_create_with_details(alice_api: Api, vault: Vault) -> None:
    response = alice_api.post(
        "/api/people",
        {
            "name": "Jan van Dijk",
            "pronouns": "he/him",
            "organisation": "Gemeente",
            "contact_methods": [
                {"kind": "email", "value": "Jan@Example.org", "label": "work"},
                {"kind": "phone", "value": "06 12345678"},
            ],
            "important_dates": [{"kind": "birthday", "month": 2, "day": 29}],
            "tags": ["Neighbours"],
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["given_name"], data["particles"], data["family_name"]) == ("Jan", "van", "Dijk")
    assert data["pronouns"] == "he/him"
    assert {m["kind"] for m in data["contact_methods"]} == {"email", "phone"}
    assert data["important_dates"][0]["day"] == 29
    assert data["tags"] == ["Neighbours"]
    assert data["vault"] == vault.pk
    assert alice_api.get(f"/api/people/{data['id']}").json() == data


def test_create_is_all_or_nothing(alice_api: Api, vault: Vault) -> None:
    response = alice_api.post(
        "/api/people",
        {"name": "Half Written", "contact_methods": [{"kind": "phone", "value": "no digits"}]},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "contact_methods.0.value"
    assert not Person.objects.exists()


def test_create_needs_a_vault_when_there_are_several(
    alice: User, alice_api: Api, vault: Vault, other_vault: Vault
) -> None:
    from aandacht.accounts.models import Membership

    Membership.objects.create(vault=other_vault, user=alice, role="editor")
    response = alice_api.post("/api/people", {"name": "Ann"})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["field"], error["location"]) == ("vault", "body")
    assert f"{vault.pk} ({vault.name})" in error["message"]
    assert f"{other_vault.pk} ({other_vault.name})" in error["message"]
    assert (
        alice_api.post("/api/people", {"name": "Ann", "vault": other_vault.pk}).status_code == 201
    )


def test_patch_changes_only_what_is_sent(alice_api: Api, ann: Person) -> None:
    response = alice_api.patch(
        f"/api/people/{ann.pk}",
        {"job_title": "Skipper", "tags": ["sailing", "Friends"], "archived": True},
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["job_title"] == "Skipper"
    assert data["given_name"] == "Ann"
    assert data["tags"] == ["Friends", "sailing"] or data["tags"] == ["friends", "sailing"]
    assert data["archived"] is True
    assert data["contact_methods"][0]["value"] == "ann@example.org"
    replaced = alice_api.patch(
        f"/api/people/{ann.pk}", {"contact_methods": [{"kind": "website", "value": "ann.nl"}]}
    ).json()
    assert [m["value"] for m in replaced["contact_methods"]] == ["https://ann.nl"]


def test_patch_refuses_bad_changes(alice_api: Api, vault: Vault, ann: Person, mo: Person) -> None:
    assert (
        alice_api.patch(f"/api/people/{ann.pk}", {"given_name": "", "family_name": ""}).status_code
        == 422
    )
    assert alice_api.patch(f"/api/people/{ann.pk}", {"met_via": ann.pk}).status_code == 422
    assert alice_api.patch(f"/api/people/{ann.pk}", {"met_via": mo.pk}).status_code == 422
    assert alice_api.patch(f"/api/people/{ann.pk}", {"given_name": None}).status_code == 422
    assert alice_api.patch(f"/api/people/{ann.pk}", "[1]").status_code == 400
    ann.refresh_from_db()
    assert ann.given_name == "Ann"


def test_a_stale_patch_is_a_409(alice_api: Api, ann: Person) -> None:
    read = alice_api.get(f"/api/people/{ann.pk}").json()
    assert (
        alice_api.patch(
            f"/api/people/{ann.pk}", {"nickname": "A", "updated_at": read["updated_at"]}
        ).status_code
        == 200
    )
    stale = alice_api.patch(
        f"/api/people/{ann.pk}", {"nickname": "B", "updated_at": read["updated_at"]}
    )
    assert stale.status_code == 409
    assert "changed" in stale.json()["detail"]
    ann.refresh_from_db()
    assert ann.nickname == "A"


def test_delete_moves_to_the_trash(alice_api: Api, ann: Person) -> None:
    response = alice_api.delete(f"/api/people/{ann.pk}")
    assert response.status_code == 204
    assert response.content == b""
    ann.refresh_from_db()
    assert ann.trashed_at is not None
    assert alice_api.get(f"/api/people/{ann.pk}").status_code == 404
    assert alice_api.get("/api/people").json()["count"] == 0
    assert alice_api.delete(f"/api/people/{ann.pk}").status_code == 404


# --- who may -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("PATCH", "", {"nickname": "x"}),
        ("DELETE", "", None),
        ("PUT", "/circle", {"circle": None}),
    ],
)
def test_an_outsider_gets_404_for_everything(
    mallory_api: Api, ann: Person, method: str, suffix: str, body: Any
) -> None:
    response = mallory_api.request(method, f"/api/people/{ann.pk}{suffix}", body)
    assert response.status_code == 404
    missing = mallory_api.request(method, f"/api/people/{ann.pk + 1000}{suffix}", body)
    assert missing.json()["detail"] == response.json()["detail"]  # nothing told apart


def test_outsiders_lists_and_searches_show_nothing(mallory_api: Api, ann: Person) -> None:
    assert mallory_api.get("/api/people").json()["count"] == 0
    assert mallory_api.get("/api/people?q=ann").json()["count"] == 0
    assert mallory_api.get(f"/api/people?vault={ann.vault_id}").status_code == 404
    assert mallory_api.post("/api/people", {"name": "X", "vault": ann.vault_id}).status_code == 404


@pytest.mark.parametrize("who", ["carol_api", "alice_read"])
def test_viewers_and_read_only_tokens_read_but_get_403_writing(
    who: str, request: pytest.FixtureRequest, ann: Person, vault: Vault
) -> None:
    api: Api = request.getfixturevalue(who)
    assert api.get(f"/api/people/{ann.pk}").status_code == 200
    assert api.get("/api/people").json()["count"] == 1
    for method, path, body in [
        ("POST", "/api/people", {"name": "New", "vault": vault.pk}),
        ("PATCH", f"/api/people/{ann.pk}", {"nickname": "x"}),
        ("DELETE", f"/api/people/{ann.pk}", None),
        ("PUT", f"/api/people/{ann.pk}/circle", {"circle": None}),
    ]:
        response = api.request(method, path, body)
        assert response.status_code == 403, (who, method, path)
        assert response.json()["detail"]
    ann.refresh_from_db()
    assert ann.trashed_at is None and ann.nickname == ""
    assert Person.objects.count() == 1


def test_an_editor_writes(bob_api: Api, ann: Person) -> None:
    assert bob_api.patch(f"/api/people/{ann.pk}", {"nickname": "Annie"}).status_code == 200


def test_a_session_user_sees_their_memberships(as_carol: Client, ann: Person) -> None:
    assert as_carol.get(f"/api/people/{ann.pk}").status_code == 200
    assert as_carol.get("/api/vaults").json()[0]["role"] == "viewer"


def test_odd_input_in_urls_and_queries(alice_api: Api, ann: Person) -> None:
    for query in (
        "limit=0",
        "limit=abc",
        "offset=-1",
        "archived=maybe",
        "circle=0",
        "q=" + "x" * 300,
    ):
        response = alice_api.get(f"/api/people?{query}")
        assert response.status_code == 422, query
    for query in ("q=%F0%9F%98%80", "q=%00", "tag=%E2%80%AE"):
        assert alice_api.get(f"/api/people?{query}").status_code in (200, 422), query
