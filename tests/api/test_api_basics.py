"""Authentication, errors, rate limits, the schema and the docs page."""

from __future__ import annotations

import re
from typing import Any

from api_client import Api
from django.contrib.auth.models import User
from django.test import Client, override_settings

from aandacht.accounts.models import Vault
from aandacht.accounts.tokens import create_token, revoke
from aandacht.people.models import Person


def test_no_token_is_a_401_with_a_bearer_challenge(anonymous: Api, vault: Vault) -> None:
    response = anonymous.get("/api/people")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "Bearer" in response.json()["detail"]


def test_a_wrong_token_is_a_401(vault: Vault) -> None:
    for header in ("Bearer aat_nope", "Bearer ", "Basic abc", "Bearer " + "x" * 5000, "Token"):
        response = Client().get("/api/people", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_a_401(alice: User, vault: Vault) -> None:
    new = create_token(alice, "old", "read")
    assert Api(new.secret).get("/api/vaults").status_code == 200
    revoke(new.token)
    assert Api(new.secret).get("/api/vaults").status_code == 401


def test_an_inactive_users_token_is_a_401(alice: User, bob: User) -> None:
    new = create_token(alice, "t", "read")
    alice.is_active = False
    alice.save()
    assert Api(new.secret).get("/api/vaults").status_code == 401


def test_a_bad_token_is_refused_even_with_a_session(as_alice: Client) -> None:
    response = as_alice.get("/api/vaults", headers={"Authorization": "Bearer aat_nope"})
    assert response.status_code == 401


def test_a_session_reads_and_writes_with_csrf(alice: User, vault: Vault) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get("/api/vaults").status_code == 200
    body = '{"name": "Ann"}'
    refused = client.post("/api/people", body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    client.get("/people/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    made = client.post(
        "/api/people", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert made.status_code == 201, made.content


def test_bearer_writes_need_no_csrf(alice_api: Api) -> None:
    alice_api.client = Client(enforce_csrf_checks=True)
    assert alice_api.post("/api/people", {"name": "Ann"}).status_code == 201


def test_vaults_show_the_callers_role(
    alice_api: Api, carol_api: Api, mallory_api: Api, vault: Vault, other_vault: Vault
) -> None:
    assert alice_api.get("/api/vaults").json() == [
        {"id": vault.pk, "name": "Alice's people", "role": "owner", "can_write": True}
    ]
    assert carol_api.get("/api/vaults").json() == [
        {"id": vault.pk, "name": "Alice's people", "role": "viewer", "can_write": False}
    ]
    assert [v["id"] for v in mallory_api.get("/api/vaults").json()] == [other_vault.pk]


def test_a_token_for_one_vault_sees_only_that_vault(
    alice: User, vault: Vault, other_vault: Vault, mallory: User, ann: Person, mo: Person
) -> None:
    from aandacht.accounts.models import Membership, Role

    Membership.objects.create(vault=other_vault, user=alice, role=Role.EDITOR)
    narrow = Api(create_token(alice, "narrow", "write", vault).secret)
    wide = Api(create_token(alice, "wide", "write").secret)
    assert [v["id"] for v in narrow.get("/api/vaults").json()] == [vault.pk]
    assert len(wide.get("/api/vaults").json()) == 2
    assert narrow.get(f"/api/people/{mo.pk}").status_code == 404
    assert wide.get(f"/api/people/{mo.pk}").status_code == 200
    assert narrow.get(f"/api/people?vault={other_vault.pk}").status_code == 404
    assert narrow.post("/api/people", {"name": "X", "vault": other_vault.pk}).status_code == 404


def test_unknown_routes_and_methods_answer_json(alice_api: Api) -> None:
    for path in ("/api/nothing", "/api/people/abc", "/api/people/1/nothing", "/api/"):
        response = alice_api.get(path)
        if path == "/api/":
            continue
        assert response.status_code == 404, path
        assert response.json()["detail"], path
    wrong = alice_api.request("PUT", "/api/people")
    assert wrong.status_code == 405
    assert "GET" in wrong["Allow"]
    assert wrong.json()["detail"]


def test_bad_bodies_are_400_or_422_never_500(alice_api: Api, vault: Vault) -> None:
    cases = [
        ("{not json", 400),
        ("", 422),
        ("[]", 400),
        ('{"name": 5}', 422),
        ('{"name": "a\\u0000b"}', 422),
        ('{"name": "\\ud800"}', 422),
        ('{"name": "' + "x" * 500 + '"}', 422),
        ('{"name": "Ann", "vault": 99999999999999999999999}', 422),
        ('{"name": "Ann", "met_on": "2024-02-30"}', 422),
        ('{"name": "Ann", "met_via": -1}', 422),
        ('{"name": "Ann", "contact_methods": [{"kind": "fax", "value": "1"}]}', 422),
        ('{"name": "Ann", "contact_methods": [{"kind": "email", "value": "nope"}]}', 422),
        ('{"name": "Ann", "important_dates": [{"kind": "birthday", "month": 2, "day": 30}]}', 422),
        ('{"name": "   "}', 422),
        ('{"name": "van der"}', 422),
    ]
    for body, status in cases:
        response = alice_api.post("/api/people", body)
        assert response.status_code == status, (body, response.content)
        assert isinstance(response.json()["detail"], str)
    assert Person.objects.count() == 0  # nothing half-written


def test_validation_errors_name_the_field(alice_api: Api) -> None:
    response = alice_api.get("/api/people?limit=1000")
    assert response.status_code == 422
    data = response.json()
    assert "limit" in data["detail"]
    assert data["errors"][0]["field"] == "limit"
    assert data["errors"][0]["location"] == "query"
    huge = alice_api.get("/api/people/99999999999999999999999")
    assert huge.status_code == 422
    assert "person_id" in huge.json()["detail"]
    assert alice_api.get("/api/people?vault=abc").status_code == 422
    assert alice_api.get("/api/notes?since=yesterday").status_code == 422
    assert alice_api.get("/api/notes?since=0001-01-01T00:00:00%2B14:00").status_code == 422


def test_rate_limit_answers_429_per_token(alice: User, vault: Vault) -> None:
    first = Api(create_token(alice, "a", "read").secret)
    second = Api(create_token(alice, "b", "read").secret)
    with override_settings(API_REQUESTS_PER_MINUTE=3):
        for _ in range(3):
            assert first.get("/api/vaults").status_code == 200
        limited = first.get("/api/vaults")
        assert limited.status_code == 429
        assert int(limited["Retry-After"]) >= 1
        assert "Too many" in limited.json()["detail"]
        assert second.get("/api/vaults").status_code == 200


def test_the_schema_declares_every_error(client: Client, alice: User) -> None:
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "404", "422", "429"} <= codes, (method, path)


def test_the_docs_load_nothing_from_elsewhere(client: Client, alice: User) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    external = re.findall(r"""(?:src|href)=["'](https?:)?//""", html)
    assert external == []
    assert not re.search(r"https?://(?!localhost|testserver)", html.split("<body", 1)[-1])
    assert 'data-api-csrf="true"' in html  # "Try it out" sends the session's CSRF token


def test_everything_the_docs_page_asks_for_exists(client: Client, alice: User) -> None:
    """Each icon, style sheet and script the docs page names answers 200 from this server (a
    page without an icon of its own makes the browser ask for /favicon.ico, a 404); the icon
    is the site's own, and without JavaScript the page points to the schema."""
    html = client.get("/api/docs").content.decode()
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', html)
    assert icons and all("/aandacht/icons/" in icon for icon in icons)
    assert "/static/ninja/favicon" not in html
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert len(urls) >= 5
    for url in urls:
        assert url.startswith("/"), url
        assert client.get(url).status_code == 200, url
    assert '<a href="/api/openapi.json">' in html.split("<noscript>", 1)[1]
    assert re.search(r'<html lang="[a-z-]+">', html)


def test_a_bug_still_answers_json(alice_api: Api, monkeypatch: Any) -> None:
    from aandacht.api.core import Caller

    def broken(self: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(Caller, "roles", broken)
    response = alice_api.get("/api/vaults")
    assert response.status_code == 500
    assert response.json() == {"detail": "Something went wrong on our side."}
