"""Keep-in-touch services shared by the views, the CLI, the digest and the calendar feed.

Everything here starts from a vault (and, for the agenda, from the user whose agenda it is).
The planning itself is ``core.plan``; this module turns the database into its input and its
output back into agenda items that say why they are there.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import CharField, Max, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from aandacht.accounts.models import Vault
from aandacht.attention import core
from aandacht.attention.models import (
    MAX_CADENCE_DAYS,
    PRESET_CADENCE,
    AgendaSettings,
    Circle,
    Rhythm,
)
from aandacht.people.models import DateKind, ImportantDate, Person, search_columns
from aandacht.timeline import services as timeline
from aandacht.timeline.models import (
    DEFAULT_OUTCOME,
    FollowUp,
    Interaction,
    InteractionKind,
    Outcome,
)
from aandacht.web import stamp

ItemKind = Literal["due", "retry", "follow_up", "date"]
Handled = Literal["done", "attempted", "snoozed", "skipped"]

# ---------------------------------------------------------------------------------------------
# Circles and rhythms


def ensure_default_circles(vault: Vault) -> None:
    """Give a vault the four preset circles once; a vault that has circles is left alone."""
    if vault.circles.exists():
        return
    Circle.objects.bulk_create(
        Circle(vault=vault, preset=preset, cadence_days=days)
        for preset, days in PRESET_CADENCE.items()
    )


def circles_of(vault: Vault) -> list[Circle]:
    return list(vault.circles.select_related("tag").order_by("cadence_days", "id"))


def check_cadence(days: int) -> int:
    if not 1 <= days <= MAX_CADENCE_DAYS:
        raise ValueError(
            _("a cadence is between 1 and %(max)d days, not %(days)d")
            % {"max": MAX_CADENCE_DAYS, "days": days}
        )
    return days


CIRCLE_NAME_MAX = 80
TAG_NAME_MAX = 60


@transaction.atomic
def create_circle(
    vault: Vault, name: str, cadence_days: int, *, tag_name: str | None = None
) -> Circle:
    """A new circle; with ``tag_name`` it holds everyone with that tag (made if missing).

    An existing tag is matched without regard to case, as ``set_tags`` matches it. Raises
    ``ValueError`` with a message for people (before anything is written) for a cadence out of
    range, a missing or too long name, a name another circle of the vault already has, or a
    tag that already has a circle.
    """
    from aandacht.people.models import Tag

    check_cadence(cadence_days)
    name = name.strip()
    label = (tag_name or "").strip()
    if not name and not label:
        raise ValueError(_("a circle needs a name"))
    if len(name) > CIRCLE_NAME_MAX:
        raise ValueError(
            _("a circle's name is at most %(max)d characters") % {"max": CIRCLE_NAME_MAX}
        )
    if len(label) > TAG_NAME_MAX:
        raise ValueError(_("a tag is at most %(max)d characters") % {"max": TAG_NAME_MAX})
    tag = None
    if label:
        tag = Tag.objects.filter(vault=vault, name__iexact=label).order_by("id").first()
        if tag is not None and Circle.objects.filter(tag=tag).exists():
            raise ValueError(_("the tag %(tag)s already has a circle") % {"tag": tag.name})
    shown = name or (tag.name if tag is not None else label)
    if circle_name_taken(vault, shown) is not None:
        raise ValueError(_("there is already a circle called %(name)s") % {"name": shown})
    if label and tag is None:
        tag = Tag.objects.create(vault=vault, name=label)
    return Circle.objects.create(vault=vault, name=name, cadence_days=cadence_days, tag=tag)


def circle_name_taken(vault: Vault, name: str, *, exclude: Circle | None = None) -> Circle | None:
    """The vault's circle (other than ``exclude``) that already answers to ``name``, else
    ``None``. Compared without regard to case against each circle's name, its displayed title
    (a preset's in the current language) and a tag circle's tag. One query."""
    wanted = name.strip().casefold()
    if not wanted:
        return None
    for circle in circles_of(vault):
        if exclude is not None and circle.pk == exclude.pk:
            continue
        names = {circle.name, circle.title, circle.tag.name if circle.tag is not None else ""}
        if wanted in {each.strip().casefold() for each in names if each}:
            return circle
    return None


def rhythm_for(person: Person) -> Rhythm:
    rhythm, _created = Rhythm.objects.get_or_create(person=person)
    return rhythm


def _today_for_rhythm() -> dt.date:
    return timezone.localdate()


@transaction.atomic
def set_circle(person: Person, circle: Circle | None) -> Rhythm:
    """Put someone in one circle (an explicit choice wins over tag circles), or take them out."""
    if circle is not None and circle.vault_id != person.vault_id:
        raise ValueError(_("that circle belongs to another vault"))
    if circle is not None and circle.tag_id is not None:
        raise ValueError(
            _("%(circle)s follows its tag: tag the person instead") % {"circle": circle.title}
        )
    rhythm = rhythm_for(person)
    if circle is not None and rhythm.circle_id != circle.pk and rhythm.circle_id is None:
        rhythm.since = _today_for_rhythm()
    rhythm.circle = circle
    rhythm.save(update_fields=["circle", "since"])
    return rhythm


@transaction.atomic
def set_cadence(person: Person, days: int | None) -> Rhythm:
    """A personal cadence overrides any circle; ``None`` goes back to the circle's."""
    if days is not None:
        check_cadence(days)
    rhythm = rhythm_for(person)
    rhythm.cadence_days = days
    rhythm.save(update_fields=["cadence_days"])
    return rhythm


@transaction.atomic
def set_muted(person: Person, muted: bool) -> Rhythm:
    rhythm = rhythm_for(person)
    rhythm.muted = muted
    rhythm.save(update_fields=["muted"])
    return rhythm


@transaction.atomic
def pause_until(person: Person, day: dt.date | None) -> Rhythm:
    rhythm = rhythm_for(person)
    rhythm.paused_until = day
    rhythm.save(update_fields=["paused_until"])
    return rhythm


@transaction.atomic
def merge_rhythms(kept: Person, other: Person) -> Rhythm | None:
    """Fold ``other``'s rhythm into ``kept``'s before two people are merged.

    What ``kept`` has wins; what only ``other`` has (a circle, a personal cadence, a pause, a
    snooze) is taken over, and they are on the agenda since the earlier of the two days.
    ``other``'s rhythm is deleted; the last contacts follow the moved interactions. Meant to
    run inside ``people.lifecycle.merge_people``, before its generic move of related rows
    (which would otherwise drop ``other``'s rhythm whenever ``kept`` has one).
    """
    theirs = Rhythm.objects.filter(pk=other.pk).first()
    mine = Rhythm.objects.filter(pk=kept.pk).first()
    if theirs is None or mine is None:
        return mine  # nothing to fold: a lone rhythm of ``other`` simply moves over
    mine.circle_id = mine.circle_id or theirs.circle_id
    mine.cadence_days = mine.cadence_days or theirs.cadence_days
    mine.paused_until = mine.paused_until or theirs.paused_until
    mine.snoozed_until = mine.snoozed_until or theirs.snoozed_until
    mine.since = min(mine.since, theirs.since)
    mine.save(update_fields=["circle", "cadence_days", "paused_until", "snoozed_until", "since"])
    theirs.delete()
    return mine


@dataclass(frozen=True)
class Cadence:
    """Which cadence applies to someone, and where it comes from."""

    days: int
    source: Literal["personal", "circle", "tag"]
    circle: Circle | None = None

    @property
    def label(self) -> str:
        if self.source == "personal" or self.circle is None:
            return ngettext("every %(days)d day", "every %(days)d days", self.days) % {
                "days": self.days
            }
        return self.circle.title


def resolve_cadence(
    rhythm_days: int | None,
    explicit: Circle | None,
    tag_circles: Iterable[Circle],
) -> Cadence | None:
    """Personal cadence, else the explicit circle, else the shortest of the tag circles."""
    if rhythm_days:
        return Cadence(rhythm_days, "personal", explicit)
    if explicit is not None:
        return Cadence(explicit.cadence_days, "circle", explicit)
    shortest = min(tag_circles, key=lambda c: (c.cadence_days, c.pk), default=None)
    if shortest is not None:
        return Cadence(shortest.cadence_days, "tag", shortest)
    return None


def cadence_of(person: Person) -> Cadence | None:
    rhythm = Rhythm.objects.filter(person=person).select_related("circle").first()
    tag_circles = Circle.objects.filter(tag__people=person).select_related("tag")
    return resolve_cadence(
        rhythm.cadence_days if rhythm else None,
        rhythm.circle if rhythm else None,
        tag_circles,
    )


# ---------------------------------------------------------------------------------------------
# The last contacts, kept on each person's rhythm

_REFRESH_CHUNK = 500


def refresh_last_contacts(person_ids: Iterable[int]) -> None:
    """Recompute the last conversation, attempt and one-way contact of these people.

    Called by signals whenever an interaction changes, and in bulk after a demo load or an
    import (which write with ``bulk_create`` and send no signals).
    """
    ids = sorted(set(person_ids))
    through = Interaction.people.through
    for start in range(0, len(ids), _REFRESH_CHUNK):
        chunk = ids[start : start + _REFRESH_CHUNK]
        found = {
            row["person_id"]: row
            for row in through.objects.filter(person_id__in=chunk)
            .values("person_id")
            .annotate(
                conversation=Max(
                    "interaction__occurred_at",
                    filter=Q(interaction__outcome=Outcome.CONVERSATION),
                ),
                attempt=Max(
                    "interaction__occurred_at", filter=Q(interaction__outcome=Outcome.ATTEMPT)
                ),
                one_way=Max(
                    "interaction__occurred_at", filter=Q(interaction__outcome=Outcome.ONE_WAY)
                ),
            )
        }
        existing = Rhythm.objects.in_bulk(chunk)
        missing = [pid for pid in chunk if pid not in existing and pid in found]
        # One query for the people still there (an interaction may outlive a deleted person).
        alive = (
            set(Person.objects.filter(pk__in=missing).values_list("pk", flat=True))
            if missing
            else set()
        )
        to_create: list[Rhythm] = []
        to_update: list[Rhythm] = []
        for pid in chunk:
            row = found.get(pid, {})
            values = (row.get("conversation"), row.get("attempt"), row.get("one_way"))
            rhythm = existing.get(pid)
            if rhythm is None:
                if any(values) and pid in alive:
                    to_create.append(
                        Rhythm(
                            person_id=pid,
                            last_conversation_at=values[0],
                            last_attempt_at=values[1],
                            last_one_way_at=values[2],
                        )
                    )
                continue
            current = (
                rhythm.last_conversation_at,
                rhythm.last_attempt_at,
                rhythm.last_one_way_at,
            )
            if current != values:
                (
                    rhythm.last_conversation_at,
                    rhythm.last_attempt_at,
                    rhythm.last_one_way_at,
                ) = values
                to_update.append(rhythm)
        Rhythm.objects.bulk_create(to_create, ignore_conflicts=True)
        Rhythm.objects.bulk_update(
            to_update, ["last_conversation_at", "last_attempt_at", "last_one_way_at"]
        )


def refresh_vault(vault: Vault) -> None:
    refresh_last_contacts(Person.objects.filter(vault=vault).values_list("pk", flat=True))


# ---------------------------------------------------------------------------------------------
# Settings, time zone, today


def settings_for(user: User) -> AgendaSettings:
    found, _created = AgendaSettings.objects.get_or_create(user=user)
    return found


def zone_of(prefs: AgendaSettings) -> zoneinfo.ZoneInfo:
    """The user's time zone, else the instance's (AANDACHT_TIME_ZONE)."""
    for name in (prefs.time_zone, settings.TIME_ZONE, "UTC"):
        if not name:
            continue
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
    return zoneinfo.ZoneInfo("UTC")


def local_today(prefs: AgendaSettings, now: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(now or timezone.now(), zone_of(prefs)).date()


def rules_for(prefs: AgendaSettings) -> core.Rules:
    return core.Rules(
        capacity=prefs.capacity,
        retry_after_days=prefs.retry_after_days,
        weekdays=prefs.active_weekdays,
    )


# ---------------------------------------------------------------------------------------------
# Candidates: everyone on a rhythm, as the planner sees them


@dataclass(frozen=True)
class Standing:
    """What the agenda knows about one person on a rhythm (beyond the planner's input)."""

    person_id: int
    cadence: Cadence
    last_conversation: dt.date | None
    last_attempt: dt.date | None
    handled_on: dt.date | None
    handled_as: str


def _local(moment: dt.datetime | None, zone: zoneinfo.ZoneInfo) -> dt.date | None:
    # astimezone directly: what timezone.localtime does for the aware datetimes the database
    # gives, without its checks (called three times per person on a rhythm per agenda).
    return moment.astimezone(zone).date() if moment is not None else None


_MOMENTS = ("last_conversation_at", "last_one_way_at", "last_attempt_at")
_DAYS = ("skipped_on", "paused_until", "snoozed_until", "since", "handled_on")
_STANDING_FIELDS = (
    "person_id",
    "circle_id",
    "cadence_days",
    "muted",
    *_MOMENTS,
    *_DAYS,
    "handled_as",
)


_Moment = dt.datetime | None
_Day = dt.date | None
# person, circle, cadence, muted, the three moments, skipped, paused, snoozed, since, handled
_Row = tuple[int, int | None, int | None, bool, _Moment, _Moment, _Moment, _Day, _Day, _Day,
             dt.date, _Day, str]  # fmt: skip


def moments_from_text() -> Callable[[str], dt.datetime]:
    """A reader of datetimes the database gave as text (``Cast(..., CharField())``), aware.
    Parsed with ``fromisoformat`` (C): Django's and the drivers' conversions (a regular
    expression per value) cost more than the query on the tens of thousands of rows of a busy
    vault. SQLite's text has no offset: it is in the database's time zone (UTC by default),
    looked up once (through the connection proxy it cost more than the parsing); PostgreSQL's
    carries the session's offset."""
    parse = dt.datetime.fromisoformat
    zone = connection.timezone

    def moment(text: str) -> dt.datetime:
        found = parse(text)
        return found if found.tzinfo is not None else found.replace(tzinfo=zone)

    return moment


def _standing_rows(rows: QuerySet[Rhythm]) -> list[_Row]:
    """The rhythms' columns of :data:`_STANDING_FIELDS` as plain tuples, with aware datetimes
    and dates. On SQLite the dates and datetimes are read as text and parsed with
    ``fromisoformat`` (C): Django's converters (``parse_datetime``, a regular expression per
    value) took two thirds of the agenda's time with ten thousand people on a rhythm."""
    if connection.vendor != "sqlite":
        return cast(list[_Row], list(rows.values_list(*_STANDING_FIELDS)))
    texts = {name: Cast(name, output_field=CharField()) for name in (*_MOMENTS, *_DAYS)}
    found = rows.annotate(**{f"{name}_text": text for name, text in texts.items()}).values_list(
        *(f"{name}_text" if name in texts else name for name in _STANDING_FIELDS)
    )
    moment = moments_from_text()
    day = dt.date.fromisoformat
    result: list[tuple[object, ...]] = []
    for pid, circle, cadence, muted, conv, one_way, attempt, *days, handled_as in found:
        result.append(
            (
                pid,
                circle,
                cadence,
                muted,
                moment(conv) if conv else None,
                moment(one_way) if one_way else None,
                moment(attempt) if attempt else None,
                *(day(each[:10]) if each else None for each in days),
                handled_as,
            )
        )
    return cast(list[_Row], result)


def kept_standings(
    vault: Vault, prefs: AgendaSettings, today: dt.date, at: int | None
) -> tuple[list[core.Candidate], dict[int, Standing]]:
    """``standings``, reused until the data changes (``web.stamp``; ``at``: the stamp read
    before ``prefs``): reading and judging everyone's rhythm (16,500 at 50,000 people,
    ~120 ms) is most of Today's cost. Shared: callers must not change what it returns."""
    return stamp.remember_at(
        at,
        ("standings", vault.pk, prefs_key(prefs), today),
        lambda: standings(vault, prefs, today),
    )


def prefs_key(prefs: AgendaSettings) -> tuple[object, ...]:
    """Everything stored in the agenda settings, for the keys of kept figures: settings read
    before a change committed are never kept under the stamp after it."""
    return tuple(getattr(prefs, field.attname) for field in prefs._meta.concrete_fields)


def standings(
    vault: Vault, prefs: AgendaSettings, today: dt.date
) -> tuple[list[core.Candidate], dict[int, Standing]]:
    """Everyone in the vault with a cadence who may get reminders, in two queries (plus one
    for the circles): muted, archived, deceased and trashed people are left out."""
    zone = zone_of(prefs)
    circles = {c.pk: c for c in Circle.objects.filter(vault=vault).select_related("tag")}
    tag_circles: dict[int, Circle] = {c.tag_id: c for c in circles.values() if c.tag_id}
    reachable = Q(
        person__vault=vault,
        person__trashed_at__isnull=True,
        person__archived=False,
        person__deceased=False,
    )
    by_tag: dict[int, list[Circle]] = {}
    on_a_rhythm = Q(circle__isnull=False) | Q(cadence_days__isnull=False)
    if tag_circles:
        through = Person.tags.through
        for person_id, tag_id in through.objects.filter(
            reachable, tag_id__in=list(tag_circles)
        ).values_list("person_id", "tag_id"):
            by_tag.setdefault(person_id, []).append(tag_circles[tag_id])
        # A subquery rather than the thousands of ids just read: binding them cost more than
        # the query itself.
        on_a_rhythm |= Q(
            person_id__in=through.objects.filter(tag_id__in=list(tag_circles)).values("person_id")
        )
    rows = Rhythm.objects.filter(reachable).filter(on_a_rhythm)
    candidates: list[core.Candidate] = []
    known: dict[int, Standing] = {}
    seen: set[int] = set()
    # One Cadence per combination (there are a handful), not one per person.
    cadences: dict[tuple[int | None, int | None, tuple[int, ...]], Cadence | None] = {}
    one_way_resets = prefs.one_way_resets
    # Tuples, not model instances: thousands of people on a rhythm cost a few ms instead of
    # tens (the agenda reads this on every Today page).
    for (
        person_id,
        circle_id,
        cadence_days,
        muted,
        last_conversation_at,
        last_one_way_at,
        last_attempt_at,
        skipped_on,
        paused_until,
        snoozed_until,
        since,
        handled_on,
        handled_as,
    ) in _standing_rows(rows):
        seen.add(person_id)
        tagged = by_tag.get(person_id, ())
        key = (cadence_days, circle_id, tuple(c.pk for c in tagged))
        if key in cadences:
            cadence = cadences[key]
        else:
            cadence = cadences[key] = resolve_cadence(
                cadence_days,
                circles.get(circle_id) if circle_id else None,
                tagged,
            )
        if cadence is None or muted:
            continue
        conversation = _local(last_conversation_at, zone)
        contact = conversation
        if one_way_resets:
            one_way = _local(last_one_way_at, zone)
            contact = max((d for d in (contact, one_way) if d), default=None)
        if skipped_on is not None:
            contact = max(contact, skipped_on) if contact else skipped_on
        attempt = _local(last_attempt_at, zone)
        holds = [d for d in (paused_until, snoozed_until) if d and d > today]
        candidates.append(
            core.Candidate(
                person_id=person_id,
                cadence_days=cadence.days,
                last_contact=contact,
                since=since,
                last_attempt=attempt,
                not_before=max(holds) if holds else None,
            )
        )
        known[person_id] = Standing(
            person_id,
            cadence,
            conversation,
            attempt,
            handled_on,
            handled_as,
        )
    joined: dict[tuple[int, ...], tuple[Cadence, dt.date]] = {}
    for person_id, tagged_circles in by_tag.items():
        if person_id in seen:
            continue
        circle_ids = tuple(c.pk for c in tagged_circles)
        if circle_ids not in joined:
            found = resolve_cadence(None, None, tagged_circles)
            assert found is not None and found.circle is not None
            joined[circle_ids] = (found, timezone.localtime(found.circle.created_at, zone).date())
        tag_cadence, since = joined[circle_ids]
        candidates.append(core.Candidate(person_id, tag_cadence.days, None, since))
        known[person_id] = Standing(person_id, tag_cadence, None, None, None, "")
    candidates.sort(key=lambda c: c.person_id)
    return candidates, known


# ---------------------------------------------------------------------------------------------
# The agenda of one day


@dataclass
class AgendaItem:
    """One line of the agenda: a person, what kind of reminder, and why it is there."""

    person: Person
    kind: ItemKind
    reason: str
    cadence: Cadence | None = None
    due_on: dt.date | None = None
    last_conversation: dt.date | None = None
    follow_up: FollowUp | None = None
    important_date: ImportantDate | None = None
    handled_as: str = ""

    @property
    def pinned(self) -> bool:
        return self.kind in ("follow_up", "date")

    @property
    def key(self) -> str:
        """Stable across refreshes: used for anchors, the feed's UIDs and the digest."""
        if self.follow_up is not None:
            return f"follow-up-{self.follow_up.pk}"
        if self.important_date is not None:
            return f"date-{self.important_date.pk}"
        return f"person-{self.person.pk}"


@dataclass
class Agenda:
    day: dt.date
    today: dt.date
    capacity: int
    items: list[AgendaItem] = field(default_factory=list)  # planned, still to do
    pinned: list[AgendaItem] = field(default_factory=list)  # promises and dates of the day
    handled: list[AgendaItem] = field(default_factory=list)  # dealt with today
    # The standings the agenda was planned from, for a page that plans more days from the
    # same (the Today page's preview): reading them is most of the agenda's cost.
    standings: tuple[list[core.Candidate], dict[int, Standing]] | None = field(
        default=None, repr=False, compare=False
    )
    # The plan the items came from, from today on (``None`` for a past day): with
    # ``plan_days`` it covers that many active days, so the preview needs no plan of its own.
    plan: core.Plan | None = field(default=None, repr=False, compare=False)
    # The user's agenda settings it was made with: the page around it reads them from here
    # rather than once more per part (each a query).
    prefs: AgendaSettings | None = field(default=None, repr=False, compare=False)

    @property
    def calls(self) -> list[AgendaItem]:
        """The call list: planned people first, then people with a pinned item."""
        seen: set[int] = set()
        result: list[AgendaItem] = []
        for item in [*self.items, *self.pinned]:
            if item.person.pk not in seen:
                seen.add(item.person.pk)
                result.append(item)
        return result

    @property
    def is_empty(self) -> bool:
        return not (self.items or self.pinned or self.handled)


def _days_ago(day: dt.date | None, today: dt.date) -> int | None:
    return (today - day).days if day is not None else None


def reason_for(
    kind: ItemKind,
    standing: Standing,
    suggestion_due: dt.date,
    day: dt.date,
) -> str:
    """ "last talked 47 days ago, monthly" and its siblings."""
    cadence = standing.cadence.label
    if kind == "retry" and standing.last_attempt is not None:
        ago = _days_ago(standing.last_attempt, day) or 0
        return ngettext(
            "tried %(days)d day ago without reaching them, %(cadence)s",
            "tried %(days)d days ago without reaching them, %(cadence)s",
            ago,
        ) % {"days": ago, "cadence": cadence}
    if standing.last_conversation is None:
        return _("no conversation logged yet, %(cadence)s") % {"cadence": cadence}
    ago = _days_ago(standing.last_conversation, day) or 0
    text = ngettext(
        "last talked %(days)d day ago, %(cadence)s",
        "last talked %(days)d days ago, %(cadence)s",
        ago,
    ) % {"days": ago, "cadence": cadence}
    if suggestion_due > day:
        ahead = (suggestion_due - day).days
        text += " · " + ngettext(
            "due in %(days)d day: a quiet day to get ahead",
            "due in %(days)d days: a quiet day to get ahead",
            ahead,
        ) % {"days": ahead}
    return text


def date_reason(date: ImportantDate, day: dt.date) -> str:
    if date.kind == DateKind.BIRTHDAY and date.year:
        age = day.year - date.year
        return ngettext("birthday: turns %(age)d", "birthday: turns %(age)d", age) % {"age": age}
    if date.kind == DateKind.ANNIVERSARY and date.year:
        years = day.year - date.year
        return ngettext("%(title)s: %(years)d year", "%(title)s: %(years)d years", years) % {
            "title": date.title,
            "years": years,
        }
    return str(date.title)


@functools.lru_cache(maxsize=4096)
def _day_in(language: str | None, day: dt.date, pattern: str) -> str:
    return date_format(day, pattern)


def day_text(day: dt.date, pattern: str) -> str:
    """``date_format`` of a day, remembered per language: Today writes the same few due days
    a hundred times, and each formatting costs as much as the rest of the item's reason."""
    return _day_in(get_language(), day, pattern)


def follow_up_reason(follow_up: FollowUp, day: dt.date) -> str:
    what = (
        _("you promised: %(text)s")
        if follow_up.direction == "promise"
        else _("they asked: %(text)s")
    ) % {"text": follow_up.text}
    if follow_up.due_on is not None and follow_up.due_on < day:
        short = pgettext("short date", "j M")
        what += " · " + _("was due %(date)s") % {"date": day_text(follow_up.due_on, short)}
    return what


def dates_on(vault: Vault, day: dt.date, muted: set[int] | None = None) -> list[ImportantDate]:
    """Birthdays and other yearly dates falling on ``day`` (29 February on the 28th in other
    years), for reachable people who are not muted or paused."""
    matches = Q(month=day.month, day=day.day)
    if day.month == 2 and day.day == 28:
        try:
            dt.date(day.year, 2, 29)
        except ValueError:
            matches |= Q(month=2, day=29)
    found = (
        ImportantDate.objects.filter(
            matches,
            person__vault=vault,
            person__trashed_at__isnull=True,
            person__archived=False,
            person__deceased=False,
        )
        .exclude(person__rhythm__muted=True)
        .exclude(person__rhythm__paused_until__gt=day)
        .select_related("person")
        .defer(*search_columns("person__"))
        .order_by("person__sort_key", "id")
    )
    return [d for d in found if not muted or d.person_id not in muted]


def follow_ups_on(vault: Vault, day: dt.date, *, include_overdue: bool) -> list[FollowUp]:
    """Open follow-ups due on ``day`` (and, for today, those already overdue)."""
    due = Q(due_on__lte=day) if include_overdue else Q(due_on=day)
    return list(
        FollowUp.objects.filter(
            due,
            vault=vault,
            done_at__isnull=True,
            person__trashed_at__isnull=True,
            person__archived=False,
            person__deceased=False,
        )
        .select_related("person")
        .defer(*search_columns("person__"))
        .order_by("due_on", "id")
    )


def agenda_for(
    user: User,
    vault: Vault,
    day: dt.date | None = None,
    *,
    now: dt.datetime | None = None,
    plan_days: int = 0,
) -> Agenda:
    """The agenda of one day (default: today in the user's time zone).

    Today counts the items already handled; a later day is planned as if today's list were
    done as planned. Pinned items always show on their own day and take no slot. ``now``
    stands in for the clock (``aandacht digest --now``). ``plan_days``: plan at least that
    many active days from today (``agenda.plan``; planning further does not change a day's
    people, as each day only takes whoever is released by then).
    """
    at = stamp.current()  # one stamp for the standings and the plan made from them
    prefs = settings_for(user)
    today = local_today(prefs, now)
    day = day or today
    candidates, known = kept_standings(vault, prefs, today, at)
    rules = rules_for(prefs)
    handled_ids = stamp.remember_at(
        at, ("handled", vault.pk, prefs_key(prefs), today), lambda: handled_today(known, today)
    )
    plan: core.Plan | None = None
    if day < today:
        day_plan: list[core.Suggestion] = []
    else:
        span = len([d for d in _date_range(today, day) if d.isoweekday() in rules.weekdays]) or 1
        span = max(span, plan_days)
        used = len(handled_ids)
        plan = stamp.remember_at(
            at,
            ("plan", vault.pk, prefs_key(prefs), today, span, used),
            lambda: core.plan(candidates, today, rules, days=span, used_today=used),
        )
        day_plan = plan.on(day)
    agenda = Agenda(
        day=day,
        today=today,
        capacity=rules.capacity,
        standings=(candidates, known),
        plan=plan,
        prefs=prefs,
    )
    wanted = {s.person_id for s in day_plan} | (set(handled_ids) if day == today else set())
    people = Person.objects.defer(*search_columns()).in_bulk(list(wanted))
    for suggestion in day_plan:
        standing = known[suggestion.person_id]
        kind: ItemKind = "retry" if suggestion.kind == core.Kind.RETRY else "due"
        agenda.items.append(
            AgendaItem(
                person=people[suggestion.person_id],
                kind=kind,
                reason=reason_for(kind, standing, suggestion.due_on, day),
                cadence=standing.cadence,
                due_on=suggestion.due_on,
                last_conversation=standing.last_conversation,
            )
        )
    if day == today:
        for person_id in handled_ids:
            standing = known[person_id]
            agenda.handled.append(
                AgendaItem(
                    person=people[person_id],
                    kind="due",
                    reason=handled_label(standing.handled_as),
                    cadence=standing.cadence,
                    last_conversation=standing.last_conversation,
                    handled_as=standing.handled_as,
                )
            )
        agenda.handled.sort(key=lambda item: item.person.sort_key)
    for follow_up in follow_ups_on(vault, day, include_overdue=day == today):
        agenda.pinned.append(
            AgendaItem(
                person=follow_up.person,
                kind="follow_up",
                reason=follow_up_reason(follow_up, day),
                follow_up=follow_up,
                due_on=follow_up.due_on,
            )
        )
    for date in dates_on(vault, day):
        agenda.pinned.append(
            AgendaItem(
                person=date.person,
                kind="date",
                reason=date_reason(date, day),
                important_date=date,
                due_on=day,
            )
        )
    return agenda


def _date_range(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def handled_today(known: dict[int, Standing], today: dt.date) -> list[int]:
    """People whose agenda item was dealt with today: they keep their slot."""
    return [s.person_id for s in known.values() if s.handled_on == today and s.handled_as]


def plan_ahead(
    vault: Vault,
    prefs: AgendaSettings,
    today: dt.date,
    days: int,
    read: tuple[list[core.Candidate], dict[int, Standing]] | None = None,
) -> tuple[core.Plan, dict[int, Standing]]:
    """The plan of the next ``days`` active days, with the standings its reasons need
    (``read``: standings of ``today`` already read, e.g. by :func:`agenda_for`)."""
    candidates, known = read if read is not None else standings(vault, prefs, today)
    used = len(handled_today(known, today))
    return core.plan(candidates, today, rules_for(prefs), days=days, used_today=used), known


def upcoming(
    user: User,
    vault: Vault,
    days: int = 28,
    *,
    read: tuple[list[core.Candidate], dict[int, Standing]] | None = None,
) -> core.Plan:
    """The planned contacts of the next ``days`` active days."""
    prefs = settings_for(user)
    return plan_ahead(vault, prefs, local_today(prefs), days, read)[0]


def handled_label(handled_as: str) -> str:
    labels = {
        "done": _("talked"),
        "attempted": _("no answer"),
        "snoozed": _("snoozed"),
        "skipped": _("skipped this round"),
    }
    return labels.get(handled_as, handled_as)


# ---------------------------------------------------------------------------------------------
# Acting on an agenda item


def _mark(person: Person, today: dt.date, handled: Handled, **fields: object) -> Rhythm:
    rhythm = rhythm_for(person)
    rhythm.handled_on = today
    rhythm.handled_as = handled
    for name, value in fields.items():
        setattr(rhythm, name, value)
    # Only what the action changes: the last contacts belong to the signals.
    rhythm.save(update_fields=["handled_on", "handled_as", *fields])
    return rhythm


@transaction.atomic
def mark_done(
    user: User,
    person: Person,
    *,
    kind: str = "call",
    summary: str = "",
    initiated_by: str = "me",
    mark: bool = True,
) -> Interaction:
    """Log the conversation (it restarts the cadence) and tick the item off today's list.

    ``mark=False`` only logs it: a birthday call of someone not planned today takes no place
    on the day's list (the signals still restart their cadence)."""
    # Refused before anything is written: a voicemail or a card is logged with "attempted" or
    # on the timeline, never as "done".
    if kind in DEFAULT_OUTCOME and DEFAULT_OUTCOME[kind] != Outcome.CONVERSATION:
        raise ValueError(
            _("“%(kind)s” is not a conversation: log it on the timeline instead")
            % {"kind": InteractionKind(kind).label}
        )
    prefs = settings_for(user)
    interaction = timeline.log_interaction(
        person.vault,
        [person],
        kind,
        outcome=Outcome.CONVERSATION,
        summary=summary,
        initiated_by=initiated_by,
        author=user,
    )
    if mark:
        _mark(person, local_today(prefs), "done", snoozed_until=None, skipped_on=None)
    return interaction


@transaction.atomic
def mark_attempted(
    user: User, person: Person, *, summary: str = "", mark: bool = True
) -> Interaction:
    """Log a voicemail / no answer: the cadence does not restart; a retry follows.

    ``mark=False`` only logs it (someone who is not planned today)."""
    prefs = settings_for(user)
    interaction = timeline.log_interaction(
        person.vault, [person], "voicemail", summary=summary, initiated_by="me", author=user
    )
    if mark:
        _mark(person, local_today(prefs), "attempted")
    return interaction


@transaction.atomic
def snooze(user: User, person: Person, until: dt.date) -> Rhythm:
    prefs = settings_for(user)
    today = local_today(prefs)
    if until <= today:
        raise ValueError(_("Snooze until a day after today."))
    if until > today + dt.timedelta(days=366):
        raise ValueError(_("Snooze for at most a year."))
    return _mark(person, today, "snoozed", snoozed_until=until)


@transaction.atomic
def skip_round(user: User, person: Person) -> Rhythm:
    """Let this round go without contact: the cadence restarts today."""
    prefs = settings_for(user)
    today = local_today(prefs)
    return _mark(person, today, "skipped", skipped_on=today)


def logged_today(user: User, person: Person, handled_as: str) -> Interaction | None:
    """The interaction an agenda action logged today: the latest of ``person`` by ``user``
    today (in the user's time zone) with the outcome that action logs."""
    outcome = {"done": Outcome.CONVERSATION, "attempted": Outcome.ATTEMPT}.get(handled_as)
    if outcome is None:
        return None
    prefs = settings_for(user)
    zone = zone_of(prefs)
    start = dt.datetime.combine(local_today(prefs), dt.time.min, tzinfo=zone)
    return (
        Interaction.objects.filter(
            people=person,
            author=user,
            outcome=outcome,
            occurred_at__gte=start,
            occurred_at__lt=start + dt.timedelta(days=1),
        )
        .order_by("-occurred_at", "-id")
        .first()
    )


@transaction.atomic
def undo_handled(user: User, person: Person) -> Rhythm:
    """Put a handled item back on today's list. A snooze or a skip is lifted; for "done" and
    "no answer" the interaction the action logged today is deleted too (the signals then
    recompute the last contacts)."""
    prefs = settings_for(user)
    rhythm = rhythm_for(person)
    if rhythm.handled_on == local_today(prefs):
        if rhythm.handled_as in ("done", "attempted"):
            logged = logged_today(user, person, rhythm.handled_as)
            if logged is not None:
                timeline.delete_entry(logged)
            rhythm.refresh_from_db()
        if rhythm.handled_as == "snoozed":
            rhythm.snoozed_until = None
        if rhythm.handled_as == "skipped":
            rhythm.skipped_on = None
        rhythm.handled_on = None
        rhythm.handled_as = ""
        rhythm.save(update_fields=["handled_on", "handled_as", "snoozed_until", "skipped_on"])
    return rhythm
