"""What the report tests share besides fixtures: the clock, the small vault's type, clients.

Import as ``from report_helpers import NOW, Small, ago, signed_in``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.test import Client

from aandacht.accounts.models import Vault
from aandacht.people.models import Person

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # 10:00 in Amsterdam, a Monday


def ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


@dataclass
class Small:
    vault: Vault
    people: dict[str, Person]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
