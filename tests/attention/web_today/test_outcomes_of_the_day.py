"""Today's outcomes per person are the same whether the day is read first or joined."""

from __future__ import annotations

import datetime as dt

import pytest
from attention_helpers import MakePerson, Talk
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aandacht.accounts.models import Vault
from aandacht.attention import pages

pytestmark = pytest.mark.django_db


def test_both_ways_agree(
    alice: User,
    vault: Vault,
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

    read_first = pages.outcomes_today(alice, vault, people, today)
    monkeypatch.setattr(pages, "DAY_INTERACTIONS", 0)
    joined = pages.outcomes_today(alice, vault, people, today)

    assert read_first == joined == {ria.pk: {"conversation", "attempt"}, sem.pk: {"attempt"}}


def test_only_the_vaults_day_is_read(
    alice: User,
    vault: Vault,
    other_vault: Vault,
    make_person: MakePerson,
    talk: Talk,
    today: dt.date,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A busy day in another vault (a shared instance) does not push this vault's few
    interactions into the joined query."""
    ria = make_person("Ria Bakker")
    talk(ria, kind="call", days_ago=0)
    for name in ("Ann Other", "Ben Other", "Cas Other"):
        talk(make_person(name, in_vault=other_vault), kind="call", days_ago=0)
    monkeypatch.setattr(pages, "DAY_INTERACTIONS", 2)

    with CaptureQueriesContext(connection) as queries:
        found = pages.outcomes_today(alice, vault, [ria.pk], today)

    assert found == {ria.pk: {"conversation"}}
    assert not any("JOIN" in query["sql"] for query in queries)  # the day read first
