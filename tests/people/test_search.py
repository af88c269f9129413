"""Finding anyone: a table of tricky queries against a small, varied cast."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from aandacht.accounts.models import Vault
from aandacht.people.models import ContactKind, Person
from aandacht.people.search import search_people
from aandacht.people.services import add_contact_method, create_person, set_tags
from aandacht.timeline.services import add_note

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(vault: Vault, alice: User) -> dict[str, Person]:
    people = {
        "jeroen": create_person(vault, "Jeroen van de Ven", organisation="Gemeente Utrecht"),
        "jose": create_person(vault, "José Müller", met_at="DevOpsDays Amsterdam 2025"),
        "ana": create_person(vault, "Ana Rodrigues", organisation="Acme Robotics"),
        "denise": create_person(vault, "Denise van Iersel"),
        "bas": create_person(vault, "Sebastiaan de Bruijn", nickname="Bas"),
        "soren": create_person(vault, "Søren Kierkegaard"),
        "jan": create_person(vault, "Jan Smit"),
        "janneke": create_person(vault, "Janneke Bos"),
        "marjan": create_person(vault, "Marjan de Wit", what_they_do="Bakes sourdough bread"),
        "priya": create_person(vault, "Priya Raman", met_channel="twitter"),
    }
    add_contact_method(people["priya"], ContactKind.SOCIAL, "https://twitter.com/PriyaCodes")
    add_contact_method(people["jan"], ContactKind.EMAIL, "jan.smit@example.org")
    set_tags(vault, people["denise"], ["Coaching clients"])
    add_note(vault, people["janneke"], "Wants to move to Groningen next spring", author=alice)
    add_note(vault, people["jan"], "Secret: planning a surprise party", private=True, author=alice)
    return people


QUERIES = [
    # (query, key of the person who must come first)
    ("jeroen vd ven", "jeroen"),
    ("Jeroen van de Ven", "jeroen"),
    ("Jerone", "jeroen"),
    ("jeroe", "jeroen"),
    ("vandeven", "jeroen"),
    ("ven", "jeroen"),
    ("rodrigez", "ana"),
    ("Rodrigues, Ana", "ana"),
    ("jose muller", "jose"),
    ("JOSÉ MÜLLER", "jose"),
    ("muller", "jose"),
    ("Müler", "jose"),
    ("Bas", "bas"),
    ("bruyn", "bas"),
    ("iersel", "denise"),
    ("van iersel", "denise"),
    ("soren", "soren"),
    ("Sören Kierkegard", "soren"),
    ("jan", "jan"),
    ("acme", "ana"),
    ("devopsdays", "jose"),
    ("utrecht", "jeroen"),
    ("priyacodes", "priya"),
    ("@priyacodes", "priya"),
    ("sourdough", "marjan"),
    ("groningen", "janneke"),
    ("coaching", "denise"),
    ("jan.smit@example.org", "jan"),
    ("twitter", "priya"),
]


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_tricky_query_finds_the_right_person_first(
    cast: dict[str, Person], vault: Vault, query: str, expected: str
) -> None:
    hits = search_people(vault, query)
    assert hits, f"{query!r} found nobody"
    assert hits[0].person.pk == cast[expected].pk, [(h.person.name, h.score) for h in hits]
    assert 0 < hits[0].score <= 1


def test_exact_and_prefix_name_matches_rank_above_typos_and_text(
    cast: dict[str, Person], vault: Vault
) -> None:
    hits = search_people(vault, "jan")
    names = [hit.person.name for hit in hits]
    assert names[:2] == ["Jan Smit", "Janneke Bos"]
    assert hits[0].score > hits[1].score
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)


def test_private_notes_are_not_searchable(cast: dict[str, Person], vault: Vault) -> None:
    assert search_people(vault, "surprise party") == []


def test_search_stays_inside_the_vault(
    cast: dict[str, Person], vault: Vault, other_vault: Vault
) -> None:
    create_person(other_vault, "Jeroen van de Ven")
    hits = search_people(vault, "jeroen")
    assert {hit.person.vault_id for hit in hits} == {vault.pk}
    assert len(search_people(other_vault, "jeroen")) == 1


def test_nothing_matches_nonsense(cast: dict[str, Person], vault: Vault) -> None:
    assert search_people(vault, "xqzwv") == []
    assert search_people(vault, "   ") == []


def test_search_sees_edits_at_once(cast: dict[str, Person], vault: Vault) -> None:
    person = cast["denise"]
    person.organisation = "Rijkswaterstaat"
    person.save()
    assert search_people(vault, "rijkswaterstaat")[0].person.pk == person.pk
    add_contact_method(person, ContactKind.EMAIL, "denise@vaniersel.nl")
    assert search_people(vault, "denise@vaniersel.nl")[0].person.pk == person.pk


def test_trashed_people_are_not_found(cast: dict[str, Person], vault: Vault) -> None:
    from django.utils import timezone

    person = cast["soren"]
    person.trashed_at = timezone.now()
    person.save()
    assert all(hit.person.pk != person.pk for hit in search_people(vault, "soren"))


def test_archived_people_can_be_left_out(cast: dict[str, Person], vault: Vault) -> None:
    person = cast["soren"]
    person.archived = True
    person.save()
    assert search_people(vault, "soren")[0].person.pk == person.pk
    assert search_people(vault, "soren", include_archived=False) == []


def test_search_uses_a_constant_number_of_queries(
    cast: dict[str, Person], vault: Vault, django_assert_max_num_queries: object
) -> None:
    for index in range(30):
        create_person(vault, f"Jeroen Tester{index}")
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        hits = search_people(vault, "jeroen", limit=50)
    assert len(hits) == 31


def test_limit_is_respected(cast: dict[str, Person], vault: Vault) -> None:
    assert len(search_people(vault, "a", limit=2)) <= 2


@pytest.mark.django_db
def test_the_search_index_triggers_survive_every_migration() -> None:
    """A migration that rebuilds the person table on SQLite drops its triggers silently."""
    from django.db import connection

    from aandacht.people.search_index_sql import TRIGGER_NAMES

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_schema WHERE type = 'trigger'")
            names = {row[0] for row in cursor.fetchall()}
            assert set(TRIGGER_NAMES) <= names
        else:  # PostgreSQL indexes the columns themselves: the trigram indexes must be there
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'people_person'")
            names = {row[0] for row in cursor.fetchall()}
            assert {"people_person_names_trgm", "people_person_text_trgm"} <= names
