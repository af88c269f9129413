"""The calendar feed: one iCalendar per user at a secret, revocable address.

It holds what a calendar app shows best, all as all-day events that do not block time
(``TRANSP:TRANSPARENT``):

* birthdays and other important dates, yearly (``RRULE:FREQ=YEARLY``). A date with a year
  starts in that year (a birthday on the day of birth); a date without a year starts in
  :data:`REFERENCE_YEAR`, a fixed leap year, so the event is the same on every refresh and
  across New Year. 29 February repeats on the last day of February
  (``BYMONTH=2;BYMONTHDAY=-1``): the 29th in leap years, the 28th in others, as the agenda
  does. While someone is paused the series starts on the first occurrence after the pause;
  muted people's dates are left out;
* open follow-ups with a due date, on that day, with the promise (or the request) itself;
* the planned contacts of the next 28 active days ("Call Ann de Vries"), with the reason
  they are planned and a link to the person's page.

UIDs are built from primary keys (``date-12@host``, ``follow-up-7@host``,
``plan-42-20261123@host``), so a refresh updates events instead of duplicating them. Private
notes and moments never reach the feed; nor do people who are archived, deceased or in the
trash. The feed covers the vaults of :func:`vaults_covered` (the same rule as the digest): the
user's own vaults that hold people, else the demo vault.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

import aandacht
from aandacht.accounts.language import language_of
from aandacht.accounts.models import Vault
from aandacht.attention import core, services
from aandacht.attention.models import AgendaSettings, new_feed_token
from aandacht.people.models import DateKind, ImportantDate, Person, next_yearly
from aandacht.timeline.models import FollowUp, FollowUpDirection

PLAN_DAYS = 28  # active days of planned contacts in the feed
REFERENCE_YEAR = 2000  # where a yearly date without a year starts: a leap year, for 29 February
REFRESH = dt.timedelta(hours=1)  # what the feed suggests to calendar apps
SUMMARY_LENGTH = 80  # a follow-up's text is cut here in the title; the description has it all
# What secrets.token_urlsafe makes, up to the column's length; anything else is no token
# (and never reaches the database: PostgreSQL refuses a NUL byte with an error, not a miss).
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
PRODID = f"-//Aandacht//Aandacht {aandacht.__version__}//EN"


# ---------------------------------------------------------------------------------------------
# Tokens and addresses


def settings_for_token(token: str) -> AgendaSettings | None:
    """The agenda settings (and their user) behind a feed token, or ``None``.

    A lookup on the unique column: the database compares, and a wrong token learns nothing
    but "not found". Inactive users have no feed.
    """
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    return (
        AgendaSettings.objects.select_related("user")
        .filter(feed_token=token, user__is_active=True)
        .first()
    )


@transaction.atomic
def regenerate_token(user: User) -> str:
    """A new secret address; the old one stops working at once (404)."""
    prefs = services.settings_for(user)
    prefs.feed_token = new_feed_token()
    prefs.save(update_fields=["feed_token"])
    return prefs.feed_token


@dataclass(frozen=True)
class Site:
    """Where the app lives, to make absolute links and the UIDs' host part."""

    root: str  # the absolute address of the app's root (with any path prefix), no final "/"

    @property
    def host(self) -> str:
        return urlsplit(self.root).hostname or "aandacht.invalid"

    def url(self, path: str) -> str:
        """The absolute address of a path from ``reverse()`` (which carries the prefix)."""
        prefix = get_script_prefix()
        relative = path[len(prefix) :] if path.startswith(prefix) else path.lstrip("/")
        return f"{self.root}/{relative}"


def site_for(request: HttpRequest | None = None) -> Site:
    """AANDACHT_BASE_URL when set (links in a feed outlive the request), else the request's
    own address, else localhost (a console command without a base URL)."""
    if settings.BASE_URL:
        return Site(settings.BASE_URL)
    if request is not None:
        return Site(request.build_absolute_uri(get_script_prefix()).rstrip("/"))
    return Site("http://localhost:8000")


def feed_url(user: User, request: HttpRequest | None = None) -> str:
    """The secret address of a user's feed, for the settings page."""
    token = services.settings_for(user).feed_token
    return site_for(request).url(reverse("attention:feed", args=[token]))


def vaults_covered(user: User) -> list[Vault]:
    """The vaults the digest and the calendar feed cover (one rule for both).

    The user's own (non-demo) vaults that hold at least one person; when none does (a new user
    who loaded the demo network next to an empty vault), the demo vault instead, so the feed
    and the digest show what the Today page shows. Two queries at most.
    """
    vaults = list(Vault.objects.filter(memberships__user=user).distinct().order_by("name", "id"))
    peopled = set(
        Person.objects.filter(vault__in=vaults, trashed_at__isnull=True)
        .values_list("vault_id", flat=True)
        .distinct()
    )
    real = [vault for vault in vaults if not vault.is_demo and vault.pk in peopled]
    if real:
        return real
    return [vault for vault in vaults if vault.is_demo]


def vaults_in_feed(user: User) -> list[Vault]:
    """The vaults the feed covers: :func:`vaults_covered`."""
    return vaults_covered(user)


# ---------------------------------------------------------------------------------------------
# What goes in


@dataclass(frozen=True)
class Planned:
    person: Person
    day: dt.date
    reason: str


def yearly_dates(vaults: Sequence[Vault], today: dt.date) -> list[ImportantDate]:
    """Every important date of reachable people who are not muted, in one query."""
    return list(
        ImportantDate.objects.filter(
            person__vault__in=vaults,
            person__trashed_at__isnull=True,
            person__archived=False,
            person__deceased=False,
        )
        .exclude(person__rhythm__muted=True)
        .select_related("person", "person__rhythm")
        .order_by("month", "day", "id")
    )


def dated_follow_ups(vaults: Sequence[Vault]) -> list[FollowUp]:
    """Open follow-ups with a due date (overdue ones too), in one query.

    Like the agenda, a promise stays in the feed when the person is muted or paused: muting
    silences the cadence, not what you promised.
    """
    return list(
        FollowUp.objects.filter(
            vault__in=vaults,
            done_at__isnull=True,
            due_on__isnull=False,
            person__trashed_at__isnull=True,
            person__archived=False,
            person__deceased=False,
        )
        .select_related("person")
        .order_by("due_on", "id")
    )


def planned_contacts(
    user: User, prefs: AgendaSettings, vaults: Sequence[Vault], today: dt.date
) -> list[Planned]:
    """The plan of the next :data:`PLAN_DAYS` active days in each vault, with its reasons.

    The same plan as the Today agenda's (``services.plan_ahead``).
    """
    found: list[tuple[core.Suggestion, services.Standing]] = []
    for vault in vaults:
        plan, known = services.plan_ahead(vault, prefs, today, PLAN_DAYS)
        found.extend((s, known[s.person_id]) for s in plan.all())
    people = Person.objects.in_bulk([s.person_id for s, _standing in found])
    result: list[Planned] = []
    for suggestion, standing in found:
        kind: services.ItemKind = "retry" if suggestion.kind == core.Kind.RETRY else "due"
        result.append(
            Planned(
                person=people[suggestion.person_id],
                day=suggestion.day,
                reason=services.reason_for(kind, standing, suggestion.due_on, suggestion.day),
            )
        )
    result.sort(key=lambda p: (p.day, p.person.sort_key, p.person.pk))
    return result


# ---------------------------------------------------------------------------------------------
# The calendar


def _last_of_february(month: int, day: int) -> bool:
    return month == 2 and day == 29


def first_occurrence(date: ImportantDate, today: dt.date) -> dt.date:
    """Where the yearly series starts (see the module's docstring)."""
    year = date.year if date.year and date.year <= today.year else REFERENCE_YEAR
    start = next_yearly(date.month, date.day, dt.date(year, 1, 1))
    rhythm = getattr(date.person, "rhythm", None)
    paused = rhythm.paused_until if rhythm is not None else None
    if paused is not None and paused > today:
        start = next_yearly(date.month, date.day, paused + dt.timedelta(days=1))
    return start


def _date_summary(date: ImportantDate) -> str:
    if date.kind == DateKind.BIRTHDAY and not date.label:
        return _("Birthday: %(name)s") % {"name": date.person.name}
    return _("%(title)s: %(name)s") % {"title": capfirst(date.title), "name": date.person.name}


def _date_note(date: ImportantDate) -> str:
    if not date.year:
        return ""
    if date.kind == DateKind.BIRTHDAY:
        return _("Born in %(year)d.") % {"year": date.year}
    return _("Since %(year)d.") % {"year": date.year}


def _follow_up_summary(follow_up: FollowUp) -> str:
    text = Truncator(" ".join(follow_up.text.split())).chars(SUMMARY_LENGTH)
    if follow_up.direction == FollowUpDirection.REQUEST:
        return _("%(name)s asked: %(text)s") % {"name": follow_up.person.name, "text": text}
    return _("Promised %(name)s: %(text)s") % {"name": follow_up.person.name, "text": text}


def _event(
    uid: str,
    day: dt.date,
    summary: str,
    description: Iterable[str],
    url: str,
    stamp: dt.datetime,
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", "\n\n".join(part for part in [*description, url] if part))
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def build_calendar(
    user: User,
    site: Site,
    *,
    prefs: AgendaSettings | None = None,
    now: dt.datetime | None = None,
) -> icalendar.Calendar:
    """The user's calendar, in the user's language (else the active one)."""
    prefs = prefs or services.settings_for(user)
    now = now or timezone.now()
    with translation.override(language_of(user) or translation.get_language()):
        return _build(user, prefs, site, now)


def _build(user: User, prefs: AgendaSettings, site: Site, now: dt.datetime) -> icalendar.Calendar:
    today = services.local_today(prefs, now)
    stamp = now.astimezone(dt.UTC).replace(microsecond=0)
    vaults = vaults_in_feed(user)
    names = {vault.pk: vault.name for vault in vaults}

    def where(person: Person) -> str:
        # With several vaults in one calendar, say which one someone is in.
        return names.get(person.vault_id, "") if len(names) > 1 else ""

    def page(person: Person) -> str:
        return site.url(reverse("people:detail", args=[person.pk]))

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = _("Aandacht: keep in touch")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", services.zone_of(prefs).key)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))

    for date in yearly_dates(vaults, today):
        event = _event(
            f"date-{date.pk}@{site.host}",
            first_occurrence(date, today),
            _date_summary(date),
            [_date_note(date), where(date.person)],
            page(date.person),
            stamp,
        )
        rule: dict[str, object] = {"freq": "yearly"}
        if _last_of_february(date.month, date.day):
            rule.update(bymonth=2, bymonthday=-1)
        event.add("rrule", rule)
        calendar.add_component(event)

    for follow_up in dated_follow_ups(vaults):
        assert follow_up.due_on is not None
        calendar.add_component(
            _event(
                f"follow-up-{follow_up.pk}@{site.host}",
                follow_up.due_on,
                _follow_up_summary(follow_up),
                [follow_up.text, where(follow_up.person)],
                page(follow_up.person),
                stamp,
            )
        )

    for planned in planned_contacts(user, prefs, vaults, today):
        calendar.add_component(
            _event(
                f"plan-{planned.person.pk}-{planned.day:%Y%m%d}@{site.host}",
                planned.day,
                _("Call %(name)s") % {"name": planned.person.name},
                [capfirst(planned.reason), where(planned.person)],
                page(planned.person),
                stamp,
            )
        )

    if not calendar.subcomponents:
        # RFC 5545 wants at least one component: an empty calendar carries its time zone.
        calendar.add_component(icalendar.Timezone.from_tzid(services.zone_of(prefs).key))
    return calendar


def render(user: User, site: Site, *, prefs: AgendaSettings | None = None) -> bytes:
    body: bytes = build_calendar(user, site, prefs=prefs).to_ical()
    return body
