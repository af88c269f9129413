"""The keep-in-touch scheduler: pure Python, no Django, deterministic for a given input.

Each person on a rhythm has a due date: their last contact plus their cadence. The planner
walks the coming active days and fills each one up to the daily capacity, most overdue first
(overdue relative to the cadence: ten days late is a lot for a fortnightly friend and little
for a yearly one), then by the shorter cadence. When a day has room left it takes people who
fall due soon, a little early, so that a busy week ahead is levelled out instead of piling up.

After an attempt (voicemail, no answer) the person comes back ``retry_after_days`` later, as a
retry; an attempt does not restart the cadence. Pinned items (a promise due on a day, a
birthday) are not planned here: they always show on their own day and never take a slot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

ALL_WEEKDAYS: frozenset[int] = frozenset(range(1, 8))


class Kind(StrEnum):
    DUE = "due"
    RETRY = "retry"


@dataclass(frozen=True)
class Candidate:
    """One person on a rhythm, as the planner needs them (all dates are local dates)."""

    person_id: int
    cadence_days: int
    last_contact: dt.date | None
    since: dt.date
    last_attempt: dt.date | None = None
    not_before: dt.date | None = None  # snoozed or paused until this day
    rank: int = 0  # tie-break after overdue-ness: lower comes first

    def due_on(self) -> dt.date:
        """The day the cadence runs out; someone never contacted is due from ``since``."""
        start = self.last_contact or self.since
        return start + dt.timedelta(days=self.cadence_days)

    def is_retry(self) -> bool:
        return self.last_attempt is not None and (
            self.last_contact is None or self.last_attempt > self.last_contact
        )


@dataclass(frozen=True)
class Rules:
    capacity: int = 5
    retry_after_days: int = 3
    weekdays: frozenset[int] = ALL_WEEKDAYS
    # How early someone may be taken on a day with room left: a share of their cadence,
    # at most ``max_early_days``.
    early_fraction: float = 0.2
    max_early_days: int = 14

    def early_days(self, cadence_days: int) -> int:
        return min(self.max_early_days, int(cadence_days * self.early_fraction))


@dataclass(frozen=True)
class Suggestion:
    person_id: int
    day: dt.date
    kind: Kind
    due_on: dt.date
    cadence_days: int

    @property
    def overdue_days(self) -> int:
        return (self.day - self.due_on).days

    @property
    def early(self) -> bool:
        return self.day < self.due_on


@dataclass
class Plan:
    days: dict[dt.date, list[Suggestion]] = field(default_factory=dict)

    def on(self, day: dt.date) -> list[Suggestion]:
        return self.days.get(day, [])

    def all(self) -> list[Suggestion]:
        return [s for day in sorted(self.days) for s in self.days[day]]


def earliest_day(candidate: Candidate, rules: Rules) -> dt.date:
    """The first day the person may be suggested."""
    due = candidate.due_on()
    earliest = due - dt.timedelta(days=rules.early_days(candidate.cadence_days))
    if candidate.is_retry() and candidate.last_attempt is not None:
        earliest = max(earliest, candidate.last_attempt + dt.timedelta(days=rules.retry_after_days))
    if candidate.not_before is not None:
        earliest = max(earliest, candidate.not_before)
    return earliest


def active_days(start: dt.date, count: int, weekdays: frozenset[int]) -> list[dt.date]:
    """The next ``count`` days from ``start`` (inclusive) that the agenda plans on."""
    weekdays = weekdays or ALL_WEEKDAYS
    days: list[dt.date] = []
    day = start
    while len(days) < count:
        if day.isoweekday() in weekdays:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _urgency(candidate: Candidate, day: dt.date) -> tuple[float, int, int, int]:
    overdue = (day - candidate.due_on()).days / candidate.cadence_days
    return (-overdue, candidate.rank, candidate.cadence_days, candidate.person_id)


def plan(
    candidates: Iterable[Candidate],
    today: dt.date,
    rules: Rules,
    *,
    days: int = 1,
    used_today: int = 0,
) -> Plan:
    """Spread the candidates over the next ``days`` active days, at most ``capacity`` a day.

    ``used_today`` counts agenda items already dealt with today: they keep their slot, so
    finishing the list does not pull tomorrow's people in.
    """
    pending: list[tuple[dt.date, Candidate]] = sorted(
        ((earliest_day(c, rules), c) for c in candidates), key=lambda pair: pair[0]
    )
    result = Plan()
    for day in active_days(today, days, rules.weekdays):
        room = rules.capacity - (used_today if day == today else 0)
        result.days[day] = []
        if room <= 0 or not pending:
            continue
        eligible = [c for earliest, c in pending if earliest <= day]
        due_now = sorted((c for c in eligible if c.due_on() <= day), key=lambda c: _urgency(c, day))
        chosen = due_now[:room]
        if len(chosen) < room:
            soon = sorted(
                (c for c in eligible if c.due_on() > day),
                key=lambda c: ((c.due_on() - day).days / c.cadence_days, c.rank, c.person_id),
            )
            chosen += soon[: room - len(chosen)]
        taken = {c.person_id for c in chosen}
        result.days[day] = [
            Suggestion(
                person_id=c.person_id,
                day=day,
                kind=Kind.RETRY if c.is_retry() else Kind.DUE,
                due_on=c.due_on(),
                cadence_days=c.cadence_days,
            )
            for c in chosen
        ]
        pending = [(earliest, c) for earliest, c in pending if c.person_id not in taken]
    return result


def due_within(candidates: Sequence[Candidate], today: dt.date) -> list[Candidate]:
    """Everyone whose cadence has run out by ``today`` (the naive view of "due")."""
    return [c for c in candidates if c.due_on() <= today]
