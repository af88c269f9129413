"""What the Today page and the call list show around the agenda itself.

``services.agenda_for`` says who is on a day and why; this module adds what the pages need
on top, each in a fixed number of queries however many people are on a rhythm: which pinned
people were already dealt with today, the promises ticked off today, a preview of the coming
days, and, for the call list, the one person on screen (phones, last conversation, open
follow-ups, their local time).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from aandacht.accounts.models import Vault
from aandacht.attention import core, services
from aandacht.attention.models import AgendaSettings, Circle, Rhythm
from aandacht.attention.services import Agenda, AgendaItem
from aandacht.people.briefing import ContactLink, contact_links, local_time
from aandacht.people.models import ContactKind, ContactMethod, DateKind, Person, search_columns
from aandacht.timeline.models import FollowUp, Interaction, Outcome
from aandacht.timeline.services import outcomes_between

# How far the page lets you look: planning far ahead is guesswork, and costs time.
MAX_DAYS_AHEAD = 90
PREVIEW_DAYS = 6
DONE_KINDS = ("call", "meeting", "video", "message")


def short_date(day: dt.date) -> str:
    """A day as "16 Nov" (a translator may make it "16 nov")."""
    return services.day_text(day, pgettext("short date", "j M"))


def short_reason(item: AgendaItem, day: dt.date) -> str:
    """The reason of a pinned item without what its badge already says ("promise", "they
    asked", "birthday"); ``services`` keeps the long form for the digest."""
    if item.follow_up is not None:
        text = str(item.follow_up.text)
        due = item.follow_up.due_on
        if due is not None and due < day:
            text += " · " + _("was due %(date)s") % {"date": short_date(due)}
        return text
    date = item.important_date
    if date is not None:
        if date.kind == DateKind.BIRTHDAY and date.year:
            age = day.year - date.year
            return ngettext("turns %(age)d", "turns %(age)d", age) % {"age": age}
        return services.date_reason(date, day)
    return item.reason


def _shorten(items: list[AgendaItem], day: dt.date) -> None:
    for item in items:
        item.reason = short_reason(item, day)


class BadDay(ValueError):
    """A ``?date=`` the page cannot show, with a message that says why."""


def parse_day(raw: str, today: dt.date) -> dt.date:
    """The day of ``?date=YYYY-MM-DD``; raises :class:`BadDay` with a readable reason."""
    text = raw.strip()
    try:
        # fromisoformat also reads "20261123" and week dates: keep to one spelling.
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise BadDay(
            _("“%(date)s” is not a date the agenda understands: use YYYY-MM-DD, like %(example)s.")
            % {"date": text[:40], "example": today.isoformat()}
        ) from None
    if day > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise BadDay(_("The agenda looks at most %(days)d days ahead.") % {"days": MAX_DAYS_AHEAD})
    return day


@dataclass(frozen=True)
class DayCount:
    day: dt.date
    count: int


@dataclass
class TodayPage:
    """The agenda of one day plus what the page shows around it."""

    agenda: Agenda
    pinned_done: set[int] = field(default_factory=set)  # pinned people talked with today
    follow_ups_done: list[AgendaItem] = field(default_factory=list)  # promises kept today
    preview: list[DayCount] = field(default_factory=list)
    anyone_on_rhythm: bool = True
    phoned: set[int] = field(default_factory=set)  # pinned people with a phone number

    @property
    def is_today(self) -> bool:
        return self.agenda.day == self.agenda.today

    @property
    def is_past(self) -> bool:
        return self.agenda.day < self.agenda.today

    @property
    def planned(self) -> int:
        """People planned on the day, handled or not. Only planned people count: a pinned
        promise or date takes no slot (and acting on one marks no rhythm)."""
        return len(self.agenda.items) + len(self.agenda.handled)

    @property
    def slots(self) -> list[str]:
        """One dot per planned person: "done" (talked) and "handled" (tried, snoozed or
        skipped) filled, "open" still to do; then "free" for the room left."""
        done = [
            "done" if item.handled_as == "done" else "handled"
            for item in sorted(self.agenda.handled, key=lambda item: item.handled_as != "done")
        ]
        open_ = ["open"] * len(self.agenda.items)
        free = ["free"] * max(0, self.agenda.capacity - self.planned)
        return [*done, *open_, *free]

    @property
    def callable(self) -> bool:
        """Whether the call list has someone to call: a planned person, or a pinned one with
        a phone number."""
        return bool(self.agenda.items) or bool(
            self.phoned & {i.person.pk for i in self.open_pinned}
        )

    @property
    def done_count(self) -> int:
        return len(self.agenda.handled)

    def _called(self, item: AgendaItem) -> bool:
        """A date is dealt with by a call; a promise only when it is ticked off."""
        return item.kind == "date" and item.person.pk in self.pinned_done

    @property
    def open_pinned(self) -> list[AgendaItem]:
        return [item for item in self.agenda.pinned if not self._called(item)]

    @property
    def dates_done(self) -> list[AgendaItem]:
        """Birthdays and dates already marked with a call (shown under "handled"), unless
        the person is there already as planned and talked with."""
        there = {item.person.pk for item in self.agenda.handled}
        return [
            item
            for item in self.agenda.pinned
            if self._called(item) and item.person.pk not in there
        ]

    @property
    def all_done(self) -> bool:
        """Everything of today dealt with (and there was something to deal with)."""
        return (
            self.is_today
            and not self.agenda.items
            and not self.open_pinned
            and bool(self.agenda.handled or self.agenda.pinned or self.follow_ups_done)
        )

    @property
    def is_empty(self) -> bool:
        return self.agenda.is_empty and not self.follow_ups_done

    def keys(self) -> set[str]:
        """The anchors on the page (the digest links to one of them)."""
        items = [
            *self.agenda.items,
            *self.agenda.pinned,
            *self.agenda.handled,
            *self.follow_ups_done,
        ]
        return {item.key for item in items}

    @property
    def to_do(self) -> int:
        return len(self.agenda.items) + len({item.person.pk for item in self.open_pinned})


def _handled_rows(today: dt.date, people: list[int]) -> dict[int, tuple[str, dt.date | None]]:
    if not people:
        return {}
    rows = (
        Rhythm.objects.filter(person_id__in=people, handled_on=today)
        .exclude(handled_as="")
        .values_list("person_id", "handled_as", "snoozed_until")
    )
    return {pk: (how, until) for pk, how, until in rows}


def outcomes_today(
    user: User,
    vault: Vault,
    people: list[int],
    today: dt.date,
    prefs: AgendaSettings | None = None,
) -> dict[int, set[str]]:
    """The outcomes of the interactions logged ``today`` (the user's day) in ``vault`` with
    these people: neither the whole vault's day (a busy or imported day holds hundreds) nor a
    busy person's thousands of interactions are read (``timeline.services.outcomes_between``)."""
    if not people:
        return {}
    zone = services.zone_of(prefs or services.settings_for(user))
    start = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    found: dict[int, set[str]] = {}
    for pk, outcome in outcomes_between(vault, people, start, start + dt.timedelta(days=1)):
        found.setdefault(pk, set()).add(outcome)
    return found


MARK_OUTCOME = {"done": Outcome.CONVERSATION, "attempted": Outcome.ATTEMPT}


def settle(user: User, vault: Vault, agenda: Agenda) -> set[int]:
    """Check today's marks against the timeline: a "done" or "no answer" whose interaction
    was deleted is not handled (the person goes back on the list). Returns the pinned people
    talked with today. Also says how each person was handled ("snoozed until Tue 24 Nov")."""
    people = sorted({item.person.pk for item in [*agenda.pinned, *agenda.handled]})
    outcomes = outcomes_today(user, vault, people, agenda.today, agenda.prefs)
    rows = _handled_rows(agenda.today, [item.person.pk for item in agenda.handled])
    kept: list[AgendaItem] = []
    for item in agenda.handled:
        wanted = MARK_OUTCOME.get(item.handled_as)
        if wanted is not None and wanted not in outcomes.get(item.person.pk, set()):
            item.handled_as = ""
            item.reason = _reopened_reason(item, agenda.today)
            agenda.items.append(item)
            continue
        how, until = rows.get(item.person.pk, ("", None))
        if how == "snoozed" and until is not None:
            item.reason = _("snoozed until %(day)s") % {
                "day": date_format(until, pgettext("short date with weekday", "D j M"))
            }
        kept.append(item)
    agenda.handled = kept
    return {
        item.person.pk
        for item in agenda.pinned
        if Outcome.CONVERSATION in outcomes.get(item.person.pk, set())
    }


def _reopened_reason(item: AgendaItem, today: dt.date) -> str:
    if item.cadence is None:
        return ""
    standing = services.Standing(
        item.person.pk, item.cadence, item.last_conversation, None, None, ""
    )
    return services.reason_for("due", standing, today, today)


def today_page(user: User, vault: Vault, day: dt.date | None = None) -> TodayPage:
    agenda = services.agenda_for(user, vault, day, plan_days=PREVIEW_DAYS + 1)
    page = TodayPage(agenda=agenda)
    _shorten(agenda.pinned, agenda.day)
    if agenda.day == agenda.today:
        page.pinned_done = settle(user, vault, agenda)
        page.follow_ups_done = follow_ups_done_on(vault, user, agenda.today, agenda.prefs)
        pinned = {item.person.pk for item in page.open_pinned}
        if pinned and not agenda.items:
            page.phoned = set(
                ContactMethod.objects.filter(
                    person_id__in=pinned, kind=ContactKind.PHONE
                ).values_list("person_id", flat=True)
            )
    if agenda.day >= agenda.today:
        page.preview = preview(user, vault, agenda.today, agenda.standings, agenda.plan)
    if not agenda.items and not agenda.handled:
        page.anyone_on_rhythm = anyone_on_rhythm(vault)
    return page


def follow_ups_done_on(
    vault: Vault, user: User, day: dt.date, prefs: AgendaSettings | None = None
) -> list[AgendaItem]:
    """Follow-ups with a due date ticked off on ``day`` (in the user's time zone)."""
    zone = services.zone_of(prefs or services.settings_for(user))
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = start + dt.timedelta(days=1)
    found = (
        FollowUp.objects.filter(
            vault=vault,
            done_at__gte=start,
            done_at__lt=end,
            due_on__isnull=False,
            person__trashed_at__isnull=True,
        )
        .select_related("person")
        .defer(*search_columns("person__"))
        .order_by("done_at", "id")
    )
    return [
        AgendaItem(
            person=follow_up.person,
            kind="follow_up",
            reason=_("done: %(text)s") % {"text": follow_up.text},
            follow_up=follow_up,
            due_on=follow_up.due_on,
            handled_as="done",
        )
        for follow_up in found
    ]


def preview(
    user: User,
    vault: Vault,
    today: dt.date,
    read: tuple[list[core.Candidate], dict[int, services.Standing]] | None = None,
    planned: core.Plan | None = None,
) -> list[DayCount]:
    """How many people the coming active days hold (today left out); ``read``: the
    standings the agenda already read (planning from them again saves reading them twice);
    ``planned``: the agenda's own plan from today, when it covers the preview's days (then
    nothing is planned twice: the planner ran twice over 11,000 people at 50,000)."""
    if planned is not None and len(planned.days) >= PREVIEW_DAYS + 1:
        plan = planned
    else:
        plan = services.upcoming(user, vault, days=PREVIEW_DAYS + 1, read=read)
    return [DayCount(day, len(plan.on(day))) for day in sorted(plan.days) if day > today][
        :PREVIEW_DAYS
    ]


def anyone_on_rhythm(vault: Vault) -> bool:
    """Whether anyone in the vault has a cadence at all (else the page explains circles)."""
    rhythms = Rhythm.objects.filter(person__vault=vault, person__trashed_at__isnull=True).filter(
        Q(circle__isnull=False) | Q(cadence_days__isnull=False)
    )
    tagged = Circle.objects.filter(
        vault=vault, tag__people__isnull=False, tag__people__trashed_at__isnull=True
    )
    return rhythms.exists() or tagged.exists()


# ---------------------------------------------------------------------------------------------
# Acting: the services, made safe to repeat


def already(user: User, person: Person, handled_as: str) -> bool:
    """True when ``person`` was already marked ``handled_as`` today (a double submit)."""
    today = services.local_today(services.settings_for(user))
    return Rhythm.objects.filter(person=person, handled_on=today, handled_as=handled_as).exists()


def planned_today(user: User, person: Person) -> bool:
    """Whether ``person`` holds a place on today's list (planned, or already handled):
    only then does an action mark their rhythm. A birthday call of someone else is logged
    on the timeline and takes no place."""
    today = services.local_today(services.settings_for(user))
    if Rhythm.objects.filter(person=person, handled_on=today).exclude(handled_as="").exists():
        return True
    agenda = services.agenda_for(user, person.vault)
    return any(item.person.pk == person.pk for item in agenda.items)


def still_logged(user: User, person: Person, handled_as: str) -> bool:
    """Marked ``handled_as`` today and its interaction is still on the timeline (when it was
    deleted there, the person is open again and may be logged anew)."""
    return (
        already(user, person, handled_as)
        and services.logged_today(user, person, handled_as) is not None
    )


@transaction.atomic
def done_once(user: User, person: Person, *, kind: str, summary: str) -> bool:
    """Log the conversation unless it was logged from the agenda today; True when logged."""
    _lock(person)
    if still_logged(user, person, "done"):
        return False
    if planned_today(user, person):
        services.mark_done(user, person, kind=kind, summary=summary)
        return True
    if services.logged_today(user, person, "done") is not None:
        return False
    services.mark_done(user, person, kind=kind, summary=summary, mark=False)
    return True


@transaction.atomic
def attempted_once(user: User, person: Person, *, summary: str = "") -> bool:
    """Log a voicemail unless one was logged from the agenda today; True when logged."""
    _lock(person)
    if still_logged(user, person, "attempted") or still_logged(user, person, "done"):
        return False
    if planned_today(user, person):
        services.mark_attempted(user, person, summary=summary)
        return True
    if services.logged_today(user, person, "attempted") is not None:
        return False
    services.mark_attempted(user, person, summary=summary, mark=False)
    return True


def _lock(person: Person) -> None:
    """Hold the person's rhythm row until the transaction ends (PostgreSQL; SQLite writes
    one at a time anyway), so two copies of one submit cannot both log."""
    services.rhythm_for(person)
    list(Rhythm.objects.select_for_update().filter(pk=person.pk))


def undoable(user: User, person: Person) -> bool:
    today = services.local_today(services.settings_for(user))
    return Rhythm.objects.filter(person=person, handled_on=today).exclude(handled_as="").exists()


@transaction.atomic
def undo(user: User, person: Person) -> bool:
    """Undo today's action on ``person``: a snooze, a skip, or a "done" / "no answer" (whose
    logged interaction is deleted); for someone only pinned, the call logged today. False
    when there is nothing to undo."""
    _lock(person)
    if undoable(user, person):
        services.undo_handled(user, person)
        return True
    logged = services.logged_today(user, person, "done")
    if logged is None:
        return False
    logged.delete()
    return True


# ---------------------------------------------------------------------------------------------
# The call list


@dataclass(frozen=True)
class CallCard:
    """Everything on screen for one call."""

    item: AgendaItem
    phones: list[ContactLink]
    last_conversation: Interaction | None
    follow_ups: list[FollowUp]
    local_time: dt.datetime | None

    @property
    def odd_hour(self) -> str:
        """A gentle warning when it is early or late where they are."""
        if self.local_time is None:
            return ""
        hour = self.local_time.hour
        if hour < 8:
            return _("early in the morning there")
        if hour >= 21:
            return _("late in the evening there")
        return ""


@dataclass
class CallList:
    remaining: list[AgendaItem]
    handled: dict[int, str]  # person id → how, for everyone dealt with today
    at: int  # 1-based position in ``remaining``; len + 1 is the end screen
    card: CallCard | None = None

    @property
    def finished(self) -> bool:
        return self.card is None

    @property
    def total(self) -> int:
        return len(self.remaining) + len(self.handled)

    @property
    def position(self) -> int:
        return len(self.handled) + self.at

    @property
    def next_items(self) -> list[AgendaItem]:
        return self.remaining[self.at :]

    @property
    def talked(self) -> int:
        return sum(1 for how in self.handled.values() if how == "done")

    @property
    def attempted(self) -> int:
        return sum(1 for how in self.handled.values() if how == "attempted")

    @property
    def put_off(self) -> int:
        return sum(1 for how in self.handled.values() if how in ("snoozed", "skipped"))


def parse_position(raw: str) -> int:
    """``?at=`` as a 1-based position; anything else starts at the top."""
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 5 or int(text) < 1:
        return 1
    return int(text)


def call_list(user: User, vault: Vault, at: int) -> CallList:
    """Today's calls still to make, with the one at position ``at`` loaded in full.

    The people handled today leave the list, so after an outcome the same position shows the
    next person; the position in the whole day (``position`` of ``total``) keeps counting.
    """
    agenda = services.agenda_for(user, vault)
    _shorten(agenda.pinned, agenda.day)
    called = settle(user, vault, agenda)
    calls = agenda.calls
    handled = {item.person.pk: item.handled_as for item in agenda.handled}
    for pk in called:
        handled.setdefault(pk, "done")
    remaining = [item for item in calls if item.person.pk not in handled]
    at = min(max(at, 1), len(remaining) + 1)
    result = CallList(remaining=remaining, handled=handled, at=at)
    if at <= len(remaining):
        result.card = call_card(remaining[at - 1])
    return result


def call_card(item: AgendaItem) -> CallCard:
    person = item.person
    phones = contact_links(
        ContactMethod.objects.filter(person=person, kind=ContactKind.PHONE).order_by(
            "position", "id"
        )
    )
    last = (
        Interaction.objects.filter(people=person, outcome=Outcome.CONVERSATION)
        .order_by("-occurred_at", "-id")
        .first()
    )
    follow_ups = list(
        FollowUp.objects.filter(person=person, done_at__isnull=True).order_by(
            F("due_on").asc(nulls_last=True), "-occurred_at", "-id"
        )[:10]
    )
    return CallCard(
        item=item,
        phones=phones,
        last_conversation=last,
        follow_ups=follow_ups,
        local_time=local_time(person.time_zone, timezone.now()),
    )
