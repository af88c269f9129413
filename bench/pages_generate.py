"""A large, realistic vault for ``make bench-pages`` (issue 9): people, years of history, rhythms.

Default size: 50,000 people, 1,000,000 interactions, 150,000 notes and 50,000 moments, owned by
one user (the local owner unless ``--user`` names another). What it looks like:

* Dutch and international names with particles (the word lists of ``import_generate``), 5 %
  with a nickname, 70 % with an organisation and a role, 40 % with a home address, 1–3 emails
  and 0–2 phone numbers, 0–3 tags out of 40, 60 % with a birthday (a quarter without the
  year), some anniversaries, 3 % archived, a few deceased, some relationships.
* Zipf-like activity: every person has a weight ``(rank + 20) ** -1.25`` (the 20 scales with
  the size): the busiest few
  have thousands of interactions, the median person a handful and many none at all. Each
  person also has a "last active" day: the busiest are active until today, most stopped
  months or years ago (dormant); their interactions spread backwards from that day over up
  to ten years. 10 % of interactions are with a group of 2–4 people.
* Keep in touch: about 8 % of the people in one of the four preset circles, some with a
  personal cadence, a tag circle ("Familie", 14 days wide), a few muted or paused; open
  follow-ups (some due), so Today and the attention report have work to do.

It is fast because it writes rows directly: one transaction, explicit primary keys,
``executemany`` on SQLite and ``COPY`` on PostgreSQL, no model instances or signals per row.
What signals and ``save()`` would have kept up is written here, exactly as the app does it:
the sort key and the two search columns (``people.search.build_documents``; public notes
included), the SQLite FTS index (``search_index_sql.index_people`` with the insert trigger
paused, as the importer does), each person's ``Rhythm`` with the last conversation, attempt
and one-way contact (``attention.services.refresh_last_contacts`` creates one for everyone
with an interaction), and the PostgreSQL identity sequences; it ends with ``ANALYZE`` on both
databases and ``VACUUM`` on PostgreSQL (what autovacuum would do shortly after such an
insert). CardDAV cards are not made: a new vault has no address book until a phone asks. A
new derived table or denormalised column must be filled in :func:`_derived` too (the tests
compare with the app's own refresh).

Deterministic: the same sizes and seed give the same vault (ids included, in an empty
database). Usage, in a fresh data directory (SQLite) or with ``DATABASE_URL``::

    AANDACHT_DATA_DIR=/tmp/big .venv/bin/python bench/pages_generate.py --people 50000 \\
        --password bench-pages-password

(``--people`` scales the other counts unless given: ``--interactions``, ``--notes``,
``--moments``; ``--seed``; ``--user``; ``--vault-name``; ``--today YYYY-MM-DD``.) It migrates
the database first, prints the vault's id and the counts, and takes about a few minutes at full
size on SQLite. Then ``AANDACHT_DATA_DIR=/tmp/big .venv/bin/aandacht serve`` and sign in as
the printed user with that password.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import os
import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import import_generate as words  # noqa: E402

DEFAULT_PEOPLE = 50_000
INTERACTIONS_PER_PERSON = 20
NOTES_PER_PERSON = 3
MOMENTS_PER_PERSON = 1
DEFAULT_SEED = 20261206
ZIPF_OFFSET = 20
ZIPF_EXPONENT = 1.25
SHARE_GROUP = 0.10
SHARE_BIRTHDAY = 0.60
SHARE_YEARLESS = 0.25
SHARE_ANNIVERSARY = 0.03
SHARE_ADDRESS = 0.40
SHARE_ORG = 0.70
SHARE_NICKNAME = 0.05
SHARE_ARCHIVED = 0.03
SHARE_DECEASED = 0.002
SHARE_PRIVATE_NOTE = 0.05
SHARE_RELATED = 0.10
HISTORY_YEARS = 10
BATCH = 20_000

EXTRA_TAGS = [
    "Family", "Work", "Friends", "Neighbours", "Clients", "Investors", "Mentors", "Alumni",
    "Climbing", "Running club", "Choir", "Parents at school", "Board", "Suppliers", "Press",
    "Recruiters", "Startups", "Open source", "Django", "Photography", "Cycling", "Chess",
    "Old colleagues", "Conference speakers", "Volunteers", "Book club EN",
]  # fmt: skip
TAG_COLOURS = ["#6b7280", "#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#0891b2"]
NICKNAMES = ["Bas", "Mo", "Liz", "Hans", "Jo", "Pim", "Kiki", "Sam", "Tom", "Max", "Fee", "Lex"]
MET_AT = [
    "PyCon NL", "Dutch Design Week", "a wedding in Utrecht", "the school gate", "the office",
    "a hackathon", "Web Summit", "the climbing gym", "a dinner party", "the train to Brussels",
]  # fmt: skip
CHANNELS = ["conference", "meetup", "linkedin", "introduction", "work", "client", "school",
            "neighbourhood", "family", "friends", "sports", "online", "other"]  # fmt: skip
WHAT_THEY_DO = [
    "Builds bridges, literally: structural engineer at a dredging company.",
    "Runs a small bakery and teaches sourdough classes on Sundays.",
    "Helps hospitals plan their night shifts with software.",
    "Writes about housing for a national newspaper.",
    "Teaches maths and coaches the school's chess team.",
]
# (kind, outcome, weight); the outcome is the app's default for the kind (DEFAULT_OUTCOME).
INTERACTION_KINDS = [
    ("message", "conversation", 40), ("call", "conversation", 15), ("meeting", "conversation", 15),
    ("video", "conversation", 8), ("email", "one-way", 14), ("voicemail", "attempt", 5),
    ("card", "one-way", 2), ("gift", "one-way", 1),
]  # fmt: skip
SUMMARIES = [
    "", "", "", "Coffee, talked about the new job.", "Caught up about the kids and holidays.",
    "Quick call about the proposal.", "Lunch near the station.", "Birthday wishes.",
    "Asked for an introduction to the team at {org}.", "Walked along the canal; plans for {city}.",
    "Sent the article we discussed.", "Drinks after the meetup.", "Helped with the move.",
    "Feedback on the draft; follow up next month.", "Talked about running the marathon.",
]  # fmt: skip
NOTE_BODIES = words.NOTES + [
    "Prefers mornings. Vegetarian. Two daughters, both at university.",
    "Reads a lot of science fiction; recommended The Dispossessed.",
    "Moving to {city} in the spring; wants tips for schools.",
    "Works on the data platform at {org}; knows everyone in the analytics team.",
    "Collects vinyl. Birthday party is usually the first Saturday of the month.",
]
MOMENT_TEXTS = [
    ("shared", "The night we missed the last train and walked home from {city}."),
    ("shared", "Building the treehouse together in the summer."),
    ("grateful", "Stayed with me in the hospital the whole evening."),
    ("grateful", "Lent me the car when mine broke down before the move."),
    ("strength", "Always calm when everything is on fire."),
    ("strength", "Tells the truth kindly."),
]
FOLLOW_UPS = [
    ("promise", "Send the book recommendation."),
    ("promise", "Introduce to someone at {org}."),
    ("request", "Asked for feedback on the CV."),
    ("request", "Wants the photos of the weekend."),
]
RELATIONSHIP_KINDS = ["friend", "colleague", "sibling", "partner", "manager", "mentor", "client"]
CIRCLE_SHARES = {"inner": 0.002, "monthly": 0.012, "quarterly": 0.03, "yearly": 0.04}
SHARE_PERSONAL_CADENCE = 0.005
SHARE_MUTED = 0.002
SHARE_PAUSED = 0.002
FAMILY_TAG = "Familie"
FAMILY_CIRCLE_DAYS = 14


@dataclass(frozen=True)
class Sizes:
    people: int = DEFAULT_PEOPLE
    interactions: int = DEFAULT_PEOPLE * INTERACTIONS_PER_PERSON
    notes: int = DEFAULT_PEOPLE * NOTES_PER_PERSON
    moments: int = DEFAULT_PEOPLE * MOMENTS_PER_PERSON

    @classmethod
    def scaled(cls, people: int) -> Sizes:
        """The default proportions for ``people`` (the bench's BENCH_PAGES_PEOPLE)."""
        return cls(
            people,
            people * INTERACTIONS_PER_PERSON,
            people * NOTES_PER_PERSON,
            people * MOMENTS_PER_PERSON,
        )


@dataclass
class Generated:
    """What was made: the vault, its owner, and people to look at (for the benchmark)."""

    vault_id: int
    username: str
    counts: dict[str, int]
    busiest: list[int] = field(default_factory=list)  # person ids, most interactions first
    dormant: list[int] = field(default_factory=list)  # people with old interactions only
    interaction_counts: dict[int, int] = field(default_factory=dict)
    first_person: int = 0  # the generated people's ids run from first_person to last_person
    last_person: int = 0
    seconds: float = 0.0


class _Writer:
    """Rows into one model's table: explicit columns, the rest at their defaults."""

    def __init__(self, model: Any, fields: Sequence[str], *, with_pk: bool = True) -> None:
        from django.db import connection

        self.connection = connection
        self.model = model
        self.table = model._meta.db_table
        named = [model._meta.get_field(name) for name in fields]
        given = {f.attname for f in named}
        extra = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in given and not (f.primary_key and not with_pk)
        ]
        if with_pk and model._meta.pk.attname not in given:
            raise ValueError(f"{self.table}: give the primary key first")
        self.columns = [f.column for f in named] + [f.column for f in extra]
        self.tail = tuple(_plain_default(f) for f in extra)

    def write(self, rows: Iterable[tuple[Any, ...]]) -> int:
        count = 0
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as wrapper:
                raw = wrapper.cursor
                columns = ", ".join(f'"{c}"' for c in self.columns)
                with raw.copy(f'COPY "{self.table}" ({columns}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row + self.tail)
                        count += 1
            return count
        marks = ", ".join(["%s"] * len(self.columns))
        columns = ", ".join(f'"{c}"' for c in self.columns)
        sql = f'INSERT INTO "{self.table}" ({columns}) VALUES ({marks})'  # noqa: S608
        with self.connection.cursor() as cursor:
            iterator = iter(rows)
            while batch := [row + self.tail for row in itertools.islice(iterator, BATCH)]:
                cursor.executemany(sql, batch)
                count += len(batch)
        return count


def _plain_default(model_field: Any) -> Any:
    from django.db import models

    if isinstance(model_field, models.DateTimeField) and (
        model_field.auto_now or model_field.auto_now_add
    ):
        raise ValueError(f"{model_field} is set on save: give it explicitly")
    value = model_field.get_default()
    if isinstance(value, dt.datetime):
        return _when(value)
    return value


def _when(moment: dt.datetime) -> Any:
    """A datetime as the database column takes it (SQLite: naive UTC text, like Django)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    return moment


def _next_id(model: Any) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        table = model._meta.db_table
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608
        return int(cursor.fetchone()[0]) + 1


def _reset_sequences(models: Iterable[Any]) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            column = model._meta.pk.column
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "  # noqa: S608
                f'COALESCE((SELECT MAX("{column}") FROM "{table}"), 1))'
            )


@dataclass
class _Person:
    pk: int
    given: str
    particles: str
    family: str
    nickname: str
    organisation: str
    department: str
    job_title: str
    city: tuple[str, str, str, str]
    tags: list[int]
    archived: bool
    deceased_on: dt.date | None
    met_on: dt.date | None
    met_at: str
    met_channel: str
    what_they_do: str
    created_at: dt.datetime
    last_active: dt.date
    methods: list[tuple[str, str, str, str, str, int]] = field(default_factory=list)
    public_notes: list[tuple[dt.datetime, int, str]] = field(default_factory=list)


def _slug(text: str) -> str:
    return words.ascii_slug(text) or "x"


def generate(
    sizes: Sizes | None = None,
    *,
    seed: int = DEFAULT_SEED,
    username: str | None = None,
    password: str | None = None,
    vault_name: str = "Big network",
    today: dt.date | None = None,
    progress: Any = None,
) -> Generated:
    """Make one vault of ``sizes`` for the user ``username`` (default: the local owner).

    Needs a set-up, migrated Django (``aandacht.bootstrap.ensure_ready``). ``password``, when
    given, becomes the user's password (what the first run in the browser does).
    """
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.utils import timezone

    from aandacht.accounts.models import Membership, Role, Vault
    from aandacht.accounts.services import ensure_local_owner

    sizes = sizes or Sizes()
    say = progress or (lambda message: None)
    started = time.perf_counter()
    today = today or timezone.localdate()
    chooser = random.Random(seed)
    with transaction.atomic():
        user = User.objects.get(username=username) if username else ensure_local_owner()
        if password is not None:
            user.set_password(password)
            user.save(update_fields=["password"])
        vault = Vault.objects.create(name=vault_name)  # its preset circles come with it
        Membership.objects.create(vault=vault, user=user, role=Role.OWNER)
        result = _fill(vault, user, sizes, chooser, today, say)
    from django.db import connection

    # What autovacuum does within a minute of such an insert on a real PostgreSQL server (and
    # ``PRAGMA optimize`` in time on SQLite): without statistics the planner guesses, and the
    # benchmark would measure that. On SQLite it also fills sqlite_stat1. On PostgreSQL a
    # VACUUM too: else autovacuum vacuums the million fresh rows while the pages are measured
    # (two runs' PostgreSQL legs came out 2-4x slow on every page that way).
    with connection.cursor() as cursor:
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")  # (a test's transaction)
    say("analyzed")
    result.seconds = round(time.perf_counter() - started, 1)
    return result


def _fill(
    vault: Any, user: Any, sizes: Sizes, chooser: random.Random, today: dt.date, say: Any
) -> Generated:
    from django.db import connection

    from aandacht.attention.models import Circle, Rhythm
    from aandacht.people import search_index_sql
    from aandacht.people.models import (
        Address,
        ContactMethod,
        ImportantDate,
        Person,
        Relationship,
        Tag,
    )
    from aandacht.people.names import sort_key
    from aandacht.people.search import build_documents
    from aandacht.timeline.models import FollowUp, Interaction, Moment, Note

    tz_now = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    now_text = _when(tz_now)
    n = sizes.people

    # Tags ------------------------------------------------------------------------------
    tag_names = list(dict.fromkeys([*words.TAGS, *EXTRA_TAGS]))
    first_tag = _next_id(Tag)
    tag_ids = {name: first_tag + i for i, name in enumerate(tag_names)}
    _Writer(Tag, ["id", "vault", "name", "colour"]).write(
        (pk, vault.pk, name, TAG_COLOURS[i % len(TAG_COLOURS)])
        for i, (name, pk) in enumerate(tag_ids.items())
    )
    tag_by_id = {pk: name for name, pk in tag_ids.items()}
    tag_weights = [1.0 / (i + 3) for i in range(len(tag_names))]
    tag_pool = list(tag_ids.values())

    # People (in memory first: notes feed the search columns) ----------------------------
    first_person = _next_id(Person)
    people: list[_Person] = []
    order = list(range(n))
    chooser.shuffle(order)  # activity rank is independent of the id (and the name)
    rank_of = {first_person + i: order[i] for i in range(n)}
    for i in range(n):
        pk = first_person + i
        rank = rank_of[pk]
        given = chooser.choice(words.GIVEN)
        particles, family = chooser.choice(words.FAMILY)
        has_org = chooser.random() < SHARE_ORG
        city = chooser.choice(words.CITIES)
        tags = sorted(
            set(chooser.choices(tag_pool, tag_weights, k=chooser.choice([0, 1, 1, 2, 3])))
        )
        # The busiest are active until today; the rest stopped some time ago (dormant).
        if rank < n * 0.05:
            last_active = today - dt.timedelta(days=chooser.randint(0, 20))
        elif rank < n * 0.30:
            last_active = today - dt.timedelta(days=chooser.randint(0, 400))
        else:
            last_active = today - dt.timedelta(days=chooser.randint(200, 365 * HISTORY_YEARS))
        deceased = chooser.random() < SHARE_DECEASED
        met = chooser.random() < 0.4
        person = _Person(
            pk=pk,
            given=given,
            particles=particles,
            family=family,
            nickname=chooser.choice(NICKNAMES) if chooser.random() < SHARE_NICKNAME else "",
            organisation=chooser.choice(words.ORGS) if has_org else "",
            department=chooser.choice(words.DEPARTMENTS) if has_org else "",
            job_title=chooser.choice(words.TITLES) if has_org else "",
            city=city,
            tags=tags,
            archived=chooser.random() < SHARE_ARCHIVED,
            deceased_on=today - dt.timedelta(days=chooser.randint(30, 2000)) if deceased else None,
            met_on=today - dt.timedelta(days=chooser.randint(30, 365 * 12)) if met else None,
            met_at=chooser.choice(MET_AT) if met and chooser.random() < 0.5 else "",
            met_channel=chooser.choice(CHANNELS) if met else "",
            what_they_do=chooser.choice(WHAT_THEY_DO) if chooser.random() < 0.1 else "",
            created_at=tz_now - dt.timedelta(days=chooser.randint(0, 365 * 6)),
            last_active=last_active,
        )
        local = f"{_slug(given)}.{_slug(particles + family)}"
        for position in range(chooser.choice([1, 1, 1, 2, 2, 3])):
            address = f"{local}{'' if position == 0 else position}.{pk}@" + chooser.choice(
                words.DOMAINS
            )
            label = chooser.choice(["", "", "home", "work"])
            person.methods.append(("email", label, address, address.lower(), "", position))
        for position in range(chooser.choice([0, 1, 1, 1, 2])):
            digits = f"{chooser.randrange(10**8):08d}"
            value = f"06-{digits}" if chooser.random() < 0.6 else f"+31 6 {digits[:4]} {digits[4:]}"
            label = chooser.choice(["", "mobile", "home", "work"])
            person.methods.append(("phone", label, value, f"+316{digits}", "", position))
        if chooser.random() < 0.05:
            handle = f"@{_slug(given)}{pk}@mastodon.social"
            person.methods.append(("social", "", handle, handle.lower(), "mastodon", 0))
        people.append(person)
    say(f"{n} people drawn")

    # Activity weights (Zipf over the shuffled rank) --------------------------------------
    offset = max(1, round(ZIPF_OFFSET * n / DEFAULT_PEOPLE))  # the same shape at any size
    weights = [(rank_of[p.pk] + offset) ** -ZIPF_EXPONENT for p in people]
    cumulative = list(itertools.accumulate(weights))
    total = cumulative[-1]

    def draw(k: int) -> list[int]:
        picks = [bisect.bisect_left(cumulative, chooser.random() * total) for _ in range(k)]
        return [min(pick, n - 1) for pick in picks]

    def moment_for(index: int) -> dt.datetime:
        """A time before the person's last active day: most recent, a tail into the years."""
        person = people[index]
        back = min(chooser.expovariate(1 / 180.0), 365 * HISTORY_YEARS)
        day = person.last_active - dt.timedelta(days=int(back))
        seconds = chooser.randint(8 * 3600, 22 * 3600)
        return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)

    # Notes and moments (the public notes go into the search text) -----------------------
    first_note = _next_id(Note)
    note_rows: list[tuple[Any, ...]] = []
    for offset, index in enumerate(draw(sizes.notes)):
        person = people[index]
        body = chooser.choice(NOTE_BODIES).format(
            tag=tag_by_id[person.tags[0]] if person.tags else "PyCon NL",
            city=person.city[0],
            org=person.organisation or "Rabobank",
            given=person.given,
        )
        private = chooser.random() < SHARE_PRIVATE_NOTE
        when = moment_for(index)
        if not private:
            person.public_notes.append((when, first_note + offset, body))
        note_rows.append(
            (first_note + offset, vault.pk, person.pk, user.pk, body, private,
             _when(when), _when(when), _when(when))
        )  # fmt: skip
    first_moment = _next_id(Moment)
    moment_rows: list[tuple[Any, ...]] = []
    for offset, index in enumerate(draw(sizes.moments)):
        person = people[index]
        kind, text = chooser.choice(MOMENT_TEXTS)
        when = moment_for(index)
        moment_rows.append(
            (first_moment + offset, vault.pk, person.pk, user.pk, kind,
             text.format(city=person.city[0]), chooser.random() < 0.05, _when(when), _when(when))
        )  # fmt: skip
    say(f"{len(note_rows)} notes, {len(moment_rows)} moments drawn")

    # People rows, their details, the search index -----------------------------------------
    index_paused = search_index_sql.pause_sqlite_insert_trigger(connection)
    person_writer = _Writer(
        Person,
        ["id", "vault", "given_name", "particles", "family_name", "nickname", "organisation",
         "department", "job_title", "met_on", "met_at", "met_channel", "what_they_do",
         "archived", "deceased", "deceased_on", "sort_key", "search_names", "search_text",
         "created_at", "updated_at"],
    )  # fmt: skip
    search_rows: list[tuple[int, str, str]] = []

    def person_rows() -> Iterable[tuple[Any, ...]]:
        for p in people:
            shell = Person(
                given_name=p.given,
                particles=p.particles,
                family_name=p.family,
                nickname=p.nickname,
                organisation=p.organisation,
                department=p.department,
                job_title=p.job_title,
                met_at=p.met_at,
                met_channel=p.met_channel,
                what_they_do=p.what_they_do,
            )
            names, text = build_documents(
                shell,
                [(m[2], m[3]) for m in p.methods],
                # In the order the app reads them: tags by name, notes newest first.
                sorted(tag_by_id[t] for t in p.tags),
                [body for _, _, body in sorted(p.public_notes, reverse=True)],
            )
            search_rows.append((p.pk, names, text))
            fallback = p.nickname.strip() or p.organisation.strip()
            created = _when(p.created_at)
            yield (
                p.pk, vault.pk, p.given, p.particles, p.family, p.nickname, p.organisation,
                p.department, p.job_title, p.met_on, p.met_at, p.met_channel, p.what_they_do,
                p.archived, p.deceased_on is not None, p.deceased_on,
                sort_key(p.given, p.particles, p.family, fallback=fallback), names, text,
                created, created,
            )  # fmt: skip

    person_writer.write(person_rows())
    if index_paused:
        search_index_sql.index_people(connection, search_rows)
        search_index_sql.resume_sqlite_insert_trigger(connection)
    say("people written and indexed")
    _Writer(
        ContactMethod, ["person", "kind", "label", "value", "normalized", "service", "position"],
        with_pk=False,
    ).write((p.pk, *m[:4], m[4], m[5]) for p in people for m in p.methods)  # fmt: skip
    _Writer(Person.tags.through, ["person", "tag"], with_pk=False).write(
        (p.pk, t) for p in people for t in p.tags
    )

    def address_rows() -> Iterable[tuple[Any, ...]]:
        for p in people:
            if chooser.random() >= SHARE_ADDRESS:
                continue
            city, postcode, region, country = p.city
            street = f"{chooser.choice(words.STREETS)} {chooser.randint(1, 250)}"
            code = f"{postcode}{chooser.randint(10, 99)} AB" if country == "Nederland" else ""
            yield (p.pk, chooser.choice(["", "home"]), street, code, city, region, country)

    _Writer(
        Address, ["person", "label", "street", "postal_code", "locality", "region", "country"],
        with_pk=False,
    ).write(address_rows())  # fmt: skip

    def date_rows() -> Iterable[tuple[Any, ...]]:
        for p in people:
            if chooser.random() < SHARE_BIRTHDAY:
                year = None if chooser.random() < SHARE_YEARLESS else chooser.randint(1940, 2010)
                month = chooser.randint(1, 12)
                yield (p.pk, "birthday", "", month, chooser.randint(1, 28), year)
            if chooser.random() < SHARE_ANNIVERSARY:
                year = chooser.randint(1980, 2024)
                yield (
                    p.pk,
                    "anniversary",
                    "",
                    chooser.randint(1, 12),
                    chooser.randint(1, 28),
                    year,
                )

    _Writer(
        ImportantDate, ["person", "kind", "label", "month", "day", "year"], with_pk=False
    ).write(date_rows())

    def relationship_rows() -> Iterable[tuple[Any, ...]]:
        seen: set[tuple[int, int, str]] = set()
        for _ in range(int(n * SHARE_RELATED)):
            a, b = chooser.randrange(n), chooser.randrange(n)
            kind = chooser.choice(RELATIONSHIP_KINDS)
            key = (people[a].pk, people[b].pk, kind)
            if a == b or key in seen:
                continue
            seen.add(key)
            yield (vault.pk, key[0], key[1], kind, "")

    _Writer(
        Relationship, ["vault", "from_person", "to_person", "kind", "note"], with_pk=False
    ).write(relationship_rows())
    note_writer = _Writer(
        Note, ["id", "vault", "person", "author", "body", "private", "occurred_at",
               "created_at", "updated_at"],
    )  # fmt: skip
    note_writer.write(note_rows)
    _Writer(
        Moment, ["id", "vault", "person", "author", "kind", "text", "private", "occurred_at",
                 "created_at"],
    ).write(moment_rows)  # fmt: skip
    del note_rows, moment_rows
    say("details, notes and moments written")

    # Interactions, their people, and each person's last contacts --------------------------
    kinds = [(k, o) for k, o, _ in INTERACTION_KINDS]
    kind_weights = [w for _, _, w in INTERACTION_KINDS]
    first_interaction = _next_id(Interaction)
    last: dict[int, dict[str, dt.datetime]] = {}
    counts: dict[int, int] = {}
    links: list[tuple[int, int]] = []

    def interaction_rows() -> Iterable[tuple[Any, ...]]:
        drawn = draw(sizes.interactions)
        for offset, index in enumerate(drawn):
            pk = first_interaction + offset
            person = people[index]
            kind, outcome = chooser.choices(kinds, kind_weights)[0]
            when = moment_for(index)
            party = {index}
            if chooser.random() < SHARE_GROUP:
                party.update(draw(chooser.randint(1, 3)))
            for member in sorted(party):
                member_pk = people[member].pk
                links.append((pk, member_pk))
                counts[member_pk] = counts.get(member_pk, 0) + 1
                mine = last.setdefault(member_pk, {})
                if outcome not in mine or mine[outcome] < when:
                    mine[outcome] = when
            summary = chooser.choice(SUMMARIES).format(
                org=person.organisation or "ASML", city=person.city[0]
            )
            initiated = chooser.choice(["", "me", "me", "them"])
            yield (pk, vault.pk, kind, outcome, _when(when), initiated, summary, user.pk,
                   _when(when))  # fmt: skip

    _Writer(
        Interaction, ["id", "vault", "kind", "outcome", "occurred_at", "initiated_by",
                      "summary", "author", "created_at"],
    ).write(interaction_rows())  # fmt: skip
    _Writer(Interaction.people.through, ["interaction", "person"], with_pk=False).write(links)
    say(f"{sizes.interactions} interactions written ({len(links)} links)")
    links.clear()

    # Keep in touch: circles, rhythms (one for everyone with an interaction, as the app) -----
    presets = {c.preset: c.pk for c in Circle.objects.filter(vault=vault).exclude(preset="")}
    family_circle = Circle.objects.create(
        vault=vault,
        name="Familie",
        cadence_days=FAMILY_CIRCLE_DAYS,
        tag_id=tag_ids[FAMILY_TAG],
    )
    del family_circle
    rhythm_rows: list[tuple[Any, ...]] = []
    # The circles go to the most active people first, as a user would put them there.
    by_activity = sorted(people, key=lambda p: rank_of[p.pk])
    placed: dict[int, str] = {}
    start = 0
    for preset, share in CIRCLE_SHARES.items():
        size = max(1, int(n * share))
        for p in by_activity[start : start + size]:
            placed[p.pk] = preset
        start += size
    for p in people:
        mine = last.get(p.pk)
        preset = placed.get(p.pk, "")
        cadence = (
            chooser.choice([7, 21, 45, 60]) if chooser.random() < SHARE_PERSONAL_CADENCE else None
        )
        muted = chooser.random() < SHARE_MUTED
        paused = (
            today + dt.timedelta(days=chooser.randint(5, 60))
            if chooser.random() < SHARE_PAUSED
            else None
        )
        if p.archived or p.deceased_on is not None:
            preset, cadence, muted, paused = "", None, False, None
        if not (mine or preset or cadence or muted or paused):
            continue
        since = today - dt.timedelta(days=chooser.randint(0, 700)) if (preset or cadence) else today
        mine = mine or {}
        rhythm_rows.append(
            (p.pk, presets.get(preset) if preset else None, cadence, muted, paused, since,
             _maybe(mine.get("conversation")), _maybe(mine.get("attempt")),
             _maybe(mine.get("one-way")))
        )  # fmt: skip
    _Writer(
        Rhythm, ["person", "circle", "cadence_days", "muted", "paused_until", "since",
                 "last_conversation_at", "last_attempt_at", "last_one_way_at"],
    ).write(rhythm_rows)  # fmt: skip

    def follow_up_rows() -> Iterable[tuple[Any, ...]]:
        for index in draw(max(1, n // 50)):
            person = people[index]
            direction, text = chooser.choice(FOLLOW_UPS)
            due = (
                today + dt.timedelta(days=chooser.randint(-10, 30))
                if chooser.random() < 0.5
                else None
            )
            done = chooser.random() < 0.5
            when = moment_for(index)
            finished = _when(when) if done else None
            yield (vault.pk, person.pk, user.pk, text.format(org=person.organisation or "NS"),
                   direction, due, finished, _when(when), now_text)  # fmt: skip

    _Writer(
        FollowUp, ["vault", "person", "author", "text", "direction", "due_on", "done_at",
                   "occurred_at", "created_at"], with_pk=False,
    ).write(follow_up_rows())  # fmt: skip
    _derived(vault)
    _reset_sequences([Tag, Person, Note, Moment, Interaction, ContactMethod, Address,
                      ImportantDate, Relationship, FollowUp, Person.tags.through,
                      Interaction.people.through])  # fmt: skip
    say("rhythms and follow-ups written")

    ordered = sorted(counts, key=lambda pk: (-counts[pk], pk))
    dormant = [
        p.pk
        for p in people
        if p.pk in counts and (today - p.last_active).days > 3 * 365 and not p.archived
    ]
    return Generated(
        vault_id=vault.pk,
        username=user.get_username(),
        counts={
            "people": n,
            "interactions": sizes.interactions,
            "notes": sizes.notes,
            "moments": sizes.moments,
            "rhythms": len(rhythm_rows),
        },
        busiest=ordered[:50],
        dormant=dormant[:50],
        interaction_counts={pk: counts[pk] for pk in ordered[:50] + dormant[:50]},
        first_person=first_person,
        last_person=first_person + n - 1,
    )


def _maybe(moment: dt.datetime | None) -> Any:
    return None if moment is None else _when(moment)


def _derived(vault: Any) -> None:
    """Derived tables and columns the app keeps with signals and that the rows above miss.

    Empty today: the search columns, the FTS index and the rhythms' last contacts are written
    with the rows. A new one (a precomputed report, a counter on the person) goes here.
    """


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--people", type=int, default=DEFAULT_PEOPLE)
    parser.add_argument("--interactions", type=int)
    parser.add_argument("--notes", type=int)
    parser.add_argument("--moments", type=int)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--user", help="owner's username (default: the local owner)")
    parser.add_argument("--password", help="set this password for the owner")
    parser.add_argument("--vault-name", default="Big network")
    parser.add_argument("--today", type=dt.date.fromisoformat)
    arguments = parser.parse_args(argv)
    scaled = Sizes.scaled(arguments.people)
    sizes = Sizes(
        arguments.people,
        arguments.interactions if arguments.interactions is not None else scaled.interactions,
        arguments.notes if arguments.notes is not None else scaled.notes,
        arguments.moments if arguments.moments is not None else scaled.moments,
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aandacht.settings")
    from aandacht.bootstrap import ensure_ready

    ensure_ready(lambda message: print(message, file=sys.stderr))
    started = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f} s] {message}", file=sys.stderr)

    result = generate(
        sizes,
        seed=arguments.seed,
        username=arguments.user,
        password=arguments.password,
        vault_name=arguments.vault_name,
        today=arguments.today,
        progress=say,
    )
    print(
        json.dumps(
            {
                "vault_id": result.vault_id,
                "username": result.username,
                **result.counts,
                "seconds": result.seconds,
                "first_person": result.first_person,
                "last_person": result.last_person,
                "busiest": result.busiest[:10],
                "dormant": result.dormant[:10],
                "interaction_counts": {
                    str(pk): count for pk, count in result.interaction_counts.items()
                },
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
