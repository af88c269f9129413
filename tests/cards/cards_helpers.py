"""Constants and helpers the card season tests share (fixtures live in conftest.py).

Import them as ``from cards_helpers import YEAR, Cast, days_ago, moment``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from aandacht.people.models import Person
from aandacht.timeline.services import add_moment

NOW = dt.datetime(2026, 12, 5, 11, 0, tzinfo=dt.UTC)
YEAR = 2026


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def moment(person: Person, kind: str, days: int, author: User, *, private: bool = False) -> None:
    add_moment(
        person.vault,
        person,
        f"{kind} with {person.name}, {days} days ago",
        kind=kind,
        private=private,
        author=author,
        occurred_at=days_ago(days),
    )


@dataclass
class Cast:
    zoe: Person  # two gratitudes and a shared moment: first
    ruud: Person  # a shared moment and a strength
    anna: Person  # one shared moment
    quiet: Person  # no moments: never proposed
