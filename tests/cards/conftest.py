"""Fixtures of the card season tests: a fixed day in December, people with moments, clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from cards_helpers import NOW, Cast, moment
from django.contrib.auth.models import User
from pytest_django.fixtures import Settings

from aandacht.accounts.models import Vault
from aandacht.people.services import create_person
from aandacht.timeline.models import MomentKind


@pytest.fixture(autouse=True)
def december() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def quick_passwords(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast(vault: Vault, alice: User) -> Cast:
    zoe = create_person(vault, "Zoë de Vries")
    ruud = create_person(vault, "Ruud Çelik")
    anna = create_person(vault, "Anna Jansen")
    quiet = create_person(vault, "Stille Willem")
    moment(zoe, MomentKind.GRATEFUL, 250, alice)
    moment(zoe, MomentKind.GRATEFUL, 20, alice)
    moment(zoe, MomentKind.SHARED, 40, alice)
    moment(ruud, MomentKind.SHARED, 100, alice)
    moment(ruud, MomentKind.STRENGTH, 30, alice)
    moment(anna, MomentKind.SHARED, 200, alice)
    return Cast(zoe, ruud, anna, quiet)
