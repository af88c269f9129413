"""Unit tests for the keep-in-touch planner (``aandacht.attention.core``): worked examples.

The properties that hold for any input are in test_planner_properties.py; these pin down
the behaviour on small cases a person can check by hand. Monday 23 November 2026 is "today".
"""

from __future__ import annotations

import datetime as dt

import pytest

from aandacht.attention import core

TODAY = dt.date(2026, 11, 23)  # a Monday
LONG_AGO = TODAY - dt.timedelta(days=5000)
WORKWEEK = frozenset({1, 2, 3, 4, 5})


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def person(
    person_id: int,
    cadence: int,
    talked_days_ago: int | None,
    *,
    attempt_days_ago: int | None = None,
    not_before: dt.date | None = None,
    rank: int = 0,
    since: dt.date = LONG_AGO,
) -> core.Candidate:
    return core.Candidate(
        person_id=person_id,
        cadence_days=cadence,
        last_contact=TODAY - days(talked_days_ago) if talked_days_ago is not None else None,
        since=since,
        last_attempt=TODAY - days(attempt_days_ago) if attempt_days_ago is not None else None,
        not_before=not_before,
        rank=rank,
    )


def ids(suggestions: list[core.Suggestion]) -> list[int]:
    return [s.person_id for s in suggestions]


def test_nobody_to_plan_gives_empty_days() -> None:
    result = core.plan([], TODAY, core.Rules(), days=3)
    assert result.days == {TODAY: [], TODAY + days(1): [], TODAY + days(2): []}
    assert result.all() == []
    assert result.on(TODAY + days(10)) == []


def test_zero_days_plan_nothing() -> None:
    assert core.plan([person(1, 14, 30)], TODAY, core.Rules(), days=0).days == {}


def test_the_most_overdue_relative_to_their_cadence_come_first() -> None:
    people = [
        person(1, 365, 465),  # 100 days late, 0.27 of a year
        person(2, 14, 24),  # 10 days late, 0.71 of a fortnight
        person(3, 30, 45),  # 15 days late, 0.5 of a month
        person(4, 91, 91),  # due today: 0
    ]
    result = core.plan(people, TODAY, core.Rules(capacity=3))
    assert ids(result.on(TODAY)) == [2, 3, 1]
    assert [s.overdue_days for s in result.on(TODAY)] == [10, 15, 100]
    assert not any(s.early for s in result.on(TODAY))


def test_ties_go_by_rank_then_the_shorter_cadence_then_person_id() -> None:
    people = [
        person(9, 30, 45),
        person(8, 60, 90),  # the same ratio, a longer cadence
        person(7, 30, 45, rank=1),
        person(6, 30, 45),
    ]
    assert ids(core.plan(people, TODAY, core.Rules(capacity=4)).on(TODAY)) == [6, 9, 8, 7]


def test_no_day_takes_more_than_the_capacity_the_rest_follow() -> None:
    people = [person(n, 30, 30 + n) for n in range(1, 9)]
    result = core.plan(people, TODAY, core.Rules(capacity=5), days=2)
    assert ids(result.on(TODAY)) == [8, 7, 6, 5, 4]
    assert ids(result.on(TODAY + days(1))) == [3, 2, 1]


def test_items_handled_today_keep_their_slots() -> None:
    people = [person(n, 30, 40 + n) for n in range(1, 9)]
    rules = core.Rules(capacity=5)
    result = core.plan(people, TODAY, rules, days=2, used_today=3)
    assert ids(result.on(TODAY)) == [8, 7]
    assert len(result.on(TODAY + days(1))) == 5
    full = core.plan(people, TODAY, rules, days=2, used_today=7)
    assert full.on(TODAY) == []
    assert len(full.on(TODAY + days(1))) == 5


def test_items_handled_on_a_day_off_take_nothing_from_the_next_active_day() -> None:
    saturday = TODAY + days(5)
    people = [person(n, 30, 40 + n) for n in range(1, 9)]
    rules = core.Rules(capacity=5, weekdays=WORKWEEK)
    result = core.plan(people, saturday, rules, used_today=4)
    assert list(result.days) == [TODAY + days(7)]
    assert len(result.on(TODAY + days(7))) == 5


def test_only_active_weekdays_are_planned() -> None:
    people = [person(n, 30, 30 + n) for n in range(1, 30)]
    result = core.plan(people, TODAY, core.Rules(capacity=2, weekdays=WORKWEEK), days=7)
    assert list(result.days) == [TODAY + days(n) for n in (0, 1, 2, 3, 4, 7, 8)]
    assert {s.day.isoweekday() for s in result.all()} <= WORKWEEK


def test_weekdays_without_a_valid_day_mean_every_day() -> None:
    assert core.active_days(TODAY, 3, frozenset()) == [TODAY + days(n) for n in range(3)]
    assert core.active_days(TODAY, 2, frozenset({0, 8})) == [TODAY, TODAY + days(1)]


def test_a_quiet_day_takes_people_a_little_early_the_soonest_due_first() -> None:
    people = [
        person(1, 30, 25),  # due in 5 days, inside the week-long window
        person(2, 30, 22),  # due in 8 days: not yet
        person(3, 365, 361),  # due in 4 days
        person(4, 14, 10),  # due in 4 days, the shorter cadence
        person(5, 1, 0),  # due tomorrow, but a daily cadence has no early window
    ]
    result = core.plan(people, TODAY, core.Rules(capacity=5))
    assert ids(result.on(TODAY)) == [4, 3, 1]
    assert all(s.early for s in result.on(TODAY))


def test_early_people_only_fill_room_the_due_leave() -> None:
    people = [person(n, 30, 30 + n) for n in range(1, 4)] + [person(9, 30, 29)]
    assert ids(core.plan(people, TODAY, core.Rules(capacity=3)).on(TODAY)) == [3, 2, 1]
    assert ids(core.plan(people, TODAY, core.Rules(capacity=4)).on(TODAY)) == [3, 2, 1, 9]


@pytest.mark.parametrize(
    ("cadence", "window"), [(1, 0), (2, 1), (3, 1), (14, 7), (30, 7), (365, 7), (3650, 7)]
)
def test_the_early_window_is_half_the_cadence_at_most_a_week(cadence: int, window: int) -> None:
    assert core.Rules().early_days(cadence) == window
    candidate = person(1, cadence, 0)
    assert core.earliest_day(candidate, core.Rules()) == TODAY + days(cadence - window)


def test_no_early_window_when_switched_off() -> None:
    rules = core.Rules(early_fraction=0.0)
    assert core.plan([person(1, 30, 29)], TODAY, rules).on(TODAY) == []


def test_after_an_attempt_the_person_comes_back_as_a_retry_after_the_wait() -> None:
    candidate = person(1, 30, 60, attempt_days_ago=1)
    rules = core.Rules(retry_after_days=3)
    result = core.plan([candidate], TODAY, rules, days=5)
    [suggestion] = result.all()
    assert suggestion.day == TODAY + days(2)
    assert suggestion.kind == core.Kind.RETRY
    assert suggestion.due_on == TODAY - days(30)  # an attempt does not restart the cadence


def test_an_attempt_before_the_last_conversation_is_no_retry() -> None:
    candidate = person(1, 30, 35, attempt_days_ago=40)
    [suggestion] = core.plan([candidate], TODAY, core.Rules()).on(TODAY)
    assert suggestion.kind == core.Kind.DUE


def test_snoozed_or_paused_people_wait_for_their_day() -> None:
    candidate = person(1, 30, 90, not_before=TODAY + days(3))
    result = core.plan([candidate], TODAY, core.Rules(), days=5)
    assert ids(result.on(TODAY + days(3))) == [1]
    assert ids(result.all()) == [1]


def test_cadence_of_one_day() -> None:
    yesterday = person(1, 1, 1)
    spoken_today = person(2, 1, 0)
    result = core.plan([yesterday, spoken_today], TODAY, core.Rules(), days=2)
    assert ids(result.on(TODAY)) == [1]
    assert ids(result.on(TODAY + days(1))) == [2]


def test_cadence_of_ten_years() -> None:
    new = person(1, 3650, None, since=TODAY)
    due = person(2, 3650, 3650)
    result = core.plan([new, due], TODAY, core.Rules(), days=28)
    assert ids(result.all()) == [2]
    assert result.all()[0].due_on == TODAY
    assert new.due_on() == TODAY + days(3650)


def test_someone_never_contacted_is_due_a_cadence_after_they_got_a_rhythm() -> None:
    candidate = person(1, 30, None, since=TODAY - days(40))
    [suggestion] = core.plan([candidate], TODAY, core.Rules()).on(TODAY)
    assert suggestion.due_on == TODAY - days(10)


def test_a_cadence_below_one_day_counts_as_one_day() -> None:
    candidate = person(1, 0, 1)
    [suggestion] = core.plan([candidate], TODAY, core.Rules()).on(TODAY)
    assert suggestion.cadence_days == 1
    assert candidate.due_on() == TODAY


def test_more_days_leave_today_as_it_was() -> None:
    people = [person(n, 14 + n % 40, 10 + 2 * n) for n in range(1, 60)]
    rules = core.Rules(capacity=4, weekdays=WORKWEEK)
    one = core.plan(people, TODAY, rules)
    many = core.plan(people, TODAY, rules, days=20)
    assert many.on(TODAY) == one.on(TODAY)
    assert len(many.all()) == len({s.person_id for s in many.all()})


def test_plan_accepts_any_iterable() -> None:
    people = [person(n, 30, 30 + n) for n in range(1, 4)]
    assert core.plan(iter(people), TODAY, core.Rules()) == core.plan(people, TODAY, core.Rules())


def test_due_within_is_the_naive_view() -> None:
    people = [person(1, 30, 31), person(2, 30, 30), person(3, 30, 29)]
    assert [c.person_id for c in core.due_within(people, TODAY)] == [1, 2]
