"""Property tests for the keep-in-touch planner (``aandacht.attention.core``), with hypothesis.

The planner is pure Python, so these run without a database. Every property holds for any
input: capacity is never exceeded, nobody starves, the result does not depend on the order of
the input, holds (snooze, pause, the wait before a retry) and inactive weekdays are respected,
asking for more days never changes the first ones, and the fast heap-based planner agrees
with a slow, obviously-correct reference that sorts everyone again every day.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from aandacht.attention import core

TODAY = dt.date(2026, 11, 23)  # a Monday
CADENCES = st.one_of(
    st.sampled_from([1, 2, 3, 7, 14, 30, 91, 365, 3650]), st.integers(min_value=1, max_value=400)
)
SETTINGS = settings(max_examples=200, deadline=None)


def _day(low: int, high: int) -> st.SearchStrategy[dt.date]:
    return st.integers(min_value=low, max_value=high).map(lambda n: TODAY + dt.timedelta(days=n))


def candidate_lists(max_size: int = 30) -> st.SearchStrategy[list[core.Candidate]]:
    person = st.builds(
        core.Candidate,
        person_id=st.integers(min_value=1, max_value=10_000),
        cadence_days=CADENCES,
        last_contact=st.none() | _day(-800, 0),
        since=_day(-800, 0),
        last_attempt=st.none() | _day(-60, 0),
        not_before=st.none() | _day(-5, 40),
        rank=st.integers(min_value=0, max_value=3),
    )
    return st.lists(person, max_size=max_size, unique_by=lambda c: c.person_id)


RULES = st.builds(
    core.Rules,
    capacity=st.integers(min_value=1, max_value=6),
    retry_after_days=st.integers(min_value=1, max_value=7),
    weekdays=st.frozensets(st.integers(min_value=1, max_value=7), min_size=1),
    early_fraction=st.sampled_from([0.0, 0.2, 0.5, 1.0]),
    max_early_days=st.integers(min_value=0, max_value=14),
)
DAYS = st.integers(min_value=1, max_value=30)
USED = st.integers(min_value=0, max_value=8)


def _where(result: core.Plan) -> dict[int, core.Suggestion]:
    return {s.person_id: s for s in result.all()}


@SETTINGS
@given(candidate_lists(), RULES, DAYS, USED)
def test_no_day_exceeds_the_capacity_and_today_keeps_the_used_slots(
    people: list[core.Candidate], rules: core.Rules, days: int, used: int
) -> None:
    result = core.plan(people, TODAY, rules, days=days, used_today=used)
    for day, suggestions in result.days.items():
        room = rules.capacity - (used if day == TODAY else 0)
        assert len(suggestions) <= max(0, room)


@SETTINGS
@given(candidate_lists(), RULES, DAYS, USED)
def test_everyone_is_planned_at_most_once_and_only_on_active_days(
    people: list[core.Candidate], rules: core.Rules, days: int, used: int
) -> None:
    result = core.plan(people, TODAY, rules, days=days, used_today=used)
    planned = [s.person_id for s in result.all()]
    assert len(planned) == len(set(planned))
    assert set(planned) <= {c.person_id for c in people}
    assert list(result.days) == core.active_days(TODAY, days, rules.weekdays)
    for suggestion in result.all():
        assert suggestion.day.isoweekday() in rules.weekdays
        assert suggestion.day >= TODAY


@SETTINGS
@given(candidate_lists(), RULES, DAYS, USED)
def test_holds_and_the_wait_before_a_retry_are_respected(
    people: list[core.Candidate], rules: core.Rules, days: int, used: int
) -> None:
    by_id = {c.person_id: c for c in people}
    for suggestion in core.plan(people, TODAY, rules, days=days, used_today=used).all():
        person = by_id[suggestion.person_id]
        assert suggestion.day >= core.earliest_day(person, rules)
        assert suggestion.due_on == person.due_on()
        if person.not_before is not None:
            assert suggestion.day >= person.not_before
        if person.is_retry():
            assert person.last_attempt is not None
            assert suggestion.kind == core.Kind.RETRY
            assert suggestion.day >= person.last_attempt + dt.timedelta(days=rules.retry_after_days)
        else:
            assert suggestion.kind == core.Kind.DUE
        # Early by at most the early window, never before that.
        window = rules.early_days(person.cadence_days)
        assert suggestion.day >= person.due_on() - dt.timedelta(days=window)


@SETTINGS
@given(candidate_lists(), RULES, DAYS, USED, st.randoms(use_true_random=False))
def test_the_result_is_deterministic_and_ignores_the_input_order(
    people: list[core.Candidate], rules: core.Rules, days: int, used: int, rng: random.Random
) -> None:
    first = core.plan(people, TODAY, rules, days=days, used_today=used)
    shuffled = list(people)
    rng.shuffle(shuffled)
    assert core.plan(shuffled, TODAY, rules, days=days, used_today=used) == first
    assert core.plan(iter(people), TODAY, rules, days=days, used_today=used) == first


@SETTINGS
@given(candidate_lists(), RULES, DAYS, DAYS, USED)
def test_more_days_never_change_the_first_ones(
    people: list[core.Candidate], rules: core.Rules, short: int, extra: int, used: int
) -> None:
    near = core.plan(people, TODAY, rules, days=short, used_today=used)
    far = core.plan(people, TODAY, rules, days=short + extra, used_today=used)
    for day, suggestions in near.days.items():
        assert far.days[day] == suggestions


@SETTINGS
@given(candidate_lists(), RULES, USED)
def test_nobody_starves(people: list[core.Candidate], rules: core.Rules, used: int) -> None:
    """Whoever may be suggested is planned within ceil(n / capacity) + 1 active days of
    becoming available: each day that passes them over is a full day of other people."""
    bound = math.ceil(len(people) / rules.capacity) + 1 + (used > 0)
    horizon = core.active_days(TODAY, 60 + bound, rules.weekdays)
    result = core.plan(people, TODAY, rules, days=len(horizon), used_today=used)
    planned = _where(result)
    for person in people:
        opens = max(TODAY, core.earliest_day(person, rules))
        first = next((i for i, day in enumerate(horizon) if day >= opens), None)
        if first is None or first + bound >= len(horizon):
            continue  # becomes available too late in the horizon to say
        assert person.person_id in planned, person
        assert planned[person.person_id].day <= horizon[first + bound]


@SETTINGS
@given(candidate_lists(), RULES, DAYS)
def test_every_day_is_filled_while_someone_may_be_suggested(
    people: list[core.Candidate], rules: core.Rules, days: int
) -> None:
    result = core.plan(people, TODAY, rules, days=days)
    planned = _where(result)
    for day, suggestions in result.days.items():
        if len(suggestions) == rules.capacity:
            continue
        for person in people:
            if core.earliest_day(person, rules) <= day:
                assert person.person_id in planned and planned[person.person_id].day <= day


def _reference(
    people: list[core.Candidate], today: dt.date, rules: core.Rules, days: int, used: int
) -> core.Plan:
    """The planner's rule written the slow, obvious way: sort everyone again every day."""
    result = core.Plan()
    left = list(people)
    for day in core.active_days(today, days, rules.weekdays):
        room = rules.capacity - (used if day == today else 0)
        ready = [c for c in left if core.earliest_day(c, rules) <= day]

        def key(c: core.Candidate, day: dt.date = day) -> tuple[int, float, int, int, int]:
            cadence = max(1, c.cadence_days)
            until = (c.due_on() - day).days
            if until <= 0:
                return (0, until / cadence, c.rank, cadence, c.person_id)
            return (1, float(until), c.rank, cadence, c.person_id)

        chosen = sorted(ready, key=key)[: max(0, room)]
        result.days[day] = [
            core.Suggestion(
                person_id=c.person_id,
                day=day,
                kind=core.Kind.RETRY if c.is_retry() else core.Kind.DUE,
                due_on=c.due_on(),
                cadence_days=max(1, c.cadence_days),
            )
            for c in chosen
        ]
        taken = {c.person_id for c in chosen}
        left = [c for c in left if c.person_id not in taken]
    return result


@SETTINGS
@given(candidate_lists(max_size=60), RULES, DAYS, USED)
def test_the_planner_agrees_with_the_slow_reference(
    people: list[core.Candidate], rules: core.Rules, days: int, used: int
) -> None:
    """Due people first, most overdue relative to their cadence first (then rank, the shorter
    cadence, person_id); then, with room left, those in their early window, soonest due first."""
    assert core.plan(people, TODAY, rules, days=days, used_today=used) == _reference(
        people, TODAY, rules, days, used
    )
