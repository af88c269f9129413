"""The agenda's fast read of the rhythms (``services._standing_rows``) gives exactly what the
ORM's own conversion gives: aware datetimes in UTC and dates, on SQLite read as text and
parsed with ``fromisoformat``, with microseconds, whole seconds and empty columns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from aandacht.accounts.models import Vault
from aandacht.attention import services
from aandacht.attention.models import Circle, Rhythm
from aandacht.people.services import create_person

UTC = dt.UTC


@pytest.mark.django_db
def test_rows_match_the_orm_conversion(alice: User, vault: Vault) -> None:
    circle = Circle.objects.filter(vault=vault).order_by("cadence_days").first()
    assert circle is not None
    full = create_person(vault, "Anna Full")
    empty = create_person(vault, "Bram Empty")
    whole = create_person(vault, "Cor Whole")
    Rhythm.objects.create(
        person=full,
        circle=circle,
        cadence_days=21,
        muted=False,
        paused_until=dt.date(2027, 1, 2),
        snoozed_until=dt.date(2026, 12, 24),
        skipped_on=dt.date(2026, 11, 30),
        handled_on=dt.date(2026, 12, 5),
        handled_as="snoozed",
        since=dt.date(2025, 2, 28),
        last_conversation_at=dt.datetime(2026, 11, 1, 23, 59, 59, 999999, tzinfo=UTC),
        last_attempt_at=dt.datetime(2026, 11, 20, 7, 0, 0, 123, tzinfo=UTC),
        last_one_way_at=dt.datetime(2024, 2, 29, 0, 0, 0, tzinfo=UTC),
    )
    Rhythm.objects.create(person=empty, circle=circle, since=dt.date(2026, 1, 1))
    Rhythm.objects.create(
        person=whole,
        cadence_days=7,
        muted=True,
        since=dt.date(2026, 3, 29),
        last_conversation_at=dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
    )
    rows = Rhythm.objects.filter(person__vault=vault)
    fast = sorted(services._standing_rows(rows))
    plain = sorted(rows.values_list(*services._STANDING_FIELDS))
    assert fast == plain
    assert len(fast) == 3
    for row in fast:
        for value in row[4:7]:
            assert value is None or value.utcoffset() == dt.timedelta(0)


@pytest.mark.django_db
def test_standings_of_a_tag_circle_and_a_personal_cadence(alice: User, vault: Vault) -> None:
    """A tag circle's people without a rhythm of their own share one cadence and start on the
    circle's day; a personal cadence wins over the circle."""
    family = services.create_circle(vault, "Family", 10, tag_name="family")
    from aandacht.people.services import set_tags

    people = [create_person(vault, f"Tag Person {n}") for n in range(3)]
    for person in people:
        set_tags(vault, person, ["family"])
    services.set_cadence(people[0], 3)
    prefs = services.settings_for(alice)
    today = services.local_today(prefs)
    candidates, known = services.standings(vault, prefs, today)
    by_id = {c.person_id: c for c in candidates}
    assert by_id[people[0].pk].cadence_days == 3
    assert known[people[0].pk].cadence.source == "personal"
    for person in people[1:]:
        assert by_id[person.pk].cadence_days == 10
        assert known[person.pk].cadence.circle == family
        assert known[person.pk].cadence is known[people[1].pk].cadence
