"""Today's outcomes per person are the same whether the day is read first or joined."""

from __future__ import annotations

import datetime as dt

import pytest
from attention_helpers import MakePerson, Talk
from django.contrib.auth.models import User

from aandacht.attention import pages

pytestmark = pytest.mark.django_db


def test_both_ways_agree(
    alice: User,
    make_person: MakePerson,
    talk: Talk,
    today: dt.date,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ria, sem, tom = (make_person(name) for name in ("Ria Bakker", "Sem de Vries", "Tom Jansen"))
    talk(ria, kind="call", days_ago=0)
    talk(ria, kind="voicemail", days_ago=0)
    talk(sem, kind="voicemail", days_ago=0)
    talk(tom, kind="call", days_ago=1)  # yesterday: not today's
    people = [ria.pk, sem.pk, tom.pk]

    read_first = pages.outcomes_today(alice, people, today)
    monkeypatch.setattr(pages, "DAY_INTERACTIONS", 0)
    joined = pages.outcomes_today(alice, people, today)

    assert read_first == joined == {ria.pk: {"conversation", "attempt"}, sem.pk: {"attempt"}}
