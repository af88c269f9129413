"""Card season's services on the database: the list, the exclusions, sending and un-sending."""

from __future__ import annotations

import datetime as dt

import pytest
from cards_helpers import YEAR, Cast, days_ago, moment
from django.contrib.auth.models import User
from django.utils import translation

from aandacht.accounts.models import Vault
from aandacht.cards import services
from aandacht.cards.models import Card, CardStatus
from aandacht.people.lifecycle import set_archived
from aandacht.people.services import create_person
from aandacht.timeline.models import Initiator, Interaction, MomentKind
from aandacht.timeline.services import log_interaction

pytestmark = pytest.mark.django_db


def names(season: services.Season) -> list[str]:
    return [entry.person.name for entry in season.entries]


def test_the_list_is_ranked_by_moments_and_explains_itself(
    vault: Vault, alice: User, cast: Cast
) -> None:
    season = services.season_for(vault, alice)
    assert season.year == YEAR and season.size == 5
    assert names(season) == ["Zoë de Vries", "Ruud Çelik", "Anna Jansen"]
    assert all(entry.proposed and entry.status == "proposed" for entry in season.entries)
    reasons = [entry.reason for entry in season.entries]
    assert reasons[0] == "Since March: 1 moment, 2 things you are grateful for"
    assert reasons[1] == "Since August: 1 moment, 1 strength you admire"
    assert reasons[2] == "Since May: 1 moment"


def test_reasons_in_dutch(vault: Vault, alice: User, cast: Cast) -> None:
    with translation.override("nl"):
        season = services.season_for(vault, alice)
    assert "maart" in season.entries[0].reason


def test_a_moment_from_last_year_names_the_year(vault: Vault, alice: User) -> None:
    person = create_person(vault, "Oud Moment")
    moment(person, MomentKind.SHARED, 340, alice)
    (entry,) = services.season_for(vault, alice).entries
    assert entry.reason == "Since December 2025: 1 moment"


def test_private_moments_count_only_for_their_author(vault: Vault, alice: User, bob: User) -> None:
    person = create_person(vault, "Geheim Persoon")
    moment(person, MomentKind.GRATEFUL, 10, alice, private=True)
    assert names(services.season_for(vault, alice)) == ["Geheim Persoon"]
    assert names(services.season_for(vault, bob)) == []


def test_archived_deceased_and_trashed_people_are_left_out(
    vault: Vault, alice: User, cast: Cast
) -> None:
    set_archived(cast.zoe, True)
    cast.ruud.deceased = True
    cast.ruud.save()
    cast.anna.trashed_at = days_ago(1)
    cast.anna.save()
    assert names(services.season_for(vault, alice)) == []


def test_a_recent_card_leaves_someone_out_but_last_december_does_not(
    vault: Vault, alice: User, cast: Cast
) -> None:
    log_interaction(vault, [cast.zoe], "card", occurred_at=days_ago(60), initiated_by="me")
    log_interaction(vault, [cast.ruud], "card", occurred_at=days_ago(355), initiated_by="me")
    # A card they sent me does not count as one I sent them.
    log_interaction(
        vault, [cast.anna], "card", occurred_at=days_ago(5), initiated_by=Initiator.THEM
    )
    assert names(services.season_for(vault, alice)) == ["Ruud Çelik", "Anna Jansen"]


def test_a_card_sent_last_season_leaves_out_only_when_recent(
    vault: Vault, alice: User, cast: Cast
) -> None:
    Card.objects.create(
        vault=vault,
        person=cast.zoe,
        author=alice,
        year=YEAR,
        status=CardStatus.SKIPPED,
    )
    Card.objects.create(
        vault=vault,
        person=cast.ruud,
        author=alice,
        year=YEAR - 1,
        status=CardStatus.SENT,
        sent_at=days_ago(100),
    )
    assert names(services.season_for(vault, alice)) == ["Anna Jansen"]


def test_the_size_cuts_proposals_but_never_people_you_added(
    vault: Vault, alice: User, cast: Cast
) -> None:
    services.set_list_size(vault, alice, 3)
    services.add_to_list(cast.quiet, alice, YEAR)
    season = services.season_for(vault, alice)
    assert names(season) == ["Stille Willem", "Zoë de Vries", "Ruud Çelik"]
    assert season.entries[0].reason == "No moments in the past year; you put them on the list."
    assert season.entries[0].status == "planned"
    for person in (cast.zoe, cast.ruud, cast.anna):
        services.add_to_list(person, alice, YEAR)
    assert len(services.season_for(vault, alice).entries) == 4


def test_list_size_is_remembered_per_user_and_checked(vault: Vault, alice: User, bob: User) -> None:
    assert services.list_size(vault, alice) == 5
    services.set_list_size(vault, alice, 12)
    services.set_list_size(vault, alice, 12)
    assert services.list_size(vault, alice) == 12
    assert services.list_size(vault, bob) == 5
    for bad in (2, 21, -1):
        with pytest.raises(services.CardProblem):
            services.set_list_size(vault, alice, bad)


def test_adding_and_removing_are_idempotent(vault: Vault, alice: User, cast: Cast) -> None:
    services.add_to_list(cast.anna, alice, YEAR)
    services.add_to_list(cast.anna, alice, YEAR)
    assert Card.objects.filter(person=cast.anna).count() == 1
    services.remove_from_list(cast.anna, alice, YEAR)
    services.remove_from_list(cast.anna, alice, YEAR)
    card = Card.objects.get(person=cast.anna)
    assert card.status == CardStatus.SKIPPED
    season = services.season_for(vault, alice)
    assert "Anna Jansen" not in names(season)
    assert [removed.person for removed in season.removed] == [cast.anna]


def test_removing_keeps_the_draft_and_writing_puts_someone_back(
    vault: Vault, alice: User, cast: Cast
) -> None:
    services.save_text(cast.zoe, alice, YEAR, "Lieve Zoë,\r\ndank je.")
    services.remove_from_list(cast.zoe, alice, YEAR)
    assert Card.objects.get(person=cast.zoe).text == "Lieve Zoë,\ndank je."
    services.save_text(cast.zoe, alice, YEAR, "Lieve Zoë, dank je wel.")
    card = Card.objects.get(person=cast.zoe)
    assert card.status == CardStatus.PLANNED


def test_a_text_that_is_too_long_is_refused(vault: Vault, alice: User, cast: Cast) -> None:
    with pytest.raises(services.CardProblem):
        services.save_text(cast.zoe, alice, YEAR, "x" * (services.MAX_TEXT + 1))
    assert not Card.objects.exists()


def test_marking_sent_logs_one_card_interaction_and_unmarking_removes_it(
    vault: Vault, alice: User, cast: Cast
) -> None:
    card = services.mark_sent(cast.zoe, alice, YEAR)
    again = services.mark_sent(cast.zoe, alice, YEAR)
    assert card.pk == again.pk and again.status == CardStatus.SENT
    (interaction,) = Interaction.objects.filter(people=cast.zoe)
    assert interaction.kind == "card" and interaction.initiated_by == "me"
    assert interaction.author == alice
    assert again.interaction_id == interaction.pk
    with pytest.raises(services.CardProblem):
        services.remove_from_list(cast.zoe, alice, YEAR)

    services.mark_unsent(cast.zoe, alice, YEAR)
    services.mark_unsent(cast.zoe, alice, YEAR)
    assert not Interaction.objects.filter(people=cast.zoe).exists()
    card.refresh_from_db()
    assert (card.status, card.sent_at, card.interaction) == (CardStatus.PLANNED, None, None)


def test_other_interactions_survive_unmarking(vault: Vault, alice: User, cast: Cast) -> None:
    other = log_interaction(vault, [cast.zoe], "card", occurred_at=days_ago(3))
    services.mark_sent(cast.zoe, alice, YEAR)
    services.mark_unsent(cast.zoe, alice, YEAR)
    assert list(Interaction.objects.filter(people=cast.zoe)) == [other]


def test_sent_cards_go_last_on_the_list_and_into_the_history(
    vault: Vault, alice: User, bob: User, cast: Cast
) -> None:
    services.mark_sent(cast.zoe, alice, YEAR)
    Card.objects.create(
        vault=vault,
        person=cast.anna,
        author=bob,
        year=YEAR - 2,
        status=CardStatus.SENT,
        sent_at=days_ago(720),
    )
    season = services.season_for(vault, alice)
    assert names(season)[-1] == "Zoë de Vries"
    assert season.entries[-1].status == "sent"
    assert season.sent_count == 1
    assert [(group.year, [c.person.name for c in group.cards]) for group in season.history] == [
        (YEAR, ["Zoë de Vries"]),
        (YEAR - 2, ["Anna Jansen"]),
    ]


def test_the_memory_aid(vault: Vault, alice: User, bob: User, cast: Cast) -> None:
    moment(cast.ruud, MomentKind.SHARED, 5, bob, private=True)
    log_interaction(
        vault, [cast.ruud], "call", occurred_at=days_ago(8), summary="Talked about his new shop"
    )
    Card.objects.create(
        vault=vault, person=cast.ruud, author=alice, year=YEAR - 1, text="Last year's words"
    )
    aid = services.memory_aid(cast.ruud, alice, YEAR)
    assert [m.kind for m in aid.moments] == ["shared"]  # bob's private moment is not shown
    assert [m.kind for m in aid.strengths] == ["strength"]
    assert aid.last_conversation is not None
    assert aid.last_conversation.summary == "Talked about his new shop"
    assert [card.text for card in aid.earlier_cards] == ["Last year's words"]


def test_season_year_follows_the_calendar() -> None:
    assert services.season_year(dt.date(2027, 1, 2)) == 2027
