"""The proof for the JSON API: every operation of its OpenAPI schema, every kind of caller.

The operations come from ``api.get_openapi_schema()`` at collection time, so a new endpoint is
tested as soon as it exists; an object parameter whose resource is not in ``RESOURCES`` fails.

- No credentials: 401 everywhere (the schema and the docs excepted).
- mallory's token, and alice's token limited to her other vault: 404 for every object of
  vault A, whether a path, a query filter or the body names it; never 403, never 2xx.
- alice's read-only token and carol's (viewer) write token: 403 on every write to vault A.
- alice's write token reaches every operation as filled in, so the refusals are about access.
- bob's token never returns alice's private note or moment; alice's does.
- A signed-in session writing without a CSRF token: 403; a Bearer token needs none.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from authz_cases import ROUTES, text_of
from authz_routes import GHOST_ID
from authz_world import ALICE_MARKERS, BOB_MARKERS, VAULT_A_MARKERS, World
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings

from aandacht.api.api import api

pytestmark = pytest.mark.django_db

SCHEMA: dict[str, Any] = api.get_openapi_schema(path_prefix="/api/")
PUBLIC = {"/api/openapi.json", "/api/docs"}
# The API's patterns that are no operation of the schema.
NOT_OPERATIONS = {"api:openapi-json", "api:openapi-view", "api:api-root", "api:<api/^.*$>"}
# Which object of the world a path parameter names, by the resource before it.
RESOURCES = {
    "people": "person",
    "interactions": "interaction",
    "notes": "note",
    "moments": "moment",
    "follow-ups": "follow_up",
    "circles": "circle",
    "vaults": "vault",
    "tags": "tag",
}
# Fields of a request body or a query that name an object of a vault.
REFERENCES = {
    "vault": "vault",
    "person": "person",
    "people": "person",
    "circle": "circle",
    "met_via": "person_other",
}
# Fields a body needs to be valid though the schema cannot say so (a person needs a name).
SAMPLES = {"name": "Probe Person"}
WRITE_METHODS = {"post", "put", "patch", "delete"}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # as in the schema: /api/people/{person_id}
    spec: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def writes(self) -> bool:
        return self.method in WRITE_METHODS

    def path_params(self) -> dict[str, str]:
        """Each path parameter and the world key it takes (its resource's object)."""
        found = {}
        for match in re.finditer(r"/([^/{]+)/\{([^}]+)\}", self.path):
            resource, name = match.groups()
            if resource not in RESOURCES:
                raise KeyError(f"{self.id}: add the resource {resource!r} to RESOURCES")
            found[name] = RESOURCES[resource]
        return found

    def query_params(self) -> list[str]:
        return [p["name"] for p in self.spec.get("parameters", []) if p["in"] == "query"]

    def in_vault_a(self, world: World) -> str:
        """The query that picks vault A, where the operation takes one."""
        return f"vault={world.vault.pk}" if "vault" in self.query_params() else ""

    def names_an_object(self) -> bool:
        return bool(self.path_params()) or self.writes


def _operations() -> list[Operation]:
    found = []
    for path, methods in SCHEMA["paths"].items():
        for method, spec in methods.items():
            found.append(Operation(method, path, spec))
    return found


OPERATIONS = _operations()
OBJECT_OPERATIONS = [op for op in OPERATIONS if op.names_an_object()]
WRITE_OPERATIONS = [op for op in OPERATIONS if op.writes]
READ_OPERATIONS = [op for op in OPERATIONS if op.method == "get"]
LIST_OPERATIONS = [op for op in READ_OPERATIONS if not op.path_params()]
FILTERED = [op for op in READ_OPERATIONS if set(op.query_params()) & set(REFERENCES)]


def _referenced_fields(op: Operation) -> list[str]:
    """The body fields of ``op`` that name an object (other than which vault it goes in)."""
    content = op.spec.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return []
    properties = _resolve(content["schema"]).get("properties", {})
    return [name for name in properties if name in REFERENCES and name != "vault"]


def _ids(operations: list[Operation]) -> list[str]:
    return [op.id for op in operations]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        resolved: dict[str, Any] = SCHEMA["components"]["schemas"][ref.rsplit("/", 1)[1]]
        return resolved
    return schema


def _sample(name: str, schema: dict[str, Any], world: World, ghost: bool) -> Any:
    """A valid value for one body field: a world object for a reference, else by type."""
    if name in REFERENCES:
        value = GHOST_ID if ghost else world.ids[REFERENCES[name]]
        return _as_reference(schema, value)
    return _by_type(schema)


def _as_reference(schema: dict[str, Any], value: object) -> object:
    """An id, or a list of one id where the field takes several (``people``)."""
    kinds = {s.get("type") for s in schema.get("anyOf", [schema])}
    return [value] if "array" in kinds else value


def _by_type(schema: dict[str, Any]) -> Any:
    schema = _resolve(schema)
    options = schema.get("anyOf") or schema.get("allOf") or [schema]
    schema = _resolve(next((s for s in options if s.get("type") != "null"), options[0]))
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "string":
        if schema.get("format") == "date":
            return "2026-01-15"
        if schema.get("format") == "date-time":
            return "2026-01-15T10:00:00Z"
        return "authz probe"
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return {}
    return None


def body_of(op: Operation, world: World, *, ghost: bool = False) -> dict[str, Any] | None:
    """The smallest valid body: required fields, and every field that names an object."""
    content = op.spec.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    schema = _resolve(content["schema"])
    required = set(schema.get("required", []))
    body = {}
    for name, field_schema in schema.get("properties", {}).items():
        if name in required or (name in REFERENCES and not op.path_params()):
            body[name] = _sample(name, field_schema, world, ghost)
        elif name in SAMPLES and op.method == "post":
            body[name] = SAMPLES[name]
    return body


def foreign_body(op: Operation, world: World) -> dict[str, Any] | None:
    """A valid body whose every field that names an object names one of vault A."""
    content = op.spec.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    schema = _resolve(content["schema"])
    required = set(schema.get("required", []))
    body = {}
    for name, field_schema in schema.get("properties", {}).items():
        if name in REFERENCES:
            body[name] = _as_reference(field_schema, world.ids[REFERENCES[name]])
        elif name in required:
            body[name] = _by_type(field_schema)
        elif name in SAMPLES and op.method == "post":
            body[name] = SAMPLES[name]
    return body


def url_of(op: Operation, world: World, *, ghost: bool = False, query: str = "") -> str:
    path = op.path
    for name, key in op.path_params().items():
        path = path.replace("{" + name + "}", str(GHOST_ID if ghost else world.ids[key]))
    return path + (f"?{query}" if query else "")


def call(
    client: Client,
    op: Operation,
    world: World,
    *,
    token: str | None = None,
    ghost: bool = False,
    query: str = "",
    url: str | None = None,
) -> HttpResponse:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    body = body_of(op, world, ghost=ghost)
    target = url or url_of(op, world, ghost=ghost, query=query)
    if op.method == "get":
        response: HttpResponse = client.get(target, **headers)
    else:
        response = getattr(client, op.method)(
            target,
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            **headers,
        )
    return response


def undone_call(*args: Any, **kwargs: Any) -> HttpResponse:
    with transaction.atomic():
        response = call(*args, **kwargs)
        transaction.set_rollback(True)
    return response


@pytest.fixture(autouse=True)
def _no_rate_limit() -> Iterator[None]:
    with override_settings(API_REQUESTS_PER_MINUTE=1_000_000):
        yield


def test_every_api_pattern_is_an_operation_of_the_schema() -> None:
    operations = {op.path for op in OPERATIONS}
    for route in ROUTES:
        if route.namespace != "api" or route.name in NOT_OPERATIONS:
            continue
        path = "/" + re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", route.route)
        assert path in operations, f"{route.name} ({path}) is not in the OpenAPI schema"
    assert len(OPERATIONS) >= 25
    for op in OPERATIONS:
        op.path_params()  # every resource known


@pytest.mark.parametrize("op", OPERATIONS, ids=_ids(OPERATIONS))
def test_no_credentials_is_401(world: World, op: Operation) -> None:
    response = call(world.clients["anonymous"], op, world)
    assert response.status_code == 401, (op.id, response.status_code)
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("op", OBJECT_OPERATIONS, ids=_ids(OBJECT_OPERATIONS))
@pytest.mark.parametrize("who", ["mallory_write", "alice_elsewhere"])
def test_outsider_token_gets_404(world: World, op: Operation, who: str) -> None:
    client = world.clients["anonymous"]
    response = call(client, op, world, token=world.tokens[who])
    status = response.status_code
    if status == 422:  # refused before any lookup: must be the same for an object nobody has
        ghost = call(client, op, world, token=world.tokens[who], ghost=True)
        assert ghost.status_code == 422, (op.id, who)
    else:
        assert status == 404, (op.id, who, status, text_of(response)[:300])
    assert not [m for m in VAULT_A_MARKERS if m in text_of(response)], (op.id, who)


def _filter_cases() -> list[Any]:
    return [
        pytest.param(op, name, id=f"{op.id}?{name}")
        for op in FILTERED
        for name in sorted(set(op.query_params()) & set(REFERENCES))
    ]


@pytest.mark.parametrize("op,name", _filter_cases())
@pytest.mark.parametrize("who", ["mallory_write", "alice_elsewhere"])
def test_outsider_filter_tells_nothing(world: World, op: Operation, name: str, who: str) -> None:
    """Filtering on an object of vault A answers exactly as for an object nobody has."""
    client = world.clients["anonymous"]
    query = f"{name}={world.ids[REFERENCES[name]]}"
    response = call(client, op, world, token=world.tokens[who], query=query)
    ghost = call(client, op, world, token=world.tokens[who], query=f"{name}={GHOST_ID}")
    assert (response.status_code, text_of(response)) == (ghost.status_code, text_of(ghost))
    assert not [m for m in VAULT_A_MARKERS if m in text_of(response)], (op.id, query)


@pytest.mark.parametrize("op,name", _filter_cases())
@pytest.mark.parametrize("who", ["mallory_write", "alice_elsewhere"])
def test_outsider_filtering_on_vault_a_gets_404(
    world: World, op: Operation, name: str, who: str
) -> None:
    client = world.clients["anonymous"]
    query = f"{name}={world.ids[REFERENCES[name]]}"
    response = call(client, op, world, token=world.tokens[who], query=query)
    assert response.status_code == 404, (op.id, query, who, response.status_code)


@pytest.mark.parametrize("op", LIST_OPERATIONS, ids=_ids(LIST_OPERATIONS))
def test_outsider_lists_show_nothing_of_vault_a(world: World, op: Operation) -> None:
    response = call(world.clients["anonymous"], op, world, token=world.tokens["mallory_write"])
    assert response.status_code == 200, op.id
    assert not [m for m in VAULT_A_MARKERS if m in text_of(response)], op.id


@pytest.mark.parametrize("op", WRITE_OPERATIONS, ids=_ids(WRITE_OPERATIONS))
@pytest.mark.parametrize("who", ["alice_read", "carol_write"])
def test_read_only_callers_get_403_on_writes(world: World, op: Operation, who: str) -> None:
    response = call(world.clients["anonymous"], op, world, token=world.tokens[who])
    assert response.status_code == 403, (op.id, who, response.status_code, text_of(response))


@pytest.mark.parametrize("op", OPERATIONS, ids=_ids(OPERATIONS))
def test_the_owner_reaches_every_operation(world: World, op: Operation) -> None:
    response = undone_call(
        world.clients["anonymous"],
        op,
        world,
        token=world.tokens["alice_write"],
        query=op.in_vault_a(world),
    )
    assert response.status_code in {200, 201, 204}, (op.id, response.status_code, text_of(response))


@pytest.mark.parametrize("op", READ_OPERATIONS, ids=_ids(READ_OPERATIONS))
def test_bob_never_reads_alices_private_entries(world: World, op: Operation) -> None:
    client = world.clients["anonymous"]
    extra = ["", f"vault={world.vault.pk}"]
    if "person" in op.query_params():
        extra.append(f"person={world.ids['person']}")
    if "q" in op.query_params():
        extra += [f"q={marker}" for marker in ALICE_MARKERS] + ["q=Zwanenburg"]
    for query in extra:
        response = call(client, op, world, token=world.tokens["bob_write"], query=query)
        assert response.status_code == 200, (op.id, query, response.status_code)
        text = text_of(response)
        assert not [m for m in ALICE_MARKERS if m in text], (op.id, query)
        if query.startswith("q=PRIV"):
            assert "Quirinus" not in text, (op.id, query)


@pytest.mark.parametrize("kind,key", [("notes", "note_private"), ("moments", "moment_private")])
def test_alices_private_entry_is_a_404_for_bob(world: World, kind: str, key: str) -> None:
    client = world.clients["anonymous"]
    url = f"/api/{kind}/{world.ids[key]}"
    bob = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens['bob_write']}"}
    assert client.get(url, **bob).status_code == 404
    assert client.patch(url, "{}", content_type="application/json", **bob).status_code == 404
    assert client.delete(url, **bob).status_code == 404
    alice = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens['alice_write']}"}
    response = client.get(url, **alice)
    assert response.status_code == 200
    assert [m for m in ALICE_MARKERS if m in text_of(response)]


def test_alice_reads_her_own_private_entries(world: World) -> None:
    client = world.clients["anonymous"]
    alice = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens['alice_write']}"}
    notes = text_of(client.get(f"/api/notes?person={world.ids['person']}", **alice))
    moments = text_of(client.get(f"/api/moments?person={world.ids['person']}", **alice))
    assert ALICE_MARKERS[0] in notes and ALICE_MARKERS[1] in moments
    assert not [m for m in BOB_MARKERS if m in notes]


@pytest.mark.parametrize("op", WRITE_OPERATIONS, ids=_ids(WRITE_OPERATIONS))
def test_session_writes_need_csrf_and_tokens_do_not(world: World, op: Operation) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.alice)
    response = call(browser, op, world, query=op.in_vault_a(world))
    assert response.status_code == 403, (op.id, response.status_code, text_of(response))
    with transaction.atomic():
        bearer = call(
            Client(enforce_csrf_checks=True),
            op,
            world,
            token=world.tokens["alice_write"],
            query=op.in_vault_a(world),
        )
        transaction.set_rollback(True)
    assert bearer.status_code in {200, 201, 204}, (op.id, bearer.status_code)


REFERRING = [op for op in WRITE_OPERATIONS if set(_referenced_fields(op))]


@pytest.mark.parametrize("op", REFERRING, ids=_ids(REFERRING))
def test_no_write_links_ones_own_objects_to_another_vaults(world: World, op: Operation) -> None:
    """mallory writes to her own objects (or creates in her own vault) with every field that
    names an object pointing into vault A: refused, and nothing of A appears."""
    path = op.path
    for name, key in op.path_params().items():
        path = path.replace("{" + name + "}", str(world.ids[f"m_{key}"]))
    body = foreign_body(op, world) or {}
    if "vault" in body and not op.path_params():
        body["vault"] = world.ids["m_vault"]  # her own vault; the other references point to A
    response = _as_mallory(world, op, path, body)
    assert response.status_code in {400, 404, 409, 422}, (op.id, body, response.status_code)
    assert not [m for m in VAULT_A_MARKERS if m in text_of(response)], op.id
    # The same write naming her own objects goes through: the refusal was about vault A.
    own = {
        name: _as_reference(
            {"type": "array"} if isinstance(value, list) else {},
            world.ids["m_" + REFERENCES[name]],
        )
        if name in REFERENCES
        else value
        for name, value in body.items()
    }
    response = _as_mallory(world, op, path, own)
    assert response.status_code in {200, 201, 204}, (op.id, own, text_of(response))


def _as_mallory(world: World, op: Operation, path: str, body: dict[str, Any]) -> HttpResponse:
    with transaction.atomic():
        response: HttpResponse = getattr(world.clients["anonymous"], op.method)(
            path,
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {world.tokens['mallory_write']}",
        )
        transaction.set_rollback(True)
    return response


def test_a_revoked_token_is_401(world: World) -> None:
    from aandacht.accounts.models import AccessToken
    from aandacht.accounts.tokens import revoke

    token = AccessToken.objects.get(pk=world.ids["token_alice_write"])
    revoke(token)
    response = world.clients["anonymous"].get(
        "/api/people", HTTP_AUTHORIZATION=f"Bearer {world.tokens['alice_write']}"
    )
    assert response.status_code == 401


def test_a_token_opens_no_web_page(world: World) -> None:
    """Tokens are for the API: the pages still want a signed-in session."""
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens['alice_write']}"}
    for url in (f"/people/{world.ids['person']}/", "/people/", "/accounts/tokens/"):
        response = world.clients["anonymous"].get(url, **bearer)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
