"""The demo network shows the appreciation nudge: strengths of clients and colleagues, earlier
suggestions (told and not now) with the interactions they logged, and a suggestion on the first
look at Today that keeps to "at most once a week", in both languages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from aandacht.attention import appreciation, services
from aandacht.attention import appreciation_core as core
from aandacht.attention.models import AppreciationNudge, NudgeOutcome
from aandacht.demo import load_demo

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("lang", "told"), [("en", "Told them"), ("nl", "Verteld")])
def test_the_demo_suggests_someone_to_appreciate(lang: str, told: str) -> None:
    owner = User.objects.create_user(username=f"demo-{lang}", password="demo-secret-pw")
    vault = load_demo(lang, owner=owner)
    today = services.local_today(services.settings_for(owner))

    past = AppreciationNudge.objects.filter(vault=vault, user=owner)
    given = past.filter(outcome=NudgeOutcome.GIVEN)
    assert given.count() == 3 and past.filter(outcome=NudgeOutcome.DISMISSED).count() == 1
    for nudge in given:
        assert nudge.interaction is not None
        assert nudge.interaction.initiated_by == "me"
        assert nudge.interaction.summary.startswith(told)
        assert list(nudge.interaction.people.all()) == [nudge.person]
    latest = max(nudge.offered_on for nudge in past)
    assert (today - latest).days >= 7  # the rule holds for today's suggestion

    found = appreciation.suggestion_for(owner, vault)
    assert found is not None and found.is_open
    assert found.person.name == "Denise van Iersel"
    assert len(found.strengths) >= 2
    assert core.work_of(
        core.Candidate(0, 1, 0, frozenset(found.person.tags.values_list("name", flat=True)))
    ) == (core.Work.TAGGED)
    assert AppreciationNudge.objects.filter(vault=vault, offered_on=today).count() == 1

    client = Client()
    client.force_login(owner)
    page = client.get("/today/", {"vault": vault.pk}).content.decode()
    assert 'data-testid="appreciation"' in page and "Denise van Iersel" in page
