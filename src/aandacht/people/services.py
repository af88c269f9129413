"""Named write operations on people, shared by the web views, the API and the CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from aandacht.accounts.models import Vault
from aandacht.people import contact, names
from aandacht.people.models import (
    INVERSE_KIND,
    ContactKind,
    ContactMethod,
    DateKind,
    ImportantDate,
    Person,
    Relationship,
    Tag,
)


class PersonNotFound(LookupError):
    """No person matches in this vault."""


class AmbiguousPerson(LookupError):
    """Several people match a name; ``candidates`` lists them, best first."""

    def __init__(self, query: str, candidates: list[Person]) -> None:
        super().__init__(
            _("%(query)r matches %(count)d people") % {"query": query, "count": len(candidates)}
        )
        self.query = query
        self.candidates = candidates


def only_particles(name: str) -> bool:
    """True for a name of two or more words that are all particles ("van der"): not a name.

    One word is a given name ("Van", "Ter" are names), so only longer names are refused.
    """
    words = name.split()
    return len(words) > 1 and all(
        names.is_particle(word) or word.casefold() in names.PARTICLE_ABBREVIATIONS for word in words
    )


@transaction.atomic
def create_person(
    vault: Vault,
    name: str = "",
    *,
    given_name: str | None = None,
    particles: str | None = None,
    family_name: str | None = None,
    nickname: str = "",
    organisation: str = "",
    department: str = "",
    job_title: str = "",
    met_at: str = "",
    met_channel: str = "",
    met_on: dt.date | None = None,
    met_via: Person | None = None,
    met_story: str = "",
    what_they_do: str = "",
    what_they_care_about: str = "",
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    tags: Iterable[str] = (),
) -> Person:
    """Create a person from a full name (split Dutch-style) or from explicit name parts.

    Raises ``ValueError`` (before anything is written) when the name is empty or a contact
    detail is invalid.
    """
    parts = (
        names.split_with_family(name, family_name)
        if family_name is not None
        else names.split_name(name)
    )
    given = parts.given if given_name is None else given_name.strip()
    particle = parts.particles if particles is None else particles.strip()
    family = parts.family
    if not (given or family):
        raise ValueError(_("a person needs a name"))
    full = names.display_name(given, particle, family)
    if only_particles(full):
        raise ValueError(_("A name needs more than “%(name)s”.") % {"name": full})
    email_values = [(raw, contact.normalize_email(raw)) for raw in emails if raw.strip()]
    phone_values = [
        (raw.strip(), contact.normalize_phone(raw, settings.PHONE_REGION))
        for raw in phones
        if raw.strip()
    ]
    if met_via is not None and met_via.vault_id != vault.pk:
        raise ValueError(_("the person who introduced you must be in the same vault"))
    person = Person.objects.create(
        vault=vault,
        given_name=given,
        particles=particle,
        family_name=family,
        nickname=nickname.strip(),
        organisation=organisation.strip(),
        department=department.strip(),
        job_title=job_title.strip(),
        met_at=met_at.strip(),
        met_channel=met_channel,
        met_on=met_on,
        met_via=met_via,
        met_story=met_story.strip(),
        what_they_do=what_they_do.strip(),
        what_they_care_about=what_they_care_about.strip(),
    )
    for position, (raw, normalized) in enumerate(email_values):
        ContactMethod.objects.create(
            person=person,
            kind=ContactKind.EMAIL,
            value=raw.strip(),
            normalized=normalized,
            position=position,
        )
    for position, (raw, normalized) in enumerate(phone_values):
        ContactMethod.objects.create(
            person=person,
            kind=ContactKind.PHONE,
            value=raw,
            normalized=normalized,
            position=position,
        )
    if tags:
        set_tags(vault, person, tags)
    return person


def add_contact_method(
    person: Person, kind: str, value: str, *, label: str = "", service: str = ""
) -> ContactMethod:
    """Add an email, phone, website or social profile, normalised for matching and links."""
    text = value.strip()
    if not text:
        raise contact.InvalidContact(_("a contact detail cannot be empty"))
    if kind == ContactKind.EMAIL:
        normalized = contact.normalize_email(text)
    elif kind == ContactKind.PHONE:
        normalized = contact.normalize_phone(text, settings.PHONE_REGION)
    elif kind == ContactKind.SOCIAL:
        detected, normalized = contact.parse_social(text)
        service = service or detected
    elif kind == ContactKind.WEBSITE:
        normalized = text.lower().removeprefix("https://").removeprefix("http://").rstrip("/")
    else:
        raise ValueError(_("unknown contact kind %(kind)r") % {"kind": kind})
    position = person.contact_methods.filter(kind=kind).count()
    return ContactMethod.objects.create(
        person=person,
        kind=kind,
        label=label,
        value=text,
        normalized=normalized,
        service=service,
        position=position,
    )


def add_important_date(
    person: Person, kind: str, month: int, day: int, year: int | None = None, label: str = ""
) -> ImportantDate:
    try:
        dt.date(year or 2000, month, day)  # 2000 is a leap year: 29 February is allowed
    except ValueError:
        shown = f"{day}-{month}" + (f"-{year}" if year else "")
        raise ValueError(_("%(date)s is not a date") % {"date": shown}) from None
    if kind not in DateKind.values:
        raise ValueError(_("unknown date kind %(kind)r") % {"kind": kind})
    return ImportantDate.objects.create(
        person=person, kind=kind, month=month, day=day, year=year, label=label
    )


def relate(from_person: Person, kind: str, to_person: Person, note: str = "") -> Relationship:
    """Record that ``from_person`` is ``kind`` of ``to_person``; idempotent."""
    if from_person.vault_id != to_person.vault_id:
        raise ValueError(_("people in different vaults cannot be related"))
    if from_person.pk == to_person.pk:
        raise ValueError(_("a person cannot be related to themselves"))
    relationship, _created = Relationship.objects.get_or_create(
        vault_id=from_person.vault_id,
        from_person=from_person,
        to_person=to_person,
        kind=kind,
        defaults={"note": note},
    )
    return relationship


def set_tags(vault: Vault, person: Person, tag_names: Iterable[str]) -> list[Tag]:
    """Add tags by name (created when new; matched case-insensitively)."""
    existing = {tag.name.casefold(): tag for tag in Tag.objects.filter(vault=vault)}
    result = []
    for raw in tag_names:
        label = raw.strip()
        if not label:
            continue
        tag = existing.get(label.casefold())
        if tag is None:
            tag = Tag.objects.create(vault=vault, name=label)
            existing[label.casefold()] = tag
        result.append(tag)
    person.tags.add(*result)
    return result


def resolve_person(vault: Vault, reference: str) -> Person:
    """A person from an id or a name that matches one person unambiguously.

    An exact (folded) name or nickname match wins over fuzzy matches; several equally good
    matches raise :class:`AmbiguousPerson` with the candidates.
    """
    from aandacht.people.search import search_people
    from aandacht.web.access import positive_id

    text = reference.strip()
    person_id = positive_id(text)
    if person_id is not None:
        person = Person.objects.in_vault(vault).filter(pk=person_id).first()
        if person is None:
            raise PersonNotFound(text)
        return person
    hits = search_people(vault, text, limit=10)
    if not hits:
        raise PersonNotFound(text)
    wanted = names.fold(names.expand_abbreviations(text))
    exact = [
        hit.person
        for hit in hits
        if wanted in {names.fold(hit.person.name), names.fold(hit.person.nickname)}
        or wanted == names.fold(f"{hit.person.given_name} {hit.person.family_name}")
    ]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise AmbiguousPerson(text, exact)
    best = hits[0]
    if len(hits) == 1 or best.score - hits[1].score >= 0.15:
        return best.person
    raise AmbiguousPerson(text, [hit.person for hit in hits])


def relationships_of(person: Person) -> list[tuple[str, Person, Relationship]]:
    """Every relationship of a person seen from their side: ("child", Ben, row) for Ann→Ben.

    A relationship is stored once; read from the other end its kind is inverted.
    """
    outgoing = Relationship.objects.filter(from_person=person).select_related("to_person")
    incoming = Relationship.objects.filter(to_person=person).select_related("from_person")
    seen: list[tuple[str, Person, Relationship]] = [
        (row.kind, row.to_person, row) for row in outgoing
    ]
    seen.extend((INVERSE_KIND[row.kind], row.from_person, row) for row in incoming)
    seen.sort(key=lambda item: (item[1].sort_key, item[0]))
    return seen
