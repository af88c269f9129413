"""Card season around New Year: "this year" is the user's own (their time zone), and a writing
page left open over midnight on New Year's Eve does not lose its words.

The server's zone is Europe/Amsterdam (AANDACHT_TIME_ZONE in the test settings); users set
their own zone in the agenda settings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import time_machine
from cards_helpers import Cast
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aandacht.accounts.models import Vault
from aandacht.attention.services import settings_for
from aandacht.cards import services
from aandacht.cards.models import Card, CardStatus
from aandacht.people.models import Person
from aandacht.timeline.models import Initiator, InteractionKind
from aandacht.timeline.services import log_interaction

UTC = dt.UTC
HTMX = {"HTTP_HX_REQUEST": "true"}
# 23:30 UTC on 31 December: 00:30 on 1 January in Amsterdam, 15:30 on 31 December in LA.
EVE = dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC)


@contextmanager
def at(
    moment: dt.datetime, client: Client | None = None, user: User | None = None
) -> Iterator[None]:
    """Travel to ``moment``; sign ``client`` in again there (a session from 5 December would
    have expired by New Year)."""
    with time_machine.travel(moment, tick=False):
        if client is not None and user is not None:
            client.force_login(user)
        yield


def live_in(user: User, zone: str) -> None:
    prefs = settings_for(user)
    prefs.time_zone = zone
    prefs.save()


def write_url(person: Person, year: int) -> str:
    return reverse("cards:write", args=[year, person.pk])


def action_url(name: str, person: Person, year: int) -> str:
    return reverse(f"cards:{name}", args=[year, person.pk])


# ---------------------------------------------------------------------------------------------
# The rule, without the database


@pytest.mark.parametrize(
    ("year", "today", "allowed"),
    [
        (2026, dt.date(2027, 1, 1), True),
        (2026, dt.date(2027, 1, 31), True),
        (2026, dt.date(2027, 2, 1), False),
        (2025, dt.date(2027, 1, 5), False),  # two seasons back
        (2026, dt.date(2026, 12, 31), False),  # this year is not "late"
        (2027, dt.date(2027, 1, 5), False),
    ],
)
def test_late_drafts_are_last_seasons_during_january(
    year: int, today: dt.date, allowed: bool
) -> None:
    assert services.late_draft_allowed(year, today) is allowed


def test_a_sent_card_is_never_open_and_this_years_always_is() -> None:
    sent = Card(status=CardStatus.SENT)
    planned = Card(status=CardStatus.PLANNED)
    january = dt.date(2027, 1, 3)
    assert not services.draft_year_open(sent, 2027, january)
    assert not services.draft_year_open(sent, 2026, january)
    assert services.draft_year_open(planned, 2026, january)
    assert services.draft_year_open(None, 2027, january)
    assert not services.draft_year_open(planned, 2026, dt.date(2027, 2, 1))


# ---------------------------------------------------------------------------------------------
# The user's own day


def test_the_season_follows_the_users_zone_not_the_servers(
    vault: Vault, alice: User, bob: User, cast: Cast
) -> None:
    live_in(alice, "America/Los_Angeles")
    with at(EVE):
        assert timezone.localdate().year == 2027  # the server has moved on
        assert services.today_for(alice) == dt.date(2026, 12, 31)
        assert services.season_for(vault, alice).year == 2026
        assert services.today_for(bob) == dt.date(2027, 1, 1)  # no zone: the server's
        assert services.season_for(vault, bob).year == 2027


def test_a_user_ahead_of_the_server_is_in_the_new_year_first(
    vault: Vault, alice: User, cast: Cast
) -> None:
    live_in(alice, "Pacific/Auckland")
    with at(dt.datetime(2026, 12, 31, 12, 0, tzinfo=UTC)):  # 13:00 in Amsterdam
        assert timezone.localdate() == dt.date(2026, 12, 31)
        assert services.today_for(alice) == dt.date(2027, 1, 1)
        assert services.season_for(vault, alice).year == 2027


def test_recent_cards_are_counted_in_the_users_days(vault: Vault, alice: User, cast: Cast) -> None:
    # 06:00 UTC on 1 March is still 28 February in Los Angeles.
    log_interaction(
        vault,
        [cast.zoe],
        InteractionKind.CARD,
        occurred_at=dt.datetime(2026, 3, 1, 6, 0, tzinfo=UTC),
        initiated_by=Initiator.ME,
        author=alice,
    )
    today = dt.date(2026, 12, 5)
    amsterdam = services.day_of(alice).zone  # no zone of her own: the server's
    assert services.last_cards(vault, today, amsterdam)[cast.zoe.pk] == dt.date(2026, 3, 1)
    live_in(alice, "America/Los_Angeles")
    los_angeles = services.day_of(alice).zone
    assert services.last_cards(vault, today, los_angeles)[cast.zoe.pk] == dt.date(2026, 2, 28)


def test_in_los_angeles_the_old_year_still_works_after_amsterdam_midnight(
    as_alice: Client, alice: User, cast: Cast
) -> None:
    live_in(alice, "America/Los_Angeles")
    with at(EVE, as_alice, alice):
        page = as_alice.get(reverse("cards:season")).content.decode()
        assert "Card season 2026" in page
        saved = as_alice.post(write_url(cast.zoe, 2026), {"text": "Lieve Zoë"}, **HTMX)
        assert saved.status_code == 200 and 'data-testid="autosaved"' in saved.content.decode()
        assert as_alice.post(action_url("sent", cast.zoe, 2026)).status_code == 302
        assert as_alice.post(action_url("add", cast.ruud, 2026)).status_code == 302
        # The new year is not there yet for her.
        assert as_alice.get(write_url(cast.anna, 2027)).status_code == 404
    card = Card.objects.get(person=cast.zoe)
    assert (card.year, card.text, card.status) == (2026, "Lieve Zoë", CardStatus.SENT)
    assert Card.objects.get(person=cast.ruud).year == 2026


# ---------------------------------------------------------------------------------------------
# A page left open over midnight on New Year's Eve


@pytest.fixture
def open_on_new_years_eve(as_alice: Client, alice: User, cast: Cast) -> str:
    """Alice (the server's zone) opens Zoë's card at 23:55 and writes a first line."""
    with at(dt.datetime(2026, 12, 31, 22, 55, tzinfo=UTC), as_alice, alice):
        page = as_alice.get(write_url(cast.zoe, 2026)).content.decode()
        assert "hx-post" in page
        as_alice.post(write_url(cast.zoe, 2026), {"text": "Lieve Zoë,"}, **HTMX)
    return write_url(cast.zoe, 2026)


def test_autosave_after_midnight_keeps_saving(
    as_alice: Client, alice: User, cast: Cast, open_on_new_years_eve: str
) -> None:
    with at(dt.datetime(2026, 12, 31, 23, 5, tzinfo=UTC), as_alice, alice):  # 00:05 on 1 January
        response = as_alice.post(open_on_new_years_eve, {"text": "Lieve Zoë, dank je."}, **HTMX)
    assert response.status_code == 200
    assert 'data-testid="autosaved"' in response.content.decode()
    card = Card.objects.get(person=cast.zoe)
    assert (card.year, card.text) == (2026, "Lieve Zoë, dank je.")


def test_save_draft_after_midnight_keeps_saving(
    as_alice: Client, alice: User, cast: Cast, open_on_new_years_eve: str
) -> None:
    with at(dt.datetime(2026, 12, 31, 23, 5, tzinfo=UTC), as_alice, alice):
        response = as_alice.post(open_on_new_years_eve, {"text": "Lieve Zoë, tot snel."})
        assert response.status_code == 302
        page = as_alice.get(open_on_new_years_eve).content.decode()
        season = as_alice.get(reverse("cards:season")).content.decode()
    assert "Draft saved." in page and "Lieve Zoë, tot snel." in page
    assert 'data-testid="late-draft"' in page
    assert reverse("cards:sent", args=[2026, cast.zoe.pk]) not in page  # no Mark sent
    assert "Card season 2027" in season and 'data-testid="late-drafts"' in season
    assert open_on_new_years_eve in season
    assert Card.objects.get(person=cast.zoe).text == "Lieve Zoë, tot snel."


def test_last_seasons_list_answers_with_a_message(
    as_alice: Client, alice: User, cast: Cast, open_on_new_years_eve: str
) -> None:
    with at(dt.datetime(2027, 1, 2, 10, 0, tzinfo=UTC), as_alice, alice):
        for name in ("sent", "remove", "add"):
            response = as_alice.post(action_url(name, cast.zoe, 2026), follow=True)
            assert response.status_code == 200
            assert "Card season 2026 is over" in response.content.decode()
    assert Card.objects.get(person=cast.zoe).status == CardStatus.PLANNED
    assert not Card.objects.filter(year=2027).exists()


def test_after_january_the_draft_is_refused_but_the_words_stay(
    as_alice: Client, alice: User, cast: Cast, open_on_new_years_eve: str
) -> None:
    words = "Lieve Zoë, dit wilde ik nog zeggen."
    with at(dt.datetime(2027, 2, 1, 10, 0, tzinfo=UTC), as_alice, alice):
        autosave = as_alice.post(open_on_new_years_eve, {"text": words}, **HTMX)
        plain = as_alice.post(open_on_new_years_eve, {"text": words})
        page = as_alice.get(open_on_new_years_eve).content.decode()
        season = as_alice.get(reverse("cards:season")).content.decode()
    assert autosave.status_code == 200
    assert "Card season 2026 is over" in autosave.content.decode()
    assert 'data-testid="autosaved"' not in autosave.content.decode()
    assert plain.status_code == 200
    body = plain.content.decode()
    assert "Card season 2026 is over" in body and words in body and "<textarea" in body
    assert 'data-testid="season-closed"' in body and "hx-post" not in body
    assert "<textarea" not in page and "Lieve Zoë," in page  # read-only from now on
    assert 'data-testid="late-drafts"' not in season
    assert Card.objects.get(person=cast.zoe).text == "Lieve Zoë,"


def test_late_drafts_cost_one_query_only_in_january(
    vault: Vault, alice: User, cast: Cast, open_on_new_years_eve: str
) -> None:
    with at(dt.datetime(2027, 1, 2, 10, 0, tzinfo=UTC)):
        day = services.day_of(alice)
        with CaptureQueriesContext(connection) as january:
            season = services.season_for(vault, alice, day)
        assert [card.person for card in season.late_drafts] == [cast.zoe]
    with at(dt.datetime(2027, 2, 2, 10, 0, tzinfo=UTC)):
        day = services.day_of(alice)
        with CaptureQueriesContext(connection) as february:
            season = services.season_for(vault, alice, day)
        assert season.late_drafts == []
    assert len(january) == len(february) + 1
