"""Check-in round fixtures: Alice's "events" clients and a round over them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from aandacht.accounts.models import Vault
from aandacht.people.lifecycle import set_archived, set_deceased, trash_person
from aandacht.people.models import Person
from aandacht.people.services import create_person, set_tags
from aandacht.rounds.models import CheckInRound
from aandacht.rounds.services import start_round


@pytest.fixture
def events(vault: Vault) -> list[Person]:
    """Three reachable people tagged "events", and three tagged ones a round never takes."""
    people = [create_person(vault, name) for name in ("Anna Bakker", "Bram Dekker", "Cor Jansen")]
    gone = [create_person(vault, name) for name in ("Dirk Trash", "Eva Archive", "Frits Late")]
    for person in people + gone:
        set_tags(vault, person, ["events"])
    trash_person(gone[0])
    set_archived(gone[1], True)
    set_deceased(gone[2], True)
    return people


@pytest.fixture
def lockdown(vault: Vault, alice: User, events: list[Person]) -> CheckInRound:
    round_, _created = start_round(
        vault, "Lockdown events", events, reason="Events sector closed", author=alice
    )
    return round_


@pytest.fixture
def as_alice(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client
