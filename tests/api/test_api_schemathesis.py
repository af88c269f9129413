"""Schemathesis against /api/openapi.json, in-process through the WSGI application.

Every operation, positive and negative examples (bounded; more in CI), as alice with a write
token. Reads take fewer fuzzed examples than writes: a GET changes nothing, and schemathesis'
coverage phase already sends each of its parameters' boundary values (that phase is not bounded
by ``max_examples``). Runs are derandomized, so a run is repeatable and a failure is not a
coincidence of one machine; ``AANDACHT_FUZZ_RANDOM=1`` explores fresh examples instead.

Half of the generated ids are swapped for objects that exist, so the happy paths (reads,
changes, deletes) are exercised as well as the 404s. Checks: no server error, and status code,
content type and body as the schema declares them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aandacht.accounts.models import Vault
from aandacht.accounts.tokens import create_token
from aandacht.api.api import api
from aandacht.attention.services import ensure_default_circles
from aandacht.people.services import create_person
from aandacht.timeline import services as timeline
from aandacht.wsgi import application

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
RANDOM = os.environ.get("AANDACHT_FUZZ_RANDOM", "").lower() in {"1", "true", "yes"}
EXAMPLES = 25 if IN_CI else 10  # per writing operation, and for the workflows
READ_EXAMPLES = 15 if IN_CI else 10  # per GET
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
schema.app = application


@dataclass
class World:
    secret: str
    vault: int
    ids: dict[str, list[int]]


@pytest.fixture
def _keep_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request, which would end
    the test's transaction; Django's test client disconnects it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(alice: User, vault: Vault, settings: Any, _keep_connection: None) -> World:
    """Alice's vault with a few of everything, and a write token for her."""
    settings.API_REQUESTS_PER_MINUTE = 1_000_000
    cache.clear()
    ensure_default_circles(vault)
    people = [
        create_person(vault, "Ann de Vries", emails=["ann@example.org"], tags=["friends"]),
        create_person(vault, "Bert Jansen", phones=["+31612345678"]),
        create_person(vault, "Cees van der Berg"),
    ]
    first = people[0]
    interaction = timeline.log_interaction(vault, people[:2], "call", author=alice)
    note = timeline.add_note(vault, first, "Likes sailing", author=alice)
    moment = timeline.add_moment(vault, first, "Helped me move", author=alice)
    follow_up = timeline.add_follow_up(vault, first, "Send the book", author=alice)
    return World(
        secret=create_token(alice, "schemathesis", "write").secret,
        vault=vault.pk,
        ids={
            "person": [person.pk for person in people],
            "interaction": [interaction.pk],
            "note": [note.pk],
            "moment": [moment.pk],
            "follow_up": [follow_up.pk],
            "circle": list(vault.circles.values_list("pk", flat=True)),
        },
    )


RESOURCE_OF_PATH = {
    "/api/interactions/": "interaction",
    "/api/notes/": "note",
    "/api/moments/": "moment",
    "/api/follow-ups/": "follow_up",
    "/api/circles/": "circle",
}


def _known(world: World, kind: str, generated: object) -> object:
    """Every other generated id becomes an existing one of that kind (chosen by the value)."""
    if not isinstance(generated, int) or generated % 2 or not world.ids.get(kind):
        return generated
    choices = world.ids[kind]
    return choices[generated % len(choices)]


def _steer(case: Any, world: World) -> None:
    path = case.operation.path
    params = case.path_parameters or {}
    if "person_id" in params:
        params["person_id"] = _known(world, "person", params["person_id"])
    if "pk" in params:
        kind = next(kind for prefix, kind in RESOURCE_OF_PATH.items() if path.startswith(prefix))
        params["pk"] = _known(world, kind, params["pk"])
    query = case.query if isinstance(case.query, dict) else {}
    if isinstance(query.get("vault"), int) and query["vault"] % 2 == 0:
        query["vault"] = world.vault
    if "person" in query:
        query["person"] = _known(world, "person", query["person"])
    body = case.body
    if isinstance(body, dict):
        if "person" in body:
            body["person"] = _known(world, "person", body["person"])
        if isinstance(body.get("vault"), int) and body["vault"] % 2 == 0:
            body["vault"] = world.vault
        if isinstance(body.get("people"), list):
            body["people"] = [_known(world, "person", pk) for pk in body["people"]]


def _check(case: Any, world: World) -> None:
    _steer(case, world)
    response = case.call(headers={"Authorization": f"Bearer {world.secret}"})
    case.validate_response(response, checks=CHECKS)


@pytest.mark.django_db
@schema.include(method="GET").parametrize()
@hypothesis_settings(
    max_examples=READ_EXAMPLES,
    deadline=None,
    derandomize=not RANDOM,
    suppress_health_check=list(HealthCheck),
)
def test_api_reads_conform_to_the_schema(case: Any, world: World) -> None:
    _check(case, world)


@pytest.mark.django_db
@schema.exclude(method="GET").parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not RANDOM,
    suppress_health_check=list(HealthCheck),
)
def test_api_writes_conform_to_the_schema(case: Any, world: World) -> None:
    _check(case, world)


def test_every_operation_is_fuzzed() -> None:
    """The two halves together are the whole schema: no operation falls between them."""
    reads = {op.ok().label for op in schema.include(method="GET").get_all_operations()}
    writes = {op.ok().label for op in schema.exclude(method="GET").get_all_operations()}
    every = {op.ok().label for op in schema.get_all_operations()}
    assert reads and writes and not reads & writes
    assert reads | writes == every


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    """Create, then follow the schema's links: read, change, delete what was made."""

    secret = ""
    calls: ClassVar[list[tuple[str, str, int]]] = []

    savepoint = ""

    def setup(self) -> None:
        # Each scenario starts from the same world: what one made, the next does not see.
        Workflow.savepoint = transaction.savepoint()
        cache.clear()

    def teardown(self) -> None:
        transaction.savepoint_rollback(Workflow.savepoint)

    def after_call(self, response: Any, case: Any) -> None:
        Workflow.calls.append((case.method, case.operation.path, response.status_code))

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"headers": {"Authorization": f"Bearer {self.secret}"}}

    def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
        case.validate_response(response, checks=CHECKS)


def test_api_workflows_follow_the_links(world: World) -> None:
    Workflow.secret = world.secret
    Workflow.calls.clear()
    Workflow.run(
        settings=hypothesis_settings(
            max_examples=EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            derandomize=not RANDOM,
            suppress_health_check=list(HealthCheck),
        )
    )
    followed = {(method, path) for method, path, status in Workflow.calls if status < 300}
    assert any("{" in path for _method, path in followed)  # a link was followed to what was made
