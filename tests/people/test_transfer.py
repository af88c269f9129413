"""Moving and copying a person between vaults: the service's rules (people/transfer.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import models
from hypothesis import given
from hypothesis import strategies as st

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.attention.models import AppreciationNudge, Circle, Preset, Rhythm
from aandacht.attention.services import set_cadence, set_circle
from aandacht.cards.models import Card
from aandacht.people import transfer_core
from aandacht.people.models import Person, Relationship, Tag
from aandacht.people.search import search_people
from aandacht.people.services import (
    add_contact_method,
    add_important_date,
    create_person,
    relate,
    set_tags,
)
from aandacht.people.transfer import (
    COPY,
    HANDLED_RELATIONS,
    MOVE,
    TransferError,
    copy_person,
    move_person,
    plan_transfer,
    possible_duplicates,
    writable_vaults,
)
from aandacht.rounds.models import CheckIn, CheckInRound
from aandacht.timeline.models import FollowUp, Interaction, Moment, Note
from aandacht.timeline.services import add_follow_up, add_moment, add_note, log_interaction

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def team(alice: User) -> Vault:
    """A second vault alice owns: where people move to."""
    team = Vault.objects.create(name="Team")
    Membership.objects.create(vault=team, user=alice, role=Role.OWNER)
    return team


@pytest.fixture
def ann(vault: Vault, alice: User) -> Person:
    ann = create_person(vault, "Ann de Vries", emails=["ann@example.nl"], tags=["Rowing"])
    add_contact_method(ann, "phone", "+31 6 12345678")
    add_important_date(ann, "birthday", 4, 5)
    return ann


def ids(queryset: models.QuerySet[Any]) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def found(vault: Vault, query: str) -> set[int]:
    return {hit.person.pk for hit in search_people(vault, query)}


# --- the pure core ---------------------------------------------------------------------------


def test_a_circle_matches_by_preset_first_then_by_name_never_a_tag_circle() -> None:
    key = transfer_core.CircleKey
    there = [key(1, "", "Inner circle", True), key(2, "inner", ""), key(3, "", "Clients")]
    assert transfer_core.match_circle(key(9, "inner", "Renamed"), there) == 2
    assert transfer_core.match_circle(key(9, "", " clients "), there) == 3
    assert transfer_core.match_circle(key(9, "", "Inner circle"), there) is None
    assert transfer_core.match_circle(key(9, "yearly", ""), there) is None


def test_tags_map_regardless_of_case_and_missing_ones_are_listed_once() -> None:
    found_, missing = transfer_core.map_tags(["Rowing", "PyCon", "pycon", "new"], ["rowing"])
    assert found_ == {"Rowing": "rowing"}
    assert missing == ["PyCon", "new"]


def test_private_authors_outside_the_target_block_and_deleted_authors_do_not() -> None:
    assert transfer_core.authors_left_behind([1, 2, None], [1]) == {2}
    assert transfer_core.authors_left_behind([None], []) == set()


def test_suggestions_follow_their_user_when_the_day_is_free() -> None:
    day = dt.date(2026, 1, 5)
    nudges = [
        transfer_core.NudgeKey(1, 10, day),
        transfer_core.NudgeKey(2, 11, day),
        transfer_core.NudgeKey(3, 10, day + dt.timedelta(days=1)),
    ]
    moving, dropped = transfer_core.nudges_that_follow(
        nudges, [10], [(10, day + dt.timedelta(days=1))]
    )
    assert moving == [1]
    assert dropped == [2, 3]


@pytest.mark.parametrize("token", ["", "x" * 32, "ABCDEF" * 6, "0" * 31, "0" * 33, None, 7])
def test_a_malformed_token_gives_no_uid(token: Any) -> None:
    assert transfer_core.copy_uid(token) is None


def test_a_token_gives_a_stable_urn_uuid() -> None:
    token = transfer_core.new_token()
    assert transfer_core.copy_uid(token) == transfer_core.copy_uid(token)
    assert str(transfer_core.copy_uid(token)).startswith("urn:uuid:")


# --- access ----------------------------------------------------------------------------------


def test_only_vaults_the_user_writes_in_are_offered(
    alice: User, bob: User, carol: User, vault: Vault, team: Vault
) -> None:
    Membership.objects.create(vault=team, user=carol, role=Role.VIEWER)
    assert writable_vaults(alice, exclude=vault) == [team]
    assert writable_vaults(bob) == [vault]
    assert writable_vaults(carol) == []


def test_the_same_vault_is_refused(alice: User, ann: Person, vault: Vault) -> None:
    with pytest.raises(TransferError, match="already"):
        plan_transfer(alice, ann, vault, MOVE)


def test_a_viewer_of_either_vault_cannot_move_or_copy(
    alice: User, carol: User, ann: Person, vault: Vault, team: Vault
) -> None:
    Membership.objects.create(vault=team, user=carol, role=Role.EDITOR)
    with pytest.raises(TransferError, match="only read"):
        move_person(carol, ann, team)
    Membership.objects.filter(vault=team, user=alice).update(role=Role.VIEWER)
    with pytest.raises(TransferError, match="only read"):
        copy_person(alice, ann, team, transfer_core.new_token())
    assert Person.objects.get(pk=ann.pk).vault_id == vault.pk
    assert not Person.objects.filter(vault=team).exists()


def test_an_unknown_mode_is_refused(alice: User, ann: Person, team: Vault) -> None:
    with pytest.raises(TransferError):
        plan_transfer(alice, ann, team, "swap")  # type: ignore[arg-type]


# --- move ------------------------------------------------------------------------------------


def test_a_move_takes_everything_that_is_theirs_and_search_follows(
    alice: User, ann: Person, vault: Vault, team: Vault
) -> None:
    Tag.objects.filter(vault=vault, name="Rowing").update(colour="#047857")
    ann.photo.save("ann.jpg", ContentFile(b"jpeg"), save=True)
    add_note(vault, ann, "likes sourdough bread", author=alice)
    add_moment(vault, ann, "helped with the move", author=alice, private=True)
    add_follow_up(vault, ann, "send the book", author=alice)
    alone = log_interaction(vault, [ann], "call", author=alice)
    assert found(vault, "sourdough") == {ann.pk}

    done = move_person(alice, ann, team)

    assert done.changed
    moved = Person.objects.get(pk=ann.pk)
    assert moved.vault_id == team.pk
    assert moved.photo.name == ann.photo.name
    assert moved.contact_methods.count() == 2
    assert moved.important_dates.count() == 1
    for model in (Note, Moment, FollowUp, Interaction):
        assert ids(model.objects.filter(vault=vault)) == set(), model
    assert Interaction.objects.get(pk=alone.pk).vault_id == team.pk
    assert [(tag.vault_id, tag.name) for tag in moved.tags.all()] == [(team.pk, "Rowing")]
    assert Tag.objects.get(vault=team, name="Rowing").colour == "#047857"
    assert Tag.objects.filter(vault=vault, name="Rowing").exists()  # the source keeps its tag
    assert found(team, "sourdough") == {ann.pk}
    assert found(team, "ann de vries") == {ann.pk}
    assert found(vault, "sourdough") == set()
    assert found(vault, "ann") == set()
    assert moved.uid.startswith("urn:uuid:")


def test_a_shared_conversation_stays_for_the_others_and_a_copy_goes_along(
    alice: User, ann: Person, vault: Vault, team: Vault
) -> None:
    ben = create_person(vault, "Ben Bakker")
    shared = log_interaction(vault, [ann, ben], "meeting", summary="lunch", author=alice)

    plan = plan_transfer(alice, ann, team, MOVE)
    assert (plan.interactions, plan.shared_interactions) == (0, 1)
    move_person(alice, ann, team)

    assert list(Interaction.objects.get(pk=shared.pk).people.all()) == [ben]
    copy = Interaction.objects.get(vault=team)
    assert list(copy.people.all()) == [Person.objects.get(pk=ann.pk)]
    assert (copy.summary, copy.occurred_at, copy.kind) == ("lunch", shared.occurred_at, "meeting")
    ann_rhythm = Rhythm.objects.get(pk=ann.pk)
    assert ann_rhythm.last_conversation_at == shared.occurred_at
    assert Rhythm.objects.get(pk=ben.pk).last_conversation_at == shared.occurred_at


def test_links_to_people_who_stay_behind_are_removed_and_listed(
    alice: User, ann: Person, vault: Vault, team: Vault
) -> None:
    ben = create_person(vault, "Ben Bakker")
    cas = create_person(vault, "Cas Smit", met_via=ann)
    relate(ann, "friend", ben)
    ann.met_via = ben
    ann.save()

    plan = plan_transfer(alice, ann, team, MOVE)
    assert [other for _kind, other in plan.relationships] == [ben]
    assert plan.introduced_by == ben
    assert plan.introduced == [cas]
    move_person(alice, ann, team)

    assert not Relationship.objects.exists()
    assert Person.objects.get(pk=ann.pk).met_via_id is None
    assert Person.objects.get(pk=cas.pk).met_via_id is None


def test_the_circle_maps_by_preset_and_a_personal_cadence_stays(
    alice: User, ann: Person, vault: Vault, team: Vault
) -> None:
    set_circle(ann, Circle.objects.get(vault=vault, preset=Preset.MONTHLY))
    set_cadence(ann, 20)
    plan = plan_transfer(alice, ann, team, MOVE)
    assert plan.circle == plan.target_circle == "Monthly"
    move_person(alice, ann, team)
    rhythm = Rhythm.objects.get(pk=ann.pk)
    assert rhythm.circle == Circle.objects.get(vault=team, preset=Preset.MONTHLY)
    assert rhythm.cadence_days == 20


def test_a_circle_without_a_match_is_cleared(
    alice: User, ann: Person, vault: Vault, team: Vault
) -> None:
    clients = Circle.objects.create(vault=vault, name="Clients", cadence_days=60)
    set_circle(ann, clients)
    plan = plan_transfer(alice, ann, team, MOVE)
    assert (plan.circle, plan.target_circle) == ("Clients", "")
    move_person(alice, ann, team)
    assert Rhythm.objects.get(pk=ann.pk).circle_id is None


def test_check_ins_cards_and_suggestions_follow_the_rules(
    alice: User, bob: User, ann: Person, vault: Vault, team: Vault
) -> None:
    round_ = CheckInRound.objects.create(vault=vault, name="Flooding")
    CheckIn.objects.create(round=round_, person=ann)
    Card.objects.create(vault=vault, person=ann, author=alice, year=2026, text="Thank you")
    Card.objects.create(vault=vault, person=ann, author=bob, year=2026, text="Bob's card")
    day = dt.date(2026, 1, 5)
    mine = AppreciationNudge.objects.create(user=alice, vault=vault, person=ann, offered_on=day)
    AppreciationNudge.objects.create(user=bob, vault=vault, person=ann, offered_on=day)

    plan = plan_transfer(alice, ann, team, MOVE)
    assert plan.check_ins == ["Flooding"]
    assert (plan.cards, plan.cards_left) == (1, 1)
    move_person(alice, ann, team)

    assert not CheckIn.objects.exists()
    assert list(Card.objects.values_list("author__username", "vault_id")) == [("alice", team.pk)]
    assert list(AppreciationNudge.objects.values_list("pk", "vault_id")) == [(mine.pk, team.pk)]


def test_moving_twice_is_a_clear_no_op(alice: User, ann: Person, vault: Vault, team: Vault) -> None:
    move_person(alice, ann, team)
    again = move_person(alice, ann, team, expected_source=vault.pk)
    assert not again.changed
    assert again.person.vault_id == team.pk


def test_a_person_moved_elsewhere_meanwhile_is_not_moved_on(
    alice: User, ann: Person, vault: Vault, team: Vault
) -> None:
    third = Vault.objects.create(name="Third")
    Membership.objects.create(vault=third, user=alice, role=Role.OWNER)
    move_person(alice, ann, third)
    with pytest.raises(TransferError, match="meanwhile"):
        move_person(alice, ann, team, expected_source=vault.pk)
    assert Person.objects.get(pk=ann.pk).vault_id == third.pk


def test_a_person_in_the_trash_is_refused(
    alice: User, ann: Person, vault: Vault, team: Vault
) -> None:
    Person.objects.filter(pk=ann.pk).update(trashed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(TransferError, match="no longer here"):
        move_person(alice, ann, team)


# --- privacy ---------------------------------------------------------------------------------


def test_bobs_private_note_blocks_a_move_to_a_vault_he_is_not_in(
    alice: User, bob: User, ann: Person, vault: Vault, team: Vault
) -> None:
    add_note(vault, ann, "bob's secret", author=bob, private=True)
    plan = plan_transfer(alice, ann, team, MOVE)
    assert plan.blocked
    assert "bob" not in plan.blocked.casefold()  # whose private entries exist is private
    assert plan.notes == 0  # alice does not even count bob's private note
    with pytest.raises(TransferError, match="private"):
        move_person(alice, ann, team)
    assert Person.objects.get(pk=ann.pk).vault_id == vault.pk
    assert Note.objects.get(body="bob's secret").vault_id == vault.pk


def test_bobs_private_entries_go_along_when_he_is_a_member_and_stay_his_alone(
    alice: User, bob: User, carol: User, ann: Person, vault: Vault, team: Vault
) -> None:
    Membership.objects.create(vault=team, user=bob, role=Role.VIEWER)
    Membership.objects.create(vault=team, user=carol, role=Role.EDITOR)
    note = add_note(vault, ann, "bob's secret", author=bob, private=True)
    moment = add_moment(vault, ann, "bob's private moment", author=bob, private=True)

    move_person(alice, ann, team)

    assert Note.objects.get(pk=note.pk).vault_id == team.pk
    assert Moment.objects.get(pk=moment.pk).vault_id == team.pk
    for user in (alice, carol):
        assert not Note.objects.filter(vault=team).visible_to(user).exists()
        assert not Moment.objects.filter(vault=team).visible_to(user).exists()
    assert Note.objects.filter(vault=team).visible_to(bob).count() == 1
    assert found(team, "secret") == set()


def test_a_copy_never_takes_someone_elses_private_entries(
    alice: User, bob: User, ann: Person, vault: Vault, team: Vault
) -> None:
    Membership.objects.create(vault=team, user=bob, role=Role.EDITOR)
    add_note(vault, ann, "bob's secret", author=bob, private=True)
    add_moment(vault, ann, "bob's private moment", author=bob, private=True)
    add_note(vault, ann, "alice's own secret", author=alice, private=True)
    add_note(vault, ann, "shared knowledge", author=bob)

    copy = copy_person(alice, ann, team, transfer_core.new_token()).person

    bodies = set(Note.objects.filter(person=copy).values_list("body", "private", "author_id"))
    assert bodies == {("alice's own secret", True, alice.pk), ("shared knowledge", False, bob.pk)}
    assert not Moment.objects.filter(person=copy).exists()
    assert Note.objects.filter(person=ann).count() == 3  # the original keeps everything


# --- copy ------------------------------------------------------------------------------------


def test_a_copy_is_a_new_person_with_details_tags_photo_and_conversations(
    alice: User, ann: Person, vault: Vault, team: Vault, media_root: Path
) -> None:
    ann.photo.save("ann.jpg", ContentFile(b"jpeg"), save=True)
    ben = create_person(vault, "Ben Bakker")
    relate(ann, "friend", ben)
    add_note(vault, ann, "likes sourdough bread", author=alice)
    add_follow_up(vault, ann, "send the book", author=alice)
    talk = log_interaction(vault, [ann, ben], "call", author=alice)
    Tag.objects.create(vault=team, name="rowing")

    plan = plan_transfer(alice, ann, team, COPY)
    assert (plan.interactions, plan.notes, plan.new_tags) == (1, 1, [])
    done = copy_person(alice, ann, team, transfer_core.new_token())

    copy = done.person
    assert done.changed and copy.pk != ann.pk and copy.vault_id == team.pk
    assert copy.name == "Ann de Vries"
    assert copy.contact_methods.count() == 2
    assert copy.important_dates.count() == 1
    assert [tag.name for tag in copy.tags.all()] == ["rowing"]
    assert copy.photo.name != ann.photo.name
    assert copy.photo.read() == b"jpeg"
    assert not FollowUp.objects.filter(person=copy).exists()
    assert not Relationship.objects.filter(from_person=copy).exists()
    copied_talk = Interaction.objects.get(people=copy)
    assert copied_talk.vault_id == team.pk and copied_talk.occurred_at == talk.occurred_at
    assert Rhythm.objects.get(pk=copy.pk).last_conversation_at == talk.occurred_at
    # The original is untouched.
    assert Person.objects.get(pk=ann.pk).vault_id == vault.pk
    assert list(Interaction.objects.get(pk=talk.pk).people.order_by("pk")) == [ann, ben]
    assert found(team, "sourdough") == {copy.pk}
    assert found(vault, "sourdough") == {ann.pk}


def test_the_same_copy_form_twice_makes_one_copy(
    alice: User, ann: Person, vault: Vault, team: Vault
) -> None:
    token = transfer_core.new_token()
    first = copy_person(alice, ann, team, token)
    second = copy_person(alice, ann, team, token)
    assert (first.changed, second.changed) == (True, False)
    assert second.person.pk == first.person.pk
    assert Person.objects.filter(vault=team).count() == 1
    assert copy_person(alice, ann, team, transfer_core.new_token()).changed


def test_a_bad_token_copies_nothing(alice: User, ann: Person, team: Vault) -> None:
    with pytest.raises(TransferError, match="expired"):
        copy_person(alice, ann, team, "not-a-token")
    assert not Person.objects.filter(vault=team).exists()


def test_possible_duplicates_by_name_or_email(alice: User, ann: Person, team: Vault) -> None:
    same_name = create_person(team, "Ann de Vries")
    same_email = create_person(team, "A. Vries", emails=["ANN@example.nl"])
    create_person(team, "Someone Else")
    assert set(possible_duplicates(ann, team)) == {same_name, same_email}
    assert plan_transfer(alice, ann, team, COPY).duplicates


def test_a_failing_copy_leaves_nothing_behind(
    alice: User, ann: Person, vault: Vault, team: Vault, media_root: Path, monkeypatch: Any
) -> None:
    ann.photo.save("ann.jpg", ContentFile(b"jpeg"), save=True)
    from aandacht.people import transfer

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(transfer, "_copy_timeline", broken)
    with pytest.raises(RuntimeError):
        copy_person(alice, ann, team, transfer_core.new_token())
    assert not Person.objects.filter(vault=team).exists()
    assert not Tag.objects.filter(vault=team).exists()
    assert [path.name for path in media_root.rglob("*.jpg")] == ["ann.jpg"]


# --- completeness and cost -------------------------------------------------------------------


def test_every_relation_to_a_person_has_a_rule() -> None:
    relations = {relation.get_accessor_name() for relation in Person._meta.related_objects}
    assert relations == HANDLED_RELATIONS


def test_a_move_and_a_copy_cost_the_same_few_queries_for_a_long_history(
    alice: User,
    ann: Person,
    vault: Vault,
    team: Vault,
    django_assert_max_num_queries: Any,
) -> None:
    others = [create_person(vault, f"Friend {n} Example") for n in range(4)]
    set_tags(vault, ann, ["Rowing", "PyCon", "Neighbours"])
    for number in range(15):
        add_note(vault, ann, f"note {number}", author=alice)
        add_moment(vault, ann, f"moment {number}", author=alice)
        log_interaction(vault, [ann, others[number % 4]], "call", author=alice)
        log_interaction(vault, [ann], "message", author=alice)
    with django_assert_max_num_queries(70):
        copy_person(alice, ann, team, transfer_core.new_token())
    with django_assert_max_num_queries(85):
        move_person(alice, ann, team)


@given(
    wanted=st.lists(st.text(min_size=1, max_size=6), max_size=8),
    existing=st.lists(st.text(min_size=1, max_size=6), max_size=8),
)
def test_every_tag_is_either_found_or_created_once(wanted: list[str], existing: list[str]) -> None:
    found_, missing = transfer_core.map_tags(wanted, existing)
    there = {name.casefold() for name in existing}
    assert {name.casefold() for name in found_} | {name.casefold() for name in missing} == {
        name.casefold() for name in wanted
    }
    assert all(found_[name] in existing and name.casefold() in there for name in found_)
    assert all(name.casefold() not in there for name in missing)
    assert len({name.casefold() for name in missing}) == len(missing)


def test_a_copy_of_someone_whose_photo_file_is_gone_is_made_without_it(
    alice: User, ann: Person, team: Vault, media_root: Path
) -> None:
    ann.photo.save("ann.jpg", ContentFile(b"jpeg"), save=True)
    Path(ann.photo.path).unlink()
    copy = copy_person(alice, ann, team, transfer_core.new_token()).person
    assert not copy.photo


def test_a_failing_move_changes_nothing(
    alice: User, ann: Person, vault: Vault, team: Vault, monkeypatch: Any
) -> None:
    ben = create_person(vault, "Ben Bakker")
    relate(ann, "friend", ben)
    note = add_note(vault, ann, "likes sourdough bread", author=alice)
    shared = log_interaction(vault, [ann, ben], "call", author=alice)
    from aandacht.people import transfer

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(transfer, "_set_tags", broken)
    with pytest.raises(RuntimeError):
        move_person(alice, ann, team)
    assert Person.objects.get(pk=ann.pk).vault_id == vault.pk
    assert Note.objects.get(pk=note.pk).vault_id == vault.pk
    assert Relationship.objects.count() == 1
    assert set(Interaction.objects.get(pk=shared.pk).people.all()) == {ann, ben}
    assert not Interaction.objects.filter(vault=team).exists()
    assert found(vault, "sourdough") == {ann.pk}


def test_a_custom_circle_maps_to_the_same_name_in_the_target(
    alice: User, ann: Person, vault: Vault, team: Vault
) -> None:
    set_circle(ann, Circle.objects.create(vault=vault, name="Clients", cadence_days=60))
    theirs = Circle.objects.create(vault=team, name="clients", cadence_days=45)
    copy = copy_person(alice, ann, team, transfer_core.new_token()).person
    assert Rhythm.objects.get(pk=copy.pk).circle == theirs
    move_person(alice, ann, team)
    assert Rhythm.objects.get(pk=ann.pk).circle == theirs
