"""Shared fixtures for the keep-in-touch tests (tests/attention and its subfolders).

``today`` stops the clock on Monday 23 November 2026, 10:00 in Amsterdam (the instance's time
zone), so "47 days ago" means the same in every run. ``make_person`` and ``talk`` build a
small network through the real services: ``talk(person, "call", days_ago=47)`` logs a call
47 days before today, and the signals keep the person's rhythm current.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from attention_helpers import NOW, TODAY, MakePerson, Talk
from django.contrib.auth.models import User

from aandacht.accounts.models import Vault
from aandacht.attention import services
from aandacht.attention.models import AgendaSettings, Circle, Preset
from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.timeline.models import Interaction
from aandacht.timeline.services import log_interaction


@pytest.fixture
def today() -> Iterator[dt.date]:
    """The clock stands still at ``NOW``; the fixture's value is the local date."""
    with time_machine.travel(NOW, tick=False):
        yield TODAY


@pytest.fixture
def prefs(alice: User) -> AgendaSettings:
    """Alice's agenda settings (the defaults: five a day, every day, retry after three)."""
    return services.settings_for(alice)


@pytest.fixture
def circles(vault: Vault) -> dict[str, Circle]:
    """The vault's four preset circles by preset: "inner", "monthly", "quarterly", "yearly"."""
    return {c.preset: c for c in Circle.objects.filter(vault=vault).exclude(preset="")}


@pytest.fixture
def inner(circles: dict[str, Circle]) -> Circle:
    return circles[Preset.INNER]


@pytest.fixture
def monthly(circles: dict[str, Circle]) -> Circle:
    return circles[Preset.MONTHLY]


@pytest.fixture
def make_person(vault: Vault) -> MakePerson:
    """``make_person("Ria Bakker", circle=monthly, since=TODAY - 90 days, tags=[...])``."""

    def make(
        name: str,
        *,
        circle: Circle | None = None,
        cadence: int | None = None,
        since: dt.date | None = None,
        tags: tuple[str, ...] = (),
        in_vault: Vault | None = None,
    ) -> Person:
        person = create_person(in_vault or vault, name, tags=tags)
        if circle is not None:
            services.set_circle(person, circle)
        if cadence is not None:
            services.set_cadence(person, cadence)
        if since is not None:
            rhythm = services.rhythm_for(person)
            rhythm.since = since
            rhythm.save(update_fields=["since"])
        return person

    return make


@pytest.fixture
def talk(alice: User) -> Talk:
    """``talk(person, "call", days_ago=47)``: log an interaction that long before ``NOW``."""

    def log(
        *people: Person,
        kind: str = "call",
        days_ago: int = 0,
        outcome: str | None = None,
        summary: str = "",
    ) -> Interaction:
        return log_interaction(
            people[0].vault,
            list(people),
            kind,
            outcome=outcome,
            occurred_at=NOW - dt.timedelta(days=days_ago),
            summary=summary,
            author=alice,
        )

    return log
