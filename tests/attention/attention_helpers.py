"""Constants and types the keep-in-touch tests share (fixtures live in conftest.py).

Import them as ``from attention_helpers import NOW, TODAY, MakePerson, Talk`` (pytest puts
the test's folder on ``sys.path``; tests in subfolders use the fixtures instead).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from aandacht.people.models import Person
from aandacht.timeline.models import Interaction

TODAY = dt.date(2026, 11, 23)  # a Monday
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # 10:00 in Europe/Amsterdam

MakePerson = Callable[..., Person]
Talk = Callable[..., Interaction]


def ago(days: int) -> dt.datetime:
    """``days`` before ``NOW``, as ``talk(..., days_ago=days)`` logs it."""
    return NOW - dt.timedelta(days=days)
