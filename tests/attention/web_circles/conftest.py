"""Fixtures of the circles pages' tests: signed-in clients for the cast."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings


@pytest.fixture(autouse=True)
def quick_passwords(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_alice(alice: User) -> Client:
    return _client(alice)


@pytest.fixture
def as_bob(bob: User) -> Client:
    return _client(bob)


@pytest.fixture
def as_carol(carol: User) -> Client:
    return _client(carol)


@pytest.fixture
def as_mallory(mallory: User) -> Client:
    return _client(mallory)
