"""Who to suggest telling what you value in them: the ranking behind the appreciation nudge.

Pure Python, no Django: the service (``appreciation.py``) reads the database into
:class:`Candidate` rows and this module decides, so the rule can be tested without a database
and explained in one breath. A candidate is someone reachable (not archived, deceased, trashed
or muted) with at least one recorded strength or "grateful" moment. Among them, in this order:

1. people **not told recently** first: nobody you told in the last six months
   (:data:`TOLD_RECENTLY_DAYS`) or who was suggested in the last four weeks
   (:data:`OFFERED_RECENTLY_DAYS`); among the recent ones, the longest ago first;
2. **work relationships** first: a client or colleague by tag (:data:`WORK_TAGS`, without
   regard to case), then someone with an organisation who is not tagged as family;
3. people with **strengths** before people with only "grateful" moments, more strengths first,
   then more grateful moments;
4. a tie is broken by a hash of the day and the person: the same all day (no flicker on
   reload), a different order another day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum

TOLD_RECENTLY_DAYS = 182
OFFERED_RECENTLY_DAYS = 28

# Tags that make someone a work relationship, in English and Dutch (compared casefolded, with
# typographic apostrophes made plain).
WORK_TAGS = frozenset(
    {
        "client",
        "clients",
        "customer",
        "customers",
        "colleague",
        "colleagues",
        "klant",
        "klanten",
        "collega",
        "collega's",
        "collegas",
    }
)
# An organisation alone does not make family a work relationship (a mother's employer).
FAMILY_TAGS = frozenset({"family", "familie", "gezin"})


def fold_tag(name: str) -> str:
    return name.strip().casefold().replace("\u2019", "'").replace("\u2018", "'")


class Work(IntEnum):
    """How sure we are that this is a work relationship; lower ranks first."""

    TAGGED = 0  # tagged client or colleague
    ORGANISATION = 1  # has an organisation (and is not family)
    NONE = 2


@dataclass(frozen=True)
class Candidate:
    """One person who could be told, as the ranking needs them."""

    person_id: int
    strengths: int
    grateful: int
    tags: frozenset[str] = frozenset()
    organisation: str = ""
    last_offered: dt.date | None = None  # an earlier suggestion for them, whatever came of it
    last_given: dt.date | None = None  # the last time you told them (a suggestion "given")


@dataclass(frozen=True)
class Ranked:
    """A candidate with the facts its place in the ranking rests on."""

    candidate: Candidate
    work: Work
    recent: dt.date | None  # why they come later: the recent suggestion or telling, if any

    @property
    def person_id(self) -> int:
        return self.candidate.person_id


def work_of(candidate: Candidate) -> Work:
    tags = {fold_tag(tag) for tag in candidate.tags}
    if tags & WORK_TAGS:
        return Work.TAGGED
    if candidate.organisation.strip() and not tags & FAMILY_TAGS:
        return Work.ORGANISATION
    return Work.NONE


def recent_of(candidate: Candidate, day: dt.date) -> dt.date | None:
    """The date that makes the candidate "told recently", or None."""
    recent: list[dt.date] = []
    given = candidate.last_given
    if given is not None and (day - given).days < TOLD_RECENTLY_DAYS:
        recent.append(given)
    offered = candidate.last_offered
    if offered is not None and (day - offered).days < OFFERED_RECENTLY_DAYS:
        recent.append(offered)
    return max(recent) if recent else None


def tie_break(day: dt.date, person_id: int) -> int:
    """Stable for a day and a person, across processes (unlike ``hash``)."""
    digest = hashlib.sha256(f"{day.isoformat()}/{person_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def rank(candidates: Iterable[Candidate], day: dt.date) -> list[Ranked]:
    """Everyone worth suggesting on ``day``, best first (see the module's docstring)."""
    ranked = [
        Ranked(c, work_of(c), recent_of(c, day))
        for c in candidates
        if c.strengths > 0 or c.grateful > 0
    ]

    def key(item: Ranked) -> tuple[bool, dt.date, int, bool, int, int, int]:
        c = item.candidate
        return (
            item.recent is not None,
            item.recent or dt.date.min,
            item.work,
            c.strengths == 0,
            -c.strengths,
            -c.grateful,
            tie_break(day, c.person_id),
        )

    return sorted(ranked, key=key)


def pick(candidates: Iterable[Candidate], day: dt.date) -> Ranked | None:
    """The one person to suggest on ``day``, or None when nobody qualifies."""
    ranked = rank(candidates, day)
    return ranked[0] if ranked else None


def next_after(ranked: Sequence[Ranked], current: int) -> Ranked | None:
    """ "Someone else": the one after ``current`` in the day's ranking, from the top again
    after the last; None when there is nobody else."""
    others = [item for item in ranked if item.person_id != current]
    if not others:
        return None
    ids = [item.person_id for item in ranked]
    if current not in ids:
        return others[0]
    position = ids.index(current)
    after = ranked[position + 1 :]
    return after[0] if after else others[0]


def is_due(last_offered_on: dt.date | None, day: dt.date, every_days: int) -> bool:
    """Whether a new suggestion may be made on ``day``: never when ``every_days`` is 0 (off),
    else when the last one was at least ``every_days`` days before (or there was none)."""
    if every_days <= 0:
        return False
    if last_offered_on is None:
        return True
    return (day - last_offered_on).days >= every_days
