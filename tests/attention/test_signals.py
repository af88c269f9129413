"""Each person's last conversation, attempt and one-way contact follow every interaction edit."""

from __future__ import annotations

import datetime as dt

import pytest
from attention_helpers import TODAY, MakePerson, Talk, ago
from django.contrib.auth.models import User

from aandacht.accounts.models import Vault
from aandacht.attention.models import Circle, Rhythm
from aandacht.attention.services import merge_rhythms, refresh_last_contacts, set_circle
from aandacht.people.lifecycle import merge_people
from aandacht.people.models import Person
from aandacht.timeline.services import delete_entry, update_interaction

pytestmark = pytest.mark.django_db


def last(person: Person) -> tuple[dt.datetime | None, dt.datetime | None, dt.datetime | None]:
    rhythm = Rhythm.objects.filter(pk=person.pk).first()
    if rhythm is None:
        return (None, None, None)
    return (rhythm.last_conversation_at, rhythm.last_attempt_at, rhythm.last_one_way_at)


def test_a_new_vault_gets_its_presets_through_the_signal(db: None) -> None:
    vault = Vault.objects.create(name="Fresh")
    assert Circle.objects.filter(vault=vault).count() == 4


def test_logging_keeps_the_three_kinds_of_contact_apart(
    make_person: MakePerson, talk: Talk
) -> None:
    ria = make_person("Ria Bakker")
    assert last(ria) == (None, None, None)
    talk(ria, kind="call", days_ago=40)
    talk(ria, kind="call", days_ago=10)
    talk(ria, kind="voicemail", days_ago=3)
    talk(ria, kind="card", days_ago=5)
    talk(ria, kind="message", days_ago=1, outcome="one-way")  # a message nobody answered
    assert last(ria) == (ago(10), ago(3), ago(1))


def test_one_interaction_with_several_people_counts_for_each(
    make_person: MakePerson, talk: Talk
) -> None:
    ria, henk = make_person("Ria Bakker"), make_person("Henk Bakker")
    talk(ria, henk, kind="meeting", days_ago=6)
    assert last(ria)[0] == last(henk)[0] == ago(6)


def test_changing_the_outcome_or_the_date_recomputes(
    make_person: MakePerson, talk: Talk, alice: User
) -> None:
    ria = make_person("Ria Bakker")
    talk(ria, kind="call", days_ago=30)
    latest = talk(ria, kind="call", days_ago=2)
    assert last(ria)[0] == ago(2)
    update_interaction(
        latest,
        kind="call",
        outcome="attempt",  # it turned out nobody picked up
        occurred_at=ago(2),
        initiated_by="me",
        summary="",
        people=[ria],
    )
    assert last(ria)[:2] == (ago(30), ago(2))
    update_interaction(
        latest,
        kind="meeting",
        outcome=None,
        occurred_at=ago(50),  # logged on the wrong day
        initiated_by="",
        summary="",
        people=[ria],
    )
    assert last(ria)[:2] == (ago(30), None)


def test_a_plain_save_of_an_edited_interaction_recomputes(
    make_person: MakePerson, talk: Talk
) -> None:
    ria = make_person("Ria Bakker")
    call = talk(ria, kind="call", days_ago=8)
    call.occurred_at = ago(4)
    call.save()
    assert last(ria)[0] == ago(4)


def test_deleting_an_interaction_falls_back_to_the_one_before(
    make_person: MakePerson, talk: Talk
) -> None:
    ria, henk = make_person("Ria Bakker"), make_person("Henk Bakker")
    talk(ria, kind="call", days_ago=20)
    latest = talk(ria, henk, kind="meeting", days_ago=2)
    delete_entry(latest)
    assert last(ria)[0] == ago(20)
    assert last(henk)[0] is None


def test_people_taken_off_or_added_to_an_interaction_are_recomputed(
    make_person: MakePerson, talk: Talk
) -> None:
    ria, henk, ans = make_person("Ria Bakker"), make_person("Henk Bakker"), make_person("Ans")
    meeting = talk(ria, henk, kind="meeting", days_ago=5)
    meeting.people.remove(henk)
    assert last(henk)[0] is None
    meeting.people.add(ans)
    assert last(ans)[0] == ago(5)
    henk.interactions.add(meeting)  # from the person's side
    assert last(henk)[0] == ago(5)
    meeting.people.clear()
    assert last(ria)[0] is None and last(ans)[0] is None and last(henk)[0] is None
    henk.interactions.add(meeting)
    henk.interactions.clear()
    assert last(henk)[0] is None


def test_people_changed_by_update_interaction_are_recomputed(
    make_person: MakePerson, talk: Talk
) -> None:
    ria, henk = make_person("Ria Bakker"), make_person("Henk Bakker")
    call = talk(ria, kind="call", days_ago=3)
    update_interaction(
        call,
        kind="call",
        outcome=None,
        occurred_at=ago(3),
        initiated_by="",
        summary="",
        people=[henk],  # it was Henk on the phone, not Ria
    )
    assert last(ria)[0] is None
    assert last(henk)[0] == ago(3)


def test_merging_two_people_gives_the_kept_one_both_histories(
    make_person: MakePerson, talk: Talk, alice: User, monthly: Circle
) -> None:
    kept = make_person("Ria Bakker", circle=monthly)
    other = make_person("Ria Bakker-de Vries")
    talk(kept, kind="call", days_ago=40)
    talk(kept, kind="card", days_ago=30)
    talk(other, kind="call", days_ago=9)
    talk(other, kind="voicemail", days_ago=2)
    talk(kept, other, kind="meeting", days_ago=60)  # with both: kept once
    merge_people(kept, other, author=alice)
    assert last(kept) == (ago(9), ago(2), ago(30))
    rhythm = Rhythm.objects.get(pk=kept.pk)
    assert rhythm.circle == monthly  # the kept person's circle stays
    assert not Rhythm.objects.filter(pk=other.pk).exists()


def test_merging_into_someone_without_a_rhythm_takes_the_others(
    make_person: MakePerson, talk: Talk, alice: User, monthly: Circle
) -> None:
    kept = make_person("Ria Bakker")
    other = make_person("Ria de Vries", circle=monthly)
    talk(other, kind="call", days_ago=9)
    merge_people(kept, other, author=alice)
    rhythm = Rhythm.objects.get(pk=kept.pk)
    assert rhythm.last_conversation_at == ago(9)
    assert rhythm.circle == monthly
    assert Rhythm.objects.count() == 1


def test_merging_keeps_the_others_circle_when_the_kept_one_has_none(
    make_person: MakePerson, talk: Talk, alice: User, monthly: Circle
) -> None:
    kept = make_person("Ria Bakker")
    other = make_person("Ria de Vries", circle=monthly)
    talk(kept, kind="call", days_ago=20)  # the kept person has a rhythm too (no circle)
    merge_people(kept, other, author=alice)
    assert Rhythm.objects.get(pk=kept.pk).circle == monthly


def test_merge_rhythms_takes_over_what_only_the_other_had(
    make_person: MakePerson, talk: Talk, alice: User, monthly: Circle, inner: Circle
) -> None:
    kept = make_person("Ria Bakker", since=TODAY - dt.timedelta(days=5))
    other = make_person("Ria de Vries", circle=monthly, cadence=21)
    rhythm = Rhythm.objects.get(pk=other.pk)
    rhythm.since = TODAY - dt.timedelta(days=90)
    rhythm.save()
    talk(kept, kind="call", days_ago=20)
    talk(other, kind="call", days_ago=4)
    merged = merge_rhythms(kept, other)
    assert merged is not None
    merge_people(kept, other, author=alice)
    rhythm = Rhythm.objects.get(pk=kept.pk)
    assert (rhythm.circle, rhythm.cadence_days) == (monthly, 21)
    assert rhythm.since == TODAY - dt.timedelta(days=90)
    assert rhythm.last_conversation_at == ago(4)
    assert Rhythm.objects.count() == 1


def test_merge_rhythms_keeps_the_kept_persons_choices(
    make_person: MakePerson, monthly: Circle, inner: Circle
) -> None:
    kept = make_person("Ria Bakker", circle=inner)
    other = make_person("Ria de Vries", circle=monthly)
    merge_rhythms(kept, other)
    assert Rhythm.objects.get(pk=kept.pk).circle == inner
    assert not Rhythm.objects.filter(pk=other.pk).exists()
    loner = make_person("Henk Bakker")
    assert merge_rhythms(loner, kept) is None  # only one has a rhythm: nothing to fold


def test_refresh_in_bulk_creates_rhythms_only_where_there_is_contact(
    vault: Vault, make_person: MakePerson, talk: Talk, django_assert_max_num_queries: object
) -> None:
    people = [make_person(f"Person {n}") for n in range(6)]
    for person in people[:4]:
        talk(person, kind="call", days_ago=4)
    Rhythm.objects.all().delete()
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        refresh_last_contacts([p.pk for p in people] + [999_999])
    assert set(Rhythm.objects.values_list("pk", flat=True)) == {p.pk for p in people[:4]}
    assert all(last(p)[0] == ago(4) for p in people[:4])


def test_deleting_a_vault_deletes_its_rhythms_without_recomputing_each(
    vault: Vault, make_person: MakePerson, talk: Talk, django_assert_max_num_queries: object
) -> None:
    people = [make_person(f"Person {n}") for n in range(5)]
    for person in people:
        for days in (3, 10, 20):
            talk(person, kind="call", days_ago=days)
    # A fixed number, whatever the history: one cascade query per table that hangs off a vault
    # (access tokens and invitations added two), never one recomputation per rhythm.
    with django_assert_max_num_queries(45):  # type: ignore[operator]
        vault.delete()
    assert not Rhythm.objects.exists()


def test_deleting_vaults_by_a_query_skips_the_recomputation_too(
    vault: Vault, make_person: MakePerson, talk: Talk, django_assert_max_num_queries: object
) -> None:
    people = [make_person(f"Person {n}") for n in range(5)]
    for person in people:
        for days in (3, 10, 20):
            talk(person, kind="call", days_ago=days)
    # A fixed number, whatever the history: one cascade query per table that hangs off a vault
    # (access tokens and invitations added two), never one recomputation per rhythm.
    with django_assert_max_num_queries(45):  # type: ignore[operator]
        Vault.objects.filter(pk=vault.pk).delete()
    assert not Rhythm.objects.exists()


def test_set_circle_is_not_undone_by_a_later_contact(
    make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    ria = make_person("Ria Bakker")
    set_circle(ria, monthly)
    talk(ria, kind="call", days_ago=1)
    assert Rhythm.objects.get(pk=ria.pk).circle == monthly
