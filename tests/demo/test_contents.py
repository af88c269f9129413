"""What the demo network contains: the variety a new user judges the product by.

Each language is loaded once for the whole module, inside a transaction that is rolled back
afterwards; the tests only read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import phonenumbers
import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from aandacht.accounts.models import Vault
from aandacht.attention import services
from aandacht.attention.models import Rhythm
from aandacht.demo import load_demo
from aandacht.people.models import (
    Address,
    ContactKind,
    ContactMethod,
    DateKind,
    ImportantDate,
    Person,
    Relationship,
    Tag,
)
from aandacht.people.names import fold
from aandacht.people.search import search_people
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

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "nl"]


@pytest.fixture(scope="module", params=LANGUAGES)
def loaded(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[tuple[Vault, User]]:
    """One demo per language for the whole module, rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        owner = User.objects.create_user(username="demo-owner")
        yield load_demo(request.param, owner=owner), owner
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded: tuple[Vault, User]) -> Vault:
    return loaded[0]


@pytest.fixture
def lang(request: pytest.FixtureRequest, loaded: tuple[Vault, User]) -> str:
    code: str = request.node.callspec.params["loaded"]
    return code


# What the network contains -------------------------------------------------------------


def test_a_year_of_history_in_sensible_amounts(demo: Vault) -> None:
    assert 600 <= Interaction.objects.filter(vault=demo).count() <= 1200
    assert Note.objects.filter(vault=demo).count() >= 50
    assert Moment.objects.filter(vault=demo).count() >= 25
    assert FollowUp.objects.filter(vault=demo).count() >= 30


def test_every_interaction_kind_with_outcomes_and_initiators(demo: Vault) -> None:
    interactions = Interaction.objects.filter(vault=demo)
    assert set(interactions.values_list("kind", flat=True)) == set(InteractionKind.values)
    assert set(interactions.values_list("initiated_by", flat=True)) == set(Initiator.values)
    outcomes = set(interactions.filter(kind="voicemail").values_list("outcome", flat=True))
    assert outcomes == {Outcome.ATTEMPT}
    assert interactions.filter(kind="message", outcome=Outcome.ONE_WAY).exists()
    assert interactions.filter(kind="call", outcome=Outcome.CONVERSATION).exists()
    several = [i for i in interactions.prefetch_related("people") if len(i.people.all()) > 1]
    assert len(several) >= 10
    assert not interactions.filter(summary="").exists()


def test_moments_notes_and_follow_ups(loaded: tuple[Vault, User]) -> None:
    demo, owner = loaded
    moments = Moment.objects.filter(vault=demo)
    assert set(moments.values_list("kind", flat=True)) == set(MomentKind.values)
    # The owner's own private notes; the demo team's teammate has one more (test_demo_team).
    private = Note.objects.filter(vault=demo, private=True, author=owner)
    assert private.count() >= 5
    assert Note.objects.filter(vault=demo, private=False).count() > private.count()
    today = timezone.localdate()
    follow_ups = FollowUp.objects.filter(vault=demo)
    open_due = follow_ups.filter(done_at__isnull=True, due_on__gt=today)
    assert open_due.count() >= 10
    assert open_due.filter(due_on__lte=today + dt.timedelta(days=42)).count() == open_due.count()
    assert follow_ups.filter(done_at__isnull=False).count() >= 5
    assert follow_ups.filter(done_at__isnull=True, due_on__isnull=True).exists()
    assert set(follow_ups.values_list("direction", flat=True)) == set(FollowUpDirection.values)


def test_history_lies_within_the_last_year_and_never_in_the_future(demo: Vault) -> None:
    now = timezone.now()
    oldest = now - dt.timedelta(days=396)  # about thirteen months
    for model in (Interaction, Note, Moment, FollowUp):
        dates = list(model.objects.filter(vault=demo).values_list("occurred_at", flat=True))
        assert dates, model
        assert min(dates) >= oldest, model
        assert max(dates) <= now, model
    done = FollowUp.objects.filter(vault=demo, done_at__isnull=False)
    assert all(f.occurred_at <= f.done_at <= now for f in done if f.done_at is not None)


def test_the_rhythm_varies_from_weekly_to_silent(demo: Vault) -> None:
    today = timezone.now()
    per_person = Counter(
        Interaction.people.through.objects.filter(interaction__vault=demo).values_list(
            "person_id", flat=True
        )
    )
    assert max(per_person.values()) >= 40  # someone you talk to every week
    assert sum(1 for n in per_person.values() if 8 <= n <= 20) >= 15  # monthly-ish
    assert sum(1 for n in per_person.values() if n <= 2) >= 20  # met once or twice
    silent = 0
    for person in Person.objects.filter(vault=demo, pk__in=per_person):
        last = person.interactions.order_by("-occurred_at").first()
        if last is not None and last.occurred_at < today - dt.timedelta(days=240):
            silent += 1
    assert silent >= 5  # not spoken for eight months or more


def test_some_people_have_a_department_of_their_organisation(demo: Vault) -> None:
    with_department = Person.objects.filter(vault=demo).exclude(department="")
    assert with_department.count() >= 3
    assert not with_department.filter(organisation="").exists()
    assert with_department.count() < Person.objects.filter(vault=demo).count() // 4


def test_people_are_described_with_varied_completeness(demo: Vault) -> None:
    people = Person.objects.filter(vault=demo)
    assert people.exclude(organisation="").count() >= 100
    assert people.exclude(what_they_do="").count() >= 60
    assert people.exclude(what_they_care_about="").count() >= 50
    assert people.exclude(met_story="").count() >= 80
    assert people.filter(met_via__isnull=False).count() >= 15
    assert people.exclude(met_on=None).count() >= 120
    channels = set(people.values_list("met_channel", flat=True))
    assert {"conference", "meetup", "twitter", "linkedin", "mastodon", "introduction"} <= channels
    assert people.filter(archived=True).count() >= 2
    assert people.filter(deceased=True, deceased_on__isnull=False).count() == 1
    assert Address.objects.filter(person__vault=demo).count() >= 20
    services = set(
        ContactMethod.objects.filter(person__vault=demo, kind=ContactKind.SOCIAL).values_list(
            "service", flat=True
        )
    )
    assert {"twitter", "linkedin", "mastodon"} <= services
    websites = ContactMethod.objects.filter(person__vault=demo, kind=ContactKind.WEBSITE)
    assert websites.count() >= 10


def test_dates_relationships_and_tags(demo: Vault) -> None:
    birthdays = ImportantDate.objects.filter(person__vault=demo, kind=DateKind.BIRTHDAY)
    assert birthdays.filter(year__isnull=False).count() >= 10
    assert birthdays.filter(year__isnull=True).count() >= 5
    assert ImportantDate.objects.filter(person__vault=demo, kind=DateKind.ANNIVERSARY).exists()
    assert ImportantDate.objects.filter(person__vault=demo, kind=DateKind.CUSTOM).exists()
    kinds = set(Relationship.objects.filter(vault=demo).values_list("kind", flat=True))
    assert {"partner", "parent", "sibling", "colleague", "introduced", "mentor"} <= kinds
    tags = Tag.objects.filter(vault=demo)
    assert tags.count() >= 10
    assert not tags.filter(colour="#6b7280").exists()  # every tag has a colour of its own
    assert tags.filter(name__regex=r"-\d{4}$").exists()  # conference-2026 / congres-2026


def test_contact_details_are_valid_and_never_real_addresses(demo: Vault) -> None:
    phones = ContactMethod.objects.filter(person__vault=demo, kind=ContactKind.PHONE)
    assert phones.count() >= 80
    for phone in phones:
        number = phonenumbers.parse(phone.normalized)
        assert phonenumbers.is_valid_number(number), phone.value
    emails = ContactMethod.objects.filter(person__vault=demo, kind=ContactKind.EMAIL)
    assert emails.count() >= 100
    for email in emails:
        domain = email.normalized.rpartition("@")[2]
        assert domain.endswith(".example") or domain in {
            "example.com",
            "example.net",
            "example.org",
        }, email.value


def test_one_deliberate_near_duplicate_shares_a_phone_number(demo: Vault) -> None:
    phones = ContactMethod.objects.filter(person__vault=demo, kind=ContactKind.PHONE)
    owners: dict[str, set[str]] = {}
    for phone in phones.select_related("person"):
        owners.setdefault(phone.normalized, set()).add(phone.person.name)
    shared = [names for names in owners.values() if len(names) > 1]
    duplicates = [names for names in shared if len({n.split()[-1][:5] for n in names}) == 1]
    pairs = [sorted(names) for names in duplicates if not names & {"Ria Bakker", "Henk Bakker"}]
    assert any(len(pair) == 2 and pair[0] != pair[1] for pair in pairs), shared


def test_names_fit_the_language(loaded: tuple[Vault, User], lang: str) -> None:
    people = Person.objects.filter(vault=loaded[0])
    given = set(people.values_list("given_name", flat=True))
    assert {"José", "Zoë", "Søren", "Ana"} <= given  # accents in both languages
    denise = people.get(family_name="Iersel")
    assert denise.particles == "van"
    assert denise.sort_key.startswith("iersel")
    if lang == "nl":
        particles = set(people.values_list("particles", flat=True))
        assert {"van", "de", "van der", "van den", "van de", "ter", "in 't"} <= particles
    else:
        assert people.filter(particles="").count() >= 130


# Search ------------------------------------------------------------------------------------

SEARCH_CAST = [
    ("jeroen vd ven", "Jeroen van de Ven"),
    ("Jerone", "Jeroen van de Ven"),
    ("rodrigez", "Ana Rodrigues"),
    ("jose muller", "José Müller"),
    ("Bas", "Sebastiaan de Bruijn"),
    ("van iersel", "Denise van Iersel"),
    ("Søren", "Søren Madsen"),
]


@pytest.mark.parametrize(("query", "expected"), SEARCH_CAST)
def test_the_search_cast_is_found_first(demo: Vault, query: str, expected: str) -> None:
    hits = search_people(demo, query)
    assert hits, query
    assert hits[0].person.name == expected, [hit.person.name for hit in hits[:3]]


def test_search_sees_details_and_public_notes_but_never_private_ones(demo: Vault) -> None:
    jose = Person.objects.get(vault=demo, given_name="José")
    hits = search_people(demo, "helvetic rail")
    assert hits and hits[0].person == jose
    for note in Note.objects.filter(vault=demo).select_related("person"):
        person = Person.objects.get(pk=note.person_id)
        if note.private:
            assert fold(note.body) not in person.search_text
        else:
            assert fold(note.body) in person.search_text


# Keeping in touch ----------------------------------------------------------------------------


def test_circles_tell_a_story(demo: Vault) -> None:
    circles = services.circles_of(demo)
    presets = {c.preset: c for c in circles if c.preset}
    assert set(presets) == {"inner", "monthly", "quarterly", "yearly"}
    rhythms = Rhythm.objects.filter(person__vault=demo)
    assert rhythms.filter(circle=presets["inner"]).count() == 4  # family and a best friend
    assert rhythms.filter(circle=presets["monthly"]).count() >= 15
    assert rhythms.filter(circle=presets["quarterly"]).count() >= 10
    assert rhythms.filter(circle=presets["yearly"]).count() >= 5
    (family,) = [c for c in circles if c.tag_id is not None]
    assert family.tag is not None and family.tag.name in {"family", "familie"}
    assert family.tag.people.count() >= 6
    assert rhythms.filter(cadence_days__isnull=False).count() == 2
    assert rhythms.filter(muted=True).count() >= 1
    today = timezone.localdate()
    assert rhythms.filter(paused_until__gt=today).count() == 1
    # Nobody archived or deceased is put in a circle.
    assert not rhythms.filter(Q(person__archived=True) | Q(person__deceased=True)).exclude(
        circle=None
    )
    # Every rhythm with a circle knows its last conversation, if there was one.
    assert rhythms.filter(circle__isnull=False, last_conversation_at__isnull=False).count() >= 40


def test_the_today_agenda_of_a_fresh_demo_is_full_but_calm(
    loaded: tuple[Vault, User], django_assert_max_num_queries: Any
) -> None:
    demo, owner = loaded
    with django_assert_max_num_queries(10):
        agenda = services.agenda_for(owner, demo)
    assert 1 <= len(agenda.items) <= agenda.capacity
    kinds = {item.kind for item in agenda.items}
    assert kinds == {"due", "retry"}  # someone due, and a retry after a voicemail
    assert all(item.reason for item in [*agenda.items, *agenda.pinned])
    promises = [item for item in agenda.pinned if item.kind == "follow_up"]
    assert any(item.due_on == agenda.today for item in promises)  # a promise due today
    assert any(item.due_on is not None and item.due_on < agenda.today for item in promises)
    assert agenda.handled == []
    birthdays_this_week = [
        date
        for ahead in range(7)
        for date in services.dates_on(demo, agenda.today + dt.timedelta(days=ahead))
        if date.kind == DateKind.BIRTHDAY
    ]
    assert len(birthdays_this_week) >= 2
    # The coming week is planned within the capacity too.
    plan = services.upcoming(owner, demo, days=7)
    assert all(len(plan.on(day)) <= agenda.capacity for day in plan.days)
    assert len(plan.all()) >= 15


def test_one_finished_import_fills_the_import_history(demo: Vault) -> None:
    from aandacht.exchange.models import ImportJob, ImportStatus

    job = ImportJob.objects.get(vault=demo)

    assert job.status == ImportStatus.DONE and job.filename == "contacts.vcf"
    assert not job.upload, "a finished import keeps no file"
    assert job.result is not None and job.result["created"] == 41
    assert [each["record"] for each in job.result["errors"]] == [37]
    assert job.created_at.date() < timezone.localdate()
