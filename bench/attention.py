"""Keep in touch, a year in simulation (``make bench-attention``): our planner against a naive one.

The scenario is the one issue 4 defines ("Proof it works: a year in simulation"):

* 500 people: 15 in the inner circle (every 14 days), 40 monthly (30), 100 quarterly (91),
  200 yearly (365) and 145 in no circle (never suggested, never measured); each one's last
  conversation lies at random within one cadence before the first day;
* one year (365 days), weekdays active and weekends off, a capacity of 10 a day;
* the simulated user acts on each suggestion with an independent probability of 0.8; 15 % of
  the calls end in voicemail (an attempt: the cadence does not restart, the person comes back
  as a retry ``retry_after_days`` later), the others are conversations.

Ours: every active day the REAL ``aandacht.attention.core.plan`` is called once, for that day,
with ``used_today=0`` (as the app does at the start of a day); its list is what the user sees.

Naive (how Monica's "stay in touch" behaves): everyone whose due date has come is shown, all
of them, however many; an attempt restarts nothing, so whoever got voicemail is still due and
shown again the next day. The same simulated user goes through the shown people in due-date
order, at most the capacity a day, with the same 80 % / 15 % draws.

Metrics, per run: every interval between consecutive conversations counts, the first measured
from the seeded last conversation; the interval still open at the end of the year counts only
if it already exceeds 1.25 x cadence. ``within_cadence_pct`` is the share of intervals no longer
than 1.25 x cadence; ``longest_neglect_ratio`` the longest of those intervals / cadence;
``max_daily_load`` the most suggestions shown on one day (retries included). Each figure is
the median over the seeds (5 by default).

The last line printed is one JSON object with every figure. Usage:
``python bench/attention.py [--seeds N] [--capacity C] [--json-only]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from aandacht.attention import core  # noqa: E402

START = dt.date(2027, 1, 4)  # a Monday; any day would do
YEAR = 365
CIRCLES: tuple[tuple[str, int, int], ...] = (
    ("inner", 15, 14),
    ("monthly", 40, 30),
    ("quarterly", 100, 91),
    ("yearly", 200, 365),
)
NO_CIRCLE = 145
ACT = 0.8
VOICEMAIL = 0.15
WITHIN = 1.25
WEEKDAYS = frozenset({1, 2, 3, 4, 5})


@dataclass
class Person:
    person_id: int
    circle: str
    cadence: int
    last_conversation: dt.date
    last_attempt: dt.date | None = None
    conversations: list[dt.date] = field(default_factory=list)

    def due_on(self) -> dt.date:
        return self.last_conversation + dt.timedelta(days=self.cadence)


@dataclass
class Outcome:
    """What one simulated year produced, for one scheduler."""

    loads: list[int]
    intervals: list[tuple[str, float]]  # (circle, interval / cadence)
    conversations: int
    attempts: int
    suggestions: int

    def within_pct(self) -> float:
        inside = sum(1 for _, ratio in self.intervals if ratio <= WITHIN)
        return 100.0 * inside / len(self.intervals)

    def within_pct_of(self, circle: str) -> float:
        ratios = [ratio for name, ratio in self.intervals if name == circle]
        return 100.0 * sum(1 for r in ratios if r <= WITHIN) / len(ratios) if ratios else 100.0

    def longest_ratio(self) -> float:
        return max(ratio for _, ratio in self.intervals)


def network(seed: int) -> list[Person]:
    """The 355 people with a circle (the 145 without one are never suggested nor measured)."""
    rng = random.Random(f"network-{seed}")
    ids = list(range(1, sum(n for _, n, _ in CIRCLES) + NO_CIRCLE + 1))
    rng.shuffle(ids)
    people: list[Person] = []
    for circle, count, cadence in CIRCLES:
        for _ in range(count):
            seeded = START - dt.timedelta(days=rng.randint(1, cadence))
            people.append(Person(ids.pop(), circle, cadence, seeded, conversations=[seeded]))
    return people


def year_days() -> list[dt.date]:
    return [START + dt.timedelta(days=n) for n in range(YEAR)]


def act(person: Person, day: dt.date, rng: random.Random, counts: dict[str, int]) -> None:
    """One suggestion in front of the simulated user: acted on or not, voicemail or talk."""
    if rng.random() >= ACT:
        return
    if rng.random() < VOICEMAIL:
        person.last_attempt = day
        counts["attempts"] += 1
    else:
        person.last_conversation = day
        person.conversations.append(day)
        counts["conversations"] += 1


def measure(people: list[Person], loads: list[int], counts: dict[str, int]) -> Outcome:
    end = START + dt.timedelta(days=YEAR)
    intervals: list[tuple[str, float]] = []
    for person in people:
        talks = person.conversations
        for before, after in zip(talks, talks[1:], strict=False):
            intervals.append((person.circle, (after - before).days / person.cadence))
        still_open = (end - talks[-1]).days / person.cadence
        if still_open > WITHIN:
            intervals.append((person.circle, still_open))
    return Outcome(
        loads=loads,
        intervals=intervals,
        conversations=counts["conversations"],
        attempts=counts["attempts"],
        suggestions=sum(loads),
    )


def simulate_ours(seed: int, rules: core.Rules) -> Outcome:
    people = network(seed)
    by_id = {p.person_id: p for p in people}
    rng = random.Random(f"user-{seed}")
    counts = {"conversations": 0, "attempts": 0}
    loads: list[int] = []
    since = START - dt.timedelta(days=3650)
    for day in year_days():
        if day.isoweekday() not in rules.weekdays:
            continue
        candidates = [
            core.Candidate(
                person_id=p.person_id,
                cadence_days=p.cadence,
                last_contact=p.last_conversation,
                since=since,
                last_attempt=p.last_attempt,
            )
            for p in people
        ]
        today = core.plan(candidates, day, rules, days=1, used_today=0).on(day)
        loads.append(len(today))
        for suggestion in today:
            act(by_id[suggestion.person_id], day, rng, counts)
    return measure(people, loads, counts)


def simulate_naive(seed: int, rules: core.Rules, *, next_day_retry: bool = False) -> Outcome:
    """Everyone due is shown; the same user takes them in due-date order, ``capacity`` a day.

    The user is the same as with our planner: after voicemail they try again once
    ``retry_after_days`` have passed (the person stays on the naive list meanwhile, and counts
    toward its load). With ``next_day_retry`` the naive user rings back the very next day.
    """
    people = network(seed)
    rng = random.Random(f"user-{seed}")
    counts = {"conversations": 0, "attempts": 0}
    loads: list[int] = []
    wait = dt.timedelta(days=0 if next_day_retry else rules.retry_after_days)
    for day in year_days():
        if day.isoweekday() not in rules.weekdays:
            continue
        shown = sorted(
            (p for p in people if p.due_on() <= day), key=lambda p: (p.due_on(), p.person_id)
        )
        loads.append(len(shown))
        ready = [
            p
            for p in shown
            if p.last_attempt is None
            or p.last_attempt < p.last_conversation
            or day >= p.last_attempt + wait
        ]
        for person in ready[: rules.capacity]:
            act(person, day, rng, counts)
    return measure(people, loads, counts)


def time_planner(count: int, repeat: int) -> tuple[float, float]:
    """Median and fastest milliseconds to plan one day for ``count`` candidates (a busy vault
    where most people are overdue); on a shared machine the fastest run is the least noisy."""
    rng = random.Random("timing")
    today = START
    cadences = [14, 30, 91, 365]
    candidates = []
    for person_id in range(1, count + 1):
        cadence = rng.choice(cadences)
        last = today - dt.timedelta(days=rng.randint(1, 2 * cadence))
        attempt = last + dt.timedelta(days=rng.randint(1, cadence)) if rng.random() < 0.1 else None
        candidates.append(
            core.Candidate(person_id, cadence, last, START - dt.timedelta(days=3650), attempt)
        )
    rules = core.Rules(capacity=10, weekdays=WEEKDAYS)
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        core.plan(candidates, today, rules, days=1)
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000, min(times) * 1000


def median_of(outcomes: list[Outcome], figure: Callable[[Outcome], float]) -> float:
    return float(statistics.median(figure(o) for o in outcomes))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seeds", type=int, default=5, help="simulated years (default 5)")
    parser.add_argument("--capacity", type=int, default=10, help="suggestions a day (10)")
    parser.add_argument("--retry-after", type=int, default=3, help="days before a retry (3)")
    parser.add_argument("--timing-candidates", type=int, default=50_000)
    parser.add_argument("--json-only", action="store_true", help="print only the JSON line")
    options = parser.parse_args()
    if options.seeds < 1 or options.capacity < 1 or options.retry_after < 1:
        parser.error("--seeds, --capacity and --retry-after must be at least 1")
    rules = core.Rules(
        capacity=options.capacity, retry_after_days=options.retry_after, weekdays=WEEKDAYS
    )
    began = time.perf_counter()
    seeds = list(range(1, options.seeds + 1))
    ours = [simulate_ours(seed, rules) for seed in seeds]
    simulated = time.perf_counter() - began
    naive = [simulate_naive(seed, rules) for seed in seeds]
    eager = [simulate_naive(seed, rules, next_day_retry=True) for seed in seeds]
    plan_ms, plan_fastest_ms = time_planner(options.timing_candidates, 7)
    wall = time.perf_counter() - began

    def both(figure: Callable[[Outcome], float]) -> tuple[float, float]:
        return median_of(ours, figure), median_of(naive, figure)

    within = both(Outcome.within_pct)
    load = both(lambda o: max(o.loads))
    neglect = both(Outcome.longest_ratio)
    mean_load = both(lambda o: statistics.mean(o.loads))
    talks = both(lambda o: o.conversations)
    attempts = both(lambda o: o.attempts)
    per_circle = {name: both(lambda o, n=name: o.within_pct_of(n)) for name, _, _ in CIRCLES}
    figures: dict[str, Any] = {
        "within_cadence_pct": round(within[0], 2),
        "max_daily_load": int(load[0]),
        "capacity": options.capacity,
        "longest_neglect_ratio": round(neglect[0], 3),
        "naive_within_cadence_pct": round(within[1], 2),
        "naive_max_daily_load": int(load[1]),
        "naive_longest_neglect_ratio": round(neglect[1], 3),
        "mean_daily_load": round(mean_load[0], 2),
        "naive_mean_daily_load": round(mean_load[1], 2),
        "conversations": int(talks[0]),
        "naive_conversations": int(talks[1]),
        "attempts": int(attempts[0]),
        "naive_attempts": int(attempts[1]),
        "within_cadence_pct_by_circle": {k: round(v[0], 2) for k, v in per_circle.items()},
        "naive_within_cadence_pct_by_circle": {k: round(v[1], 2) for k, v in per_circle.items()},
        "seeds": seeds,
        "per_seed_within_cadence_pct": [round(o.within_pct(), 2) for o in ours],
        "per_seed_max_daily_load": [max(o.loads) for o in ours],
        "per_seed_longest_neglect_ratio": [round(o.longest_ratio(), 3) for o in ours],
        "plan_ms_per_simulated_year": round(simulated * 1000 / len(seeds), 1),
        "plan_candidates": options.timing_candidates,
        "plan_1_day_ms_median": round(plan_ms, 2),
        "plan_1_day_ms_fastest": round(plan_fastest_ms, 2),
        "wall_seconds": round(wall, 2),
    }
    figures["naive_next_day_retry"] = {
        "within_cadence_pct": round(median_of(eager, Outcome.within_pct), 2),
        "max_daily_load": int(median_of(eager, lambda o: max(o.loads))),
        "longest_neglect_ratio": round(median_of(eager, Outcome.longest_ratio), 3),
    }
    figures["meets_targets"] = (
        within[0] >= 95
        and load[0] <= options.capacity
        and neglect[0] <= 2
        and within[0] > within[1]
        and load[0] < load[1]
        and neglect[0] < neglect[1]
    )
    if not options.json_only:
        print_table(figures, options)
    print(json.dumps(figures))
    return 0


def print_table(figures: dict[str, Any], options: argparse.Namespace) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=(
            f"Keep in touch: a year in simulation (500 people, capacity {options.capacity}, "
            f"median of {options.seeds} seeds)"
        )
    )
    table.add_column("figure")
    table.add_column("ours", justify="right")
    table.add_column("naive", justify="right")
    table.add_column("target", justify="right")
    table.add_row(
        "within 1.25 x cadence (%)",
        f"{figures['within_cadence_pct']:.1f}",
        f"{figures['naive_within_cadence_pct']:.1f}",
        ">= 95",
    )
    table.add_row(
        "max daily load",
        str(figures["max_daily_load"]),
        str(figures["naive_max_daily_load"]),
        f"<= {options.capacity}",
    )
    table.add_row(
        "longest neglect (x cadence)",
        f"{figures['longest_neglect_ratio']:.2f}",
        f"{figures['naive_longest_neglect_ratio']:.2f}",
        "<= 2",
    )
    table.add_row(
        "mean daily load",
        f"{figures['mean_daily_load']:.2f}",
        f"{figures['naive_mean_daily_load']:.2f}",
        "",
    )
    table.add_row(
        "conversations / attempts",
        f"{figures['conversations']} / {figures['attempts']}",
        f"{figures['naive_conversations']} / {figures['naive_attempts']}",
        "",
    )
    eager = figures["naive_next_day_retry"]
    table.add_row(
        "naive, ringing back next day",
        "",
        f"{eager['within_cadence_pct']:.1f} % · load {eager['max_daily_load']} · "
        f"neglect {eager['longest_neglect_ratio']:.2f}",
        "",
    )
    for circle, pct in figures["within_cadence_pct_by_circle"].items():
        table.add_row(
            f"  within, {circle} (%)",
            f"{pct:.1f}",
            f"{figures['naive_within_cadence_pct_by_circle'][circle]:.1f}",
            "",
        )
    console = Console()
    console.print(table)
    console.print(
        f"planning {figures['plan_candidates']:,} candidates for one day: "
        f"{figures['plan_1_day_ms_median']} ms (median of 7, fastest "
        f"{figures['plan_1_day_ms_fastest']} ms); one simulated year with our planner: "
        f"{figures['plan_ms_per_simulated_year']} ms; "
        f"wall time {figures['wall_seconds']} s; targets met: {figures['meets_targets']}"
    )


if __name__ == "__main__":
    sys.exit(main())
