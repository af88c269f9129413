"""The card season ranking, without a database: who is proposed, in which order, and why."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aandacht.cards import ranking
from aandacht.cards.ranking import GRATEFUL, SHARED, STRENGTH, MomentFact, propose

TODAY = dt.date(2026, 12, 5)


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def fact(person: int, kind: str, days_ago: int) -> MomentFact:
    return MomentFact(person, kind, ago(days_ago))


def ids(proposals: list[ranking.Proposal]) -> list[int]:
    return [p.person_id for p in proposals]


def test_gratitude_weighs_more_than_a_shared_moment_which_weighs_more_than_a_strength() -> None:
    moments = [fact(1, STRENGTH, 200), fact(2, SHARED, 200), fact(3, GRATEFUL, 200)]
    result = propose(moments, today=TODAY, size=5, eligible={1, 2, 3})
    assert ids(result) == [3, 2, 1]


def test_more_moments_rank_higher() -> None:
    moments = [fact(1, SHARED, 100), fact(2, SHARED, 100), fact(2, STRENGTH, 150)]
    assert ids(propose(moments, today=TODAY, size=5, eligible={1, 2})) == [2, 1]


def test_a_recent_moment_weighs_a_little_more_than_an_old_one() -> None:
    moments = [fact(1, SHARED, 300), fact(2, SHARED, 10)]
    assert ids(propose(moments, today=TODAY, size=5, eligible={1, 2})) == [2, 1]


def test_recency_never_beats_a_heavier_kind() -> None:
    # An old gratitude (3) still beats a fresh shared moment (2 * 1.25 = 2.5).
    moments = [fact(1, SHARED, 5), fact(2, GRATEFUL, 350)]
    assert ids(propose(moments, today=TODAY, size=5, eligible={1, 2})) == [2, 1]


def test_only_the_past_twelve_months_count() -> None:
    moments = [fact(1, GRATEFUL, 365), fact(1, GRATEFUL, 400), fact(2, SHARED, 364)]
    result = propose(moments, today=TODAY, size=5, eligible={1, 2})
    assert ids(result) == [2]


def test_future_moments_do_not_count() -> None:
    moments = [MomentFact(1, GRATEFUL, TODAY + dt.timedelta(days=3))]
    assert propose(moments, today=TODAY, size=5, eligible={1}) == []


def test_unknown_kinds_are_ignored() -> None:
    assert propose([fact(1, "gossip", 3)], today=TODAY, size=5, eligible={1}) == []


def test_people_with_a_recent_card_are_left_out_but_last_decembers_card_is_not() -> None:
    moments = [fact(1, GRATEFUL, 10), fact(2, GRATEFUL, 10), fact(3, SHARED, 10)]
    last_cards = {1: ago(60), 2: ago(355)}  # a birthday card in October; last December's card
    result = propose(moments, today=TODAY, size=5, eligible={1, 2, 3}, last_cards=last_cards)
    assert ids(result) == [2, 3]


def test_the_recent_card_limit_is_about_ten_months() -> None:
    assert ranking.card_is_recent(ago(ranking.RECENT_CARD_DAYS - 1), TODAY)
    assert not ranking.card_is_recent(ago(ranking.RECENT_CARD_DAYS), TODAY)
    assert not ranking.card_is_recent(None, TODAY)


def test_ineligible_and_taken_people_are_never_proposed() -> None:
    moments = [fact(person, GRATEFUL, 5) for person in (1, 2, 3, 4)]
    result = propose(moments, today=TODAY, size=5, eligible={1, 2, 3}, taken={2})
    assert ids(result) == [1, 3]


def test_the_list_is_cut_to_its_size() -> None:
    moments = [fact(person, SHARED, person) for person in range(1, 30)]
    result = propose(moments, today=TODAY, size=5, eligible=set(range(1, 30)))
    assert ids(result) == [1, 2, 3, 4, 5]  # equal scores: the most recent moment first
    assert propose(moments, today=TODAY, size=0, eligible=set(range(1, 30))) == []


def test_ties_go_to_the_most_recent_moment_then_the_name() -> None:
    moments = [fact(1, SHARED, 20), fact(2, SHARED, 20), fact(3, SHARED, 40)]
    keys = {1: "zwart", 2: "andel", 3: "aa"}
    result = propose(moments, today=TODAY, size=5, eligible={1, 2, 3}, sort_keys=keys)
    assert ids(result) == [2, 1, 3]


def test_a_proposal_carries_its_reasons() -> None:
    moments = [
        fact(1, SHARED, 250),
        fact(1, SHARED, 20),
        fact(1, GRATEFUL, 100),
        fact(1, STRENGTH, 5),
        fact(1, STRENGTH, 500),  # too old: not counted
    ]
    (only,) = propose(moments, today=TODAY, size=5, eligible={1})
    assert (only.shared, only.grateful, only.strengths, only.moments) == (2, 1, 1, 4)
    assert only.since == ago(250)
    assert only.latest == ago(5)
    assert only.score == pytest.approx(2 + 2 * 1.25 + 3 + 1.5 * 1.25)


def test_clamp_size() -> None:
    assert ranking.clamp_size(1) == ranking.MIN_SIZE
    assert ranking.clamp_size(99) == ranking.MAX_SIZE
    assert ranking.clamp_size(7) == 7


facts = st.builds(
    MomentFact,
    person_id=st.integers(1, 12),
    kind=st.sampled_from([SHARED, GRATEFUL, STRENGTH, "other"]),
    occurred_on=st.integers(-5, 500).map(ago),
)


@given(
    moments=st.lists(facts, max_size=60),
    size=st.integers(0, 20),
    eligible=st.sets(st.integers(1, 12)),
    taken=st.sets(st.integers(1, 12)),
    recent=st.dictionaries(st.integers(1, 12), st.integers(0, 600).map(ago)),
)
def test_properties_of_any_list(
    moments: list[MomentFact],
    size: int,
    eligible: set[int],
    taken: set[int],
    recent: dict[int, dt.date],
) -> None:
    result = propose(
        moments, today=TODAY, size=size, eligible=eligible, taken=taken, last_cards=recent
    )
    assert len(result) <= size
    assert len(set(ids(result))) == len(result)
    for proposal in result:
        assert proposal.person_id in eligible and proposal.person_id not in taken
        assert not ranking.card_is_recent(recent.get(proposal.person_id), TODAY)
        assert proposal.moments >= 1 and proposal.score > 0
        assert ago(ranking.WINDOW_DAYS) < proposal.since <= proposal.latest <= TODAY
    scores = [p.score for p in result]
    assert scores == sorted(scores, reverse=True)
    # The order of the input does not matter.
    again = propose(
        list(reversed(moments)),
        today=TODAY,
        size=size,
        eligible=eligible,
        taken=taken,
        last_cards=recent,
    )
    assert again == result


@given(moments=st.lists(facts, max_size=40), size=st.integers(1, 10))
def test_a_bigger_list_starts_with_the_smaller_one(moments: list[MomentFact], size: int) -> None:
    everyone = set(range(1, 13))
    small = propose(moments, today=TODAY, size=size, eligible=everyone)
    big = propose(moments, today=TODAY, size=size + 5, eligible=everyone)
    assert big[: len(small)] == small
