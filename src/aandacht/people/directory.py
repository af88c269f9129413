"""The people list: who is listed, in what order, one window at a time.

The list is sorted by ``sort_key`` (family name without particles first, so "Denise van Iersel"
sorts under I) and paged with a seek cursor on ``(sort_key, id)`` instead of an OFFSET: every
window is an index range read of one page, however deep, and 50,000 people cost the same as
fifty. Sections (A, B, …) come from one grouped count and let you jump to a letter.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Substr

from aandacht.accounts.models import Vault
from aandacht.people.models import Person, PersonQuerySet, Tag
from aandacht.people.names import fold
from aandacht.people.search import search_people
from aandacht.web import stamp
from aandacht.web.access import positive_id

PAGE_SIZE = 50
SEARCH_LIMIT = 50
# With a tag filter, search looks further down its ranking before the filter thins it out.
SEARCH_LIMIT_WITH_TAG = 300
OTHER_SECTION = "#"

# What a row shows; everything else stays in the database.
ROW_FIELDS = (
    "id",
    "vault_id",
    "given_name",
    "particles",
    "family_name",
    "nickname",
    "photo",
    "organisation",
    "job_title",
    "archived",
    "deceased",
    "sort_key",
    "updated_at",
)

Cursor = tuple[str, int]


@dataclass(frozen=True)
class Section:
    """A run of people whose sort key starts alike: a letter, or ``#`` for anything else."""

    label: str
    start: str  # the first character of the run: ``?from=`` jumps here
    count: int


@dataclass(frozen=True)
class Window:
    """One page of the sorted list and whether there is more on either side."""

    people: list[Person]
    has_previous: bool
    has_next: bool

    @property
    def first(self) -> Person | None:
        return self.people[0] if self.people else None

    @property
    def last(self) -> Person | None:
        return self.people[-1] if self.people else None


def listed_people(
    vault: Vault, *, tag: Tag | None = None, include_archived: bool = False
) -> PersonQuerySet:
    """The people a list shows: never the trash, archived people only when asked."""
    people = Person.objects.in_vault(vault)
    if not include_archived:
        people = people.filter(archived=False)
    if tag is not None:
        people = people.filter(tags=tag)
    return people


def section_label(sort_key: str) -> str:
    first = sort_key[:1]
    return first.upper() if first.isalpha() else OTHER_SECTION


def sections(people: PersonQuerySet) -> list[Section]:
    """People per first letter of the sort key, in list order; one query, no rows fetched.

    Neighbouring non-letters (digits, punctuation, no name at all) merge into one ``#`` run.
    """
    grouped = (
        people.order_by()
        .annotate(initial=Substr("sort_key", 1, 1))
        .values_list("initial")
        .annotate(count=Count("*"))  # COUNT(*): no column to read (a fifth faster on SQLite)
        .order_by("initial")
    )
    result: list[Section] = []
    for initial, count in grouped:
        label = section_label(initial)
        if result and result[-1].label == label:
            previous = result[-1]
            result[-1] = Section(label, previous.start, previous.count + count)
        else:
            result.append(Section(label, initial, count))
    return result


def kept_sections(
    vault: Vault, *, tag: Tag | None = None, include_archived: bool = False
) -> tuple[Section, ...]:
    """:func:`sections` of a list, kept until something is written (``web/stamp.py``), as
    the report's and Today's figures are: it is the one query of the list that counts the
    whole vault (12 ms on SQLite, 20 on PostgreSQL at 50,000 people), on every look at it."""
    key = ("people-sections", vault.pk, tag.pk if tag is not None else None, include_archived)
    return stamp.remember(
        key,
        lambda: tuple(sections(listed_people(vault, tag=tag, include_archived=include_archived))),
    )


def cursor_of(vault: Vault, raw_id: str | None) -> Cursor | None:
    """The seek position of a person named in ``?after=`` or ``?before=``.

    Anything that is not a person of this vault (a typo, someone deleted meanwhile, someone
    else's id) gives no cursor: the list starts at the top instead of failing.
    """
    person_id = positive_id(raw_id)
    if person_id is None:
        return None
    sort_key = (
        Person.objects.filter(vault=vault, pk=person_id).values_list("sort_key", flat=True).first()
    )
    return None if sort_key is None else (sort_key, person_id)


def _after(cursor: Cursor) -> Q:
    # The leading ">=" lets the database range-scan the (vault, sort_key) index.
    sort_key, pk = cursor
    return Q(sort_key__gte=sort_key) & (Q(sort_key__gt=sort_key) | Q(id__gt=pk))


def _before(cursor: Cursor) -> Q:
    sort_key, pk = cursor
    return Q(sort_key__lte=sort_key) & (Q(sort_key__lt=sort_key) | Q(id__lt=pk))


def window(
    people: PersonQuerySet,
    *,
    after: Cursor | None = None,
    before: Cursor | None = None,
    start: str = "",
    size: int = PAGE_SIZE,
) -> Window:
    """One page of ``people`` in list order: after a cursor, before one, or from a prefix.

    Reads ``size + 1`` rows to know whether there is more; a prefix costs one more query to
    know whether anyone sorts before it.
    """
    rows = people.only(*ROW_FIELDS)
    if before is not None:
        found = list(rows.filter(_before(before)).order_by("-sort_key", "-id")[: size + 1])
        if len(found) <= size:  # back at the top: show a full first page instead
            return window(people, size=size)
        return Window(list(reversed(found[:size])), has_previous=True, has_next=True)
    if after is not None:
        found = list(rows.filter(_after(after)).order_by("sort_key", "id")[: size + 1])
        return Window(found[:size], has_previous=True, has_next=len(found) > size)
    # Printable only: PostgreSQL refuses NUL in text, and nothing sorts under a control code.
    prefix = "".join(ch for ch in fold(start) if ch.isprintable())[:40]
    has_previous = False
    if prefix:
        rows = rows.filter(sort_key__gte=prefix)
        has_previous = people.filter(sort_key__lt=prefix).exists()
    found = list(rows.order_by("sort_key", "id")[: size + 1])
    return Window(found[:size], has_previous=has_previous, has_next=len(found) > size)


def search(
    vault: Vault,
    query: str,
    *,
    tag: Tag | None = None,
    include_archived: bool = False,
    limit: int = SEARCH_LIMIT,
) -> list[Person]:
    """The best matches for ``query``, best first, with what a row shows."""
    hits = search_people(
        vault,
        query,
        limit=SEARCH_LIMIT_WITH_TAG if tag is not None else limit,
        include_archived=include_archived,
    )
    if not hits:
        return []
    rank = {hit.person.pk: position for position, hit in enumerate(hits)}
    people = listed_people(vault, tag=tag, include_archived=include_archived).filter(
        pk__in=list(rank)
    )
    found = list(people.only(*ROW_FIELDS))
    found.sort(key=lambda person: rank[person.pk])
    return found[:limit]


def tag_ids_by_person(people: list[Person]) -> dict[int, list[int]]:
    """The tag ids of each person, from one query on the link table (no Tag rows built)."""
    links = Person.tags.through.objects.filter(person_id__in=[person.pk for person in people])
    result: dict[int, list[int]] = {}
    for person_id, tag_id in links.values_list("person_id", "tag_id"):
        result.setdefault(person_id, []).append(tag_id)
    return result
