"""The keep-in-touch scheduler: pure Python, no Django, deterministic for a given input.

Each person on a rhythm has a due date: their last contact plus their cadence. The planner
walks the coming active days and fills each one up to the daily capacity:

1. whoever is due, the most overdue relative to their cadence first (ten days late is a lot
   for a fortnightly friend and little for a yearly one), then by ``rank`` (the circle), the
   shorter cadence and ``person_id``;
2. then, while the day has room, people whose *early window* has opened (half their cadence,
   at most a week before they fall due), the soonest due first. Taking them on a quiet day
   levels out the busy days ahead, and leaves room to try again after a voicemail before
   someone is really late.

After an attempt (voicemail, no answer) the person comes back ``retry_after_days`` later, as a
retry; an attempt does not restart the cadence. Pinned items (a promise due on a day, a
birthday) are not planned here: they always show on their own day and never take a slot.

A day's plan depends only on the days before it: asking for more days never changes the
first ones, so Today, the coming days and the calendar feed agree. ``make bench-attention``
simulates a year with it (see docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
import heapq
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
        return start + dt.timedelta(days=max(1, self.cadence_days))

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
    # at most ``max_early_days`` (tuned with ``make bench-attention``).
    early_fraction: float = 0.5
    max_early_days: int = 7

    def early_days(self, cadence_days: int) -> int:
        return max(0, min(self.max_early_days, int(cadence_days * self.early_fraction)))


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
    earliest = due - dt.timedelta(days=rules.early_days(max(1, candidate.cadence_days)))
    if candidate.is_retry() and candidate.last_attempt is not None:
        earliest = max(earliest, candidate.last_attempt + dt.timedelta(days=rules.retry_after_days))
    if candidate.not_before is not None:
        earliest = max(earliest, candidate.not_before)
    return earliest


def active_days(start: dt.date, count: int, weekdays: frozenset[int]) -> list[dt.date]:
    """The next ``count`` days from ``start`` (inclusive) that the agenda plans on.

    ``weekdays`` holds ISO weekdays (1 = Monday); without any valid one every day counts.
    """
    weekdays = frozenset(d for d in weekdays if 1 <= d <= 7) or ALL_WEEKDAYS
    days: list[dt.date] = []
    day = start
    while len(days) < count:
        if day.isoweekday() in weekdays:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


# (due date as an ordinal, rank, person_id, cadence, kind): the planner's view of a candidate.
_Entry = tuple[int, int, int, int, Kind]


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

    The order within a day is the order of priority (see the module's docstring). Each
    candidate is planned at most once; a cadence below one day counts as one day.
    """
    active = active_days(today, max(days, 0), rules.weekdays)
    result = Plan(days={day: [] for day in active})
    if not active:
        return result
    first = active[0].toordinal()
    last = active[-1].toordinal()
    early_of: dict[int, int] = {}
    retry_gap = rules.retry_after_days
    # One entry per candidate, in a heap per cadence once released: within one cadence the
    # order never changes from day to day (the earlier due date first), so each day merges
    # the heads of the heaps instead of sorting everyone again.
    groups: dict[int, list[_Entry]] = {}
    later: dict[int, list[_Entry]] = {}
    due_kind, retry_kind = Kind.DUE, Kind.RETRY
    for c in candidates:
        cadence = c.cadence_days if c.cadence_days > 0 else 1
        contact = c.last_contact
        due = (contact or c.since).toordinal() + cadence
        early = early_of.get(cadence)
        if early is None:
            early = early_of[cadence] = rules.early_days(cadence)
        release = due - early
        kind = due_kind
        attempt = c.last_attempt
        if attempt is not None and (contact is None or attempt > contact):
            kind = retry_kind
            release = max(release, attempt.toordinal() + retry_gap)
        if c.not_before is not None:
            release = max(release, c.not_before.toordinal())
        if release <= first:
            group = groups.get(cadence)
            if group is None:
                group = groups[cadence] = []
            group.append((due, c.rank, c.person_id, cadence, kind))
        elif release <= last:
            later.setdefault(release, []).append((due, c.rank, c.person_id, cadence, kind))
    for group in groups.values():
        heapq.heapify(group)
    for day in active:
        ordinal = day.toordinal()
        if ordinal != first:
            for release in [r for r in later if r <= ordinal]:
                for entry in later.pop(release):
                    heapq.heappush(groups.setdefault(entry[3], []), entry)
        room = rules.capacity - (used_today if day == today else 0)
        if room <= 0:
            continue
        chosen = result.days[day]
        heads = [
            (_urgency(group[0], ordinal), cadence) for cadence, group in groups.items() if group
        ]
        heapq.heapify(heads)
        while heads and len(chosen) < room:
            _, cadence = heapq.heappop(heads)
            group = groups[cadence]
            due, _rank, person_id, _cadence, kind = heapq.heappop(group)
            chosen.append(
                Suggestion(
                    person_id=person_id,
                    day=day,
                    kind=kind,
                    due_on=dt.date.fromordinal(due),
                    cadence_days=cadence,
                )
            )
            if group:
                heapq.heappush(heads, (_urgency(group[0], ordinal), cadence))
    return result


def _urgency(entry: _Entry, day: int) -> tuple[int, float, int, int, int]:
    """Sort key of a released candidate on ``day`` (an ordinal): lower goes first.

    Due people first, the most overdue relative to their cadence first; then people not yet
    due, the soonest due first.
    """
    due, rank, person_id, cadence, _kind = entry
    if due <= day:
        return (0, (due - day) / cadence, rank, cadence, person_id)
    return (1, float(due - day), rank, cadence, person_id)


def due_within(candidates: Sequence[Candidate], today: dt.date) -> list[Candidate]:
    """Everyone whose cadence has run out by ``today`` (the naive view of "due")."""
    return [c for c in candidates if c.due_on() <= today]
