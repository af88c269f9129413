"""The arithmetic of a round's progress; pure Python, so it is tested without a database.

A person is "fully done" when all three of their steps are done; the board and the report
both count people and steps this way, so the two figures always agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

STEPS_PER_PERSON = 3


@dataclass(frozen=True)
class Progress:
    """How far a round is: "7 of 12 people fully done, 23 of 36 steps"."""

    people_done: int
    people: int
    steps_done: int
    steps: int

    @property
    def percent(self) -> int:
        """Steps done as a whole percentage (0 for an empty round), for the progress bar."""
        return round(100 * self.steps_done / self.steps) if self.steps else 0

    @property
    def complete(self) -> bool:
        return self.people > 0 and self.people_done == self.people


def progress(done_flags: Iterable[Sequence[bool]]) -> Progress:
    """Count people and steps from each person's done flags (one sequence per person)."""
    people = people_done = steps = steps_done = 0
    for flags in done_flags:
        people += 1
        steps += len(flags)
        finished = sum(1 for flag in flags if flag)
        steps_done += finished
        if flags and finished == len(flags):
            people_done += 1
    return Progress(people_done, people, steps_done, steps)


def still_to_do(flags: Sequence[bool]) -> bool:
    """Whether a person still has a step open (the board's "still to do" filter)."""
    return not flags or not all(flags)
