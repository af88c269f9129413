"""People without a given or family name: sorted and drawn by their nickname or organisation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aandacht.people.names import fallback_name, fold, initials, sort_key


def _section(key: str) -> str:
    """The list's letter: the first character of the sort key (directory.section_label)."""
    return key[:1].upper() if key[:1].isalpha() else "#"


@pytest.mark.parametrize(
    ("organisation", "letter"),
    [
        ("Fietsenmakerij Ven", "F"),
        ("ACME Inc.", "A"),
        # Particle rules are for family names: a company called "De Vries" is filed under D.
        ("De Vries Bouw B.V.", "D"),
        ("Ålesund Fisk", "A"),
        ("3M Nederland", "#"),
    ],
)
def test_an_organisation_only_person_sorts_under_its_first_letter(
    organisation: str, letter: str
) -> None:
    key = sort_key("", "", "", fallback=fallback_name("", organisation))
    assert _section(key) == letter


def test_organisations_sort_among_people_by_their_name() -> None:
    keys = {
        "Bakkerij Bos": sort_key("", "", "", fallback="Bakkerij Bos"),
        "Anna Cramer": sort_key("Anna", "", "Cramer"),
        "Denise van Iersel": sort_key("Denise", "van", "Iersel"),
        "Albert Heijn": sort_key("", "", "", fallback="Albert Heijn"),
    }
    ordered = sorted(keys, key=keys.__getitem__)
    assert ordered == ["Albert Heijn", "Bakkerij Bos", "Anna Cramer", "Denise van Iersel"]


def test_nothing_at_all_still_sorts_under_hash() -> None:
    assert _section(sort_key("", "", "")) == "#"
    assert _section(sort_key("", "", "", fallback="   ")) == "#"


def test_the_fallback_is_ignored_when_there_is_a_name() -> None:
    assert sort_key("Jeroen", "van de", "Ven", fallback="Fietsenmakerij") == sort_key(
        "Jeroen", "van de", "Ven"
    )
    assert sort_key("Madonna", "", "", fallback="Zeta Corp") == sort_key("Madonna", "", "")
    assert initials("Jeroen", "Ven", fallback="Fietsenmakerij") == "JV"
    assert initials("", "Ven", fallback="Fietsenmakerij") == "V"


def test_fallback_name_prefers_the_nickname_like_person_name() -> None:
    assert fallback_name("Jer", "Fietsenmakerij Ven") == "Jer"
    assert fallback_name("  ", "Fietsenmakerij Ven ") == "Fietsenmakerij Ven"
    assert fallback_name("", "") == ""


@pytest.mark.parametrize(
    ("fallback", "expected"),
    [
        ("Fietsenmakerij Ven", "FV"),
        ("Fietsenmakerij Ven B.V.", "FV"),
        ("ACME Inc.", "A"),
        ("ACME", "A"),
        ("Albert Heijn", "AH"),
        ("Gemeente Den Haag", "GD"),
        ("Smit & Zonen", "SZ"),
        ("'t Kleine Huis", "KH"),
        ("3M Nederland", "3N"),
        ("B.V.", "B"),
        ("Jer", "J"),
        ("élan vital", "ÉV"),
        ("&", "?"),
        ("", "?"),
    ],
)
def test_initials_from_the_fallback(fallback: str, expected: str) -> None:
    assert initials("", "", fallback=fallback) == expected


def test_initials_without_anything_stay_a_question_mark() -> None:
    assert initials("", "") == "?"
    assert initials("  ", " ") == "?"


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@given(names, names, names, names)
def test_initials_are_short_and_never_empty(
    given_name: str, family: str, nickname: str, organisation: str
) -> None:
    result = initials(given_name, family, fallback=fallback_name(nickname, organisation))
    assert result
    assert len(result) <= 6  # two letters, which upper-casing may widen ("ß" -> "SS")


@given(names, names, names, names)
def test_a_fallback_only_changes_the_nameless(
    given_name: str, family: str, particles: str, fallback: str
) -> None:
    with_fallback = sort_key(given_name, particles, family, fallback=fallback)
    if fold(given_name) or fold(family):
        assert with_fallback == sort_key(given_name, particles, family)
    else:
        assert with_fallback.startswith(fold(fallback))
