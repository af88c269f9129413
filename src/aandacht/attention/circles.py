"""Circles as the circles pages see them: who is in which, the person page's rhythm, the lists.

The rules themselves live in ``services`` (``resolve_cadence``: a personal cadence wins, then an
explicit circle, then the shortest tag circle); this module gathers what the pages show with a
fixed number of queries, and holds the named writes on circles themselves (rename, delete).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from aandacht.accounts.models import Vault
from aandacht.attention import services
from aandacht.attention.models import (
    MAX_CADENCE_DAYS,
    AgendaSettings,
    Circle,
    Preset,
    Rhythm,
    new_feed_token,
)
from aandacht.people import directory
from aandacht.people.models import Person, PersonQuerySet, Tag

SAMPLE_SIZE = 5


class CircleProblem(ValueError):
    """A refused change to a circle, with the form field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# ---------------------------------------------------------------------------------------------
# The circles page


@dataclass
class CircleRow:
    """One circle with how many people it holds and the first few of them (A to Z)."""

    circle: Circle
    count: int = 0
    sample: list[Person] = field(default_factory=list)
    elsewhere: int = 0  # tagged for a tag circle, but following another circle

    @property
    def more(self) -> int:
        return max(self.count - len(self.sample), 0)


def _reachable(prefix: str = "person__") -> Q:
    return Q(
        **{
            f"{prefix}trashed_at__isnull": True,
            f"{prefix}archived": False,
            f"{prefix}deceased": False,
        }
    )


@dataclass
class CircleMembers:
    """Who follows one circle (person ids, A to Z), and how many more carry its tag but follow
    another circle (their explicit one, or a shorter tag circle)."""

    people: list[int] = field(default_factory=list)
    elsewhere: int = 0


def _memberships(
    vault: Vault, circles: list[Circle]
) -> tuple[dict[int, tuple[int, str]], dict[int, set[int]]]:
    """person id → (circle id, sort key) of the circle they follow, and tag circle id → the
    reachable people carrying its tag. Two queries."""
    by_id = {circle.pk: circle for circle in circles}
    result: dict[int, tuple[int, str]] = {}
    tagged: dict[int, set[int]] = {}
    rows = (
        Rhythm.objects.filter(_reachable(), person__vault=vault, circle__isnull=False)
        .values_list("person_id", "circle_id", "person__sort_key")
        .order_by()
    )
    for person_id, circle_id, sort_key in rows:
        if circle_id in by_id:
            result[person_id] = (circle_id, sort_key)
    tag_circles = {circle.tag_id: circle for circle in circles if circle.tag_id}
    if tag_circles:
        links = (
            Person.tags.through.objects.filter(
                _reachable(), person__vault=vault, tag_id__in=list(tag_circles)
            )
            .values_list("person_id", "tag_id", "person__sort_key")
            .order_by()
        )
        for person_id, tag_id, sort_key in links:
            circle = tag_circles[tag_id]
            tagged.setdefault(circle.pk, set()).add(person_id)
            current = result.get(person_id)
            if current is None:
                result[person_id] = (circle.pk, sort_key)
                continue
            held = by_id[current[0]]
            if held.tag_id and (circle.cadence_days, circle.pk) < (held.cadence_days, held.pk):
                result[person_id] = (circle.pk, sort_key)
    return result, tagged


def effective_circles(vault: Vault, circles: list[Circle]) -> dict[int, tuple[int, str]]:
    """Which circle each reachable person follows, with their sort key: person id → (circle
    id, sort key). An explicit circle wins; otherwise the shortest of their tag circles.

    Two queries (explicit choices, tag links), whatever the size of the vault.
    """
    return _memberships(vault, circles)[0]


def circle_members(vault: Vault, circles: list[Circle]) -> dict[int, CircleMembers]:
    """circle id → who follows it (A to Z) and how many more carry its tag but follow another
    circle. The one rule for head counts, on the circles page and in ``aandacht circles``:
    reachable people only (not trashed, archived or deceased). Two queries."""
    follows, tagged = _memberships(vault, circles)
    grouped: dict[int, list[tuple[str, int]]] = {}
    for person_id, (circle_id, sort_key) in follows.items():
        grouped.setdefault(circle_id, []).append((sort_key, person_id))
    members: dict[int, CircleMembers] = {}
    for circle in circles:
        entries = sorted(grouped.get(circle.pk, []))
        carrying = tagged.get(circle.pk, set())
        elsewhere = sum(1 for pk in carrying if follows[pk][0] != circle.pk)
        members[circle.pk] = CircleMembers([pk for _key, pk in entries], elsewhere)
    return members


def circle_rows(vault: Vault) -> list[CircleRow]:
    """Every circle of the vault, shortest cadence first, with counts and a sample of members.

    Four queries: the circles, the explicit members, the tag members, the sampled people.
    """
    circles = services.circles_of(vault)
    members = circle_members(vault, circles)
    picked = {pk: each.people[:SAMPLE_SIZE] for pk, each in members.items()}
    wanted = [pk for ids in picked.values() for pk in ids]
    people = (
        Person.objects.filter(pk__in=wanted).only(*directory.ROW_FIELDS).in_bulk() if wanted else {}
    )
    return [
        CircleRow(
            circle,
            len(members[circle.pk].people),
            [people[pk] for pk in picked[circle.pk] if pk in people],
            members[circle.pk].elsewhere,
        )
        for circle in circles
    ]


def free_tags(vault: Vault) -> list[Tag]:
    """Tags of the vault that have no circle yet, A to Z."""
    return list(Tag.objects.filter(vault=vault, circle__isnull=True).order_by("name", "id"))


# ---------------------------------------------------------------------------------------------
# Writes on circles


def _check_cadence(days: int) -> None:
    if not 1 <= days <= MAX_CADENCE_DAYS:
        raise CircleProblem(
            "cadence_days",
            _("Choose a cadence between 1 and %(max)d days.") % {"max": MAX_CADENCE_DAYS},
        )


def _check_unique(
    vault: Vault, name: str, *, exclude: Circle | None = None, name_given: bool = True
) -> None:
    """Refuse a name another circle of the vault already shows (any case, either way of
    naming: its own name, a preset's title, a tag circle's tag)."""
    other = services.circle_name_taken(vault, name, exclude=exclude)
    if other is not None:
        raise CircleProblem(
            "name" if name_given else "tag",
            _("There is already a circle called “%(name)s”; choose another name.")
            % {"name": other.title},
        )


@transaction.atomic
def add_circle(vault: Vault, name: str, cadence_days: int, tag: Tag | None = None) -> Circle:
    """A new circle; with ``tag`` it holds everyone carrying that tag."""
    _check_cadence(cadence_days)
    name = name.strip()
    if tag is not None:
        if tag.vault_id != vault.pk:
            raise CircleProblem("tag", _("That tag belongs to another vault."))
        if Circle.objects.filter(tag=tag).exists():
            raise CircleProblem(
                "tag", _("The tag “%(tag)s” already has a circle.") % {"tag": tag.name}
            )
    elif not name:
        raise CircleProblem("name", _("Give the circle a name, or make it for a tag."))
    _check_unique(vault, name or (tag.name if tag is not None else ""), name_given=bool(name))
    return Circle.objects.create(vault=vault, name=name, cadence_days=cadence_days, tag=tag)


@transaction.atomic
def update_circle(circle: Circle, name: str, cadence_days: int) -> Circle:
    """Rename a circle and change its cadence. A preset keeps following the reader's language
    while its name is left as it is; a tag circle without a name shows its tag's."""
    _check_cadence(cadence_days)
    name = name.strip()
    if circle.preset and name == str(Preset(circle.preset).label):
        name = ""
    if not name and not circle.preset and circle.tag_id is None:
        raise CircleProblem("name", _("Give the circle a name."))
    shown = name or (
        str(Preset(circle.preset).label)
        if circle.preset
        else (circle.tag.name if circle.tag is not None else "")
    )
    _check_unique(circle.vault, shown, exclude=circle)
    circle.name = name
    circle.cadence_days = cadence_days
    circle.save(update_fields=["name", "cadence_days"])
    return circle


@transaction.atomic
def delete_circle(circle: Circle) -> int:
    """Delete a circle; the people chosen for it stay, they just lose that circle.

    Returns how many people had chosen it (tag circles have none: the tag stays).
    """
    count = Rhythm.objects.filter(circle=circle).count()
    circle.delete()  # Rhythm.circle is SET_NULL
    return count


# ---------------------------------------------------------------------------------------------
# The person page: "Keep in touch"


@dataclass(frozen=True)
class RhythmView:
    """Everything the person page's rhythm section shows about one person."""

    person: Person
    rhythm: Rhythm | None
    cadence: services.Cadence | None
    circles: list[Circle]  # explicit circles, for the chooser
    tag_circles: list[Circle]  # circles the person is in through a tag
    today: dt.date
    last_conversation: dt.date | None
    due_on: dt.date | None

    @property
    def circle(self) -> Circle | None:
        return self.rhythm.circle if self.rhythm is not None else None

    @property
    def muted(self) -> bool:
        return self.rhythm is not None and self.rhythm.muted

    @property
    def paused_until(self) -> dt.date | None:
        day = self.rhythm.paused_until if self.rhythm is not None else None
        return day if day is not None and day > self.today else None

    @property
    def snoozed_until(self) -> dt.date | None:
        day = self.rhythm.snoozed_until if self.rhythm is not None else None
        return day if day is not None and day > self.today else None

    @property
    def overdue_days(self) -> int:
        if self.due_on is None or self.due_on >= self.today:
            return 0
        return (self.today - self.due_on).days

    @property
    def next_on(self) -> dt.date | None:
        """The day they come up: the due date, or later when paused or snoozed."""
        if self.due_on is None or self.muted:
            return None
        holds = [d for d in (self.paused_until, self.snoozed_until, self.due_on) if d]
        return max(holds)


def stored_settings(user: User) -> AgendaSettings:
    """The user's agenda settings without writing: unsaved defaults when there are none yet."""
    found = AgendaSettings.objects.filter(user=user).first()
    return found if found is not None else AgendaSettings(user=user, feed_token="")


def rhythm_view(person: Person, user: User) -> RhythmView:
    """Two queries: the rhythm (with the user's time zone and whether one-way contact counts,
    from their agenda settings), and the vault's circles, each marked when the person has its
    tag. Someone without a rhythm costs one more, for the settings alone."""
    mine = AgendaSettings.objects.filter(user_id=user.pk)
    rhythm = (
        Rhythm.objects.filter(person=person)
        .annotate(
            prefs_zone=Subquery(mine.values("time_zone")[:1]),
            prefs_one_way=Subquery(mine.values("one_way_resets")[:1]),
        )
        .first()
    )
    has_tag = Person.tags.through.objects.filter(person_id=person.pk, tag_id=OuterRef("tag_id"))
    circles = list(
        Circle.objects.filter(vault_id=person.vault_id)
        .select_related("tag")
        .annotate(holds_person=Exists(has_tag))
        .order_by("cadence_days", "id")
    )
    explicit: list[Circle] = [c for c in circles if c.tag_id is None]
    tagged: list[Circle] = [
        c for c in circles if c.tag_id is not None and getattr(c, "holds_person", False)
    ]
    if rhythm is not None:
        # The rhythm's circle is one of the vault's circles just read: no query of its own.
        rhythm.circle = next((c for c in circles if c.pk == rhythm.circle_id), None)
        prefs = AgendaSettings(
            user=user,
            feed_token="",
            time_zone=getattr(rhythm, "prefs_zone", None) or "",
            one_way_resets=bool(getattr(rhythm, "prefs_one_way", False)),
        )
    else:
        prefs = stored_settings(user)
    cadence = services.resolve_cadence(
        rhythm.cadence_days if rhythm else None, rhythm.circle if rhythm else None, tagged
    )
    zone = services.zone_of(prefs)
    today = services.local_today(prefs)

    def local(moment: dt.datetime | None) -> dt.date | None:
        return timezone.localtime(moment, zone).date() if moment is not None else None

    conversation = local(rhythm.last_conversation_at) if rhythm else None
    due_on = None
    if cadence is not None:
        contact = conversation
        if rhythm is not None:
            if prefs.one_way_resets:
                one_way = local(rhythm.last_one_way_at)
                contact = max((d for d in (contact, one_way) if d), default=None)
            if rhythm.skipped_on is not None:
                contact = max(contact, rhythm.skipped_on) if contact else rhythm.skipped_on
            start = contact or rhythm.since
        else:
            start = contact or (
                timezone.localtime(cadence.circle.created_at, zone).date()
                if cadence.circle is not None
                else today
            )
        due_on = start + dt.timedelta(days=cadence.days)
    return RhythmView(
        person=person,
        rhythm=rhythm,
        cadence=cadence,
        circles=explicit,
        tag_circles=tagged,
        today=today,
        last_conversation=conversation,
        due_on=due_on,
    )


@transaction.atomic
def update_rhythm(
    person: Person,
    *,
    circle: Circle | None,
    cadence_days: int | None,
    muted: bool,
    paused_until: dt.date | None,
) -> Rhythm:
    """Save the rhythm section of the person page in one go."""
    services.set_circle(person, circle)
    services.set_cadence(person, cadence_days)
    services.set_muted(person, muted)
    return services.pause_until(person, paused_until)


# ---------------------------------------------------------------------------------------------
# Make your lists


@dataclass(frozen=True)
class ListRow:
    person: Person
    circle_id: int | None
    tag_circles: list[Circle]
    personal_days: int | None
    following: int | None = None  # the next row's person: where a plain POST returns


def unassigned(people: PersonQuerySet) -> PersonQuerySet:
    """People in no circle yet: no explicit circle and no tag with a circle."""
    in_tag_circle = Person.tags.through.objects.filter(
        person_id=OuterRef("pk"), tag__circle__isnull=False
    )
    chosen = Rhythm.objects.filter(person_id=OuterRef("pk"), circle__isnull=False)
    return people.exclude(Exists(chosen)).exclude(Exists(in_tag_circle))


def list_rows(people: list[Person], circles: list[Circle]) -> list[ListRow]:
    """Each listed person with their explicit circle and tag circles: two queries."""
    ids = [person.pk for person in people]
    if not ids:
        return []
    chosen = {
        person_id: (circle_id, days)
        for person_id, circle_id, days in Rhythm.objects.filter(person_id__in=ids).values_list(
            "person_id", "circle_id", "cadence_days"
        )
    }
    tag_circles = {circle.tag_id: circle for circle in circles if circle.tag_id}
    by_person: dict[int, list[Circle]] = {}
    if tag_circles:
        for person_id, tag_id in Person.tags.through.objects.filter(
            person_id__in=ids, tag_id__in=list(tag_circles)
        ).values_list("person_id", "tag_id"):
            by_person.setdefault(person_id, []).append(tag_circles[tag_id])
    return [
        ListRow(
            person,
            chosen.get(person.pk, (None, None))[0],
            sorted(by_person.get(person.pk, []), key=lambda c: (c.cadence_days, c.pk)),
            chosen.get(person.pk, (None, None))[1],
            people[position + 1].pk if position + 1 < len(people) else None,
        )
        for position, person in enumerate(people)
    ]


# ---------------------------------------------------------------------------------------------
# Agenda settings


@transaction.atomic
def regenerate_feed_token(prefs: AgendaSettings) -> AgendaSettings:
    """A new secret address for the calendar feed; the old one stops working at once."""
    prefs.feed_token = new_feed_token()
    prefs.save(update_fields=["feed_token"])
    return prefs
