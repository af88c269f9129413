"""The demo network has one active round with progress and one finished round, in both languages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from aandacht.accounts.models import Vault
from aandacht.demo import load_demo
from aandacht.rounds import services
from aandacht.rounds.models import CheckInRound, RoundStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", params=["en", "nl"])
def demo(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[tuple[Vault, str]]:
    with django_db_blocker.unblock(), transaction.atomic():
        owner = User.objects.create_user(username="demo-owner")
        yield load_demo(request.param, owner=owner), request.param
        transaction.set_rollback(True)


def test_one_active_and_one_finished_round(demo: tuple[Vault, str]) -> None:
    vault, lang = demo
    rounds = {r.status: r for r in CheckInRound.objects.filter(vault=vault)}
    assert set(rounds) == {RoundStatus.ACTIVE, RoundStatus.FINISHED}
    active, finished = rounds[RoundStatus.ACTIVE], rounds[RoundStatus.FINISHED]
    assert active.name == {"en": "Lockdown: hospitality", "nl": "Lockdown: horeca"}[lang]
    # Worded as the app words a tag in that language ("label: …" in Dutch).
    assert active.chosen_by == {"en": "tag: hospitality", "nl": "label: horeca"}[lang]
    assert finished.chosen_by == {"en": "tag: clients", "nl": "label: klanten"}[lang]
    now = timezone.now()
    assert (now - active.created_at).days <= 8
    assert finished.finished_at is not None and (now - finished.finished_at).days >= 100

    progress = services.board(active).progress
    assert progress.people >= 5
    assert 0 < progress.people_done < progress.people
    assert 0 < progress.steps_done < progress.steps
    finished_progress = services.board(finished).progress
    assert finished_progress.steps_done >= finished_progress.steps - 1
    for row in services.board(active).rows:
        assert all(step.note for step in row.steps if step.done_at)
        assert not row.person.archived and not row.person.deceased
        assert all(step.done_at is None or step.done_at <= now for step in row.steps)
