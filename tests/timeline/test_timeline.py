"""Interactions, notes, moments and follow-ups, and the merged timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser, User

from aandacht.accounts.models import Vault
from aandacht.people.services import create_person
from aandacht.timeline.models import Interaction, Moment, Note
from aandacht.timeline.services import (
    add_follow_up,
    add_moment,
    add_note,
    complete_follow_up,
    log_interaction,
    timeline_for,
)

pytestmark = pytest.mark.django_db


def at(day: int) -> dt.datetime:
    return dt.datetime(2026, 10, day, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("kind", "outcome"),
    [
        ("call", "conversation"),
        ("voicemail", "attempt"),
        ("meeting", "conversation"),
        ("video", "conversation"),
        ("message", "conversation"),
        ("email", "one-way"),
        ("card", "one-way"),
        ("gift", "one-way"),
    ],
)
def test_each_kind_has_a_default_outcome(vault: Vault, kind: str, outcome: str) -> None:
    person = create_person(vault, "Ann Smith")
    assert log_interaction(vault, [person], kind).outcome == outcome


def test_an_explicit_outcome_wins(vault: Vault) -> None:
    person = create_person(vault, "Ann Smith")
    call = log_interaction(vault, [person], "call", outcome="attempt", initiated_by="them")
    assert (call.outcome, call.initiated_by) == ("attempt", "them")


def test_an_interaction_can_involve_several_people(vault: Vault) -> None:
    ann, ben = create_person(vault, "Ann Smith"), create_person(vault, "Ben Jones")
    meeting = log_interaction(vault, [ann, ben], "meeting", summary="Lunch at De Kas")
    assert set(meeting.people.all()) == {ann, ben}
    assert [entry.item for entry in timeline_for(ben, None)] == [meeting]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"kind": "telepathy"}, "unknown interaction kind"),
        ({"kind": "call", "outcome": "maybe"}, "unknown outcome"),
        ({"kind": "call", "initiated_by": "nobody"}, "unknown initiator"),
    ],
)
def test_bad_interactions_are_refused_and_write_nothing(
    vault: Vault, arguments: dict[str, str], message: str
) -> None:
    person = create_person(vault, "Ann Smith")
    kind = arguments.pop("kind")
    with pytest.raises(ValueError, match=message):
        log_interaction(vault, [person], kind, **arguments)
    assert Interaction.objects.count() == 0


def test_people_of_another_vault_are_refused(vault: Vault, other_vault: Vault) -> None:
    stranger = create_person(other_vault, "Eve Stranger")
    with pytest.raises(ValueError, match="not in vault"):
        log_interaction(vault, [stranger], "call")
    with pytest.raises(ValueError, match="not in vault"):
        add_note(vault, stranger, "hello")
    with pytest.raises(ValueError, match="at least one person"):
        log_interaction(vault, [], "call")
    assert Interaction.objects.count() == Note.objects.count() == 0


def test_timeline_merges_every_kind_newest_first(vault: Vault, alice: User) -> None:
    person = create_person(vault, "Ann Smith")
    call = log_interaction(vault, [person], "call", occurred_at=at(3))
    note = add_note(vault, person, "Loves sailing", author=alice, occurred_at=at(5))
    moment = add_moment(vault, person, "Helped me move", kind="grateful", occurred_at=at(1))
    follow_up = add_follow_up(vault, person, "Send the article", occurred_at=at(4))
    entries = timeline_for(person, alice)
    assert [entry.item for entry in entries] == [note, follow_up, call, moment]
    assert [entry.kind for entry in entries] == ["note", "follow_up", "interaction", "moment"]
    assert [entry.item for entry in timeline_for(person, alice, limit=2)] == [note, follow_up]


def test_private_notes_and_moments_are_seen_only_by_their_author(
    vault: Vault, alice: User, bob: User
) -> None:
    person = create_person(vault, "Ann Smith")
    add_note(vault, person, "Going through a divorce", private=True, author=alice)
    add_moment(vault, person, "Cried at my talk", private=True, author=alice)
    shared = add_note(vault, person, "Prefers calls after 4pm", author=alice)
    assert len(timeline_for(person, alice)) == 3
    assert [entry.item for entry in timeline_for(person, bob)] == [shared]
    assert [entry.item for entry in timeline_for(person, AnonymousUser())] == [shared]
    assert Note.objects.visible_to(bob).count() == 1
    assert Moment.objects.visible_to(bob).count() == 0


def test_empty_entries_and_unknown_kinds_are_refused(vault: Vault) -> None:
    person = create_person(vault, "Ann Smith")
    with pytest.raises(ValueError, match="empty"):
        add_note(vault, person, "  ")
    with pytest.raises(ValueError, match="unknown moment kind"):
        add_moment(vault, person, "x", kind="vague")
    with pytest.raises(ValueError, match="unknown follow-up kind"):
        add_follow_up(vault, person, "x", direction="someday")


def test_completing_a_follow_up_twice_keeps_the_first_time(vault: Vault) -> None:
    person = create_person(vault, "Ann Smith")
    follow_up = add_follow_up(vault, person, "Introduce to Bram", due_on=dt.date(2026, 12, 1))
    assert follow_up.is_open
    first = complete_follow_up(follow_up).done_at
    again = complete_follow_up(follow_up).done_at
    assert first is not None and first == again
    assert not follow_up.is_open


def test_timeline_query_count_does_not_grow_with_entries(
    vault: Vault, alice: User, django_assert_max_num_queries: object
) -> None:
    person = create_person(vault, "Ann Smith")
    others = [create_person(vault, f"Other {i}") for i in range(3)]
    for day in range(1, 25):
        log_interaction(vault, [person, *others], "call", occurred_at=at(day))
        add_note(vault, person, f"note {day}", author=alice, occurred_at=at(day))
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        entries = timeline_for(person, alice)
        names = [
            p.name for e in entries if isinstance(e.item, Interaction) for p in e.item.people.all()
        ]
    assert len(entries) == 48
    assert len(names) == 24 * 4


def test_the_shown_entries_authors_are_read_once_and_only_when_someone_elses(
    vault: Vault, alice: User, bob: User, django_assert_num_queries: object
) -> None:
    """The rows are read without their authors (``timeline_page``): the viewer's own need no
    query, anyone else's come in one for the page, and every entry has its author."""
    from aandacht.timeline.services import timeline_page

    person = create_person(vault, "Ann Smith")
    for day in range(1, 4):
        log_interaction(vault, [person], "call", occurred_at=at(day), author=alice)
        add_note(vault, person, f"note {day}", author=alice, occurred_at=at(day))
    with django_assert_num_queries(6):  # type: ignore[operator]
        page = timeline_page(person, alice)
        assert {entry.item.author for entry in page.entries} == {alice}
    add_note(vault, person, "Bob's", author=bob, occurred_at=at(5))
    add_moment(vault, person, "Bob's too", author=bob, occurred_at=at(6))
    with django_assert_num_queries(7):  # type: ignore[operator]
        page = timeline_page(person, alice)
        authors = [entry.item.author for entry in page.entries]
    assert authors[:2] == [bob, bob] and set(authors[2:]) == {alice}
    assert [a.first_name for a in authors[:2]] == [bob.first_name] * 2
