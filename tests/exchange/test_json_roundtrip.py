"""Export → restore → export gives the same document, for generated vaults.

Hypothesis builds vaults with every field the JSON document carries: people with all their
details (photos, contact methods, addresses, dates with and without a year, tags, how we met,
introductions in either direction, trash, archive, death), relationships, interactions with
several people, notes and moments (private ones of both alice and bob), follow-ups, preset
circles renamed or deleted, custom and tag circles, rhythms in every state, alice's agenda
settings, cards of alice, bob and nobody (sent ones pointing at an interaction), check-in
rounds with their check-ins and steps (done empathy steps pointing at the conversation they
logged), the appreciation suggestions and card list sizes of alice and bob (only alice's
travel in her export), and the vCard lines a phone stored on a person's address book card.
Each example runs in a savepoint that is rolled back, so examples do not meet.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import models, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.attention.models import (
    MAX_CADENCE_DAYS,
    AgendaSettings,
    AppreciationNudge,
    Circle,
    DigestFrequency,
    NudgeOutcome,
    Preset,
    Rhythm,
)
from aandacht.carddav.models import Card as DavCard
from aandacht.cards.models import Card, CardStatus, SeasonSettings
from aandacht.exchange.json_document import export_json, restore_json
from aandacht.people.models import (
    Address,
    Channel,
    ContactKind,
    ContactMethod,
    DateKind,
    ImportantDate,
    Person,
    Relationship,
    RelationshipKind,
    SocialService,
    Tag,
)
from aandacht.rounds.models import CheckIn, CheckInRound, CheckInStep, RoundStatus, StepKind
from aandacht.timeline.models import (
    FollowUp,
    FollowUpDirection,
    Initiator,
    Interaction,
    InteractionKind,
    Moment,
    MomentKind,
    Note,
    Outcome,
)

PERSON_TEXT = (
    "uid",
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
    "met_at",
    "met_story",
    "what_they_do",
    "what_they_care_about",
)
ADDRESS_TEXT = ("label", "street", "postal_code", "locality", "region", "country")
IMAGE_HEADS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"RIFF\x00\x00\x00\x00WEBP")
AUTHORS = ("alice", "bob", None)

# No NUL (PostgreSQL refuses it in text) and no lone surrogates (not text at all); everything
# else, line breaks, right-to-left marks and emoji included, must come back as it was.
CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


def text(model: type[models.Model], name: str, *, blank: bool = True) -> st.SearchStrategy[str]:
    limit = getattr(model._meta.get_field(name), "max_length", None) or 60
    if blank:
        return st.text(CHARACTERS, max_size=min(limit, 24))
    return st.text(CHARACTERS, min_size=1, max_size=min(limit, 24) - 1).map(
        lambda value: value if value.strip() else value + "x"
    )


def long_text() -> st.SearchStrategy[str]:
    return st.text(CHARACTERS, max_size=60)


stamps = st.datetimes(
    min_value=dt.datetime(1971, 1, 1),
    max_value=dt.datetime(2099, 12, 31),
    timezones=st.just(dt.UTC),
)
days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))


@st.composite
def yearly_dates(draw: st.DrawFn) -> dict[str, Any]:
    day = draw(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
    with_year = draw(st.booleans())
    return {
        "kind": draw(st.sampled_from(DateKind.values)),
        "label": draw(text(ImportantDate, "label")),
        "month": day.month,
        "day": day.day,
        "year": day.year if with_year else None,
    }


@st.composite
def contacts(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "kind": draw(st.sampled_from(ContactKind.values)),
        "label": draw(text(ContactMethod, "label")),
        "value": draw(text(ContactMethod, "value", blank=False)),
        "normalized": draw(text(ContactMethod, "normalized")),
        "service": draw(st.sampled_from(["", *SocialService.values])),
        "position": draw(st.integers(0, 32767)),
    }


@st.composite
def people(draw: st.DrawFn, tag_count: int, index: int, count: int) -> dict[str, Any]:
    person: dict[str, Any] = {name: draw(text(Person, name)) for name in PERSON_TEXT}
    person.update(
        met_on=draw(st.none() | days),
        met_channel=draw(st.sampled_from(["", *Channel.values])),
        met_via=draw(
            st.none() | st.sampled_from([n for n in range(count) if n != index] or [None])
        ),
        archived=draw(st.booleans()),
        deceased=draw(st.booleans()),
        deceased_on=draw(st.none() | days),
        trashed_at=draw(st.none() | stamps),
        photo=draw(
            st.none()
            | st.builds(lambda head, tail: head + tail, st.sampled_from(IMAGE_HEADS), st.binary())
        ),
        tags=draw(st.lists(st.integers(0, tag_count - 1), unique=True)) if tag_count else [],
        contacts=draw(st.lists(contacts(), max_size=3)),
        addresses=draw(
            st.lists(
                st.fixed_dictionaries({name: text(Address, name) for name in ADDRESS_TEXT}),
                max_size=2,
            )
        ),
        dates=draw(st.lists(yearly_dates(), max_size=3)),
        vcard_extra=draw(st.lists(vcard_lines(), max_size=3)),
    )
    return person


# A property line as a phone sends it: a group now and then, parameters (quoted ones holding
# ":" and ";"), any value without a line break.
VCARD_VALUE = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\n"), max_size=30
)


@st.composite
def vcard_lines(draw: st.DrawFn) -> str:
    group = draw(st.sampled_from(["", "item1.", "Item22."]))
    name = draw(st.from_regex(r"\A(X-[A-Za-z0-9-]{1,12}|NOTE|TEL|PHOTO)\Z"))
    params = draw(
        st.lists(
            st.sampled_from(["TYPE=home", "HOME", 'X-Q="a:b;c"', "TYPE=cell,voice", "x-user=ann"]),
            max_size=2,
        )
    )
    return group + name + "".join(f";{each}" for each in params) + ":" + draw(VCARD_VALUE)


@dataclass
class Spec:
    """A vault described in plain data; ``build`` writes it."""

    tags: list[tuple[str, str]]
    people: list[dict[str, Any]]
    relationships: list[tuple[int, int, str, str]]
    interactions: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    moments: list[dict[str, Any]]
    follow_ups: list[dict[str, Any]]
    presets: dict[str, tuple[bool, str, int]]
    circles: list[tuple[str, int, int | None]]
    rhythms: dict[int, dict[str, Any]]
    agenda: dict[str, Any] | None = field(default=None)
    cards: list[dict[str, Any]] = field(default_factory=list)
    rounds: list[dict[str, Any]] = field(default_factory=list)
    nudges: list[dict[str, Any]] = field(default_factory=list)
    card_season: dict[str, int | None] = field(default_factory=dict)  # list size per user


@st.composite
def vaults(draw: st.DrawFn) -> Spec:
    tag_names = draw(st.lists(text(Tag, "name", blank=False), max_size=4, unique=True))
    tags = [(name, draw(st.from_regex(r"\A#[0-9a-f]{6}\Z"))) for name in tag_names]
    count = draw(st.integers(0, 5))
    persons = [draw(people(len(tags), index, count)) for index in range(count)]
    pairs = [(a, b) for a in range(count) for b in range(count) if a != b]
    relationships = (
        draw(
            st.lists(
                st.tuples(st.sampled_from(pairs), st.sampled_from(RelationshipKind.values)),
                max_size=4,
                unique=True,
            )
        )
        if pairs
        else []
    )
    everyone = list(range(count))

    def entry(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries(
            {"person": st.sampled_from(everyone), "occurred_at": stamps, **fields}
        )

    if everyone:
        interactions = draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "people": st.lists(st.sampled_from(everyone), max_size=3, unique=True),
                        "kind": st.sampled_from(InteractionKind.values),
                        "outcome": st.sampled_from(Outcome.values),
                        "occurred_at": stamps,
                        "initiated_by": st.sampled_from(Initiator.values),
                        "summary": long_text(),
                        "author": st.sampled_from(AUTHORS),
                    }
                ),
                max_size=4,
            )
        )
        notes = draw(
            st.lists(
                entry(
                    body=long_text(),
                    private=st.booleans(),
                    author=st.sampled_from(AUTHORS),
                ),
                max_size=4,
            )
        )
        moments = draw(
            st.lists(
                entry(
                    kind=st.sampled_from(MomentKind.values),
                    text=long_text(),
                    private=st.booleans(),
                    author=st.sampled_from(AUTHORS),
                ),
                max_size=3,
            )
        )
        follow_ups = draw(
            st.lists(
                entry(
                    text=long_text(),
                    direction=st.sampled_from(FollowUpDirection.values),
                    due_on=st.none() | days,
                    done_at=st.none() | stamps,
                    author=st.sampled_from(AUTHORS),
                ),
                max_size=3,
            )
        )
    else:
        interactions, notes, moments, follow_ups = [], [], [], []
    presets = {
        preset: (
            draw(st.booleans()),
            draw(st.sampled_from(["", "Renamed"])),
            draw(st.integers(1, MAX_CADENCE_DAYS)),
        )
        for preset in Preset.values
    }
    free_tags = list(range(len(tags)))
    circles: list[tuple[str, int, int | None]] = []
    for _ in range(draw(st.integers(0, 3))):
        tag = draw(st.none() | st.sampled_from(free_tags)) if free_tags else None
        if tag is not None:
            free_tags.remove(tag)
        name = draw(text(Circle, "name", blank=tag is not None))
        if not name:
            name = "" if tag is not None else "Circle"
        circles.append((name, draw(st.integers(1, MAX_CADENCE_DAYS)), tag))
    circle_count = len(Preset.values) + len(circles)
    rhythm_fields = st.fixed_dictionaries(
        {
            "circle": st.none() | st.integers(0, circle_count - 1),
            "cadence_days": st.none() | st.integers(1, MAX_CADENCE_DAYS),
            "muted": st.booleans(),
            "paused_until": st.none() | days,
            "snoozed_until": st.none() | days,
            "skipped_on": st.none() | days,
            "handled_on": st.none() | days,
            "handled_as": st.sampled_from(["", "done", "attempted", "snoozed", "skipped"]),
            "since": days,
        }
    )
    with_rhythm = draw(st.lists(st.sampled_from(everyone), unique=True)) if everyone else []
    rhythms = {person: draw(rhythm_fields) for person in with_rhythm}
    agenda = draw(
        st.none()
        | st.fixed_dictionaries(
            {
                "capacity": st.integers(1, 50),
                "weekdays": st.lists(st.sampled_from("1234567"), unique=True).map("".join),
                "time_zone": text(AgendaSettings, "time_zone"),
                "retry_after_days": st.integers(1, 30),
                "one_way_resets": st.booleans(),
                "digest_frequency": st.sampled_from(DigestFrequency.values),
                "digest_time": st.times(),
                "digest_weekday": st.integers(1, 7),
                "appreciation_every_days": st.integers(0, 365),
            }
        )
    )
    cards, rounds, nudges = issue_6(draw, everyone, len(interactions))
    return Spec(
        tags=tags,
        people=persons,
        relationships=[(a, b, kind, "") for (a, b), kind in relationships],
        interactions=interactions,
        notes=notes,
        moments=moments,
        follow_ups=follow_ups,
        presets=presets,
        circles=circles,
        rhythms=rhythms,
        agenda=agenda,
        cards=cards,
        rounds=rounds,
        nudges=nudges,
        card_season={user: draw(st.none() | st.integers(3, 20)) for user in ("alice", "bob")},
    )


def issue_6(
    draw: st.DrawFn, everyone: list[int], interaction_count: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Cards (one per person, author and year, except that authorless ones may repeat),
    check-in rounds with any subset of steps, and suggestions (one per user and day)."""
    if not everyone:
        return [], [], []
    interaction = st.none() | (
        st.integers(0, interaction_count - 1) if interaction_count else st.none()
    )
    cards: list[dict[str, Any]] = []
    taken: set[tuple[int, str, int]] = set()
    for _ in range(draw(st.integers(0, 5))):
        card = draw(
            st.fixed_dictionaries(
                {
                    "person": st.sampled_from(everyone),
                    "author": st.sampled_from(AUTHORS),
                    "year": st.integers(1, 9999),
                    "status": st.sampled_from(CardStatus.values),
                    "text": long_text(),
                    "sent_at": st.none() | stamps,
                    "interaction": interaction,
                }
            )
        )
        key = (card["person"], card["author"], card["year"])
        if card["author"] is not None and key in taken:
            continue
        taken.add(key)
        cards.append(card)
    step = st.fixed_dictionaries(
        {
            "note": long_text(),
            "done_at": st.none() | stamps,
            "done_by": st.sampled_from(AUTHORS),
            "interaction": interaction,
        }
    )
    rounds = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "name": text(CheckInRound, "name", blank=False),
                    "reason": long_text(),
                    "status": st.sampled_from(RoundStatus.values),
                    "chosen_by": text(CheckInRound, "chosen_by"),
                    "author": st.sampled_from(AUTHORS),
                    "finished_at": st.none() | stamps,
                    "check_ins": st.lists(
                        st.tuples(
                            st.sampled_from(everyone),
                            st.dictionaries(st.sampled_from(StepKind.values), step),
                        ),
                        max_size=3,
                        unique_by=lambda pair: pair[0],
                    ),
                }
            ),
            max_size=2,
        )
    )
    # Only a done empathy step has the conversation it logged, and no two steps share one.
    linked: set[int] = set()
    for data in rounds:
        for _person, steps in data["check_ins"]:
            for kind, step in steps.items():
                index = step["interaction"]
                if kind != StepKind.EMPATHY or step["done_at"] is None or index in linked:
                    step["interaction"] = None
                elif index is not None:
                    linked.add(index)
    nudges = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "user": st.sampled_from(["alice", "bob"]),
                    "person": st.sampled_from(everyone),
                    "offered_on": days,
                    "outcome": st.sampled_from(NudgeOutcome.values),
                    "handled_at": st.none() | stamps,
                    "interaction": interaction,
                }
            ),
            max_size=4,
            unique_by=lambda nudge: (nudge["user"], nudge["offered_on"]),
        )
    )
    return cards, rounds, nudges


def build(spec: Spec, vault: Vault, users: dict[str, User]) -> None:
    """Write the spec with the models themselves, so every field can take any value."""

    def author(name: str | None) -> User | None:
        return None if name is None else users[name]

    tags = [Tag.objects.create(vault=vault, name=name, colour=colour) for name, colour in spec.tags]
    persons: list[Person] = []
    for data in spec.people:
        person = Person(vault=vault, **{name: data[name] for name in PERSON_TEXT})
        for name in ("met_on", "met_channel", "archived", "deceased", "deceased_on"):
            setattr(person, name, data[name])
        person.trashed_at = data["trashed_at"]
        if data["photo"] is not None:
            person.photo.save("photo.bin", ContentFile(data["photo"]), save=False)
        person.save()
        person.tags.set([tags[index] for index in data["tags"]])
        for contact in data["contacts"]:
            ContactMethod.objects.create(person=person, **contact)
        for address in data["addresses"]:
            Address.objects.create(person=person, **address)
        for date in data["dates"]:
            ImportantDate.objects.create(person=person, **date)
        if data["vcard_extra"]:
            DavCard.objects.create(
                vault=vault,
                person=person,
                href=f"phone-{len(persons)}.vcf",
                extra="\n".join(data["vcard_extra"]),
            )
        persons.append(person)
    for person, data in zip(persons, spec.people, strict=True):
        if data["met_via"] is not None:
            person.met_via = persons[data["met_via"]]
            person.save(update_fields=["met_via"])
    for a, b, kind, note in spec.relationships:
        Relationship.objects.create(
            vault=vault, from_person=persons[a], to_person=persons[b], kind=kind, note=note
        )
    for data in spec.interactions:
        interaction = Interaction.objects.create(
            vault=vault,
            kind=data["kind"],
            outcome=data["outcome"],
            occurred_at=data["occurred_at"],
            initiated_by=data["initiated_by"],
            summary=data["summary"],
            author=author(data["author"]),
        )
        interaction.people.set([persons[index] for index in data["people"]])
    for data in spec.notes:
        Note.objects.create(
            vault=vault,
            person=persons[data["person"]],
            body=data["body"],
            private=data["private"],
            occurred_at=data["occurred_at"],
            author=author(data["author"]),
        )
    for data in spec.moments:
        Moment.objects.create(
            vault=vault,
            person=persons[data["person"]],
            kind=data["kind"],
            text=data["text"],
            private=data["private"],
            occurred_at=data["occurred_at"],
            author=author(data["author"]),
        )
    for data in spec.follow_ups:
        FollowUp.objects.create(
            vault=vault,
            person=persons[data["person"]],
            text=data["text"],
            direction=data["direction"],
            due_on=data["due_on"],
            done_at=data["done_at"],
            occurred_at=data["occurred_at"],
            author=author(data["author"]),
        )
    circles = list(Circle.objects.filter(vault=vault).order_by("pk"))
    for circle in circles:
        keep, name, cadence = spec.presets[circle.preset]
        circle.name, circle.cadence_days = name, cadence
        circle.save()
    for name, cadence, tag in spec.circles:
        circles.append(
            Circle.objects.create(
                vault=vault,
                name=name,
                cadence_days=cadence,
                tag=None if tag is None else tags[tag],
            )
        )
    for person_index, data in spec.rhythms.items():
        values = dict(data)
        values["circle"] = None if data["circle"] is None else circles[data["circle"]]
        Rhythm.objects.update_or_create(person=persons[person_index], defaults=values)
    for circle in circles[: len(Preset.values)]:
        if not spec.presets[circle.preset][0]:
            circle.delete()
    if spec.agenda is not None:
        AgendaSettings.objects.update_or_create(user=users["alice"], defaults=spec.agenda)
    interactions = list(Interaction.objects.filter(vault=vault).order_by("pk"))

    def interaction(index: int | None) -> Interaction | None:
        return None if index is None else interactions[index]

    for data in spec.cards:
        Card.objects.create(
            vault=vault,
            person=persons[data["person"]],
            author=author(data["author"]),
            year=data["year"],
            status=data["status"],
            text=data["text"],
            sent_at=data["sent_at"],
            interaction=interaction(data["interaction"]),
        )
    for data in spec.rounds:
        check_in_round = CheckInRound.objects.create(
            vault=vault,
            name=data["name"],
            reason=data["reason"],
            status=data["status"],
            chosen_by=data["chosen_by"],
            author=author(data["author"]),
            finished_at=data["finished_at"],
        )
        for person_index, steps in data["check_ins"]:
            check_in = CheckIn.objects.create(round=check_in_round, person=persons[person_index])
            for kind, step in steps.items():
                CheckInStep.objects.create(
                    check_in=check_in,
                    kind=kind,
                    note=step["note"],
                    done_at=step["done_at"],
                    done_by=author(step["done_by"]),
                    interaction=interaction(step["interaction"]),
                )
    for name, size in spec.card_season.items():
        if size is not None:
            SeasonSettings.objects.create(vault=vault, user=users[name], list_size=size)
    for data in spec.nudges:
        AppreciationNudge.objects.create(
            user=users[data["user"]],
            vault=vault,
            person=persons[data["person"]],
            offered_on=data["offered_on"],
            outcome=data["outcome"],
            handled_at=data["handled_at"],
            interaction=interaction(data["interaction"]),
        )


def export_doc(vault: Vault, user: User) -> dict[str, Any]:
    out = io.StringIO()
    export_json(vault, out, user=user)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def comparable(doc: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in doc.items() if key not in ("exported_at", "vault")}


def new_vault(name: str, users: dict[str, User]) -> Vault:
    vault = Vault.objects.create(name=name)
    Membership.objects.create(vault=vault, user=users["alice"], role=Role.OWNER)
    Membership.objects.create(vault=vault, user=users["bob"], role=Role.EDITOR)
    return vault


@pytest.fixture
def users(alice: User, bob: User) -> dict[str, User]:
    return {"alice": alice, "bob": bob}


def check_issue_6(doc: dict[str, Any], spec: Spec) -> None:
    """The first export says what was built: every card (the text only of alice's own), every
    round, check-in and step, and alice's suggestions only; references lead to the same rows."""
    people = [person["id"] for person in doc["people"]]
    interactions = [entry["id"] for entry in doc["interactions"]]

    def stamp(value: dt.datetime | None) -> str | None:
        return None if value is None else value.isoformat()

    def reference(index: int | None) -> str | None:
        return None if index is None else interactions[index]

    assert doc["cards"] == [
        {
            "person": people[card["person"]],
            "author": card["author"],
            "year": card["year"],
            "status": card["status"],
            "text": card["text"] if card["author"] == "alice" else None,
            "sent_at": stamp(card["sent_at"]),
            "interaction": reference(card["interaction"]),
            "created_at": exported["created_at"],
            "updated_at": exported["updated_at"],
        }
        for card, exported in zip(spec.cards, doc["cards"], strict=True)
    ]
    assert [
        {key: value for key, value in entry.items() if key not in ("created_at", "check_ins")}
        for entry in doc["check_in_rounds"]
    ] == [
        {
            "name": data["name"],
            "reason": data["reason"],
            "status": data["status"],
            "chosen_by": data["chosen_by"],
            "author": data["author"],
            "finished_at": stamp(data["finished_at"]),
        }
        for data in spec.rounds
    ]
    for data, entry in zip(spec.rounds, doc["check_in_rounds"], strict=True):
        assert [
            (check_in["person"], [{**s, "updated_at": None} for s in check_in["steps"]])
            for check_in in entry["check_ins"]
        ] == [
            (
                people[person],
                [
                    {
                        "kind": kind,
                        "note": step["note"],
                        "done_at": stamp(step["done_at"]),
                        "done_by": step["done_by"],
                        "interaction": reference(step["interaction"]),
                        "updated_at": None,
                    }
                    for kind, step in steps.items()
                ],
            )
            for person, steps in data["check_ins"]
        ]
    assert doc["appreciation_nudges"] == [
        {
            "person": people[nudge["person"]],
            "offered_on": nudge["offered_on"].isoformat(),
            "outcome": nudge["outcome"],
            "handled_at": stamp(nudge["handled_at"]),
            "interaction": reference(nudge["interaction"]),
        }
        for nudge in spec.nudges
        if nudge["user"] == "alice"
    ]
    alice_size = spec.card_season["alice"]
    assert doc["card_season"] == (None if alice_size is None else {"list_size": alice_size})
    if spec.agenda is not None:
        assert (
            doc["agenda_settings"]["appreciation_every_days"]
            == spec.agenda["appreciation_every_days"]
        )


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=vaults())
def test_export_restore_export_is_the_same_document(users: dict[str, User], spec: Spec) -> None:
    with transaction.atomic():
        source = new_vault("Source", users)
        build(spec, source, users)
        first = export_doc(source, users["alice"])
        text = json.dumps(first)

        # bob's private notes and moments never leave with alice's export.
        for entry in (*first["notes"], *first["moments"]):
            assert not entry["private"] or entry["author"] == "alice"
        bobs_secrets = [
            entry.body
            for entry in Note.objects.filter(vault=source, private=True, author__username="bob")
        ]
        assert (
            len(first["notes"])
            == Note.objects.filter(vault=source)
            .exclude(private=True, author__username="bob")
            .exclude(private=True, author=None)
            .count()
        )
        assert "feed_token" not in text

        check_issue_6(first, spec)
        assert [person["vcard_extra"] for person in first["people"]] == [
            data["vcard_extra"] for data in spec.people
        ]

        target = new_vault("Target", users)
        counts = restore_json(target, io.BytesIO(text.encode()), user=users["alice"])
        assert counts["people"] == len(spec.people)
        second = export_doc(target, users["alice"])
        assert comparable(second) == comparable(first)
        if bobs_secrets:
            assert not Note.objects.filter(
                vault=target, author__username="bob", private=True
            ).exists()
        transaction.set_rollback(True)
