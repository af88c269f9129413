"""What the person page shows at a glance: links to reach someone, the dates ahead, relationships.

Read-only helpers for the briefing; the writes live in :mod:`aandacht.people.editing`. The
formatting helpers take rows that are already loaded; :func:`section_data` loads what each
section needs with one query or two, so the page costs a bounded number of queries however
much someone has on file (fewer when :func:`on_file` says a table holds nothing of theirs), and
a section swapped back in place costs only its own.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aandacht.people import contact
from aandacht.people.models import (
    INVERSE_KIND,
    Address,
    ContactKind,
    ContactMethod,
    DateKind,
    ImportantDate,
    Person,
    Relationship,
)
from aandacht.timeline.models import FollowUp, Interaction, Moment, MomentKind, Note, Outcome
from aandacht.web import kept_pages

# The other person's role, read as "<other> — <role>" on this person's page ("them" is the
# person whose page it is). The kind stored on a relationship describes its ``from_person``.
ROLE_LABELS: dict[str, Promise] = {
    "partner": _("partner"),
    "parent": _("parent"),
    "child": _("child"),
    "sibling": _("sibling"),
    "family": _("family"),
    "friend": _("friend"),
    "colleague": _("colleague"),
    "manager": _("their manager"),
    "report": _("reports to them"),
    "introduced": _("introduced them"),
    "introduced_by": _("was introduced by them"),
    "mentor": _("their mentor"),
    "mentee": _("their mentee"),
    "client": _("their client"),
    "supplier": _("their supplier"),
}

SOCIAL_PROFILE_URLS: dict[str, str] = {
    "twitter": "https://x.com/{handle}",
    "linkedin": "https://www.linkedin.com/in/{handle}",
    "instagram": "https://www.instagram.com/{handle}",
    "github": "https://github.com/{handle}",
    "facebook": "https://www.facebook.com/{handle}",
    "bluesky": "https://bsky.app/profile/{handle}",
}


@dataclass(frozen=True)
class ContactLink:
    """One way to reach someone, with the link that does it (tel:, mailto:, https:)."""

    method: ContactMethod
    shown: str
    href: str


def is_web_address(text: str) -> bool:
    lowered = text.strip().lower()
    return lowered.startswith(("https://", "http://")) and " " not in lowered


def contact_href(kind: str, value: str, normalized: str, service: str = "") -> str:
    """The link for a contact detail, or "" when there is nothing safe to link to."""
    if kind == ContactKind.EMAIL:
        return f"mailto:{normalized or value.strip()}"
    if kind == ContactKind.PHONE:
        digits = normalized or value
        return "tel:" + "".join(ch for ch in digits if ch.isdigit() or ch == "+")
    if kind == ContactKind.WEBSITE:
        text = value.strip()
        return text if is_web_address(text) else f"https://{text}"
    if kind == ContactKind.SOCIAL:
        return social_href(value, normalized, service)
    return ""


def social_href(value: str, normalized: str, service: str) -> str:
    """A profile URL: a pasted URL as is, a Mastodon handle at its server, else by service."""
    if is_web_address(value):
        return value.strip()
    handle = normalized or value.strip().lower()
    if service == "mastodon" or handle.count("@") == 2:
        user, _at, server = handle.lstrip("@").partition("@")
        if user and server:
            return f"https://{server}/@{quote(user)}"
        return ""
    pattern = SOCIAL_PROFILE_URLS.get(service)
    if pattern is None or not handle:
        return ""
    return pattern.format(handle=quote(handle.lstrip("@")))


def contact_links(methods: Iterable[ContactMethod]) -> list[ContactLink]:
    links = []
    for method in methods:
        shown = method.value
        if method.kind == ContactKind.PHONE:
            shown = contact.format_phone(method.normalized or method.value, settings.PHONE_REGION)
        elif method.kind == ContactKind.WEBSITE:
            shown = method.value.removeprefix("https://").removeprefix("http://").rstrip("/")
        href = contact_href(method.kind, method.value, method.normalized, method.service)
        links.append(ContactLink(method=method, shown=shown, href=href))
    return links


SOON_DAYS = 30


@dataclass(frozen=True)
class DateAhead:
    """An important date with its next occurrence; ``is_next`` marks the soonest one."""

    date: ImportantDate
    next_on: dt.date
    days: int
    turns: int | None
    is_next: bool = False

    @property
    def is_birthday(self) -> bool:
        return self.date.kind == DateKind.BIRTHDAY

    @property
    def is_soon(self) -> bool:
        """Highlighted on the page: the next date, when it is at most a month away."""
        return self.is_next and self.days <= SOON_DAYS


def dates_ahead(dates: Iterable[ImportantDate], today: dt.date) -> list[DateAhead]:
    """Dates in the order they come up from today; the first one is the next."""
    rows = []
    for date in dates:
        next_on = date.next_occurrence(today)
        turns = next_on.year - date.year if date.year else None
        rows.append(DateAhead(date=date, next_on=next_on, days=(next_on - today).days, turns=turns))
    rows.sort(key=lambda row: (row.next_on, row.date.kind, row.date.pk or 0))
    if rows:
        first = rows[0]
        rows[0] = DateAhead(first.date, first.next_on, first.days, first.turns, is_next=True)
    return rows


@dataclass(frozen=True)
class Related:
    """Someone related to this person, and who they are to them."""

    other: Person
    role: str
    role_label: str
    relationship: Relationship


def related_people(person: Person, relationships: Iterable[Relationship]) -> list[Related]:
    """Both directions of stored relationships, seen from ``person``'s page."""
    result = []
    for row in relationships:
        if row.from_person_id == person.pk:
            other, role = row.to_person, INVERSE_KIND[row.kind]
        else:
            other, role = row.from_person, row.kind
        result.append(
            Related(
                other=other,
                role=role,
                role_label=str(ROLE_LABELS.get(role, role)),
                relationship=row,
            )
        )
    result.sort(key=lambda item: (item.other.sort_key, item.role))
    return result


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def local_time(time_zone: str, now: dt.datetime) -> dt.datetime | None:
    """The time where someone lives, when their time zone is known."""
    if not time_zone or time_zone not in known_time_zones():
        return None
    return now.astimezone(zoneinfo.ZoneInfo(time_zone))


# What each section of the person page shows --------------------------------------------------

OPEN_FOLLOW_UPS = 20
MOMENTS = 10

Loader = Callable[[Person, Any], dict[str, Any]]


def _load_tags(person: Person, user: Any) -> dict[str, Any]:
    return {"tags": list(person.tags.all())}


def _load_contacts(person: Person, user: Any) -> dict[str, Any]:
    return {"contact_links": contact_links(person.contact_methods.all())}


def _load_dates(person: Person, user: Any) -> dict[str, Any]:
    return {"dates": dates_ahead(person.important_dates.all(), timezone.localdate())}


def relationships_of_person(person: Person) -> list[Relationship]:
    """Both directions in one query, leaving out people in the trash."""
    return list(
        Relationship.objects.filter(Q(from_person=person) | Q(to_person=person))
        .filter(from_person__trashed_at__isnull=True, to_person__trashed_at__isnull=True)
        .select_related("from_person", "to_person")
    )


def _load_relationships(person: Person, user: Any) -> dict[str, Any]:
    return {"related": related_people(person, relationships_of_person(person))}


def _load_addresses(person: Person, user: Any) -> dict[str, Any]:
    return {"addresses": list(person.addresses.all())}


def _load_met(person: Person, user: Any) -> dict[str, Any]:
    via = person.met_via if person.met_via_id else None
    return {"met_via": via if via is not None and via.trashed_at is None else None}


def _load_follow_ups(person: Person, user: Any) -> dict[str, Any]:
    follow_ups = FollowUp.objects.filter(person=person, done_at__isnull=True).order_by(
        F("due_on").asc(nulls_last=True), "-occurred_at", "-id"
    )
    return {"follow_ups": list(follow_ups[:OPEN_FOLLOW_UPS]), "today": timezone.localdate()}


# The short name of a moment's kind (the model's choice labels explain it at length).
MOMENT_KIND_LABELS: dict[str, Promise] = {
    MomentKind.SHARED: _("shared"),
    MomentKind.GRATEFUL: _("grateful"),
    MomentKind.STRENGTH: _("strength"),
}


@dataclass(frozen=True)
class MomentRow:
    """A moment with the short name of its kind."""

    moment: Moment
    kind_label: str


def _load_moments(person: Person, user: Any) -> dict[str, Any]:
    """Moments as this user may see them: a private one only ever shows to its author."""
    moments = Moment.objects.filter(person=person).visible_to(user).order_by("-occurred_at", "-id")
    rows = [
        MomentRow(moment, str(MOMENT_KIND_LABELS.get(moment.kind, moment.kind)))
        for moment in moments[:MOMENTS]
    ]
    return {"moments": rows}


@dataclass(frozen=True)
class LastContact:
    """The latest conversation with someone and what it was (the page says how long ago
    with the timeline's ``ago``)."""

    interaction: Interaction
    kind_label: str


def last_contact(person: Person) -> LastContact | None:
    """The most recent conversation (an unanswered call is an attempt, not contact), or None.

    One query, however long the history (:func:`_latest_conversation_sql`).
    """
    latest = next(iter(Interaction.objects.raw(_latest_conversation_sql(), [person.pk])), None)
    if latest is None:
        return None
    return LastContact(interaction=latest, kind_label=str(latest.get_kind_display()))


@cache
def _latest_conversation_sql() -> str:
    """Someone's latest conversation: their link rows newest first from the (person, date,
    interaction) index (the dates the database keeps on them, timeline.0004), each joined to
    its interaction until one is a conversation; usually the first one is. Before the link
    dates it took the rhythm's stored time, a window of the vault's latest conversations
    and a sort of all their interactions, three ways in one query (1 ms on PostgreSQL for
    someone with one interaction, 0.1 ms now). Written out: the ORM cannot order by a column
    the link model does not have."""
    interactions = Interaction._meta.db_table
    links = Interaction.people.through._meta.db_table
    return (
        f"SELECT i.id, i.kind, i.outcome, i.occurred_at FROM {links} l "  # noqa: S608 - no input in it
        f"JOIN {interactions} i ON i.id = l.interaction_id "
        # NOT NULL: a link dated by its trigger only once its interaction is loaded (a
        # restore) would come first on PostgreSQL, last on SQLite.
        f"WHERE l.person_id = %s AND l.occurred_at IS NOT NULL "
        f"AND i.outcome = '{Outcome.CONVERSATION.value}' "
        "ORDER BY l.occurred_at DESC, l.interaction_id DESC LIMIT 1"
    )


def _load_last_contact(person: Person, user: Any) -> dict[str, Any]:
    return {"last_contact": last_contact(person)}


def _load_rounds(person: Person, user: Any) -> dict[str, Any]:
    """The active check-in rounds someone is in (one query), for the line under their name."""
    from aandacht.rounds.services import active_rounds_for

    return {"person_rounds": active_rounds_for(person)}


def _load_name(person: Person, user: Any) -> dict[str, Any]:
    now = timezone.now()
    shown = local_time(person.time_zone, now)
    if shown is not None:  # shown to the minute: a kept page holds until the next one
        kept_pages.fresh_until((now.timestamp() // 60 + 1) * 60)
    return {"local_time": shown}


LOADERS: dict[str, Loader] = {
    "name": _load_name,
    "tags": _load_tags,
    "met": _load_met,
    "contacts": _load_contacts,
    "dates": _load_dates,
    "relationships": _load_relationships,
    "addresses": _load_addresses,
    "followups": _load_follow_ups,
    "moments": _load_moments,
    "lastcontact": _load_last_contact,
    "rounds": _load_rounds,
}


@dataclass(frozen=True)
class OnFile:
    """Which of the tables a person page reads hold anything of this person at all.

    Most people have no relationships, addresses, follow-ups, moments or check-ins (many no
    tags or dates either), and every section read to find that out cost a query (0.4 ms on
    SQLite, 0.8 on PostgreSQL, mostly the ORM and the round trip): :func:`on_file` asks them
    all in one. Each flag may be true of rows a section then filters out (someone in the
    trash, a private moment); false means there is nothing to read.
    """

    tags: bool
    contacts: bool
    dates: bool
    relationships: bool
    addresses: bool
    follow_ups: bool
    moments: bool
    notes: bool
    check_ins: bool
    interactions: bool
    # Not theirs but their vault's: whether it holds more other people than the log form's
    # "with others too" lists (``timeline.forms.OTHERS_LISTED``), asked in the same query.
    others_past_limit: bool

    def holds(self, section: str) -> bool:
        """Whether the section of that name may have anything to show."""
        flag = _SECTION_TABLES.get(section)
        return True if flag is None else bool(getattr(self, flag))

    def absent_entries(self) -> frozenset[str]:
        """The timeline's kinds of entry this person has none of."""
        return frozenset(kind for kind, flag in _ENTRY_TABLES.items() if not getattr(self, flag))


# The sections and the timeline's kinds that read only rows of one of those tables.
_SECTION_TABLES = {
    "tags": "tags",
    "contacts": "contacts",
    "dates": "dates",
    "relationships": "relationships",
    "addresses": "addresses",
    "followups": "follow_ups",
    "moments": "moments",
    "lastcontact": "interactions",
    "rounds": "check_ins",
}
_ENTRY_TABLES = {
    "interaction": "interactions",
    "note": "notes",
    "moment": "moments",
    "follow_up": "follow_ups",
    "check_in": "check_ins",
}


def on_file(person: Person) -> OnFile:
    """One query of index probes: see :class:`OnFile`."""
    from aandacht.timeline.forms import OTHERS_LISTED

    sql, person_probes = _on_file_sql()
    params = [*[person.pk] * person_probes, person.vault_id, person.pk, OTHERS_LISTED]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return OnFile(*(bool(value) for value in row))


@cache
def _on_file_sql() -> tuple[str, int]:
    """``SELECT EXISTS (...), ...`` in the order of :class:`OnFile`'s fields, each probe one
    index entry of the person's rows (every table's person column is indexed); and how many
    parameters are the person's id (the vault's probe, last, takes three of its own)."""
    check_in = apps.get_model("rounds", "CheckIn")

    def exists(model: Any, column: str = "person_id") -> str:
        return f"EXISTS (SELECT 1 FROM {model._meta.db_table} WHERE {column} = %s)"  # noqa: S608

    probes = [
        exists(Person.tags.through),
        exists(ContactMethod),
        exists(ImportantDate),
        f"({exists(Relationship, 'from_person_id')} OR {exists(Relationship, 'to_person_id')})",
        exists(Address),
        exists(FollowUp),
        exists(Moment),
        exists(Note),
        exists(check_in),
        exists(Interaction.people.through),
    ]
    person_probes = sum(probe.count("%s") for probe in probes)
    # As the log form's own probe: anyone past the limit, one id, unsorted.
    probes.append(
        f"EXISTS (SELECT 1 FROM {Person._meta.db_table} WHERE vault_id = %s "  # noqa: S608
        "AND trashed_at IS NULL AND id <> %s LIMIT 1 OFFSET %s)"
    )
    return "SELECT " + ", ".join(probes), person_probes


# What a section shows when its table holds nothing of the person.
NOTHING_ON_FILE: dict[str, Callable[[], dict[str, Any]]] = {
    "tags": lambda: {"tags": []},
    "contacts": lambda: {"contact_links": []},
    "dates": lambda: {"dates": []},
    "relationships": lambda: {"related": []},
    "addresses": lambda: {"addresses": []},
    "followups": lambda: {"follow_ups": [], "today": timezone.localdate()},
    "moments": lambda: {"moments": []},
    "lastcontact": lambda: {"last_contact": None},
    "rounds": lambda: {"person_rounds": []},
}


def section_data(
    person: Person, user: Any, sections: Iterable[str], known: OnFile | None = None
) -> dict[str, Any]:
    """Template context for the named sections; unknown names need nothing beyond the person.

    With ``known`` (:func:`on_file`, asked once for the whole page) a section whose table
    holds nothing of the person is not read.
    """
    data: dict[str, Any] = {}
    for name in sections:
        loader = LOADERS.get(name)
        if loader is None:
            continue
        if known is not None and not known.holds(name):
            data.update(NOTHING_ON_FILE[name]())
        else:
            data.update(loader(person, user))
    return data


# The list editors -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EditorItem:
    """One row in a list editor: what it says, and whether it has its own edit form."""

    pk: int
    text: str
    editable: bool


def editor_items(person: Person, section: str) -> list[EditorItem]:
    """The rows of a list editor (contact details, dates, relationships, addresses)."""
    if section == "contacts":
        return [
            EditorItem(
                link.method.pk,
                f"{link.method.get_kind_display()}: {link.shown}"
                + (f" ({link.method.label})" if link.method.label else ""),
                True,
            )
            for link in contact_links(person.contact_methods.all())
        ]
    if section == "dates":
        return [
            EditorItem(date.pk, date_text(date), True)
            for date in sorted(person.important_dates.all(), key=lambda d: (d.month, d.day, d.pk))
        ]
    if section == "relationships":
        return [
            EditorItem(each.relationship.pk, f"{each.other.name} — {each.role_label}", False)
            for each in related_people(person, relationships_of_person(person))
        ]
    if section == "addresses":
        return [
            EditorItem(
                address.pk,
                (f"{address.label}: " if address.label else "") + address.one_line,
                True,
            )
            for address in person.addresses.all()
        ]
    raise KeyError(section)


def date_text(date: ImportantDate) -> str:
    """ "Birthday: 14 June 1984", or without the year when it is not known."""
    shown = f"{date.day} {MONTHS[date.month]}" + (f" {date.year}" if date.year else "")
    return f"{date.title}: {shown}"
