"""Dutch-aware names: splitting, sorting and folding, without a database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aandacht.people.names import (
    NameParts,
    display_name,
    expand_abbreviations,
    fold,
    is_particle,
    sort_key,
    split_name,
    split_with_family,
)


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("Jeroen van de Ven", NameParts("Jeroen", "van de", "Ven")),
        ("Denise van Iersel", NameParts("Denise", "van", "Iersel")),
        ("Anna Maria van der Berg", NameParts("Anna Maria", "van der", "Berg")),
        ("Piet ter Horst", NameParts("Piet", "ter", "Horst")),
        ("Kees in 't Veld", NameParts("Kees", "in 't", "Veld")),
        ("José Müller", NameParts("José", "", "Müller")),
        ("Madonna", NameParts("Madonna", "", "")),
        ("Ludwig van Beethoven", NameParts("Ludwig", "van", "Beethoven")),
        ("Jan De Vries", NameParts("Jan", "De", "Vries")),
        ("  Ana   Rodrigues ", NameParts("Ana", "", "Rodrigues")),
        ("", NameParts("", "", "")),
        # A trailing particle alone is not a family name prefix.
        ("Anna de", NameParts("Anna", "", "de")),
        # Abbreviations typed in a hurry are stored written out, so the name sorts right.
        ("Jeroen vd Ven", NameParts("Jeroen", "van de", "Ven")),
        ("Jeroen v.d. Ven", NameParts("Jeroen", "van de", "Ven")),
        ("Joost vdr Meer", NameParts("Joost", "van der", "Meer")),
        # "V." is as often a middle initial.
        ("Anna V. Smit", NameParts("Anna V.", "", "Smit")),
    ],
)
def test_split_name_recognises_particles(full: str, expected: NameParts) -> None:
    assert split_name(full) == expected


def test_split_with_known_family_name() -> None:
    assert split_with_family("Maria de la Cruz", "Cruz") == NameParts("Maria", "de la", "Cruz")
    assert split_with_family("Maria Garcia Lopez", "Garcia Lopez") == NameParts(
        "Maria", "", "Garcia Lopez"
    )


def test_particles_are_ignored_when_sorting() -> None:
    people = [
        ("Denise", "van", "Iersel"),
        ("Jeroen", "van de", "Ven"),
        ("Ingrid", "", "Jansen"),
        ("Hans", "de", "Haan"),
        ("Bram", "", "Ibrahim"),
    ]
    ordered = sorted(people, key=lambda parts: sort_key(*parts))
    assert [family for _, _, family in ordered] == ["Haan", "Ibrahim", "Iersel", "Jansen", "Ven"]


def test_sort_key_without_family_name_uses_given_name() -> None:
    assert sort_key("Madonna", "", "") < sort_key("Anna", "", "Nieuwenhuis")


def test_fold_removes_accents_and_case() -> None:
    assert fold("José  MÜLLER") == "jose muller"
    assert fold("Søren Kierkegaard") == "soren kierkegaard"
    assert fold("Zoë Straße") == "zoe strasse"


def test_abbreviated_particles_expand() -> None:
    assert expand_abbreviations("Jeroen vd Ven") == "Jeroen van de Ven"
    assert expand_abbreviations("Piet vdr Berg") == "Piet van der Berg"


name_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéëüö", min_size=1, max_size=12).map(
    str.capitalize
)


@given(
    given_words=st.lists(name_word, min_size=1, max_size=3),
    particles=st.sampled_from(["", "van", "van der", "de", "ter", "in 't"]),
    family=name_word,
)
def test_split_then_join_round_trips(given_words: list[str], particles: str, family: str) -> None:
    full = " ".join([*given_words, *particles.split(), family])
    parts = split_name(full)
    assert display_name(*parts) == full
    if particles and not any(is_particle(word) for word in [*given_words, family]):
        assert parts.particles == particles
        assert parts.family == family


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
