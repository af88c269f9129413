"""The API's cast: tokens for alice, bob and carol (read and write), one limited to a vault,
and a client that speaks JSON with a bearer token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_client import Api
from django.contrib.auth.models import User
from django.core.cache import cache

from aandacht.accounts.models import Vault
from aandacht.accounts.tokens import create_token
from aandacht.people.models import Person
from aandacht.people.services import create_person


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """The throttle counts in the cache; ids repeat between tests, counts must not."""
    cache.clear()
    yield
    cache.clear()


def api_for(user: User, scope: str = "write", vault: Vault | None = None) -> Api:
    return Api(create_token(user, f"{user.username} {scope}", scope, vault).secret)


@pytest.fixture
def alice_api(alice: User, vault: Vault) -> Api:
    return api_for(alice)


@pytest.fixture
def alice_read(alice: User, vault: Vault) -> Api:
    return api_for(alice, "read")


@pytest.fixture
def bob_api(bob: User) -> Api:
    return api_for(bob)


@pytest.fixture
def carol_api(carol: User) -> Api:
    return api_for(carol)


@pytest.fixture
def mallory_api(mallory: User, other_vault: Vault) -> Api:
    return api_for(mallory)


@pytest.fixture
def anonymous() -> Api:
    return Api(None)


@pytest.fixture
def ann(vault: Vault) -> Person:
    return create_person(vault, "Ann de Vries", emails=["ann@example.org"], tags=["friends"])


@pytest.fixture
def mo(other_vault: Vault) -> Person:
    return create_person(other_vault, "Mo Secret")
