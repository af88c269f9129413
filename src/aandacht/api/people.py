"""``/api/people``: list (filters, ``?q=`` search), create, read, change, move to the trash.

Writes go through the services the web uses (``people.services``, ``people.editing``,
``people.lifecycle``, ``attention.services.set_circle``), each request in one transaction, so a
refused contact detail leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from aandacht.accounts.models import Vault
from aandacht.api.core import (
    Caller,
    Day,
    LongText,
    ObjectId,
    Paging,
    PathId,
    Text40,
    Text60,
    Text100,
    Text150,
    Text200,
    Text300,
    Text450,
    caller_of,
    fetch,
    links_to,
    not_found,
    page,
    page_of,
    problem,
    readable_vault_ids,
    responses,
    which_vault,
    writable_vault,
)
from aandacht.people import directory, editing, lifecycle, services
from aandacht.people.models import (
    ContactKind,
    ContactMethod,
    DateKind,
    ImportantDate,
    Person,
    Tag,
)

router = Router(tags=["people"])

MAX_ITEMS = 50
ContactKindName = Literal["email", "phone", "website", "social"]
DateKindName = Literal["birthday", "anniversary", "custom"]
ChannelName = Literal[
    "",
    "conference",
    "meetup",
    "twitter",
    "linkedin",
    "mastodon",
    "instagram",
    "introduction",
    "work",
    "client",
    "school",
    "neighbourhood",
    "family",
    "friends",
    "sports",
    "online",
    "other",
]


class ContactIn(Schema):
    kind: ContactKindName
    value: Text300
    label: Text40 = ""


class ContactOut(ContactIn):
    id: int
    service: str


class DateIn(Schema):
    kind: DateKindName
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    year: int | None = Field(None, ge=1, le=9999)
    label: Text100 = ""


class DateOut(DateIn):
    id: int


class AddressOut(Schema):
    id: int
    label: str
    street: str
    postal_code: str
    locality: str
    region: str
    country: str


class PersonFields(Schema):
    """What a person is, as written through the API (the same fields the person page edits)."""

    nickname: Text100 = ""
    name_prefix: Text40 = ""
    name_suffix: Text40 = ""
    pronouns: Text40 = ""
    organisation: Text200 = ""
    department: Text200 = ""
    job_title: Text200 = ""
    met_on: Day | None = None
    met_at: Text200 = ""
    met_channel: ChannelName = ""
    met_via: ObjectId | None = Field(None, description="The id of who introduced you.")
    met_story: LongText = ""
    what_they_do: LongText = ""
    what_they_care_about: LongText = ""


class PersonIn(PersonFields):
    vault: ObjectId | None = Field(
        None, description="Where to add them; may be left out when you reach one vault."
    )
    name: Text450 = Field("", description='A full name, split Dutch-style ("Jan van Dijk").')
    given_name: Text150 | None = None
    particles: Text40 | None = None
    family_name: Text150 | None = None
    contact_methods: list[ContactIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    important_dates: list[DateIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    tags: list[Text60] = Field(default_factory=list, max_length=MAX_ITEMS)


class PersonPatch(PersonFields):
    """Only the fields sent change. Lists (contact methods, dates, tags) are replaced whole."""

    given_name: Text150 = ""
    particles: Text40 = ""
    family_name: Text150 = ""
    archived: bool = False
    contact_methods: list[ContactIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    important_dates: list[DateIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    tags: list[Text60] = Field(default_factory=list, max_length=MAX_ITEMS)
    updated_at: dt.datetime | None = Field(
        None,
        description="The updated_at you read: if the person changed since, the answer is 409.",
    )


class PersonOut(Schema):
    id: int
    vault: int
    name: str
    given_name: str
    particles: str
    family_name: str
    nickname: str
    name_prefix: str
    name_suffix: str
    pronouns: str
    organisation: str
    department: str
    job_title: str
    met_on: dt.date | None
    met_at: str
    met_channel: str
    met_via: int | None
    met_story: str
    what_they_do: str
    what_they_care_about: str
    archived: bool
    deceased: bool
    contact_methods: list[ContactOut]
    important_dates: list[DateOut]
    addresses: list[AddressOut]
    tags: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime


class PersonPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PersonOut]


class PeopleFilter(Schema):
    vault: ObjectId | None = Field(None, description="Only this vault.")
    q: Text200 | None = Field(None, description="Search names and what you know about them.")
    tag: Text60 | None = Field(None, description="Only people with this tag (its name).")
    circle: ObjectId | None = Field(None, description="Only people who follow this circle.")
    archived: bool = Field(False, description="true: only archived people; false: the others.")


class CircleChoice(Schema):
    circle: ObjectId | None = Field(description="A circle of the person's vault, or null.")


class PersonCircleOut(Schema):
    person: int
    circle: int | None


def with_details(people: QuerySet[Person]) -> QuerySet[Person]:
    """Everything a person's JSON shows, in four queries for a whole page."""
    return people.prefetch_related(
        Prefetch("contact_methods", queryset=ContactMethod.objects.order_by("kind", "position")),
        Prefetch("important_dates", queryset=ImportantDate.objects.order_by("month", "day")),
        "addresses",
        Prefetch("tags", queryset=Tag.objects.order_by("name")),
    )


def person_out(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "vault": person.vault_id,
        "name": person.name,
        **{field: getattr(person, field) for field in _PLAIN_FIELDS},
        "met_via": person.met_via_id,
        "archived": person.archived,
        "deceased": person.deceased,
        "contact_methods": [
            {
                "id": m.pk,
                "kind": m.kind,
                "value": m.value,
                "label": m.label,
                "service": m.service,
            }
            for m in person.contact_methods.all()
        ],
        "important_dates": [
            {
                "id": d.pk,
                "kind": d.kind,
                "month": d.month,
                "day": d.day,
                "year": d.year,
                "label": d.label,
            }
            for d in person.important_dates.all()
        ],
        "addresses": [
            {
                "id": a.pk,
                "label": a.label,
                "street": a.street,
                "postal_code": a.postal_code,
                "locality": a.locality,
                "region": a.region,
                "country": a.country,
            }
            for a in person.addresses.all()
        ],
        "tags": [tag.name for tag in person.tags.all()],
        "created_at": person.created_at,
        "updated_at": person.updated_at,
    }


_PLAIN_FIELDS = (
    "given_name",
    "particles",
    "family_name",
    "nickname",
    "name_prefix",
    "name_suffix",
    "pronouns",
    "organisation",
    "department",
    "job_title",
    "met_on",
    "met_at",
    "met_channel",
    "met_story",
    "what_they_do",
    "what_they_care_about",
)


def live_people() -> QuerySet[Person]:
    return Person.objects.filter(trashed_at__isnull=True)


def _reload(person: Person) -> Person:
    return with_details(Person.objects.filter(pk=person.pk)).get()


# --- list ----------------------------------------------------------------------------------


@router.get("", response=responses(200, PersonPage), summary="List and search people")
def list_people(
    request: HttpRequest, filters: Query[PeopleFilter], paging: Query[Paging]
) -> dict[str, Any]:
    """People of your vaults, A to Z (with ``q``: best match first, at most 50 per vault)."""
    caller = caller_of(request)
    vault_ids = readable_vault_ids(caller, filters.vault)
    people = live_people().filter(vault_id__in=vault_ids, archived=filters.archived)
    if filters.tag is not None:
        people = people.filter(
            pk__in=Person.tags.through.objects.filter(
                tag__name__iexact=filters.tag.strip(), tag__vault_id__in=vault_ids
            ).values("person_id")
        )
    if filters.circle is not None:
        people = people.filter(pk__in=_circle_member_ids(caller, filters.circle, vault_ids))
    if filters.q is not None and filters.q.strip():
        ranked = _search(vault_ids, filters.q, archived=filters.archived)
        found = with_details(people.filter(pk__in=ranked)).in_bulk()
        hits = [found[pk] for pk in ranked if pk in found]
        count, rows = page_of(hits, paging)
    else:
        count, rows = page_of(with_details(people.order_by("sort_key", "id")), paging)
    return page(count, paging, [person_out(person) for person in rows])


def _search(vault_ids: list[int], query: str, *, archived: bool) -> list[int]:
    ranked: list[int] = []
    for vault in Vault.objects.filter(pk__in=vault_ids).order_by("id"):
        found = directory.search(vault, query.strip(), include_archived=archived)
        ranked.extend(person.pk for person in found)
    return ranked


def _circle_member_ids(caller: Caller, circle_id: int, vault_ids: list[int]) -> list[int]:
    from aandacht.attention import circles as circle_rules
    from aandacht.attention.models import Circle
    from aandacht.attention.services import circles_of

    circle = Circle.objects.filter(pk=circle_id, vault_id__in=vault_ids).first()
    if circle is None:
        raise not_found(_("circle"))
    members = circle_rules.circle_members(circle.vault, circles_of(circle.vault))
    return members[circle.pk].people


# --- create, read, change, trash -----------------------------------------------------------


@router.post(
    "",
    response=responses(201, PersonOut),
    summary="Add a person",
    openapi_extra=links_to(
        {
            "ReadPerson": "aandacht_api_people_read_person",
            "UpdatePerson": "aandacht_api_people_update_person",
            "TrashPerson": "aandacht_api_people_trash_person",
            "SetCircle": "aandacht_api_people_set_person_circle",
        },
        "person_id",
    ),
)
def create_person(request: HttpRequest, payload: PersonIn) -> Status[Any]:
    caller = caller_of(request)
    vault_id = payload.vault
    if vault_id is None:
        ids = caller.vault_ids()
        if len(ids) != 1:
            raise which_vault(caller, location="body")
        vault_id = ids[0]
    vault = writable_vault(caller, vault_id)
    with transaction.atomic():
        met_via = _introducer(vault.pk, payload.met_via)
        try:
            person = services.create_person(
                vault,
                payload.name,
                given_name=payload.given_name,
                particles=payload.particles,
                family_name=payload.family_name,
                nickname=payload.nickname,
                organisation=payload.organisation,
                department=payload.department,
                job_title=payload.job_title,
                met_at=payload.met_at,
                met_channel=payload.met_channel,
                met_on=payload.met_on,
                met_via=met_via,
                met_story=payload.met_story,
                what_they_do=payload.what_they_do,
                what_they_care_about=payload.what_they_care_about,
                tags=payload.tags,
            )
        except ValueError as error:
            raise problem(str(error), "name") from None
        extra = {
            name: getattr(payload, name)
            for name in ("name_prefix", "name_suffix", "pronouns")
            if getattr(payload, name)
        }
        if extra:
            editing.update_person(person, extra)
        _add_details(person, payload.contact_methods, payload.important_dates)
    return Status(201, person_out(_reload(person)))


@router.get("/{int:person_id}", response=responses(200, PersonOut), summary="One person")
def read_person(request: HttpRequest, person_id: PathId) -> dict[str, Any]:
    caller = caller_of(request)
    person = fetch(caller, with_details(live_people()), person_id, _("person"))
    return person_out(person)


@router.patch("/{int:person_id}", response=responses(200, PersonOut), summary="Change a person")
def update_person(request: HttpRequest, person_id: PathId, payload: PersonPatch) -> dict[str, Any]:
    caller = caller_of(request)
    sent = payload.model_dump(exclude_unset=True)
    with transaction.atomic():
        person = fetch(
            caller, live_people().select_for_update(), person_id, _("person"), write=True
        )
        expected = sent.pop("updated_at", None)
        if expected is not None and _to_ms(expected) != _to_ms(person.updated_at):
            raise problem(
                _("This person changed since you read them: read them again."),
                "updated_at",
                status=409,
            )
        archived = sent.pop("archived", None)
        tags = sent.pop("tags", None)
        methods = sent.pop("contact_methods", None)
        dates = sent.pop("important_dates", None)
        changes = dict(sent)
        if "met_via" in changes:
            changes["met_via"] = _introducer(person.vault_id, changes["met_via"])
        if changes:
            try:
                editing.update_person(person, changes)
            except ValueError as error:
                raise problem(str(error), next(iter(changes))) from None
        if archived is not None:
            lifecycle.set_archived(person, archived)
        if tags is not None:
            editing.replace_tags(person, [], tags)
        if methods is not None:
            person.contact_methods.all().delete()
        if dates is not None:
            person.important_dates.all().delete()
        _add_details(
            person,
            payload.contact_methods if methods is not None else [],
            payload.important_dates if dates is not None else [],
        )
    return person_out(_reload(person))


@router.delete(
    "/{int:person_id}", response=responses(204, None), summary="Move a person to the trash"
)
def trash_person(request: HttpRequest, person_id: PathId) -> Status[Any]:
    """As on the web: the trash keeps them 30 days, restorable from the trash page."""
    caller = caller_of(request)
    person = fetch(caller, live_people(), person_id, _("person"), write=True)
    lifecycle.trash_person(person)
    return Status(204, None)


@router.put(
    "/{int:person_id}/circle",
    response=responses(200, PersonCircleOut),
    summary="Put a person in a circle (or take them out)",
)
def set_person_circle(
    request: HttpRequest, person_id: PathId, payload: CircleChoice
) -> dict[str, Any]:
    from aandacht.attention.models import Circle
    from aandacht.attention.services import set_circle

    caller = caller_of(request)
    person = fetch(caller, live_people(), person_id, _("person"), write=True)
    circle = None
    if payload.circle is not None:
        circle = Circle.objects.filter(pk=payload.circle, vault_id=person.vault_id).first()
        if circle is None:
            raise problem(_("No such circle in this person's vault."), "circle")
    try:
        rhythm = set_circle(person, circle)
    except ValueError as error:
        raise problem(str(error), "circle") from None
    return {"person": person.pk, "circle": rhythm.circle_id}


def _to_ms(moment: dt.datetime) -> dt.datetime:
    """Times go out in JSON to the millisecond, so a precondition compares to the millisecond."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _introducer(vault_id: int, pk: int | None) -> Person | None:
    if pk is None:
        return None
    person = live_people().filter(pk=pk, vault_id=vault_id).first()
    if person is None:
        raise problem(_("No such person in this vault."), "met_via")
    return person


def _add_details(person: Person, methods: list[ContactIn], dates: list[DateIn]) -> None:
    for index, method in enumerate(methods):
        try:
            editing.add_contact(person, method.kind, method.value, label=method.label)
        except ValueError as error:
            raise problem(str(error), f"contact_methods.{index}.value") from None
    for index, date in enumerate(dates):
        try:
            editing.add_date(person, date.kind, date.month, date.day, date.year, date.label)
        except ValueError as error:
            raise problem(str(error), f"important_dates.{index}") from None


__all__ = ["ContactKind", "DateKind", "router"]
