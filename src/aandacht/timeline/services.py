"""Named write operations on the timeline and the merged timeline itself."""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as UserModel
from django.db import connection, transaction
from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from aandacht.accounts.models import Vault
from aandacht.people.models import NAME_FIELDS, Person
from aandacht.rounds.models import CheckInStep
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
from aandacht.web.access import positive_id

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


EntryKind = Literal["interaction", "note", "moment", "follow_up", "check_in"]


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline. ``check_in`` entries are completed steps of a check-in round
    (derived from ``CheckInStep.done_at``, so undoing a step takes its entry away)."""

    kind: EntryKind
    occurred_at: dt.datetime
    item: Interaction | Note | Moment | FollowUp | CheckInStep


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


# --- Changing and removing entries, and the timeline in pages (used by the web app) ---------


@transaction.atomic
def update_interaction(
    interaction: Interaction,
    *,
    kind: str,
    outcome: str | None,
    occurred_at: dt.datetime,
    initiated_by: str,
    summary: str,
    people: Iterable[Person],
) -> Interaction:
    """Change what was logged; the same checks as :func:`log_interaction` apply."""
    vault = interaction.vault
    if kind not in InteractionKind.values:
        raise ValueError(_("unknown interaction kind %(kind)r") % {"kind": kind})
    chosen_outcome = outcome or DEFAULT_OUTCOME[kind]
    if chosen_outcome not in Outcome.values:
        raise ValueError(_("unknown outcome %(outcome)r") % {"outcome": chosen_outcome})
    if initiated_by not in Initiator.values:
        raise ValueError(_("unknown initiator %(initiator)r") % {"initiator": initiated_by})
    members = _check_vault(vault, people)
    interaction.kind = kind
    interaction.outcome = chosen_outcome
    interaction.occurred_at = occurred_at
    interaction.initiated_by = initiated_by
    interaction.summary = summary.strip()
    interaction.save()
    interaction.people.set(members)
    return interaction


def update_note(note: Note, *, body: str, private: bool, occurred_at: dt.datetime) -> Note:
    if not body.strip():
        raise ValueError(_("a note cannot be empty"))
    note.body, note.private, note.occurred_at = body.strip(), private, occurred_at
    note.save()
    return note


def update_moment(
    moment: Moment, *, text: str, kind: str, private: bool, occurred_at: dt.datetime
) -> Moment:
    if kind not in MomentKind.values:
        raise ValueError(_("unknown moment kind %(kind)r") % {"kind": kind})
    if not text.strip():
        raise ValueError(_("a moment cannot be empty"))
    moment.text, moment.kind, moment.private = text.strip(), kind, private
    moment.occurred_at = occurred_at
    moment.save()
    return moment


def update_follow_up(
    follow_up: FollowUp, *, text: str, direction: str, due_on: dt.date | None
) -> FollowUp:
    if not text.strip():
        raise ValueError(_("a follow-up cannot be empty"))
    if direction not in FollowUpDirection.values:
        raise ValueError(_("unknown follow-up kind %(kind)r") % {"kind": direction})
    follow_up.text, follow_up.direction, follow_up.due_on = text.strip(), direction, due_on
    follow_up.save()
    return follow_up


def reopen_follow_up(follow_up: FollowUp) -> FollowUp:
    """Undo :func:`complete_follow_up`; reopening an open one changes nothing."""
    if follow_up.done_at is not None:
        follow_up.done_at = None
        follow_up.save(update_fields=["done_at"])
    return follow_up


def set_follow_up_done(follow_up: FollowUp, done: bool) -> FollowUp:
    """The web's "Done" toggle says what it wants, so a repeated click cannot flip it back."""
    return complete_follow_up(follow_up) if done else reopen_follow_up(follow_up)


ENTRY_MODELS: dict[EntryKind, type[Interaction | Note | Moment | FollowUp]] = {
    "interaction": Interaction,
    "note": Note,
    "moment": Moment,
    "follow_up": FollowUp,
}


def entry_of(
    person: Person, viewer: User | None, kind: str, pk: int
) -> Interaction | Note | Moment | FollowUp | None:
    """One entry on this person's timeline as ``viewer`` may see it, else None.

    An entry of another person, another vault, or someone else's private note is simply not
    there: callers answer 404, which does not reveal that it exists.
    """
    if kind == "interaction":
        return (
            Interaction.objects.filter(pk=pk, people=person, vault_id=person.vault_id)
            .prefetch_related("people")
            .first()
        )
    if kind == "note":
        return (
            Note.objects.filter(pk=pk, person=person, vault_id=person.vault_id)
            .visible_to(viewer)
            .first()
        )
    if kind == "moment":
        return (
            Moment.objects.filter(pk=pk, person=person, vault_id=person.vault_id)
            .visible_to(viewer)
            .first()
        )
    if kind == "follow_up":
        return FollowUp.objects.filter(pk=pk, person=person, vault_id=person.vault_id).first()
    return None


def delete_entry(entry: Interaction | Note | Moment | FollowUp) -> None:
    """Delete one entry; an interaction disappears from everyone it involved."""
    entry.delete()


# Ties on the same instant are broken by kind, then id, so paging never skips or repeats.
_KIND_RANK: dict[EntryKind, int] = {
    "follow_up": 0,
    "moment": 1,
    "note": 2,
    "interaction": 3,
    "check_in": 4,
}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def entry_kind(name: str) -> EntryKind | None:
    """The entry kind named in a URL or cursor (``follow-up`` or ``follow_up``), else None."""
    for kind in _KIND_RANK:
        if kind == name.replace("-", "_"):
            return kind
    return None


@dataclass(frozen=True)
class Cursor:
    """Where a timeline page ends: the last entry shown, as (when, kind, id)."""

    occurred_at: dt.datetime
    kind: EntryKind
    pk: int

    def __str__(self) -> str:
        micros = (self.occurred_at - _EPOCH) // dt.timedelta(microseconds=1)
        return f"{micros}.{self.kind}.{self.pk}"

    @classmethod
    def parse(cls, raw: str) -> Cursor | None:
        """The cursor in a "show more" link, or None when it is not one."""
        parts = raw.split(".")
        if len(parts) != 3:
            return None
        micros, slug, pk = parts
        kind = entry_kind(slug)
        digits = micros.removeprefix("-")
        item_id = positive_id(pk)
        if kind is None or item_id is None or not (digits.isascii() and digits.isdigit()):
            return None
        if len(micros) > 20:
            return None
        try:
            when = _EPOCH + dt.timedelta(microseconds=int(micros))
        except OverflowError:
            return None
        return cls(when, kind, item_id)

    @classmethod
    def of(cls, entry: TimelineEntry) -> Cursor:
        return cls(entry.occurred_at, entry.kind, entry.item.pk)


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    next_cursor: Cursor | None
    # Every interaction read for the page, newest first (``size + 1`` at most, some perhaps
    # not shown), each with its people: the log form lists the latest ones' companions.
    interactions: list[Interaction] = field(default_factory=list)


# Which rows of a kind sort after a cursor (older) in the merged order (when, kind rank, id):
# those at its time too (a kind ranked below the cursor's), only earlier ones (ranked above),
# or earlier ones and those at its time with a lower id (the cursor's own kind).
_Older = Literal["at_or_before", "before", "before_or_lower_id"]


def _older_rule(cursor: Cursor, kind: EntryKind) -> _Older:
    rank, cursor_rank = _KIND_RANK[kind], _KIND_RANK[cursor.kind]
    if rank < cursor_rank:
        return "at_or_before"
    if rank > cursor_rank:
        return "before"
    return "before_or_lower_id"


def _before(cursor: Cursor, kind: EntryKind) -> Q:
    """Rows of ``kind`` that sort after ``cursor`` (see :func:`_older_rule`)."""
    rule = _older_rule(cursor, kind)
    if rule == "at_or_before":
        return Q(occurred_at__lte=cursor.occurred_at)
    if rule == "before":
        return Q(occurred_at__lt=cursor.occurred_at)
    return Q(occurred_at__lt=cursor.occurred_at) | Q(
        occurred_at=cursor.occurred_at, pk__lt=cursor.pk
    )


def _latest_linked(person: Person, after: Cursor | None, wanted: int) -> RawSQL:
    """The ids of someone's ``wanted`` latest interactions (older than ``after``), from the
    dates on their link rows: a few entries of the (person, date, interaction) index instead of
    sorting all their interactions (see migration ``timeline.0004_link_dates``)."""
    links = Interaction.people.through._meta.db_table
    condition = ""
    params: list[Any] = []
    if after is not None:
        when = connection.ops.adapt_datetimefield_value(after.occurred_at)
        rule = _older_rule(after, "interaction")  # as :func:`_before`, in SQL
        if rule == "at_or_before":
            condition, params = "AND occurred_at <= %s", [when]
        elif rule == "before":
            condition, params = "AND occurred_at < %s", [when]
        else:
            condition = "AND (occurred_at < %s OR (occurred_at = %s AND interaction_id < %s))"
            params = [when, when, after.pk]
    return RawSQL(  # noqa: S611 - the values go as parameters; the text is this function's
        f"SELECT interaction_id FROM {links} WHERE person_id = %s {condition} "  # noqa: S608
        "ORDER BY occurred_at DESC, interaction_id DESC LIMIT %s",
        [person.pk, *params, wanted],
    )


def latest_linked(person: Person, wanted: int) -> RawSQL:
    """The ids of someone's ``wanted`` latest interactions, by date (see
    :func:`_latest_linked`): for an ``__in`` lookup."""
    return _latest_linked(person, None, wanted)


def outcomes_between(
    vault: Vault, people: list[int], start: dt.datetime, end: dt.datetime
) -> list[tuple[int, str]]:
    """(person id, outcome) of every interaction in ``vault`` with these people from ``start``
    to before ``end``, from the dates on the link rows (as :func:`_latest_linked`): a short
    range of the (person, date, interaction) index per person, whatever the vault's day holds
    and however many interactions a busy person has."""
    if not people:
        return []
    adapt = connection.ops.adapt_datetimefield_value
    links = Interaction.people.through._meta.db_table
    marks = ", ".join(["%s"] * len(people))
    sql = (
        f"SELECT l.person_id, i.outcome FROM {links} l "  # noqa: S608 - names are the models'
        f"JOIN {Interaction._meta.db_table} i ON i.id = l.interaction_id "
        f"WHERE l.person_id IN ({marks}) AND l.occurred_at >= %s AND l.occurred_at < %s "
        "AND i.vault_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*people, adapt(start), adapt(end), vault.pk])
        return [(person_id, outcome) for person_id, outcome in cursor.fetchall()]


def completed_check_in_steps(person: Person) -> QuerySet[CheckInStep]:
    """The person's done check-in round steps, with ``occurred_at`` (when they were done)."""
    return (
        CheckInStep.objects.filter(
            check_in__person=person,
            check_in__round__vault_id=person.vault_id,
            done_at__isnull=False,
        )
        .select_related("check_in__round", "done_by")
        .annotate(occurred_at=F("done_at"))
    )


def _attach_authors(entries: list[TimelineEntry], viewer: User | None) -> None:
    """Each shown entry's author, read once for the page: the viewer's own entries (all of
    them, alone in a vault) need no query; anyone else's come in one. Joining the author
    to every kind's rows built a user for each of the ~100 rows read to show 20. (A check-in
    step's ``done_by`` is read with it: ``completed_check_in_steps``.)"""
    written = [entry.item for entry in entries if not isinstance(entry.item, CheckInStep)]
    viewer_pk = viewer.pk if isinstance(viewer, UserModel) else None
    others = {item.author_id for item in written} - {None, viewer_pk}
    authors = UserModel.objects.in_bulk(list(others)) if others else {}
    if isinstance(viewer, UserModel):
        authors[viewer.pk] = viewer
    for item in written:
        if item.author_id in authors:
            item.author = authors[item.author_id]


def _merge_key(entry: TimelineEntry) -> tuple[dt.datetime, int, int]:
    """The timeline's order, newest first when reversed: when, then kind, then id."""
    return (entry.occurred_at, _KIND_RANK[entry.kind], entry.item.pk)


def timeline_page(
    person: Person,
    viewer: User | None,
    *,
    after: Cursor | None = None,
    size: int = 50,
    absent: Collection[str] = (),
) -> TimelinePage:
    """One page of :func:`timeline_for` plus the completed check-in round steps, continuing
    after ``after`` (keyset paging).

    At most six queries per page whatever the page number (one per kind, one for the people
    of the interactions), and one for the authors when an entry shown is someone else's
    (teams); other people's private entries never appear. The kinds in ``absent`` (known to
    hold nothing of the person: ``briefing.on_file``) are not read.
    """
    querysets: list[tuple[EntryKind, QuerySet[Any]]] = [
        (
            # No vault condition in SQL (the person's rows are their vault's; checked below):
            # SQLite without statistics took "vault_id = ?" for selective and walked the whole
            # vault's (vault, occurred_at) index for someone with no interactions (2.9 s).
            "interaction",
            Interaction.objects.filter(pk__in=_latest_linked(person, after, size + 1))
            # Only their names ("with Ann, Ben"): a meeting may hold dozens of people. (And
            # what the log form's "with others too" lists them by: panel.capture_forms.)
            .prefetch_related(
                Prefetch(
                    "people",
                    queryset=Person.objects.only(
                        *NAME_FIELDS, "vault_id", "sort_key", "trashed_at"
                    ),
                )
            ),
        ),
        (
            "note",
            Note.objects.filter(person=person, vault_id=person.vault_id).visible_to(viewer),
        ),
        (
            "moment",
            Moment.objects.filter(person=person, vault_id=person.vault_id).visible_to(viewer),
        ),
        (
            "follow_up",
            FollowUp.objects.filter(person=person, vault_id=person.vault_id),
        ),
        ("check_in", completed_check_in_steps(person)),
    ]
    streams: list[list[TimelineEntry]] = []
    merged: list[TimelineEntry] = []
    interactions: list[Interaction] = []
    for kind, queryset in querysets:
        if kind in absent:
            continue
        if after is not None and kind != "interaction":  # (its ids come after ``after``)
            queryset = queryset.filter(_before(after, kind))
        if len(merged) > size:
            # The page is full with the kinds read so far: only rows as recent as its last
            # entry can still be on it. A busy person's 21 latest interactions span days, so
            # each kind after them reads a few rows, not 21 built only to be merged away.
            queryset = queryset.filter(occurred_at__gte=merged[size].occurred_at)
        rows = queryset.order_by("-occurred_at", "-id")[: size + 1]
        stream = [
            TimelineEntry(kind, row.occurred_at, row)
            for row in rows
            if kind != "interaction" or row.vault_id == person.vault_id
        ]
        streams.append(stream)
        if kind == "interaction":
            interactions = [e.item for e in stream if isinstance(e.item, Interaction)]
        merged = list(heapq.merge(*streams, key=_merge_key, reverse=True))
    entries = merged[:size]
    _attach_authors(entries, viewer)
    more = len(merged) > size
    return TimelinePage(entries, Cursor.of(entries[-1]) if more and entries else None, interactions)
