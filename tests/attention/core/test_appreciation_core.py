"""Unit tests for the appreciation ranking (``aandacht.attention.appreciation_core``).

Monday 23 November 2026 is "today"; every case is small enough to check by hand.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from aandacht.attention import appreciation_core as core
from aandacht.attention.appreciation_core import Candidate, Work

TODAY = dt.date(2026, 11, 23)


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def who(candidates: list[Candidate], day: dt.date = TODAY) -> list[int]:
    return [item.person_id for item in core.rank(candidates, day)]


# --- who is a candidate ----------------------------------------------------------------------


def test_nobody_without_strengths_or_grateful_moments() -> None:
    assert who([Candidate(1, 0, 0, frozenset({"clients"}))]) == []
    assert core.pick([Candidate(1, 0, 0)], TODAY) is None
    assert core.pick([], TODAY) is None


def test_grateful_moments_alone_make_a_candidate() -> None:
    assert who([Candidate(1, 0, 2)]) == [1]


# --- work relationships ----------------------------------------------------------------------


def test_a_tagged_client_comes_before_a_friend_with_more_strengths() -> None:
    friend = Candidate(1, 5, 0, frozenset({"friends"}))
    client = Candidate(2, 1, 0, frozenset({"clients"}))

    assert who([friend, client]) == [2, 1]


def test_work_tags_in_english_and_dutch_without_regard_to_case() -> None:
    for tag in (
        "client",
        "Clients",
        "CUSTOMER",
        "customers",
        "colleague",
        "Colleagues",
        "klant",
        "Klanten",
        "collega",
        "collega's",
        "Collega’s",
        " collegas ",
    ):
        assert core.work_of(Candidate(1, 1, 0, frozenset({tag}))) is Work.TAGGED, tag


def test_other_tags_are_not_work() -> None:
    for tag in ("friends", "clientele", "prospects", "family", "suppliers", ""):
        assert core.work_of(Candidate(1, 1, 0, frozenset({tag}))) is Work.NONE, tag


def test_an_organisation_counts_as_work_unless_they_are_family() -> None:
    assert core.work_of(Candidate(1, 1, 0, organisation="Acme")) is Work.ORGANISATION
    assert core.work_of(Candidate(1, 1, 0, organisation="   ")) is Work.NONE
    mother = Candidate(1, 1, 0, frozenset({"Family"}), organisation="Hospital")
    assert core.work_of(mother) is Work.NONE
    moeder = Candidate(1, 1, 0, frozenset({"familie"}), organisation="Ziekenhuis")
    assert core.work_of(moeder) is Work.NONE
    # A family member who is also a client is a client.
    both = Candidate(1, 1, 0, frozenset({"familie", "klanten"}))
    assert core.work_of(both) is Work.TAGGED


def test_tagged_before_organisation_before_the_rest() -> None:
    other = Candidate(1, 3, 0)
    with_org = Candidate(2, 3, 0, organisation="Acme")
    tagged = Candidate(3, 3, 0, frozenset({"colleagues"}))

    assert who([other, with_org, tagged]) == [3, 2, 1]


# --- strengths -------------------------------------------------------------------------------


def test_strengths_before_only_grateful_then_more_strengths_first() -> None:
    grateful_only = Candidate(1, 0, 9, frozenset({"clients"}))
    one = Candidate(2, 1, 0, frozenset({"clients"}))
    three = Candidate(3, 3, 0, frozenset({"clients"}))

    assert who([grateful_only, one, three]) == [3, 2, 1]


def test_more_grateful_moments_break_a_tie_in_strengths() -> None:
    few = Candidate(1, 2, 0)
    more = Candidate(2, 2, 3)

    assert who([few, more]) == [2, 1]


# --- told recently ---------------------------------------------------------------------------


def test_someone_told_in_the_last_six_months_comes_after_everyone_else() -> None:
    told = Candidate(1, 9, 0, frozenset({"clients"}), last_offered=ago(60), last_given=ago(60))
    friend = Candidate(2, 1, 0)

    assert who([told, friend]) == [2, 1]
    assert core.rank([told], TODAY)[0].recent == ago(60)


def test_told_more_than_six_months_ago_counts_as_not_recent() -> None:
    told = Candidate(1, 9, 0, frozenset({"clients"}), last_given=ago(core.TOLD_RECENTLY_DAYS))
    friend = Candidate(2, 1, 0)

    assert who([told, friend]) == [1, 2]
    assert core.rank([told], TODAY)[0].recent is None


def test_a_suggestion_in_the_last_four_weeks_counts_as_recent_whatever_came_of_it() -> None:
    dismissed = Candidate(1, 9, 0, frozenset({"clients"}), last_offered=ago(14))
    long_ago = Candidate(2, 9, 0, frozenset({"clients"}), last_offered=ago(40))
    friend = Candidate(3, 1, 0)

    assert who([dismissed, long_ago, friend]) == [2, 3, 1]


def test_among_the_recent_ones_the_longest_ago_first() -> None:
    week = Candidate(1, 5, 0, frozenset({"clients"}), last_given=ago(7))
    months = Candidate(2, 1, 0, last_given=ago(100))

    assert who([week, months]) == [2, 1]


# --- deterministic ---------------------------------------------------------------------------


def test_the_same_order_all_day_whatever_the_input_order() -> None:
    people = [Candidate(n, 1, 0) for n in range(1, 30)]

    first = who(people)
    assert who(list(reversed(people))) == first
    assert who(people) == first


def test_ties_fall_differently_on_different_days() -> None:
    people = [Candidate(n, 1, 0) for n in range(1, 30)]

    orders = {tuple(who(people, TODAY + dt.timedelta(days=d))) for d in range(7)}
    assert len(orders) > 1


def test_tie_break_is_stable_across_processes() -> None:
    # sha256, not hash(): a fixed value anyone can recompute.
    assert core.tie_break(TODAY, 1) == core.tie_break(dt.date(2026, 11, 23), 1)
    assert core.tie_break(TODAY, 1) != core.tie_break(TODAY, 2)


# --- someone else ----------------------------------------------------------------------------


def test_someone_else_takes_the_next_and_wraps_around() -> None:
    ranked = core.rank([Candidate(1, 3, 0), Candidate(2, 2, 0), Candidate(3, 1, 0)], TODAY)

    assert [r.person_id for r in ranked] == [1, 2, 3]
    nxt = core.next_after(ranked, 1)
    assert nxt is not None and nxt.person_id == 2
    nxt = core.next_after(ranked, 3)
    assert nxt is not None and nxt.person_id == 1
    nxt = core.next_after(ranked, 99)  # no longer a candidate: the best one
    assert nxt is not None and nxt.person_id == 1


def test_someone_else_when_there_is_nobody_else() -> None:
    ranked = core.rank([Candidate(1, 3, 0)], TODAY)

    assert core.next_after(ranked, 1) is None
    assert core.next_after([], 1) is None


# --- the interval ----------------------------------------------------------------------------


def test_interval_off_never_due() -> None:
    assert not core.is_due(None, TODAY, 0)
    assert not core.is_due(ago(400), TODAY, 0)


def test_interval_at_most_once_in_so_many_days() -> None:
    assert core.is_due(None, TODAY, 7)
    assert not core.is_due(TODAY, TODAY, 7)
    assert not core.is_due(ago(6), TODAY, 7)
    assert core.is_due(ago(7), TODAY, 7)
    assert core.is_due(ago(1), TODAY, 1)


# --- properties ------------------------------------------------------------------------------

candidates = st.lists(
    st.builds(
        Candidate,
        person_id=st.integers(1, 10_000),
        strengths=st.integers(0, 5),
        grateful=st.integers(0, 5),
        tags=st.frozensets(st.sampled_from(["clients", "klanten", "friends", "familie"])),
        organisation=st.sampled_from(["", "Acme"]),
        last_offered=st.none() | st.integers(0, 400).map(ago),
        last_given=st.none() | st.integers(0, 400).map(ago),
    ),
    max_size=20,
    unique_by=lambda c: c.person_id,
)


@given(candidates)
def test_ranking_is_a_permutation_of_those_with_something_to_say(people: list[Candidate]) -> None:
    ranked = who(people)

    assert sorted(ranked) == sorted(c.person_id for c in people if c.strengths or c.grateful)
    assert who(list(reversed(people))) == ranked


@given(candidates)
def test_nobody_recent_ranks_above_someone_not_recent(people: list[Candidate]) -> None:
    flags = [item.recent is not None for item in core.rank(people, TODAY)]

    assert flags == sorted(flags)


@given(candidates)
def test_someone_else_never_returns_the_current_one(people: list[Candidate]) -> None:
    ranked = core.rank(people, TODAY)
    for item in ranked:
        nxt = core.next_after(ranked, item.person_id)
        assert (nxt is None) == (len(ranked) == 1)
        assert nxt is None or nxt.person_id != item.person_id
