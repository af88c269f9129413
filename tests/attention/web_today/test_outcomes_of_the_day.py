"""Today's outcomes per person, read from the dates on the link rows (timeline 0004)."""

from __future__ import annotations

import datetime as dt

import pytest
from attention_helpers import NOW, MakePerson, Talk
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aandacht.accounts.models import Vault
from aandacht.attention import pages, services
from aandacht.timeline.models import Interaction
from aandacht.timeline.services import log_interaction

pytestmark = pytest.mark.django_db


def test_each_persons_outcomes_of_the_day(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk, today: dt.date
) -> None:
    ria, sem, tom = (make_person(name) for name in ("Ria Bakker", "Sem de Vries", "Tom Jansen"))
    talk(ria, kind="call", days_ago=0)
    talk(ria, kind="voicemail", days_ago=0)
    talk(sem, kind="voicemail", days_ago=0)
    talk(tom, kind="call", days_ago=1)  # yesterday: not today's
    services.settings_for(alice)  # made once, read from then on

    with CaptureQueriesContext(connection) as queries:
        found = pages.outcomes_today(alice, vault, [ria.pk, sem.pk, tom.pk], today)

    assert found == {ria.pk: {"conversation", "attempt"}, sem.pk: {"attempt"}}
    assert len(queries) == 2  # the settings (time zone), then the day's links


def test_the_day_is_the_users_own(
    alice: User, vault: Vault, make_person: MakePerson, today: dt.date
) -> None:
    """Amsterdam's day: 23:30 the evening before is not today's, 00:10 this morning and
    23:50 tonight are, 00:10 tomorrow is not."""
    eve, dawn, late, next_day = (
        make_person(name) for name in ("Eva Avond", "Daan Ochtend", "Lot Laat", "Mo Morgen")
    )
    at = {
        eve: dt.datetime(2026, 11, 22, 22, 30, tzinfo=dt.UTC),  # 23:30 on the 22nd
        dawn: dt.datetime(2026, 11, 22, 23, 10, tzinfo=dt.UTC),  # 00:10 on the 23rd
        late: dt.datetime(2026, 11, 23, 22, 50, tzinfo=dt.UTC),  # 23:50 on the 23rd
        next_day: dt.datetime(2026, 11, 23, 23, 10, tzinfo=dt.UTC),  # 00:10 on the 24th
    }
    for person, when in at.items():
        log_interaction(vault, [person], "call", occurred_at=when, author=alice)

    assert pages.outcomes_today(alice, vault, [p.pk for p in at], today) == {
        dawn.pk: {"conversation"},
        late.pk: {"conversation"},
    }


def test_a_call_moved_to_another_day_no_longer_counts(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk, today: dt.date
) -> None:
    """The link rows' dates follow the interaction's (the database's triggers)."""
    ria = make_person("Ria Bakker")
    call = talk(ria, kind="call", days_ago=0)
    call.occurred_at = NOW - dt.timedelta(days=2)
    call.save(update_fields=["occurred_at"])

    assert pages.outcomes_today(alice, vault, [ria.pk], today) == {}


def test_only_these_people_in_this_vault(
    alice: User,
    vault: Vault,
    other_vault: Vault,
    make_person: MakePerson,
    talk: Talk,
    today: dt.date,
) -> None:
    """Someone else's call with them today (a meeting of three) counts for them; others'
    calls, in this vault or another, do not show."""
    ria, sem = make_person("Ria Bakker"), make_person("Sem de Vries")
    talk(ria, sem, kind="meeting", days_ago=0)
    talk(sem, kind="voicemail", days_ago=0)
    for name in ("Ann Other", "Ben Other", "Cas Other"):
        talk(make_person(name, in_vault=other_vault), kind="call", days_ago=0)

    assert pages.outcomes_today(alice, vault, [ria.pk], today) == {ria.pk: {"conversation"}}
    assert pages.outcomes_today(alice, vault, [], today) == {}


def test_a_link_to_another_vaults_interaction_does_not_count(
    alice: User,
    vault: Vault,
    other_vault: Vault,
    make_person: MakePerson,
    talk: Talk,
    today: dt.date,
) -> None:
    """Only this vault's interactions answer, even if a link row crossed vaults (no path
    writes one; a hand-edited database could)."""
    ria, ann = make_person("Ria Bakker"), make_person("Ann Other", in_vault=other_vault)
    elsewhere = talk(ann, kind="call", days_ago=0)
    Interaction.people.through.objects.create(interaction=elsewhere, person=ria)

    assert pages.outcomes_today(alice, vault, [ria.pk], today) == {}
    assert pages.outcomes_today(alice, other_vault, [ria.pk], today) == {ria.pk: {"conversation"}}
