"""Completed check-in round steps on the person's timeline: there while done, gone when undone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from aandacht.accounts.models import Vault
from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.rounds import services as rounds
from aandacht.rounds.models import CheckInRound, CheckInStep
from aandacht.timeline.services import Cursor, add_note, timeline_page


@pytest.fixture
def ann(vault: Vault) -> Person:
    return create_person(vault, "Ann Smith")


@pytest.fixture
def lockdown(vault: Vault, ann: Person, alice: User) -> CheckInRound:
    round_, _created = rounds.start_round(vault, "Lockdown events", [ann], author=alice)
    return round_


def step(round_: CheckInRound, person: Person, kind: str) -> CheckInStep:
    return CheckInStep.objects.get(check_in__round=round_, check_in__person=person, kind=kind)


def at(day: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, 12, tzinfo=dt.UTC)


def test_a_done_step_is_on_the_timeline_and_leaves_when_undone(
    lockdown: CheckInRound, ann: Person, alice: User
) -> None:
    empathy = step(lockdown, ann, "empathy")
    assert [e.kind for e in timeline_page(ann, alice).entries] == []
    rounds.set_step(empathy, note="Worried about the rent", done=True, by=alice, now=at(5))
    entries = timeline_page(ann, alice).entries
    assert [(e.kind, e.item.pk, e.occurred_at) for e in entries] == [
        ("check_in", empathy.pk, at(5))
    ]
    rounds.set_step(empathy, done=False)
    assert timeline_page(ann, alice).entries == []


def test_steps_merge_with_other_entries_and_page(
    vault: Vault, lockdown: CheckInRound, ann: Person, alice: User
) -> None:
    add_note(vault, ann, "before", author=alice, occurred_at=at(1))
    rounds.set_step(step(lockdown, ann, "tip"), note="tip", done=True, now=at(2))
    add_note(vault, ann, "after", author=alice, occurred_at=at(3))
    rounds.set_step(step(lockdown, ann, "action"), note="action", done=True, now=at(3))
    first = timeline_page(ann, alice, size=2)
    assert [e.kind for e in first.entries] == ["check_in", "note"]
    assert first.next_cursor is not None
    parsed = Cursor.parse(str(first.next_cursor))
    assert parsed == first.next_cursor
    rest = timeline_page(ann, alice, after=parsed, size=5)
    assert [e.kind for e in rest.entries] == ["check_in", "note"]


def test_another_persons_or_vaults_steps_stay_off(
    vault: Vault, lockdown: CheckInRound, ann: Person, alice: User
) -> None:
    ben = create_person(vault, "Ben Jones")
    rounds.add_person(lockdown, ben)
    rounds.set_step(step(lockdown, ben, "tip"), done=True)
    assert timeline_page(ann, alice).entries == []


def test_the_panel_shows_the_step_with_a_link_to_the_round(
    client: Client, alice: User, lockdown: CheckInRound, ann: Person
) -> None:
    client.force_login(alice)
    empathy = step(lockdown, ann, "empathy")
    rounds.set_step(empathy, note="Holding on, barely", done=True, by=alice)
    page = client.get(reverse("people:detail", args=[ann.pk])).content.decode()
    assert "Check-in round “Lockdown events”: empathy" in page
    assert "Holding on, barely" in page
    board = reverse("rounds:board", args=[lockdown.pk])
    assert f'href="{board}#check-in-{empathy.check_in_id}"' in page
    # A check-in entry is changed on the board, not through the timeline's edit pages.
    edit = client.get(f"/people/{ann.pk}/timeline/check-in/{empathy.pk}/edit/")
    assert edit.status_code == 404
    delete = client.post(f"/people/{ann.pk}/timeline/check-in/{empathy.pk}/delete/")
    assert delete.status_code == 404
    later = Cursor(dt.datetime(2100, 1, 1, tzinfo=dt.UTC), "note", 1)
    more = client.get(reverse("timeline:more", args=[ann.pk]), {"before": str(later)})
    assert "Holding on, barely" in more.content.decode()
