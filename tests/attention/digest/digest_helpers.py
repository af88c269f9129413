"""Helpers for the digest tests (imported by name, like tests/cli/cli_harness.py).

``Inbox`` is what the in-process SMTP server received; ``at("08:00")`` is that local time on
``TODAY`` (Monday 23 November 2026) in Amsterdam, the instance's time zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.contrib.auth.models import User

from aandacht.attention import services
from aandacht.attention.models import AgendaSettings
from aandacht.people.models import Person
from aandacht.timeline.models import FollowUp

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
TODAY = dt.date(2026, 11, 23)  # a Monday, ISO week 48
BASE = "https://crm.example.org"


def at(clock: str, day: dt.date = TODAY, zone: zoneinfo.ZoneInfo = AMSTERDAM) -> dt.datetime:
    """``at("07:45")``: that local time on ``day`` (default ``TODAY``), as an aware datetime."""
    return dt.datetime.combine(day, dt.time.fromisoformat(clock), tzinfo=zone)


def subscribe(
    user: User,
    *,
    frequency: str = "daily",
    at_time: dt.time = dt.time(7, 30),
    weekday: int = 1,
    time_zone: str = "",
) -> AgendaSettings:
    prefs = services.settings_for(user)
    prefs.digest_frequency = frequency
    prefs.digest_time = at_time
    prefs.digest_weekday = weekday
    prefs.time_zone = time_zone
    prefs.save()
    return prefs


@dataclass
class Network:
    """Alice's people as of ``TODAY``, one of each kind of digest item."""

    denise: Person  # monthly, last talked 47 days ago: on today's agenda
    jeroen: Person  # birthday in two days (Wednesday 25 November)
    sanne: Person  # a promise overdue since 20 November
    wim: Person  # a birthday today (pinned on today's agenda)
    promise: FollowUp
