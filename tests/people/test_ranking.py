"""Ranking without a database: what a match in the text is worth, and where typos count."""

from __future__ import annotations

import pytest

from aandacht.people.ranking import (
    FUZZY_TEXT_CHARS,
    NameFields,
    Ranker,
    prepare_query,
    score,
    score_text,
)


def test_a_typo_counts_early_in_the_text_and_an_exact_word_anywhere() -> None:
    early = "Scheepswerf Damen, Gorinchem"
    late = "x" * FUZZY_TEXT_CHARS + " Scheepswerf Damen"

    assert 0 < score_text(prepare_query("scheepswerv"), early) <= 0.45
    assert score_text(prepare_query("scheepswerv"), late) == 0.0
    assert score_text(prepare_query("scheepswerf"), late) == 0.6


def test_every_long_word_must_be_close_for_a_fuzzy_text_match() -> None:
    text = "Werkt bij Scheepswerf Damen in Gorinchem"

    assert score_text(prepare_query("scheepswerv gorinchen"), text) > 0
    assert score_text(prepare_query("scheepswerv amsterdam"), text) == 0.0
    assert score_text(prepare_query("abc xyz"), text) == 0.0  # short words: no fuzzy match


def test_folded_text_is_scored_as_the_raw_text() -> None:
    query = prepare_query("muller")

    assert score_text(query, "Bakkerij Müller") == score_text(query, "bakkerij muller", folded=True)


# Scores as the ranking gave them before it compared each name word once per search (taken
# from the code of 00bb54e): the faster ranking must not change a single one.
SCORES = [
    ("jeroen van de ven", ("Jeroen", "van de", "Ven", ""), "", 1.0),
    ("ven jeroen", ("Jeroen", "van de", "Ven", ""), "", 1.0),
    ("bas", ("Sebastiaan", "de", "Bruijn", "Bas"), "", 1.0),
    ("vandeven", ("Jeroen", "van de", "Ven", ""), "", 0.97),
    ("jer", ("Jeroen", "van de", "Ven", ""), "", 0.95),
    ("jer ve", ("Jeroen", "van de", "Ven", ""), "", 0.9),
    ("jeron vd berg", ("Jeroen", "van den", "Berg", ""), "", 0.8114),
    ("jeron vd berg", ("Björn", "", "Berg", ""), "", 0.68),
    ("jeron vd berg", ("Jeroen", "", "Bergsma", "Jer"), "", 0.8114),
    ("rodrigez", ("Ana", "", "Rodrigues", ""), "", 0.7013),
    ("maartn jans", ("Maarten", "", "Jansen", ""), "", 0.8173),
    ("maartn jans", ("Aart", "", "Jansen", ""), "", 0.765),
    ("anna smit", ("Anna", "", "Smit", ""), "werkt bij acme", 1.0),
    ("acme robotics", ("Ana", "", "Rodrigues", ""), "Acme Robotics, Eindhoven", 0.6),
    ("acme robotix", ("Ana", "", "Rodrigues", ""), "Acme Robotics, Eindhoven", 0.3857),
    ("xqzwv", ("Ana", "", "Rodrigues", ""), "Acme", 0.0),
]


@pytest.mark.parametrize(("query", "fields", "text", "expected"), SCORES)
def test_scores_are_what_they_were(
    query: str, fields: tuple[str, str, str, str], text: str, expected: float
) -> None:
    assert score(prepare_query(query), NameFields(*fields), text) == expected


def test_one_ranker_gives_each_candidate_its_own_score_however_often_asked() -> None:
    """A ranker remembers word comparisons: the same for every candidate, in any order."""
    ranker = Ranker(prepare_query("jeron vd berg"))
    wanted = {fields: expected for q, fields, _t, expected in SCORES if q == "jeron vd berg"}

    for fields in [*wanted, *reversed(wanted), *wanted]:
        assert ranker.score(NameFields(*fields), "") == wanted[fields]
