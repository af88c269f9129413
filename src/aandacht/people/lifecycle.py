"""A person's lifecycle: trash (with undo), restore, forget, purge, archive, deceased, merge.

Named services shared by the web views, the API and the CLI. Every write is one transaction
and every operation is safe to repeat: trashing twice keeps the first date, restoring a person
who is not in the trash changes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as UserModel
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q
from django.db.models.fields.files import FieldFile
from django.dispatch import Signal
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aandacht.accounts.models import Vault
from aandacht.people import names, ranking
from aandacht.people.models import (
    INVERSE_KIND,
    Address,
    ContactMethod,
    ImportantDate,
    Person,
    Relationship,
)
from aandacht.people.search import refresh_search_fields, search_people
from aandacht.timeline.models import FollowUp, Interaction, Moment, Note

TRASH_DAYS = 30
SIMILAR_NAME_SCORE = 0.7  # both ways, so "Jeroen" is not a duplicate of every Jeroen

User = UserModel | AnonymousUser

# Other apps keep their own per-person rows in step with a merge without people importing them:
# ``person_merging`` (kept=, other=) is sent inside the transaction before other's rows move,
# ``person_merged`` (kept=) once everything has moved and other is gone.
person_merging = Signal()
person_merged = Signal()


class LifecycleError(ValueError):
    """An operation that cannot be done as asked; the message says why, for people."""


# --- quick add -------------------------------------------------------------------------------


@transaction.atomic
def quick_add_person(
    vault: Vault,
    name: str,
    *,
    where: str = "",
    note: str = "",
    author: User | None = None,
    today: dt.date | None = None,
) -> Person:
    """Capture someone new in seconds: a name, where you met, one line to remember them by.

    Where you met is dated today (you are adding them at the event); the line becomes a note
    by ``author`` on their timeline. Raises ``ValueError`` for an empty name.
    """
    from aandacht.people.services import create_person
    from aandacht.timeline.services import add_note

    place = where.strip()
    person = create_person(
        vault,
        name,
        met_at=place,
        met_on=(today or timezone.localdate()) if place else None,
    )
    if note.strip():
        add_note(vault, person, note, author=author)
    return person


# --- trash, restore, forget, purge -----------------------------------------------------------


def trash_person(person: Person, *, now: dt.datetime | None = None) -> bool:
    """Move a person to the trash; True when this call moved them (repeats keep the date).

    A conditional UPDATE, so two requests at once cannot both "move" them.
    """
    moment = now or timezone.now()
    changed = Person.objects.filter(pk=person.pk, trashed_at__isnull=True).update(trashed_at=moment)
    if changed:
        person.trashed_at = moment
    return bool(changed)


def restore_person(person: Person) -> bool:
    """Take a person out of the trash; True when this call restored them."""
    changed = Person.objects.filter(pk=person.pk, trashed_at__isnull=False).update(trashed_at=None)
    person.trashed_at = None
    return bool(changed)


def trash_expires_at(person: Person) -> dt.datetime | None:
    """When the trash forgets this person for good (None if not in the trash)."""
    if person.trashed_at is None:
        return None
    return person.trashed_at + dt.timedelta(days=TRASH_DAYS)


def trash_days_left(person: Person, now: dt.datetime | None = None) -> int:
    """Whole days until the trash forgets them, rounded up: trashed a moment ago is 30, not 29."""
    expires = trash_expires_at(person)
    if expires is None:
        return 0
    seconds = (expires - (now or timezone.now())).total_seconds()
    return max(0, math.ceil(seconds / 86400))


def _delete_file_after_commit(storage_name: str, field: FieldFile) -> None:
    """Remove an uploaded file once the transaction commits (a rollback keeps it)."""
    storage = field.storage

    def remove() -> None:
        if storage.exists(storage_name):
            storage.delete(storage_name)

    transaction.on_commit(remove)


@transaction.atomic
def forget_person(person: Person) -> dict[str, int]:
    """Erase a person and everything about them, for good; returns what was deleted.

    Contact details, addresses, dates, relationships (both sides), notes, moments and
    follow-ups go with them; an interaction that only involved them goes too, while one with
    others only loses this participant. Tags stay (other people use them), and people they
    introduced keep existing without "introduced by". Their photo leaves the storage.
    """
    # A subquery, not filter(people=person): that join would make every count 1.
    theirs = Interaction.people.through.objects.filter(person_id=person.pk)
    only_theirs = list(
        Interaction.objects.filter(pk__in=theirs.values("interaction_id"))
        .annotate(participants=Count("people"))
        .filter(participants=1)
        .values_list("pk", flat=True)
    )
    deleted: dict[str, int] = {}
    if only_theirs:
        _total, per_model = Interaction.objects.filter(pk__in=only_theirs).delete()
        _add_counts(deleted, per_model)
    photo = person.photo.name if person.photo else ""
    if photo:
        _delete_file_after_commit(photo, person.photo)
    _total, per_model = Person.objects.filter(pk=person.pk).delete()
    _add_counts(deleted, per_model)
    return deleted


def _add_counts(into: dict[str, int], counts: Mapping[str, int]) -> None:
    for label, count in counts.items():
        if count:
            into[label] = into.get(label, 0) + count


def purge_expired_trash(now: dt.datetime | None = None, *, vault: Vault | None = None) -> list[int]:
    """Forget everyone who has been in the trash longer than ``TRASH_DAYS``; their ids.

    Idempotent and cheap when there is nothing to do (one query), so the trash page can run
    it on every visit; the ``purge_trash`` command runs it for every vault.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=TRASH_DAYS)
    expired = Person.objects.filter(trashed_at__lt=cutoff)
    if vault is not None:
        expired = expired.filter(vault=vault)
    forgotten = []
    for person in expired.only("id", "photo", "trashed_at"):
        with transaction.atomic():
            # Someone may have restored them a moment ago: check again inside the transaction.
            if Person.objects.filter(pk=person.pk, trashed_at__lt=cutoff).exists():
                forget_person(person)
                forgotten.append(person.pk)
    return forgotten


# --- archive and deceased --------------------------------------------------------------------


def set_archived(person: Person, archived: bool) -> bool:
    """Archive (no reminders, hidden from default lists) or bring back; True when changed."""
    changed = (
        Person.objects.filter(pk=person.pk)
        .exclude(archived=archived)
        .update(archived=archived, updated_at=timezone.now())
    )
    person.archived = archived
    return bool(changed)


def set_deceased(
    person: Person, deceased: bool, on: dt.date | None = None, *, today: dt.date | None = None
) -> None:
    """Mark someone as deceased (optionally with the date) or undo it (the date goes too)."""
    if not deceased and on is not None:
        raise LifecycleError(_("A date of death needs “deceased” to be ticked."))
    if on is not None and on > (today or timezone.localdate()):
        raise LifecycleError(_("The date of death cannot be in the future."))
    person.deceased = deceased
    person.deceased_on = on if deceased else None
    Person.objects.filter(pk=person.pk).update(
        deceased=person.deceased, deceased_on=person.deceased_on, updated_at=timezone.now()
    )


# --- similar names (quick add's "did you mean …?") --------------------------------------------


def similar_people(vault: Vault, person: Person, *, limit: int = 3) -> list[Person]:
    """Other people in the vault whose name is very close to this person's, best first.

    Close both ways: "Jeroen vd Ven" and "Jeroen van de Ven" are, "Jeroen" and
    "Jeroen van de Ven" are not (a first name alone matches too many people).
    """
    mine = ranking.NameFields(person.given_name, person.particles, person.family_name, "")
    hits = search_people(vault, person.name, limit=10, ignore={person.pk}, any_word=True)
    similar = []
    for hit in hits:
        other = hit.person
        theirs = ranking.NameFields(other.given_name, other.particles, other.family_name, "")
        forward = ranking.score_name(ranking.prepare_query(person.name), theirs)
        backward = ranking.score_name(ranking.prepare_query(other.name), mine)
        if min(forward, backward) >= SIMILAR_NAME_SCORE:
            similar.append(other)
    return similar[:limit]


# --- merge ------------------------------------------------------------------------------------

Choice = Literal["kept", "other", "both"]
KEPT: Choice = "kept"
OTHER: Choice = "other"
BOTH: Choice = "both"


@dataclass(frozen=True)
class MergeField:
    """One row of the side-by-side merge: a label and the Person attributes it covers."""

    key: str
    label: str | Promise
    attrs: tuple[str, ...]
    combinable: bool = False  # long texts may keep both versions, one after the other


MERGE_FIELDS: tuple[MergeField, ...] = (
    MergeField("name", gettext_lazy("name"), ("given_name", "particles", "family_name")),
    MergeField("nickname", gettext_lazy("nickname"), ("nickname",)),
    MergeField("pronouns", gettext_lazy("pronouns"), ("pronouns",)),
    MergeField("photo", gettext_lazy("photo"), ("photo",)),
    MergeField("organisation", gettext_lazy("organisation"), ("organisation",)),
    MergeField("job_title", gettext_lazy("role"), ("job_title",)),
    MergeField("met_on", gettext_lazy("met on"), ("met_on",)),
    MergeField("met_at", gettext_lazy("place or event where we met"), ("met_at",)),
    MergeField("met_channel", gettext_lazy("channel"), ("met_channel",)),
    MergeField("met_via", gettext_lazy("introduced by"), ("met_via",)),
    MergeField("met_story", gettext_lazy("how we met"), ("met_story",), combinable=True),
    MergeField(
        "what_they_do",
        gettext_lazy("what they do, in their words"),
        ("what_they_do",),
        combinable=True,
    ),
    MergeField(
        "what_they_care_about",
        gettext_lazy("what they care about"),
        ("what_they_care_about",),
        combinable=True,
    ),
    MergeField("time_zone", gettext_lazy("time zone"), ("time_zone",)),
)
MERGE_FIELDS_BY_KEY = {field.key: field for field in MERGE_FIELDS}


def field_values(person: Person, field: MergeField) -> tuple[Any, ...]:
    """The raw values of one merge row; photos compare by file name, people by id."""
    values: list[Any] = []
    for attr in field.attrs:
        if attr == "photo":
            values.append(person.photo.name or "")
        elif attr == "met_via":
            values.append(person.met_via_id)
        else:
            value = getattr(person, attr)
            values.append(value.strip() if isinstance(value, str) else value)
    return tuple(values)


def _is_empty(values: tuple[Any, ...]) -> bool:
    return all(value in (None, "") for value in values)


def differs(kept: Person, other: Person, field: MergeField) -> bool:
    return field_values(kept, field) != field_values(other, field)


def needs_choice(kept: Person, other: Person, field: MergeField) -> bool:
    """Only two different, non-empty values need a person to choose; an empty side does not."""
    mine, theirs = field_values(kept, field), field_values(other, field)
    return mine != theirs and not _is_empty(mine) and not _is_empty(theirs)


def default_choices(kept: Person, other: Person) -> dict[str, Choice]:
    """Per row: the non-empty value, else the kept person's; two different texts: both."""
    choices: dict[str, Choice] = {}
    for field in MERGE_FIELDS:
        mine, theirs = field_values(kept, field), field_values(other, field)
        if _is_empty(mine) and not _is_empty(theirs):
            choices[field.key] = OTHER
        elif field.combinable and mine != theirs and not _is_empty(theirs):
            choices[field.key] = BOTH
        else:
            choices[field.key] = KEPT
    return choices


def _check_merge(kept: Person, other: Person) -> None:
    if kept.pk == other.pk:
        raise LifecycleError(_("A person cannot be merged with themselves."))
    if kept.vault_id != other.vault_id:
        raise LifecycleError(_("Only people in the same vault can be merged."))
    if kept.trashed_at is not None or other.trashed_at is not None:
        raise LifecycleError(_("Restore a person from the trash before merging."))


@transaction.atomic
def merge_people(
    kept: Person,
    other: Person,
    choices: Mapping[str, str] | None = None,
    *,
    author: User | None = None,
) -> Person:
    """Merge ``other`` into ``kept`` and delete ``other``; nothing about either is lost.

    ``choices`` maps a :data:`MERGE_FIELDS` key to "kept", "other" or (long texts) "both";
    missing keys take :func:`default_choices`. Everything attached to ``other`` moves over:
    contact details and dates (identical ones once), addresses, relationships (re-pointed,
    never to themselves, no duplicates), tags, interactions, notes, moments, follow-ups and
    the people they introduced. Values that were not kept are written into a note on
    ``kept``'s timeline, with the other's name, so search still finds them.
    """
    # Lock both rows (PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers)
    # and read them fresh: a repeated or concurrent merge finds the other person gone.
    locked = {
        person.pk: person
        for person in Person.objects.select_for_update().filter(pk__in=[kept.pk, other.pk])
    }
    if other.pk not in locked or kept.pk not in locked:
        raise LifecycleError(_("One of these people no longer exists; perhaps already merged."))
    fresh_kept, fresh_other = locked[kept.pk], locked[other.pk]
    _check_merge(fresh_kept, fresh_other)
    chosen = {**default_choices(fresh_kept, fresh_other), **_validated(choices or {})}

    dropped = _apply_fields(fresh_kept, fresh_other, chosen)
    person_merging.send(sender=Person, kept=fresh_kept, other=fresh_other)
    _move_related(fresh_kept, fresh_other)
    other_name, other_added = fresh_other.name, fresh_other.created_at
    Person.objects.filter(pk=fresh_other.pk).delete()

    fresh_kept.created_at = min(fresh_kept.created_at, other_added)
    fresh_kept.save()
    _merge_note(fresh_kept, other_name, other_added, dropped, author)
    refresh_search_fields([fresh_kept.pk])
    person_merged.send(sender=Person, kept=fresh_kept)
    kept.refresh_from_db()
    return kept


def _validated(choices: Mapping[str, str]) -> dict[str, Choice]:
    result: dict[str, Choice] = {}
    for key, value in choices.items():
        field = MERGE_FIELDS_BY_KEY.get(key)
        if field is None:
            raise LifecycleError(_("Unknown field to merge: %(key)s") % {"key": key})
        if value == KEPT:
            result[key] = KEPT
        elif value == OTHER:
            result[key] = OTHER
        elif value == BOTH and field.combinable:
            result[key] = BOTH
        else:
            raise LifecycleError(
                _("“%(value)s” is not a choice for %(field)s.")
                % {"value": value, "field": field.label}
            )
    return result


def _apply_fields(kept: Person, other: Person, chosen: Mapping[str, Choice]) -> list[str]:
    """Copy the chosen values onto ``kept``; describe each value of ``other`` not kept."""
    dropped: list[str] = []
    for field in MERGE_FIELDS:
        choice = chosen[field.key]
        mine, theirs = field_values(kept, field), field_values(other, field)
        if mine == theirs:
            continue
        if choice == BOTH:
            (attr,) = field.attrs
            parts = [text for text in (getattr(kept, attr), getattr(other, attr)) if text.strip()]
            setattr(kept, attr, "\n\n".join(part.strip() for part in parts))
            continue
        if field.key == "photo":
            loser = other if choice == KEPT else kept
            if loser.photo:
                _delete_file_after_commit(loser.photo.name, loser.photo)
            if choice == OTHER:
                kept.photo = other.photo
            continue
        if choice == OTHER:
            if not _is_empty(mine):
                dropped.append(_describe(kept, field))
            for attr in field.attrs:
                setattr(kept, attr, getattr(other, attr))
        elif not _is_empty(theirs):
            dropped.append(_describe(other, field))
    # Nobody introduced themselves.
    if kept.met_via_id in (kept.pk, other.pk):
        kept.met_via = None
    # Facts rather than choices: deceased stays known; archived only if both were.
    if other.deceased and not kept.deceased:
        kept.deceased = True
    if kept.deceased and kept.deceased_on is None:
        kept.deceased_on = other.deceased_on
    kept.archived = kept.archived and other.archived
    return dropped


def _describe(person: Person, field: MergeField) -> str:
    return _("%(field)s: %(value)s") % {
        "field": str(field.label),
        "value": display_value(person, field),
    }


def display_value(person: Person, field: MergeField) -> str:
    """One merge row's value as text for people (empty string when there is none)."""
    if field.key == "name":
        return names.display_name(person.given_name, person.particles, person.family_name)
    if field.key == "photo":
        return person.photo.name.rsplit("/", 1)[-1] if person.photo else ""
    if field.key == "met_on":
        return date_format(person.met_on, "DATE_FORMAT") if person.met_on else ""
    if field.key == "met_channel":
        return str(person.get_met_channel_display()) if person.met_channel else ""
    if field.key == "met_via":
        return person.met_via.name if person.met_via_id and person.met_via else ""
    value = getattr(person, field.attrs[0])
    return str(value) if value else ""


def _merge_note(
    kept: Person,
    other_name: str,
    other_added: dt.datetime,
    dropped: list[str],
    author: User | None,
) -> None:
    from aandacht.timeline.services import add_note

    # Written in the language of the request (gettext now, not lazily) with its date format.
    added = date_format(timezone.localtime(other_added).date(), "DATE_FORMAT")
    lines = [_("Merged with “%(name)s” (added %(date)s).") % {"name": other_name, "date": added}]
    if dropped:
        lines.append(_("Not kept from the merge:"))
        lines.extend(f"- {line}" for line in dropped)
    add_note(kept.vault, kept, "\n".join(lines), author=author)


def _move_related(kept: Person, other: Person) -> None:
    """Re-attach everything of ``other`` to ``kept``, deduplicating where rows would clash."""
    _move_contact_methods(kept, other)
    _move_addresses(kept, other)
    _move_important_dates(kept, other)
    _move_relationships(kept, other)
    kept.tags.add(*other.tags.all())
    _move_interactions(kept, other)
    for model in (Note, Moment, FollowUp):
        model.objects.filter(person=other).update(person=kept)
    Person.objects.filter(met_via=other).exclude(pk=kept.pk).update(met_via=kept)
    _move_unknown_relations(kept, other)


def _move_contact_methods(kept: Person, other: Person) -> None:
    def identity(method: ContactMethod) -> tuple[str, str]:
        return method.kind, (method.normalized or method.value).strip().casefold()

    existing = {identity(method): method for method in kept.contact_methods.all()}
    positions: dict[str, int] = {}
    for method in kept.contact_methods.all():
        positions[method.kind] = max(positions.get(method.kind, 0), method.position + 1)
    for method in other.contact_methods.all():
        twin = existing.get(identity(method))
        if twin is not None:
            if not twin.label and method.label:
                twin.label = method.label
                twin.save(update_fields=["label"])
            method.delete()
            continue
        method.person = kept
        method.position = positions.get(method.kind, 0)
        positions[method.kind] = method.position + 1
        method.save(update_fields=["person", "position"])
        existing[identity(method)] = method


def _move_addresses(kept: Person, other: Person) -> None:
    def identity(address: Address) -> tuple[str, ...]:
        return tuple(
            names.fold(getattr(address, attr))
            for attr in ("street", "postal_code", "locality", "region", "country")
        )

    existing = {identity(address) for address in kept.addresses.all()}
    for address in other.addresses.all():
        if identity(address) in existing:
            address.delete()
        else:
            existing.add(identity(address))
            address.person = kept
            address.save(update_fields=["person"])


def _move_important_dates(kept: Person, other: Person) -> None:
    def identity(date: ImportantDate) -> tuple[str, int, int, str]:
        return date.kind, date.month, date.day, names.fold(date.label)

    existing = {identity(date): date for date in kept.important_dates.all()}
    for date in other.important_dates.all():
        twin = existing.get(identity(date))
        if twin is not None and (twin.year is None or date.year is None or twin.year == date.year):
            if twin.year is None and date.year is not None:
                twin.year = date.year
                twin.save(update_fields=["year"])
            date.delete()
            continue
        date.person = kept
        date.save(update_fields=["person"])
        existing.setdefault(identity(date), date)


def _move_relationships(kept: Person, other: Person) -> None:
    """Re-point ``other``'s relationships to ``kept``; drop self-links and duplicates.

    A duplicate is the same link either way round: "A parent of B" equals "B child of A".
    """
    rows = Relationship.objects.filter(vault_id=kept.vault_id).filter(
        Q(from_person__in=[kept, other]) | Q(to_person__in=[kept, other])
    )
    seen: dict[tuple[int, int, str], Relationship] = {}
    # kept's own rows first, so a re-pointed duplicate never collides with one still to come.
    ordered = sorted(
        rows, key=lambda row: (other.pk in (row.from_person_id, row.to_person_id), row.pk)
    )
    for row in ordered:
        start, end = (
            kept.pk if pk == other.pk else pk for pk in (row.from_person_id, row.to_person_id)
        )
        if start == end:
            row.delete()
            continue
        twin = seen.get((start, end, row.kind)) or seen.get(
            (end, start, INVERSE_KIND.get(row.kind, row.kind))
        )
        if twin is not None:
            if row.note and not twin.note:
                twin.note = row.note
                twin.save(update_fields=["note"])
            row.delete()
            continue
        seen[(start, end, row.kind)] = row
        if (start, end) != (row.from_person_id, row.to_person_id):
            row.from_person_id, row.to_person_id = start, end
            row.save(update_fields=["from_person", "to_person"])


def _move_interactions(kept: Person, other: Person) -> None:
    """Swap the participant: interactions with both keep one; the others gain ``kept``."""
    through = Interaction.people.through
    shared = through.objects.filter(person_id=kept.pk).values_list("interaction_id", flat=True)
    through.objects.filter(person_id=other.pk, interaction_id__in=list(shared)).delete()
    through.objects.filter(person_id=other.pk).update(person_id=kept.pk)


HANDLED_RELATIONS = frozenset(
    {
        "contact_methods",
        "addresses",
        "important_dates",
        "relationships_out",
        "relationships_in",
        "introduced",
        "interactions",
        "notes",
        "moments",
        "follow_ups",
    }
)


def _move_unknown_relations(kept: Person, other: Person) -> None:
    """Rows of models added later (circles, check-ins…) move too, so a merge never loses them.

    Each row moves in its own savepoint; one that would break a uniqueness rule is a duplicate
    of a row ``kept`` already has and is dropped.
    """
    for relation in Person._meta.related_objects:
        if relation.get_accessor_name() in HANDLED_RELATIONS:
            continue
        related = relation.related_model
        if isinstance(relation, models.ManyToManyRel) and relation.through is not None:
            through = relation.through
            column = next(
                field.attname
                for field in through._meta.get_fields()
                if isinstance(field, models.ForeignKey) and field.related_model is Person
            )
            rows: models.QuerySet[Any] = through._default_manager.filter(**{column: other.pk})
        elif isinstance(related, type) and issubclass(related, models.Model):
            column = relation.field.attname
            rows = related._default_manager.filter(**{column: other.pk})
        else:  # pragma: no cover - a relation Django has not resolved to a model
            continue
        for row in list(rows):
            same_row = type(row)._default_manager.filter(pk=row.pk)
            try:
                with transaction.atomic():
                    same_row.update(**{column: kept.pk})
            except IntegrityError:
                same_row.delete()
