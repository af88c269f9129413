"""The arithmetic of the attention report: periods, week buckets, percentages and who is
within their cadence on a given day. Pure Python, no Django, so every rule is tested on its own.

The rules, in one place:

- A **period** of N weeks ends today (inclusive) and starts N * 7 - 1 days earlier, so the
  trend's weeks add up exactly to the period's totals.
- Someone is **within their cadence** on day D when their last contact on or before D is at
  most ``cadence`` days before D. Someone never contacted is never within; they are **new**
  (not yet due) while ``since + cadence`` lies after D, and **overdue** from then on.
- **Days overdue** count from the day the cadence ran out: ``D - (last contact + cadence)``.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Status = Literal["within", "overdue", "new"]

# The choices of the report page, as (key, weeks); 52 weeks stand for "12 months".
PERIODS: dict[str, int] = {"4w": 4, "12w": 12, "12m": 52}
DEFAULT_PERIOD = "12w"
TREND_WEEKS = 12
MAX_WEEKS = 520


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def weeks(self) -> int:
        return self.days // 7

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def period_ending(end: dt.date, weeks: int) -> Period:
    """The ``weeks`` weeks that end on ``end`` (inclusive)."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"a period is 1 to {MAX_WEEKS} weeks, not {weeks}")
    return Period(end - dt.timedelta(days=weeks * 7 - 1), end)


def week_buckets(end: dt.date, weeks: int) -> list[Period]:
    """Consecutive seven-day weeks, oldest first, the last one ending on ``end``."""
    first = period_ending(end, weeks).start
    return [
        Period(first + dt.timedelta(days=7 * n), first + dt.timedelta(days=7 * n + 6))
        for n in range(weeks)
    ]


def bucket_of(day: dt.date, buckets: Sequence[Period]) -> int | None:
    """The index of the week ``day`` falls in, or ``None`` outside them all."""
    if not buckets or not buckets[0].start <= day <= buckets[-1].end:
        return None
    return (day - buckets[0].start).days // 7


def percentage(part: int, whole: int) -> int | None:
    """A whole percentage, rounded half up; ``None`` when there is nothing to divide by."""
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


def due_on(last_contact: dt.date | None, since: dt.date, cadence_days: int) -> dt.date:
    """The day the cadence runs out: one cadence after the last contact (or after ``since``)."""
    return (last_contact or since) + dt.timedelta(days=cadence_days)


def status_on(
    day: dt.date, last_contact: dt.date | None, since: dt.date, cadence_days: int
) -> tuple[Status, int]:
    """``("within", 0)``, ``("new", 0)`` or ``("overdue", days)`` on ``day``."""
    if last_contact is not None and (day - last_contact).days <= cadence_days:
        return "within", 0
    late = (day - due_on(last_contact, since, cadence_days)).days
    if last_contact is None and late < 0:
        return "new", 0
    return "overdue", max(late, 0)


def last_before(contacts: Sequence[dt.date], day: dt.date) -> dt.date | None:
    """The latest of the sorted ``contacts`` on or before ``day``."""
    index = bisect.bisect_right(contacts, day)
    return contacts[index - 1] if index else None


@dataclass(frozen=True)
class Member:
    """One person as the report sees them: their cadence, when they joined, their contacts."""

    person_id: int
    cadence_days: int
    since: dt.date
    contacts: tuple[dt.date, ...] = ()  # sorted, oldest first


@dataclass(frozen=True)
class Share:
    """Of ``counted`` people, ``within`` were within their cadence."""

    within: int
    counted: int

    @property
    def pct(self) -> int | None:
        return percentage(self.within, self.counted)


def share_on(members: Iterable[Member], day: dt.date) -> Share:
    """How many of ``members`` (the people in a circle today) were within their cadence on
    ``day``. Everyone counts on every day, also before they joined: the question is "of these
    people, whom had I been in touch with?", and a fixed group keeps the weeks comparable."""
    within = counted = 0
    for member in members:
        counted += 1
        last = last_before(member.contacts, day)
        if status_on(day, last, member.since, member.cadence_days)[0] == "within":
            within += 1
    return Share(within, counted)


def nice_ceiling(value: float) -> int:
    """A round upper bound for an axis: 1, 2, 5, 10, 20, 50, … at least ``value`` (min 1)."""
    if value <= 1:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def tick_values(top: int, count: int = 4) -> list[int]:
    """Up to ``count`` + 1 whole ticks from 0 to ``top`` (a ``nice_ceiling``), evenly spaced."""
    for parts in range(count, 0, -1):
        if top % parts == 0:
            return [top * n // parts for n in range(parts + 1)]
    return [0, top]
