"""The progress arithmetic, without a database."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aandacht.rounds.core import Progress, progress, still_to_do


def test_counts_people_fully_done_and_steps() -> None:
    flags = [[True, True, True]] * 7 + [[True, False, False]] * 2 + [[False] * 3] * 3
    assert progress(flags) == Progress(people_done=7, people=12, steps_done=23, steps=36)


def test_an_empty_round_is_zero_percent_and_not_complete() -> None:
    empty = progress([])
    assert empty == Progress(0, 0, 0, 0)
    assert empty.percent == 0
    assert not empty.complete


def test_percent_and_complete() -> None:
    assert progress([[True, True, False]]).percent == 67
    assert progress([[True] * 3, [True] * 3]).complete


def test_still_to_do() -> None:
    assert still_to_do([True, False, True])
    assert not still_to_do([True, True, True])
    assert still_to_do([])


@given(st.lists(st.lists(st.booleans(), min_size=3, max_size=3), max_size=40))
def test_figures_stay_consistent(flags: list[list[bool]]) -> None:
    counted = progress(flags)
    assert counted.people == len(flags)
    assert counted.steps == 3 * len(flags)
    assert 0 <= counted.people_done <= counted.people
    assert counted.people_done * 3 <= counted.steps_done <= counted.steps
    assert 0 <= counted.percent <= 100
