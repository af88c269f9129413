"""Ranking without a database: what a match in the text is worth, and where typos count."""

from __future__ import annotations

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


def test_one_ranker_scores_many_candidates_as_score_does_each() -> None:
    query = prepare_query("jeron vd berg")
    ranker = Ranker(query)
    candidates = [
        (NameFields("Jeroen", "van den", "Berg", ""), ""),
        (NameFields("Björn", "", "Berg", ""), ""),
        (NameFields("Jeroen", "", "Bergsma", "Jer"), ""),
        (NameFields("Anna", "", "Smit", ""), "werkt bij jeroen van den berg bv"),
        (NameFields("", "", "", ""), ""),
    ]
    for fields, text in candidates * 2:  # the second round from the ranker's memory
        assert ranker.score(fields, text) == score(query, fields, text)
    assert ranker.score(*candidates[0]) > ranker.score(*candidates[1]) > 0
