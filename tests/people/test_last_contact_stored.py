"""The person page's "last contact": the latest conversation, from the dates on the link rows,
in one query whatever the rhythm has stored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aandacht.accounts.models import Vault
from aandacht.attention.models import Rhythm
from aandacht.people.briefing import last_contact
from aandacht.people.services import create_person
from aandacht.timeline.services import log_interaction

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


def test_the_latest_conversation_whichever_way_it_is_found(vault: Vault, alice: User) -> None:
    ann = create_person(vault, "Ann Example")
    for days, kind in ((30, "call"), (10, "meeting"), (5, "voicemail"), (2, "email")):
        log_interaction(vault, [ann], kind, occurred_at=NOW - dt.timedelta(days=days))

    with CaptureQueriesContext(connection) as queries:
        found = last_contact(ann)
    assert found is not None and found.interaction.kind == "meeting"
    assert len(queries) == 1

    Rhythm.objects.filter(person=ann).update(last_conversation_at=NOW)  # stale
    stale = last_contact(ann)
    assert stale is not None and stale.interaction.kind == "meeting"

    Rhythm.objects.filter(person=ann).delete()
    without = last_contact(ann)
    assert without is not None and without.interaction.kind == "meeting"


def test_two_conversations_at_the_same_minute_give_the_later_logged(vault: Vault) -> None:
    ben = create_person(vault, "Ben Example")
    log_interaction(vault, [ben], "call", occurred_at=NOW - dt.timedelta(days=1))
    log_interaction(vault, [ben], "video", occurred_at=NOW - dt.timedelta(days=1))

    found = last_contact(ben)

    assert found is not None and found.interaction.kind == "video"


def test_no_conversation_no_last_contact(vault: Vault) -> None:
    cleo = create_person(vault, "Cleo Example")
    log_interaction(vault, [cleo], "email", occurred_at=NOW - dt.timedelta(days=1))

    assert last_contact(cleo) is None


def test_a_stale_stored_time_of_an_older_conversation_still_finds_the_latest(
    vault: Vault,
) -> None:
    dirk = create_person(vault, "Dirk Example")
    log_interaction(vault, [dirk], "call", occurred_at=NOW - dt.timedelta(days=30))
    log_interaction(vault, [dirk], "meeting", occurred_at=NOW - dt.timedelta(days=10))
    Rhythm.objects.filter(person=dirk).update(last_conversation_at=NOW - dt.timedelta(days=30))

    found = last_contact(dirk)

    assert found is not None and found.interaction.kind == "meeting"


def test_someone_with_many_interactions_and_others_in_between(vault: Vault) -> None:
    eve, fay = create_person(vault, "Eve Example"), create_person(vault, "Fay Example")
    for days in (40, 30, 20):
        log_interaction(vault, [eve], "call", occurred_at=NOW - dt.timedelta(days=days))
    log_interaction(vault, [eve], "meeting", occurred_at=NOW - dt.timedelta(days=15))
    log_interaction(vault, [eve], "email", occurred_at=NOW - dt.timedelta(days=1))  # one-way
    log_interaction(vault, [fay], "video", occurred_at=NOW - dt.timedelta(days=2))

    found = last_contact(eve)
    assert found is not None and found.interaction.kind == "meeting"

    for days in (4, 3):
        log_interaction(vault, [fay], "call", occurred_at=NOW - dt.timedelta(days=days))
    Rhythm.objects.filter(person=eve).update(last_conversation_at=NOW - dt.timedelta(days=40))
    found = last_contact(eve)
    assert found is not None and found.interaction.kind == "meeting"

    Rhythm.objects.filter(person=eve).delete()
    found = last_contact(eve)
    assert found is not None and found.interaction.kind == "meeting"
