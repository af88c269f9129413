"""The demo network shows card season: last December's cards in the history (each with the
interaction it logged), two drafts and one person taken off this year's list, in both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from aandacht.cards import services
from aandacht.cards.models import Card, CardStatus
from aandacht.demo import load_demo

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("lang", "words"), [("en", ("Dear",)), ("nl", ("Beste", "Lieve"))])
def test_the_demo_has_a_card_season(lang: str, words: tuple[str, ...]) -> None:
    owner = User.objects.create_user(username=f"demo-{lang}", password="demo-secret-pw")
    vault = load_demo(lang, owner=owner)
    today = dt.date(2026, 12, 5)
    sent = Card.objects.filter(vault=vault, status=CardStatus.SENT)
    assert sent.count() >= 5
    assert {card.year for card in sent} == {2025}
    for card in sent:
        assert card.interaction is not None and card.interaction.kind == "card"
        assert list(card.interaction.people.all()) == [card.person]
    for word in words:
        assert any(card.text.startswith(word) for card in sent)
    drafts = Card.objects.filter(vault=vault, year=2026, status=CardStatus.PLANNED)
    assert drafts.count() == 2
    assert all(card.text.startswith(words) for card in drafts)
    assert Card.objects.filter(vault=vault, year=2026, status=CardStatus.SKIPPED).count() == 1

    season = services.season_for(vault, owner, today)
    assert [entry.status for entry in season.entries[:2]] == ["draft", "draft"]
    assert len(season.entries) == 5
    assert [group.year for group in season.history] == [2025]

    client = Client()
    client.force_login(owner)
    assert client.get(reverse("cards:season"), {"vault": vault.pk}).status_code == 200
