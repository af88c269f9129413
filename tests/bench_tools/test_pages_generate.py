"""The large-vault generator of ``make bench-pages`` writes what the app would have written.

A small vault (200 people): the counts, the activity skew, and every derived column compared
with the app's own refresh (search columns, sort keys, the FTS index through a search, each
rhythm's last contacts); then the pages the benchmark measures render for it.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db.models import Count
from django.test import Client

from aandacht.attention.models import Rhythm
from aandacht.attention.services import refresh_last_contacts
from aandacht.people import names
from aandacht.people.models import ContactMethod, ImportantDate, Person
from aandacht.people.search import refresh_search_fields, search_people
from aandacht.people.services import create_person
from aandacht.timeline.models import Interaction, Moment, Note

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import pages_generate  # noqa: E402

PEOPLE = 200
TODAY = dt.date(2026, 12, 6)


@pytest.fixture
def generated(alice: User) -> pages_generate.Generated:
    return pages_generate.generate(
        pages_generate.Sizes.scaled(PEOPLE), username="alice", today=TODAY
    )


def _rhythms(vault_id: int) -> dict[int, tuple[Any, ...]]:
    return {
        row[0]: row[1:]
        for row in Rhythm.objects.filter(person__vault_id=vault_id).values_list(
            "person_id", "last_conversation_at", "last_attempt_at", "last_one_way_at"
        )
    }


def test_counts_and_activity_skew(generated: pages_generate.Generated) -> None:
    vault_id = generated.vault_id
    assert Person.objects.filter(vault_id=vault_id).count() == PEOPLE
    assert Interaction.objects.filter(vault_id=vault_id).count() == PEOPLE * 20
    assert Note.objects.filter(vault_id=vault_id).count() == PEOPLE * 3
    assert Moment.objects.filter(vault_id=vault_id).count() == PEOPLE
    assert ContactMethod.objects.filter(person__vault_id=vault_id, kind="email").exists()
    birthdays = ImportantDate.objects.filter(person__vault_id=vault_id, kind="birthday").count()
    assert 0.4 * PEOPLE < birthdays < 0.8 * PEOPLE
    assert Person.objects.filter(vault_id=vault_id).exclude(particles="").exists()
    counts = sorted(generated.interaction_counts.values(), reverse=True)
    busiest = generated.interaction_counts[generated.busiest[0]]
    assert busiest == counts[0] and busiest > 5 * 20  # few very active contacts
    per_person = sorted(
        Person.objects.filter(vault_id=vault_id)
        .annotate(n=Count("interactions"))
        .values_list("n", flat=True)
    )
    assert per_person[len(per_person) // 2] < 20 / 2  # the median person: a handful
    assert generated.dormant, "some people stopped being in touch years ago"
    circled = Rhythm.objects.filter(person__vault_id=vault_id, circle__isnull=False).count()
    assert circled >= 4


def test_derived_columns_match_the_apps_refresh(generated: pages_generate.Generated) -> None:
    vault_id = generated.vault_id
    people = list(Person.objects.filter(vault_id=vault_id))
    for person in people:
        expected = names.sort_key(
            person.given_name,
            person.particles,
            person.family_name,
            fallback=names.fallback_name(person.nickname, person.organisation),
        )
        assert person.sort_key == expected
    before = {p.pk: (p.search_names, p.search_text) for p in people}
    rhythms_before = _rhythms(vault_id)
    ids = [p.pk for p in people]
    refresh_search_fields(ids)
    refresh_last_contacts(ids)
    after = dict(
        (
            (pk, (a, b))
            for pk, a, b in Person.objects.filter(vault_id=vault_id).values_list(
                "pk", "search_names", "search_text"
            )
        )
    )
    assert after == before
    assert _rhythms(vault_id) == rhythms_before


def test_search_finds_a_generated_person_by_a_misspelled_partial_name(
    generated: pages_generate.Generated,
) -> None:
    from aandacht.accounts.models import Vault

    vault = Vault.objects.get(pk=generated.vault_id)
    person = Person.objects.get(pk=generated.busiest[0])
    family = person.family_name
    misspelled = family[:-1] + ("x" if family[-1] != "x" else "y") if len(family) > 4 else family
    hits = search_people(vault, f"{person.given_name[:4]} {misspelled}", limit=50)
    assert person.pk in [hit.person.pk for hit in hits]


def test_sequences_continue_after_the_generated_rows(
    generated: pages_generate.Generated,
) -> None:
    from aandacht.accounts.models import Vault

    vault = Vault.objects.get(pk=generated.vault_id)
    created = create_person(vault, "Nieuwe van Persoon", emails=["nieuw@example.nl"])
    assert created.pk > max(generated.busiest)


def test_the_benchmarked_pages_render(
    generated: pages_generate.Generated, as_alice: Client
) -> None:
    vault = generated.vault_id
    busy, dormant = generated.busiest[0], generated.dormant[0]
    for url in (
        f"/today/?vault={vault}",
        "/people/",
        "/people/?q=sofie",
        f"/people/{busy}/",
        f"/people/{dormant}/",
        "/report/",
    ):
        response = as_alice.get(url)
        assert response.status_code == 200, url
    partial = as_alice.get(
        "/people/?q=jeroen+van+dik", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="people-results"
    )
    assert partial.status_code == 200
    assert b"<html" not in partial.content


def test_same_seed_same_vault(alice: User) -> None:
    def shape() -> list[tuple[str, str, str, int]]:
        result = pages_generate.generate(
            pages_generate.Sizes.scaled(40), username="alice", today=TODAY
        )
        return [
            (p.given_name, p.family_name, p.sort_key, p.interactions.count())
            for p in Person.objects.filter(vault_id=result.vault_id).order_by("pk")
        ]

    assert shape() == shape()
