"""Who deserves a card this year: the ranking behind card season, pure Python (no Django).

The page feeds it plain facts (moments of the past year, when each person last got a card, who
is out of the running) and gets back a short, explained list. Keeping the rule here means it
can be tested exhaustively without a database, and the reasons shown to the user come from the
same numbers that ranked them.

The rule, in words:

* Only moments of the last ``WINDOW_DAYS`` count. Something you are grateful for weighs most,
  a shared moment next, an admired strength a little less: gratitude is what a card says best.
* A moment from the last three months weighs a little more than an old one, so this year's
  people come before last winter's, but an old moment never counts for nothing.
* Someone who got a card in the last ``RECENT_CARD_DAYS`` (about ten months) is left out: last
  December's cards do not block this December, a birthday card in October does.
* People already on the list (kept, drafted or sent), taken off it, or not eligible (archived,
  deceased, in the trash) are never proposed.
* Ties go to the most recent moment, then to the name's sort key, so the list is stable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

WINDOW_DAYS = 365
RECENT_CARD_DAYS = 300
RECENT_MOMENT_DAYS = 91
RECENT_BONUS = 1.25

SHARED = "shared"
GRATEFUL = "grateful"
STRENGTH = "strength"
WEIGHTS: Mapping[str, float] = {GRATEFUL: 3.0, SHARED: 2.0, STRENGTH: 1.5}

MIN_SIZE = 3
MAX_SIZE = 20
DEFAULT_SIZE = 5


@dataclass(frozen=True)
class MomentFact:
    """One moment the user may see: whose, what kind, and on which day."""

    person_id: int
    kind: str
    occurred_on: dt.date


@dataclass(frozen=True)
class Proposal:
    """A proposed person, with the numbers that explain why."""

    person_id: int
    score: float
    shared: int
    grateful: int
    strengths: int
    since: dt.date  # the earliest counted moment
    latest: dt.date  # the most recent counted moment

    @property
    def moments(self) -> int:
        return self.shared + self.grateful + self.strengths


def clamp_size(size: int) -> int:
    """A list size within the allowed range."""
    return max(MIN_SIZE, min(MAX_SIZE, size))


def card_is_recent(last_card_on: dt.date | None, today: dt.date) -> bool:
    """Whether a card on ``last_card_on`` is recent enough to leave the person out this year."""
    return last_card_on is not None and (today - last_card_on).days < RECENT_CARD_DAYS


def moment_weight(kind: str, occurred_on: dt.date, today: dt.date) -> float:
    """What one moment adds to a person's score; 0 outside the window or of an unknown kind."""
    age = (today - occurred_on).days
    if age < 0 or age >= WINDOW_DAYS:
        return 0.0
    weight = WEIGHTS.get(kind, 0.0)
    return weight * RECENT_BONUS if age < RECENT_MOMENT_DAYS else weight


def propose(
    moments: Iterable[MomentFact],
    *,
    today: dt.date,
    size: int,
    eligible: Collection[int],
    last_cards: Mapping[int, dt.date] | None = None,
    taken: Collection[int] = (),
    sort_keys: Mapping[int, str] | None = None,
) -> list[Proposal]:
    """At most ``size`` proposals, best first.

    ``eligible``: the people who may be proposed at all (alive, not archived, not trashed).
    ``last_cards``: the day each person last got a card. ``taken``: people already on this
    year's list or taken off it; they are not proposed again. ``sort_keys`` break ties by name.
    """
    if size <= 0:
        return []
    recent_cards = last_cards or {}
    keys = sort_keys or {}
    totals: dict[int, list[float]] = {}
    counts: dict[int, dict[str, int]] = {}
    spans: dict[int, tuple[dt.date, dt.date]] = {}
    for fact in moments:
        person = fact.person_id
        if person not in eligible or person in taken:
            continue
        if card_is_recent(recent_cards.get(person), today):
            continue
        weight = moment_weight(fact.kind, fact.occurred_on, today)
        if weight <= 0:
            continue
        totals.setdefault(person, []).append(weight)
        kinds = counts.setdefault(person, {SHARED: 0, GRATEFUL: 0, STRENGTH: 0})
        kinds[fact.kind] += 1
        first, last = spans.get(person, (fact.occurred_on, fact.occurred_on))
        spans[person] = (min(first, fact.occurred_on), max(last, fact.occurred_on))
    proposals = [
        Proposal(
            person_id=person,
            # Summed smallest first: the same moments give the same float in any order.
            score=round(sum(sorted(weights)), 6),
            shared=counts[person][SHARED],
            grateful=counts[person][GRATEFUL],
            strengths=counts[person][STRENGTH],
            since=spans[person][0],
            latest=spans[person][1],
        )
        for person, weights in totals.items()
    ]
    proposals.sort(
        key=lambda p: (-p.score, -p.latest.toordinal(), keys.get(p.person_id, ""), p.person_id)
    )
    return proposals[:size]
