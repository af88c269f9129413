"""Moving or copying a person to another vault the user can edit.

Shared by the web pages and the CLI. :func:`plan_transfer` says exactly what would happen (the
confirmation page shows it); :func:`move_person` and :func:`copy_person` do it in one
transaction. The rules, in short (docs/moving-people.md has them in full):

- Both vaults must be writable by the user (owner or editor) and they must differ.
- **Move**: the person keeps their identity (same id) and takes along their contact details,
  addresses, dates, photo, notes, moments, follow-ups and conversations. Tags are matched by
  name in the target (created when missing), the circle by preset or name (else none).
  A conversation shared with people who stay behind stays with them, and a copy of it goes
  along. Relationships with people who stay behind, "introduced by" in either direction, and
  check-ins in the source's rounds are removed; cards go along for authors who are members of
  the target; appreciation suggestions likewise, when their day is free there.
- Private notes and moments of **another** user go along only when that user is a member of the
  target (they stay private to them); otherwise the move is refused, since they would lose
  them. The refusal does not name them: whose private entries exist is itself private.
- **Copy**: a new person in the target with the details, tags, photo (its own file), the
  notes and moments the user can see (their own private ones stay private and theirs; other
  people's private ones are never copied) and the conversations (each with only the copy).
  Follow-ups are not copied (a promise would show twice on the agenda), nor relationships,
  cards, check-ins or suggestions. The form's one-time token makes a second submit find the
  first copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.attention.models import AppreciationNudge, Circle, Rhythm
from aandacht.attention.services import refresh_last_contacts
from aandacht.carddav.store import carry_card
from aandacht.cards.models import Card
from aandacht.exchange.photos import stored_photo
from aandacht.people import transfer_core as core
from aandacht.people.models import (
    Address,
    ContactKind,
    ContactMethod,
    ImportantDate,
    Person,
    Relationship,
    RelationshipKind,
    Tag,
)
from aandacht.people.search import refresh_search_fields
from aandacht.rounds.models import CheckIn
from aandacht.timeline.models import FollowUp, Interaction, Moment, Note

Mode = Literal["move", "copy"]
MOVE: Mode = "move"
COPY: Mode = "copy"
MODES: tuple[Mode, ...] = (MOVE, COPY)
WRITERS = (Role.OWNER, Role.EDITOR)
DUPLICATES_SHOWN = 5

# Every relation to Person this module decides about; a test fails when a new one appears, so
# a model added later gets a rule here instead of silently staying behind or leaking along.
HANDLED_RELATIONS = frozenset(
    {
        "introduced",
        "contact_methods",
        "addresses",
        "important_dates",
        "relationships_out",
        "relationships_in",
        "interactions",
        "notes",
        "moments",
        "follow_ups",
        "rhythm",
        "appreciation_nudges",
        "cards",
        "check_ins",
        # Address book cards (CardDAV): a move or copy carries the phone-only lines along
        # (carddav.store.carry_card); the card left behind becomes a tombstone.
        "dav_cards",
    }
)

# Person columns a copy takes over as they are; the rest is the copy's own (id, vault, search
# columns, dates, uid) or cleared (met_via is someone in the source vault, trashed_at).
COPIED_FIELDS = (
    "given_name",
    "particles",
    "family_name",
    "nickname",
    "name_prefix",
    "name_suffix",
    "pronouns",
    "time_zone",
    "organisation",
    "department",
    "job_title",
    "met_on",
    "met_at",
    "met_channel",
    "met_story",
    "what_they_do",
    "what_they_care_about",
    "archived",
    "deceased",
    "deceased_on",
)


class TransferError(ValueError):
    """A move or copy that cannot be done as asked; the message says why, for people."""


@dataclass(frozen=True)
class Plan:
    """What a move or copy will do, counted, for the confirmation page and the CLI."""

    mode: Mode
    person: Person
    source: Vault
    target: Vault
    contact_methods: int
    addresses: int
    dates: int
    photo: bool
    tags: list[str]
    new_tags: list[str]
    notes: int
    moments: int
    interactions: int
    circle: str
    target_circle: str
    duplicates: list[Person]
    # What only a move does (a copy leaves the original as it is).
    follow_ups: int = 0
    shared_interactions: int = 0
    relationships: list[tuple[str, Person]] = field(default_factory=list)
    introduced_by: Person | None = None
    introduced: list[Person] = field(default_factory=list)
    check_ins: list[str] = field(default_factory=list)
    cards: int = 0
    cards_left: int = 0
    blocked: str = ""

    @property
    def allowed(self) -> bool:
        return not self.blocked

    @property
    def relationship_labels(self) -> list[tuple[str, Person]]:
        """The removed relationships as people read them ("friend", Ben)."""
        return [(str(RelationshipKind(kind).label), other) for kind, other in self.relationships]

    def as_json(self) -> dict[str, object]:
        return {
            "mode": self.mode,
            "person": {"id": self.person.pk, "name": self.person.name},
            "from": {"id": self.source.pk, "name": self.source.name},
            "to": {"id": self.target.pk, "name": self.target.name},
            "contact_methods": self.contact_methods,
            "addresses": self.addresses,
            "dates": self.dates,
            "photo": self.photo,
            "tags": self.tags,
            "new_tags": self.new_tags,
            "notes": self.notes,
            "moments": self.moments,
            "follow_ups": self.follow_ups,
            "interactions": self.interactions,
            "shared_interactions": self.shared_interactions,
            "relationships_removed": [
                {"kind": kind, "person": {"id": other.pk, "name": other.name}}
                for kind, other in self.relationships
            ],
            "introduced_by_removed": (
                {"id": self.introduced_by.pk, "name": self.introduced_by.name}
                if self.introduced_by
                else None
            ),
            "introduced_removed": [{"id": p.pk, "name": p.name} for p in self.introduced],
            "circle": self.circle or None,
            "target_circle": self.target_circle or None,
            "check_ins_removed": self.check_ins,
            "cards": self.cards,
            "cards_removed": self.cards_left,
            "possible_duplicates": [{"id": p.pk, "name": p.name} for p in self.duplicates],
        }


@dataclass(frozen=True)
class Done:
    """The result: the person in the target, and whether this call did anything.

    ``changed`` is False for a repeat (the person was already moved there, or this copy
    already exists), so a double submit is answered with the same person.
    """

    person: Person
    plan: Plan | None
    changed: bool


# --- access ----------------------------------------------------------------------------------


def writable_vaults(user: User, *, exclude: Vault | None = None) -> list[Vault]:
    """The vaults the user may write in (owner or editor), in the switcher's order."""
    vaults = Vault.objects.filter(memberships__user=user, memberships__role__in=WRITERS).order_by(
        "is_demo", "name", "id"
    )
    if exclude is not None:
        vaults = vaults.exclude(pk=exclude.pk)
    return list(vaults)


def has_other_writable_vault(user: User, vault_id: int) -> bool:
    """Whether there is anywhere to move or copy someone of ``vault_id`` to (one query)."""
    return (
        Membership.objects.filter(user=user, role__in=WRITERS).exclude(vault_id=vault_id).exists()
    )


def check_vaults(user: User, source: Vault, target: Vault) -> None:
    """Raise TransferError unless the user writes in both vaults and they differ.

    The web views answer 404/403 before this (an unknown vault is never confirmed); the CLI
    and a stale form end here with the sentence.
    """
    if source.pk == target.pk:
        raise TransferError(
            _("%(vault)s is the vault they are in already; choose another vault.")
            % {"vault": target.name}
        )
    roles = dict(
        Membership.objects.filter(user=user, vault_id__in=[source.pk, target.pk]).values_list(
            "vault_id", "role"
        )
    )
    for vault in (source, target):
        if roles.get(vault.pk) not in WRITERS:
            raise TransferError(
                _("You may only read the vault “%(vault)s”; moving or copying needs an editor.")
                % {"vault": vault.name}
            )


# --- the plan --------------------------------------------------------------------------------


def _shared_interaction_ids(person: Person) -> tuple[list[int], list[int]]:
    """The person's interactions: (only theirs, shared with others)."""
    through = Interaction.people.through
    theirs = through.objects.filter(person_id=person.pk).values("interaction_id")
    rows = (
        Interaction.objects.filter(pk__in=theirs)
        .annotate(participants=Count("people"))
        .values_list("pk", "participants")
    )
    alone = [pk for pk, count in rows if count == 1]
    shared = [pk for pk, count in rows if count > 1]
    return alone, shared


def _target_members(target: Vault) -> set[int]:
    return set(Membership.objects.filter(vault=target).values_list("user_id", flat=True))


def _blocked(person: Person, user: User, target: Vault, members: set[int]) -> str:
    """Why a move must wait for someone else's private entries, or "" when it need not."""
    authors: list[int | None] = []
    for model in (Note, Moment):
        authors.extend(
            model.objects.filter(person=person, private=True)
            .exclude(author_id=user.pk)
            .values_list("author_id", flat=True)
            .distinct()
        )
    if not core.authors_left_behind(authors, members):
        return ""
    return _(
        "Someone who is not a member of “%(vault)s” keeps private notes or moments about "
        "%(name)s; moving would take them out of their reach, so %(name)s stays here. They can "
        "delete or share those entries, or be added to “%(vault)s”; or make a copy instead."
    ) % {"vault": target.name, "name": person.name}


def _circle_keys(target: Vault) -> list[core.CircleKey]:
    return [
        core.CircleKey(pk, preset, name, tag_id is not None)
        for pk, preset, name, tag_id in Circle.objects.filter(vault=target).values_list(
            "pk", "preset", "name", "tag_id"
        )
    ]


def _circle_mapping(person: Person, target: Vault) -> tuple[Circle | None, Circle | None]:
    """The person's chosen circle and the target circle that will stand for it."""
    rhythm = Rhythm.objects.filter(pk=person.pk).select_related("circle__tag").first()
    if rhythm is None or rhythm.circle is None:
        return None, None
    circle = rhythm.circle
    wanted = core.CircleKey(circle.pk, circle.preset, circle.name, circle.tag_id is not None)
    pk = core.match_circle(wanted, _circle_keys(target))
    return circle, (Circle.objects.filter(pk=pk).first() if pk else None)


def possible_duplicates(person: Person, target: Vault) -> list[Person]:
    """People in the target with the same name or one of the same email addresses."""
    emails = [
        email
        for email in person.contact_methods.filter(kind=ContactKind.EMAIL).values_list(
            "normalized", flat=True
        )
        if email
    ]
    same = Q(sort_key=person.sort_key) if person.sort_key else Q(pk__in=[])
    if emails:
        matching = ContactMethod.objects.filter(kind=ContactKind.EMAIL, normalized__in=emails)
        same |= Q(pk__in=matching.values("person_id"))
    return list(
        Person.objects.in_vault(target).filter(same).order_by("sort_key", "id")[:DUPLICATES_SHOWN]
    )


def plan_transfer(user: User, person: Person, target: Vault, mode: Mode) -> Plan:
    """Count what a move or copy would take, leave and remove. Reads only."""
    if mode not in MODES:
        raise TransferError(_("Choose whether to move or to copy."))
    source = person.vault
    check_vaults(user, source, target)
    members = _target_members(target)
    tag_names = [tag.name for tag in person.tags.all()]
    _found, new_tags = core.map_tags(
        tag_names, Tag.objects.filter(vault=target).values_list("name", flat=True)
    )
    alone, shared = _shared_interaction_ids(person)
    circle, target_circle = _circle_mapping(person, target)
    visible_notes = Note.objects.filter(person=person).visible_to(user)
    visible_moments = Moment.objects.filter(person=person).visible_to(user)
    plan = Plan(
        mode=mode,
        person=person,
        source=source,
        target=target,
        contact_methods=person.contact_methods.count(),
        addresses=person.addresses.count(),
        dates=person.important_dates.count(),
        photo=bool(person.photo),
        tags=tag_names,
        new_tags=new_tags,
        notes=visible_notes.count(),
        moments=visible_moments.count(),
        interactions=len(alone) + len(shared),
        circle=circle.title if circle else "",
        target_circle=target_circle.title if target_circle else "",
        duplicates=possible_duplicates(person, target),
    )
    if mode == COPY:
        return plan
    cards = list(Card.objects.filter(person=person).values_list("author_id", flat=True))
    cards_moving = sum(1 for author in cards if author in members)
    return replace(
        plan,
        follow_ups=FollowUp.objects.filter(person=person).count(),
        interactions=len(alone),
        shared_interactions=len(shared),
        relationships=_relationships(person),
        introduced_by=person.met_via if person.met_via_id else None,
        introduced=list(Person.objects.filter(met_via=person).order_by("sort_key", "id")),
        check_ins=list(
            CheckIn.objects.filter(person=person)
            .order_by("round__created_at", "round_id")
            .values_list("round__name", flat=True)
        ),
        cards=cards_moving,
        cards_left=len(cards) - cards_moving,
        blocked=_blocked(person, user, target, members),
    )


def _relationships(person: Person) -> list[tuple[str, Person]]:
    from aandacht.people.services import relationships_of

    return [(kind, other) for kind, other, _row in relationships_of(person)]


# --- move ------------------------------------------------------------------------------------


def _locked(person: Person) -> Person:
    """The person's row, locked (PostgreSQL; SQLite's IMMEDIATE transactions serialise
    writers already) and read fresh, so a repeated or concurrent request sees the result of
    the first one."""
    fresh = Person.objects.select_for_update().filter(pk=person.pk).first()
    if fresh is None or fresh.trashed_at is not None:
        raise TransferError(
            _("%(name)s is no longer here; perhaps forgotten or in the trash.")
            % {"name": person.name}
        )
    return fresh


@transaction.atomic
def move_person(
    user: User, person: Person, target: Vault, *, expected_source: int | None = None
) -> Done:
    """Move ``person`` with everything that is theirs into ``target`` (same id).

    Repeating it is harmless: someone already in ``target`` is returned unchanged. With
    ``expected_source``, a person who meanwhile went to a third vault is refused rather than
    moved on from there.
    """
    fresh = _locked(person)
    if fresh.vault_id == target.pk:
        return Done(fresh, None, changed=False)
    if expected_source is not None and fresh.vault_id != expected_source:
        raise TransferError(
            _("%(name)s was moved meanwhile; look again before moving them.") % {"name": fresh.name}
        )
    plan = plan_transfer(user, fresh, target, MOVE)
    if plan.blocked:
        raise TransferError(plan.blocked)
    members = _target_members(target)

    # Keep the address-book identity: the derived UID contains the vault, so pin it first.
    if not fresh.uid:
        from aandacht.exchange.exporting import derived_uid

        fresh.uid = derived_uid(fresh)

    Relationship.objects.filter(Q(from_person=fresh) | Q(to_person=fresh)).delete()
    Person.objects.filter(met_via=fresh).update(met_via=None, updated_at=timezone.now())
    fresh.met_via = None
    CheckIn.objects.filter(person=fresh).delete()

    copies = _move_interactions(fresh, target)
    for model in (Note, Moment, FollowUp):
        model.objects.filter(person=fresh).update(vault=target)
    _move_cards(fresh, target, members, copies)
    _move_nudges(fresh, target, members, copies)
    _follow_circle(fresh, target)

    _set_tags(fresh, target, list(fresh.tags.all()))
    fresh.vault = target
    fresh.save()  # post_save refreshes the search columns; the index follows the vault column
    refresh_last_contacts([fresh.pk])
    carry_card(fresh, fresh)
    return Done(fresh, plan, changed=True)


def _move_interactions(person: Person, target: Vault) -> dict[int, int]:
    """Conversations only with them move; shared ones stay and a copy goes along.

    Returns ``{shared interaction id: its copy's id}`` so cards and suggestions that point at
    a shared conversation can point at the copy.
    """
    alone, shared = _shared_interaction_ids(person)
    Interaction.objects.filter(pk__in=alone).update(vault=target)
    if not shared:
        return {}
    through = Interaction.people.through
    originals = list(Interaction.objects.filter(pk__in=shared).order_by("pk"))
    copies = Interaction.objects.bulk_create([_interaction_copy(row, target) for row in originals])
    through.objects.filter(person_id=person.pk, interaction_id__in=shared).delete()
    through.objects.bulk_create(
        [through(interaction_id=copy.pk, person_id=person.pk) for copy in copies]
    )
    return {original.pk: copy.pk for original, copy in zip(originals, copies, strict=True)}


def _interaction_copy(row: Interaction, target: Vault) -> Interaction:
    return Interaction(
        vault=target,
        kind=row.kind,
        outcome=row.outcome,
        occurred_at=row.occurred_at,
        initiated_by=row.initiated_by,
        summary=row.summary,
        author_id=row.author_id,
    )


def _move_cards(person: Person, target: Vault, members: set[int], copies: dict[int, int]) -> None:
    """Cards follow for authors who can see them in the target; the others are removed."""
    cards = Card.objects.filter(person=person)
    cards.exclude(author_id__in=members).delete()
    for old, new in copies.items():
        cards.filter(interaction_id=old).update(interaction_id=new)
    cards.update(vault=target)


def _move_nudges(person: Person, target: Vault, members: set[int], copies: dict[int, int]) -> None:
    rows = list(
        AppreciationNudge.objects.filter(person=person).values_list("pk", "user_id", "offered_on")
    )
    if not rows:
        return
    keys = [core.NudgeKey(pk, user_id, day) for pk, user_id, day in rows]
    taken = AppreciationNudge.objects.filter(
        vault=target, offered_on__in={key.offered_on for key in keys}
    ).values_list("user_id", "offered_on")
    moving, dropped = core.nudges_that_follow(keys, members, taken)
    AppreciationNudge.objects.filter(pk__in=dropped).delete()
    nudges = AppreciationNudge.objects.filter(pk__in=moving)
    for old, new in copies.items():
        nudges.filter(interaction_id=old).update(interaction_id=new)
    nudges.update(vault=target)


def _follow_circle(person: Person, target: Vault) -> None:
    """The chosen circle becomes the target's matching circle, or none."""
    rhythm = Rhythm.objects.filter(pk=person.pk).first()
    if rhythm is None or rhythm.circle_id is None:
        return
    _circle, target_circle = _circle_mapping(person, target)
    rhythm.circle = target_circle
    rhythm.save(update_fields=["circle"])


def _set_tags(person: Person, target: Vault, source_tags: list[Tag]) -> None:
    """Give the person the target's tags of the same names (any case), creating the missing
    ones with their colour from the source."""
    colours = {tag.name: tag.colour for tag in source_tags}
    existing = Tag.objects.filter(vault=target)
    found, missing = core.map_tags(colours, existing.values_list("name", flat=True))
    Tag.objects.bulk_create(
        [Tag(vault=target, name=name, colour=colours[name]) for name in missing],
        ignore_conflicts=True,
    )
    spellings = {*found.values(), *missing}
    person.tags.set(list(existing.filter(name__in=spellings)))


# --- copy ------------------------------------------------------------------------------------


@transaction.atomic
def copy_person(user: User, person: Person, target: Vault, token: str) -> Done:
    """Make a new person in ``target`` from ``person``; the original stays as it is.

    ``token`` is the form's one-time token (:func:`transfer_core.new_token`): the same token
    again returns the copy made the first time.
    """
    uid = core.copy_uid(token)
    if uid is None:
        raise TransferError(_("This form has expired; open it again and confirm once more."))
    fresh = _locked(person)  # serialises two submits of the same form on PostgreSQL too
    earlier = Person.objects.filter(vault=target, uid=uid).first()
    if earlier is not None:
        return Done(earlier, None, changed=False)
    plan = plan_transfer(user, fresh, target, COPY)

    copy = Person(vault=target, uid=uid, **{name: getattr(fresh, name) for name in COPIED_FIELDS})
    data = stored_photo(fresh.photo)
    if data is not None:
        # Its own file: forgetting one of the two later deletes only that one's photo.
        copy.photo.save(fresh.photo.name.rsplit("/", 1)[-1], ContentFile(data), save=False)
    try:
        _fill_copy(user, fresh, copy, target)
    except BaseException:
        if copy.photo:
            copy.photo.storage.delete(copy.photo.name)  # nothing of a failed copy stays
        raise
    copy.refresh_from_db()
    carry_card(fresh, copy)
    return Done(copy, plan, changed=True)


def _fill_copy(user: User, fresh: Person, copy: Person, target: Vault) -> None:
    copy.save()

    ContactMethod.objects.bulk_create(
        [
            ContactMethod(
                person=copy,
                kind=row.kind,
                label=row.label,
                value=row.value,
                normalized=row.normalized,
                service=row.service,
                position=row.position,
            )
            for row in fresh.contact_methods.all()
        ]
    )
    Address.objects.bulk_create(
        [
            Address(
                person=copy,
                label=row.label,
                street=row.street,
                postal_code=row.postal_code,
                locality=row.locality,
                region=row.region,
                country=row.country,
            )
            for row in fresh.addresses.all()
        ]
    )
    ImportantDate.objects.bulk_create(
        [
            ImportantDate(
                person=copy,
                kind=row.kind,
                label=row.label,
                month=row.month,
                day=row.day,
                year=row.year,
            )
            for row in fresh.important_dates.all()
        ]
    )
    _set_tags(copy, target, list(fresh.tags.all()))
    _copy_timeline(user, fresh, copy, target)
    _copy_rhythm(fresh, copy, target)
    refresh_search_fields([copy.pk])
    refresh_last_contacts([copy.pk])


def _copy_timeline(user: User, source: Person, copy: Person, target: Vault) -> None:
    """Notes and moments the user can see, and every conversation (with only the copy)."""
    Note.objects.bulk_create(
        [
            Note(
                vault=target,
                person=copy,
                author_id=row.author_id,
                body=row.body,
                private=row.private,
                occurred_at=row.occurred_at,
            )
            for row in Note.objects.filter(person=source).visible_to(user).order_by("pk")
        ]
    )
    Moment.objects.bulk_create(
        [
            Moment(
                vault=target,
                person=copy,
                author_id=row.author_id,
                kind=row.kind,
                text=row.text,
                private=row.private,
                occurred_at=row.occurred_at,
            )
            for row in Moment.objects.filter(person=source).visible_to(user).order_by("pk")
        ]
    )
    originals = list(Interaction.objects.filter(people=source).order_by("pk"))
    if not originals:
        return
    copies = Interaction.objects.bulk_create([_interaction_copy(row, target) for row in originals])
    through = Interaction.people.through
    through.objects.bulk_create(
        [through(interaction_id=row.pk, person_id=copy.pk) for row in copies]
    )


def _copy_rhythm(source: Person, copy: Person, target: Vault) -> None:
    """How often to keep in touch comes along (circle mapped, personal cadence, muted);
    pauses and snoozes were about the original's agenda and stay there."""
    rhythm = Rhythm.objects.filter(pk=source.pk).first()
    if rhythm is None:
        return
    _circle, target_circle = _circle_mapping(source, target)
    if target_circle is None and rhythm.cadence_days is None and not rhythm.muted:
        return
    Rhythm.objects.create(
        person=copy,
        circle=target_circle,
        cadence_days=rhythm.cadence_days,
        muted=rhythm.muted,
        since=timezone.localdate(),
    )
