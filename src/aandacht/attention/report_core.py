"""The arithmetic of the attention report: periods, week buckets, percentages and who is
within their cadence on a given day. Pure Python, no Django, so every rule is tested on its own.

The rules, in one place:

- A **period** of N weeks ends today (inclusive) and starts N * 7 - 1 days earlier, so the
  trend's weeks add up exactly to the period's totals.
- Someone is **within their cadence** on day D when their last contact on or before D is at
  most ``cadence`` days before D. Someone never contacted is never within; they are **new**
  (not yet due) while ``since + cadence`` lies after D, and **overdue** from then on.
- **Days overdue** count from the day the cadence ran out: ``D - (last contact + cadence)``.
- A circle's **share** is of its people (paused people left out) those who are *not overdue*:
  within their cadence, or never contacted and not due yet. So 100 % goes with "no one is
  overdue", and the sentence beside it says how many of each.
- The **trend** follows the period: a bar or point per week up to 13 weeks, for a longer
  period per 2, 3, 4, … weeks, so there are never more than 13 (52 weeks: 13 of four weeks).
  Each is labelled with its last day, the day the share is taken on.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Status = Literal["within", "overdue", "new"]

# The choices of the report page, as (key, weeks); 52 weeks stand for "12 months".
PERIODS: dict[str, int] = {"4w": 4, "12w": 12, "12m": 52}
DEFAULT_PERIOD = "12w"
TREND_POINTS = 13  # at most this many bars or points in a trend
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


def week_buckets(end: dt.date, weeks: int, step: int = 1) -> list[Period]:
    """Consecutive spans of ``step`` weeks, oldest first, the last one ending on ``end``;
    ``weeks`` weeks in all."""
    if step < 1 or weeks % step:
        raise ValueError(f"{weeks} weeks do not split into spans of {step} weeks")
    first = period_ending(end, weeks).start
    days = 7 * step
    return [
        Period(first + dt.timedelta(days=days * n), first + dt.timedelta(days=days * n + days - 1))
        for n in range(weeks // step)
    ]


def trend_step(weeks: int) -> int:
    """How many weeks one bar or point of the trend of a ``weeks``-week period covers: one up
    to ``TREND_POINTS`` weeks, else the fewest that keep the trend at ``TREND_POINTS`` points."""
    return max(1, math.ceil(weeks / TREND_POINTS))


def trend_buckets(end: dt.date, weeks: int) -> list[Period]:
    """The trend's spans for a period of ``weeks`` weeks ending on ``end``: the whole period
    when ``weeks`` splits evenly (4, 12 and 52 do), else its last whole spans (the caller
    shows the trend's own dates)."""
    step = trend_step(weeks)
    return week_buckets(end, weeks - weeks % step, step)


def bucket_of(day: dt.date, buckets: Sequence[Period]) -> int | None:
    """The index of the span ``day`` falls in, or ``None`` outside them all."""
    if not buckets or not buckets[0].start <= day <= buckets[-1].end:
        return None
    return (day - buckets[0].start).days // buckets[0].days


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
    """Of ``counted`` people, ``within`` were within their cadence and ``new`` had never been
    contacted and were not due yet; the rest were overdue."""

    within: int
    counted: int
    new: int = 0

    @property
    def not_overdue(self) -> int:
        return self.within + self.new

    @property
    def overdue(self) -> int:
        return self.counted - self.not_overdue

    @property
    def pct(self) -> int | None:
        """The share not overdue: within their cadence or not due yet."""
        return percentage(self.not_overdue, self.counted)


def share_on(members: Iterable[Member], day: dt.date) -> Share:
    """How many of ``members`` (the people in a circle today) were within their cadence, or
    not due yet, on ``day``. Everyone counts on every day, also before they joined: the
    question is "of these people, who was not overdue?", and a fixed group keeps the weeks
    comparable."""
    within = new = counted = 0
    for member in members:
        counted += 1
        last = last_before(member.contacts, day)
        status = status_on(day, last, member.since, member.cadence_days)[0]
        if status == "within":
            within += 1
        elif status == "new":
            new += 1
    return Share(within, counted, new)


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
