"""Search reads its candidates as plain rows; the hits are still whole people, filtered alike."""

from __future__ import annotations

import pytest

from aandacht.accounts.models import Vault
from aandacht.people.lifecycle import trash_person
from aandacht.people.models import Person
from aandacht.people.search import search_people
from aandacht.people.services import create_person

pytestmark = pytest.mark.django_db


def test_hits_are_people_with_what_callers_read(vault: Vault) -> None:
    ann = create_person(vault, "Annemarie Kuipers", organisation="Rijkswaterstaat")
    Person.objects.filter(pk=ann.pk).update(archived=True)

    [hit] = search_people(vault, "annemarie kuipers")

    assert hit.person.pk == ann.pk and hit.person.name == "Annemarie Kuipers"
    assert hit.person.archived is True and hit.person.deceased is False
    assert hit.person.organisation == "Rijkswaterstaat"
    assert hit.person.vault_id == vault.pk
    assert search_people(vault, "annemarie kuipers", include_archived=False) == []


def test_the_trash_and_other_vaults_stay_out(vault: Vault, other_vault: Vault) -> None:
    kept = create_person(vault, "Bartholomeus Visser")
    gone = create_person(vault, "Bartholomeus Visscher")
    create_person(other_vault, "Bartholomeus Vissers")
    trash_person(gone)

    assert [hit.person.pk for hit in search_people(vault, "bartholomeus")] == [kept.pk]


@pytest.mark.parametrize("query", ["100%", "a_b", "back\\slash", "50%_"])
def test_like_characters_are_taken_literally(vault: Vault, query: str) -> None:
    create_person(vault, "Willemijn Tuinstra", organisation="Acme")

    assert search_people(vault, query) == []


def test_people_matching_every_word_keep_one_word_matches_out(vault: Vault) -> None:
    """'jeron vd berg': Jeroen van den Berg is shown, Björn Berg (one word) is not."""
    jeroen = create_person(vault, "Jeroen van den Berg")
    create_person(vault, "Björn Berg")

    assert [hit.person.pk for hit in search_people(vault, "jeron vd berg")] == [jeroen.pk]


def test_one_word_matches_are_shown_when_nobody_matches_every_word(vault: Vault) -> None:
    """'ivan petrov' with only Iwan Petrov (no three letters of 'ivan' in place): still found."""
    iwan = create_person(vault, "Iwan Petrov")
    create_person(vault, "Ilse Jansen")

    [hit] = search_people(vault, "ivan petrov")

    assert hit.person.pk == iwan.pk


def test_ignored_people_are_not_returned_nor_count_as_hits(vault: Vault) -> None:
    """Every word matches only the ignored person: the search asks for any word and finds Iwan."""
    ivan = create_person(vault, "Ivan Petrov")
    iwan = create_person(vault, "Iwan Petrov")

    assert [hit.person.pk for hit in search_people(vault, "ivan petrov")] == [ivan.pk]
    assert [hit.person.pk for hit in search_people(vault, "ivan petrov", ignore={ivan.pk})] == [
        iwan.pk
    ]
