"""The decisions behind moving or copying a person to another vault; pure, no Django.

Which of the target vault's circles takes the place of the person's circle, which tags must be
created there, whose private entries would be lost by a move, which appreciation suggestions
can follow, and the one-time token that makes a copy safe to submit twice.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_TOKEN = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class CircleKey:
    """What identifies a circle across vaults: its preset ("inner", …) or its own name."""

    pk: int
    preset: str
    name: str
    follows_tag: bool = False


def match_circle(wanted: CircleKey, candidates: Sequence[CircleKey]) -> int | None:
    """The target circle that stands for ``wanted``: the same preset first, else the same
    name (any case); never a tag circle (those hold people by their tag, not by choice).
    None when nothing matches: the person is then in no circle there."""
    choosable = [circle for circle in candidates if not circle.follows_tag]
    if wanted.preset:
        for circle in choosable:
            if circle.preset == wanted.preset:
                return circle.pk
    name = wanted.name.strip().casefold()
    if name:
        for circle in choosable:
            if circle.name.strip().casefold() == name:
                return circle.pk
    return None


def map_tags(wanted: Iterable[str], existing: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """Tag names of the person against the target vault's tags, matched regardless of case
    (as everywhere in Aandacht: "Friends" and "friends" are one tag).

    Returns ``(found, missing)``: ``found`` maps a wanted name to the target's spelling,
    ``missing`` lists the names to create there, in the order given, each once.
    """
    there: dict[str, str] = {}
    for name in existing:
        there.setdefault(name.casefold(), name)
    found: dict[str, str] = {}
    missing: list[str] = []
    seen: set[str] = set()
    for name in wanted:
        key = name.casefold()
        if key in seen:
            continue
        seen.add(key)
        if key in there:
            found[name] = there[key]
        else:
            missing.append(name)
    return found, missing


def authors_left_behind(
    private_authors: Iterable[int | None], target_members: Iterable[int]
) -> set[int]:
    """Authors of private entries who are not members of the target vault.

    A move would take their private notes and moments where they can no longer read them,
    so a move is refused while this is not empty. Entries whose author account is gone
    (``None``) are read by nobody and may go along.
    """
    members = set(target_members)
    return {author for author in private_authors if author is not None and author not in members}


@dataclass(frozen=True)
class NudgeKey:
    pk: int
    user_id: int
    offered_on: dt.date


def nudges_that_follow(
    nudges: Sequence[NudgeKey],
    target_members: Iterable[int],
    taken: Iterable[tuple[int, dt.date]],
) -> tuple[list[int], list[int]]:
    """Split a person's appreciation suggestions into those that move and those removed.

    A suggestion belongs to one user in one vault and there is at most one a day
    (``taken`` holds the target's ``(user, day)`` pairs): it follows when its user is a
    member of the target and that day is free there, else it is removed.
    """
    members = set(target_members)
    busy = set(taken)
    moving: list[int] = []
    dropped: list[int] = []
    for nudge in nudges:
        key = (nudge.user_id, nudge.offered_on)
        if nudge.user_id in members and key not in busy:
            busy.add(key)
            moving.append(nudge.pk)
        else:
            dropped.append(nudge.pk)
    return moving, dropped


def new_token() -> str:
    """A one-time token for the copy form: 32 lower-case hex digits."""
    return uuid.uuid4().hex


def copy_uid(token: str) -> str | None:
    """The copy's address-book identity, derived from the form's token (None if malformed).

    A copy needs its own UID anyway; deriving it from the token lets a second submit of the
    same form find the copy the first one made instead of making another.
    """
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    return f"urn:uuid:{uuid.UUID(hex=token)}"
