"""Named write operations on the timeline and the merged timeline itself."""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as UserModel
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aandacht.accounts.models import Vault
from aandacht.people.models import Person
from aandacht.timeline.models import (
    DEFAULT_OUTCOME,
    FollowUp,
    FollowUpDirection,
    Initiator,
    Interaction,
    InteractionKind,
    Moment,
    MomentKind,
    Note,
    Outcome,
)

User = UserModel | AnonymousUser


def _check_vault(vault: Vault, people: Iterable[Person]) -> list[Person]:
    people = list(people)
    if not people:
        raise ValueError(_("an interaction needs at least one person"))
    for person in people:
        if person.vault_id != vault.pk:
            raise ValueError(
                _("%(person)s is not in vault %(vault)s") % {"person": person, "vault": vault}
            )
    return people


def _author(user: User | None) -> UserModel | None:
    return user if isinstance(user, UserModel) else None


@transaction.atomic
def log_interaction(
    vault: Vault,
    people: Iterable[Person],
    kind: str,
    *,
    outcome: str | None = None,
    occurred_at: dt.datetime | None = None,
    initiated_by: str = Initiator.UNKNOWN,
    summary: str = "",
    author: User | None = None,
) -> Interaction:
    """Log a call, meeting, message…; the outcome defaults from the kind (voicemail: attempt)."""
    if kind not in InteractionKind.values:
        raise ValueError(
            _("unknown interaction kind %(kind)r; use one of %(choices)s")
            % {"kind": kind, "choices": ", ".join(InteractionKind.values)}
        )
    chosen_outcome = outcome or DEFAULT_OUTCOME[kind]
    if chosen_outcome not in Outcome.values:
        raise ValueError(
            _("unknown outcome %(outcome)r; use one of %(choices)s")
            % {"outcome": chosen_outcome, "choices": ", ".join(Outcome.values)}
        )
    if initiated_by not in Initiator.values:
        raise ValueError(
            _("unknown initiator %(initiator)r; use me or them") % {"initiator": initiated_by}
        )
    members = _check_vault(vault, people)
    interaction = Interaction.objects.create(
        vault=vault,
        kind=kind,
        outcome=chosen_outcome,
        occurred_at=occurred_at or timezone.now(),
        initiated_by=initiated_by,
        summary=summary.strip(),
        author=_author(author),
    )
    interaction.people.set(members)
    return interaction


def add_note(
    vault: Vault,
    person: Person,
    body: str,
    *,
    private: bool = False,
    author: User | None = None,
    occurred_at: dt.datetime | None = None,
) -> Note:
    _check_vault(vault, [person])
    if not body.strip():
        raise ValueError(_("a note cannot be empty"))
    return Note.objects.create(
        vault=vault,
        person=person,
        body=body.strip(),
        private=private,
        author=_author(author),
        occurred_at=occurred_at or timezone.now(),
    )


def add_moment(
    vault: Vault,
    person: Person,
    text: str,
    *,
    kind: str = MomentKind.SHARED,
    private: bool = False,
    author: User | None = None,
    occurred_at: dt.datetime | None = None,
) -> Moment:
    _check_vault(vault, [person])
    if kind not in MomentKind.values:
        raise ValueError(
            _("unknown moment kind %(kind)r; use one of %(choices)s")
            % {"kind": kind, "choices": ", ".join(MomentKind.values)}
        )
    if not text.strip():
        raise ValueError(_("a moment cannot be empty"))
    return Moment.objects.create(
        vault=vault,
        person=person,
        text=text.strip(),
        kind=kind,
        private=private,
        author=_author(author),
        occurred_at=occurred_at or timezone.now(),
    )


def add_follow_up(
    vault: Vault,
    person: Person,
    text: str,
    *,
    due_on: dt.date | None = None,
    direction: str = FollowUpDirection.PROMISE,
    author: User | None = None,
    occurred_at: dt.datetime | None = None,
) -> FollowUp:
    _check_vault(vault, [person])
    if not text.strip():
        raise ValueError(_("a follow-up cannot be empty"))
    if direction not in FollowUpDirection.values:
        raise ValueError(
            _("unknown follow-up kind %(kind)r; use promise or request") % {"kind": direction}
        )
    return FollowUp.objects.create(
        vault=vault,
        person=person,
        text=text.strip(),
        due_on=due_on,
        direction=direction,
        author=_author(author),
        occurred_at=occurred_at or timezone.now(),
    )


def complete_follow_up(follow_up: FollowUp) -> FollowUp:
    """Mark done; repeating it keeps the first completion time (idempotent)."""
    if follow_up.done_at is None:
        follow_up.done_at = timezone.now()
        follow_up.save(update_fields=["done_at"])
    return follow_up


EntryKind = Literal["interaction", "note", "moment", "follow_up"]


@dataclass(frozen=True)
class TimelineEntry:
    kind: EntryKind
    occurred_at: dt.datetime
    item: Interaction | Note | Moment | FollowUp


def timeline_for(
    person: Person, viewer: User | None, limit: int | None = None
) -> list[TimelineEntry]:
    """Interactions, notes, moments and follow-ups of one person, newest first.

    Four indexed queries merged in Python (each already sorted), so the cost grows with the
    page, not with the number of kinds; other people's private entries never appear.
    """
    querysets: list[tuple[EntryKind, QuerySet[Any]]] = [
        ("interaction", Interaction.objects.filter(people=person).prefetch_related("people")),
        ("note", Note.objects.filter(person=person).visible_to(viewer)),
        ("moment", Moment.objects.filter(person=person).visible_to(viewer)),
        ("follow_up", FollowUp.objects.filter(person=person)),
    ]
    streams: list[Iterator[TimelineEntry]] = []
    for kind, queryset in querysets:
        ordered = queryset.order_by("-occurred_at", "-id")
        rows = ordered[:limit] if limit is not None else ordered
        # A list, not a generator: a generator would read ``kind`` after the loop moved on.
        streams.append(iter([TimelineEntry(kind, row.occurred_at, row) for row in rows]))
    merged = heapq.merge(*streams, key=lambda entry: entry.occurred_at, reverse=True)
    entries = list(merged)
    return entries[:limit] if limit is not None else entries
