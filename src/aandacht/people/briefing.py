"""What the person page shows at a glance: links to reach someone, the dates ahead, relationships.

Read-only helpers for the briefing; the writes live in :mod:`aandacht.people.editing`. Every
function takes rows that are already loaded (prefetched), so the page costs a fixed number of
queries however much someone has on file.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aandacht.people import contact
from aandacht.people.models import (
    INVERSE_KIND,
    ContactKind,
    ContactMethod,
    DateKind,
    ImportantDate,
    Person,
    Relationship,
)

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
