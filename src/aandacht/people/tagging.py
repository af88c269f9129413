"""Tags: create, rename, recolour, delete, and put on or take off many people at once.

Shared by the web pages, the API and the CLI. Names are unique per vault regardless of case
("Friends" and "friends" are one tag, as in :func:`aandacht.people.services.set_tags`); colours
are stored as lower-case ``#rrggbb``. Every change keeps the people's search columns in step,
since tag names are searchable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from aandacht.accounts.models import Vault
from aandacht.people.models import Person, Tag
from aandacht.people.names import fold
from aandacht.people.search import refresh_search_fields

NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length or 60
DEFAULT_COLOUR = "#6b7280"
# Suggestions for the colour picker: distinct in light and dark mode, none of them loud.
PALETTE = (
    "#6b7280",
    "#b45309",
    "#c2410c",
    "#be123c",
    "#a21caf",
    "#6d28d9",
    "#1d4ed8",
    "#0e7490",
    "#047857",
    "#4d7c0f",
)
TAGGING = Person.tags.through  # one row per (person, tag); written directly in bulk
_COLOUR = re.compile(r"#?(?P<hex>[0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


class TagProblem(ValueError):
    """A tag cannot be saved as asked; ``field`` says which input is at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_colour(raw: str) -> str:
    """``#ABC``, ``abc`` or ``#aabbcc`` become ``#aabbcc``; anything else is a TagProblem."""
    match = _COLOUR.fullmatch(raw.strip())
    if match is None:
        raise TagProblem(
            "colour", _("Choose a colour, written like #1d4ed8 (a # and six hex digits).")
        )
    digits = match["hex"].lower()
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return f"#{digits}"


def clean_name(vault: Vault, raw: str, *, keep: Tag | None = None) -> str:
    """A tag name without surrounding spaces, not empty, not too long, not taken in ``vault``.

    ``keep`` is the tag being renamed: changing only its capitals is allowed.
    """
    name = " ".join(raw.split())
    if not name:
        raise TagProblem("name", _("A tag needs a name."))
    if len(name) > NAME_MAX_LENGTH:
        raise TagProblem(
            "name",
            _("Keep tag names to %(limit)d characters (this one has %(length)d).")
            % {"limit": NAME_MAX_LENGTH, "length": len(name)},
        )
    clash = _named(vault, name, exclude=keep)
    if clash is not None:
        raise TagProblem(
            "name", _("There is already a tag called “%(name)s”.") % {"name": clash.name}
        )
    return name


def existing_tag(vault: Vault, name: str) -> Tag | None:
    """The vault's tag with this name, whatever its capitals, or None."""
    return _named(vault, " ".join(name.split()))


def _named(vault: Vault, name: str, *, exclude: Tag | None = None) -> Tag | None:
    """The vault's tag with this name in any capitals; compared in Python because SQLite's
    case-insensitive matching only folds ASCII ("Été" and "été")."""
    wanted = name.casefold()
    for tag in Tag.objects.filter(vault=vault):
        if tag.name.casefold() == wanted and (exclude is None or tag.pk != exclude.pk):
            return tag
    return None


def alphabetical(tags: Iterable[Tag]) -> list[Tag]:
    """Tags A to Z as people read them: "ééntje" between "Een" and "Fam", "werk" near "Werk".

    In Python, because the database's order is by code point ("Z" before "a", "É" last).
    """
    return sorted(tags, key=lambda tag: (fold(tag.name), tag.name, tag.pk))


def tags_of(vault: Vault) -> list[Tag]:
    """The vault's tags A to Z, each with ``people_count`` (the trash not counted)."""
    return alphabetical(
        Tag.objects.filter(vault=vault).annotate(
            people_count=Count("people", filter=Q(people__trashed_at__isnull=True))
        )
    )


def create_tag(vault: Vault, name: str, colour: str = DEFAULT_COLOUR) -> Tag:
    """A new tag; a TagProblem when the name or colour will not do."""
    clean = clean_name(vault, name)
    hex_colour = normalise_colour(colour)
    try:
        with transaction.atomic():
            return Tag.objects.create(vault=vault, name=clean, colour=hex_colour)
    except IntegrityError:  # created by someone else a moment ago
        raise TagProblem(
            "name", _("There is already a tag called “%(name)s”.") % {"name": clean}
        ) from None


def find_or_create_tag(vault: Vault, name: str) -> Tag:
    """The tag with this name (any capitals), created with the default colour when new."""
    label = " ".join(name.split())
    existing = _named(vault, label)
    if existing is not None:
        return existing
    try:
        return create_tag(vault, label)
    except TagProblem:
        existing = _named(vault, label)  # made by a concurrent request meanwhile
        if existing is None:
            raise
        return existing


@transaction.atomic
def update_tag(tag: Tag, *, name: str, colour: str) -> Tag:
    """Rename and recolour a tag; the tagged people's search columns follow a new name."""
    clean = clean_name(tag.vault, name, keep=tag)
    hex_colour = normalise_colour(colour)
    renamed = clean != tag.name
    if not renamed and hex_colour == tag.colour:
        return tag
    tag.name = clean
    tag.colour = hex_colour
    try:
        with transaction.atomic():
            tag.save(update_fields=["name", "colour"])
    except IntegrityError:
        raise TagProblem(
            "name", _("There is already a tag called “%(name)s”.") % {"name": clean}
        ) from None
    if renamed:
        refresh_search_fields(_carrying(tag))
    return tag


@transaction.atomic
def delete_tag(tag: Tag) -> int:
    """Delete a tag; the people stay. Returns how many people carried it."""
    people = _carrying(tag)
    tag.delete()
    refresh_search_fields(people)
    return len(people)


def _carrying(tag: Tag, among: Iterable[int] | None = None) -> list[int]:
    """Ids of the people (the trash included) who carry ``tag``."""
    rows = Person.objects.filter(tags=tag)
    if among is not None:
        rows = rows.filter(pk__in=list(among))
    return list(rows.values_list("pk", flat=True))


def _people_in(vault: Vault, people: Iterable[Person | int]) -> list[int]:
    wanted = {each if isinstance(each, int) else each.pk for each in people}
    return list(Person.objects.in_vault(vault).filter(pk__in=wanted).values_list("pk", flat=True))


@transaction.atomic
def tag_people(vault: Vault, tag: Tag, people: Iterable[Person | int]) -> int:
    """Put ``tag`` on people of ``vault`` (others are ignored); returns how many were new."""
    if tag.vault_id != vault.pk:
        raise ValueError("the tag belongs to another vault")
    ids = _people_in(vault, people)
    already = set(_carrying(tag, ids))
    new = [pk for pk in ids if pk not in already]
    if new:
        TAGGING.objects.bulk_create(
            [TAGGING(person_id=pk, tag_id=tag.pk) for pk in new], ignore_conflicts=True
        )
        refresh_search_fields(new)
    return len(new)


@transaction.atomic
def untag_people(vault: Vault, tag: Tag, people: Iterable[Person | int]) -> int:
    """Take ``tag`` off people of ``vault``; returns how many carried it."""
    if tag.vault_id != vault.pk:
        raise ValueError("the tag belongs to another vault")
    carrying = _carrying(tag, _people_in(vault, people))
    if carrying:
        TAGGING.objects.filter(tag_id=tag.pk, person_id__in=carrying).delete()
        refresh_search_fields(carrying)
    return len(carrying)
