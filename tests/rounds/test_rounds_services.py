"""Starting rounds, the steps, status changes and what the board counts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from aandacht.accounts.models import Vault
from aandacht.people.models import Person, Tag
from aandacht.people.services import create_person
from aandacht.rounds import services
from aandacht.rounds.models import STEP_ORDER, CheckIn, CheckInRound, CheckInStep, RoundStatus
from aandacht.timeline.models import Interaction, Outcome


def step_of(round_: CheckInRound, person: Person, kind: str) -> CheckInStep:
    return CheckInStep.objects.get(check_in__round=round_, check_in__person=person, kind=kind)


def test_group_by_tag_leaves_out_trashed_archived_and_deceased(
    vault: Vault, events: list[Person]
) -> None:
    tag = Tag.objects.get(vault=vault, name="events")
    assert services.group_people(vault, tag=tag) == events


def test_group_by_search_and_by_both(vault: Vault, events: list[Person]) -> None:
    create_person(vault, "Anna Smit")  # matches the search, not the tag
    found = services.group_people(vault, query="anna")
    assert {person.name for person in found} == {"Anna Bakker", "Anna Smit"}
    tag = Tag.objects.get(vault=vault, name="events")
    assert services.group_people(vault, tag=tag, query="anna") == [events[0]]
    assert services.group_people(vault, query="nobody-like-this") == []


def test_a_group_needs_a_tag_or_a_search(vault: Vault, other_vault: Vault) -> None:
    with pytest.raises(services.RoundProblem) as problem:
        services.group_people(vault)
    assert problem.value.field == "tag"
    foreign = Tag.objects.create(vault=other_vault, name="theirs")
    with pytest.raises(services.RoundProblem):
        services.group_people(vault, tag=foreign)


def test_start_makes_three_open_steps_per_person(lockdown: CheckInRound) -> None:
    assert lockdown.status == RoundStatus.ACTIVE
    assert lockdown.check_ins.count() == 3
    kinds = CheckInStep.objects.filter(check_in__round=lockdown).values_list("kind", flat=True)
    assert sorted(kinds) == sorted(list(STEP_ORDER) * 3)
    assert not CheckInStep.objects.filter(done_at__isnull=False).exists()


def test_start_is_idempotent_with_a_token(vault: Vault, events: list[Person]) -> None:
    first, created = services.start_round(vault, "Lockdown", events, token="abc")
    again, created_again = services.start_round(vault, "Lockdown", events, token="abc")
    assert created and not created_again
    assert first.pk == again.pk
    assert CheckInRound.objects.count() == 1
    assert CheckIn.objects.count() == 3


def test_start_refuses_bad_input(vault: Vault, events: list[Person], other_vault: Vault) -> None:
    with pytest.raises(services.RoundProblem) as empty_name:
        services.start_round(vault, "   ", events)
    assert empty_name.value.field == "name"
    with pytest.raises(services.RoundProblem):
        services.start_round(vault, "x" * 121, events)
    with pytest.raises(services.RoundProblem) as nobody:
        services.start_round(vault, "Empty", [])
    assert nobody.value.field == "people"
    stranger = create_person(other_vault, "Mallory's friend")
    with pytest.raises(services.RoundProblem):
        services.start_round(vault, "Not mine", [stranger])
    assert CheckInRound.objects.count() == 0


def test_add_and_remove_people(vault: Vault, lockdown: CheckInRound) -> None:
    newcomer = create_person(vault, "Gijs Nieuw")
    services.add_person(lockdown, newcomer)
    services.add_person(lockdown, newcomer)  # twice changes nothing
    assert lockdown.check_ins.count() == 4
    assert CheckInStep.objects.filter(check_in__person=newcomer).count() == 3
    assert services.remove_person(lockdown, newcomer)
    assert not services.remove_person(lockdown, newcomer)
    assert not CheckInStep.objects.filter(check_in__person=newcomer).exists()


def test_set_step_note_done_and_undone(
    lockdown: CheckInRound, events: list[Person], alice: User
) -> None:
    step = step_of(lockdown, events[0], "empathy")
    services.set_step(step, note="  Worried about rent  ", done=True, by=alice)
    step.refresh_from_db()
    assert step.note == "Worried about rent"
    first_done = step.done_at
    assert first_done is not None and step.done_by == alice
    services.set_step(step, done=True, by=alice)  # again: keeps the first time
    step.refresh_from_db()
    assert step.done_at == first_done
    services.set_step(step, done=False)
    step.refresh_from_db()
    assert step.done_at is None and step.note == "Worried about rent"


def test_set_step_refuses_a_too_long_note(lockdown: CheckInRound, events: list[Person]) -> None:
    step = step_of(lockdown, events[0], "tip")
    with pytest.raises(services.RoundProblem) as problem:
        services.set_step(step, note="x" * 2001)
    assert problem.value.field == "note"


def test_empathy_can_be_logged_as_a_conversation(
    lockdown: CheckInRound, events: list[Person], alice: User
) -> None:
    empathy = step_of(lockdown, events[1], "empathy")
    change = services.set_step(empathy, note="Sad but OK", done=True, by=alice, log_as="call")
    assert change.interaction is not None
    assert change.interaction.outcome == Outcome.CONVERSATION
    assert list(change.interaction.people.all()) == [events[1]]
    # Marking it done again does not log a second call.
    services.set_step(empathy, done=True, by=alice, log_as="call")
    assert Interaction.objects.count() == 1
    # Only the empathy step logs, and only when asked.
    services.set_step(step_of(lockdown, events[1], "tip"), done=True, log_as="call")
    services.set_step(step_of(lockdown, events[2], "empathy"), note="Fine", done=True)
    assert Interaction.objects.count() == 1
    # The call points at the round; the note is on the timeline once, with the step.
    assert change.interaction.summary == (
        "Check-in round “Lockdown events”: asked how they are really doing."
    )


def test_status_changes(lockdown: CheckInRound, events: list[Person]) -> None:
    services.pause_round(lockdown)
    assert lockdown.status == RoundStatus.PAUSED
    with pytest.raises(services.RoundProblem):
        services.set_step(step_of(lockdown, events[0], "tip"), done=True)
    with pytest.raises(services.RoundProblem):
        services.reopen_round(lockdown)
    services.resume_round(lockdown)
    services.finish_round(lockdown)
    assert lockdown.status == RoundStatus.FINISHED and lockdown.finished_at is not None
    services.finish_round(lockdown)  # again: nothing changes
    services.reopen_round(lockdown)
    lockdown.refresh_from_db()
    assert lockdown.status == RoundStatus.ACTIVE and lockdown.finished_at is None


def test_board_counts_and_filter(lockdown: CheckInRound, events: list[Person]) -> None:
    for kind in STEP_ORDER:
        services.set_step(step_of(lockdown, events[0], kind), note="Noted", done=True)
    services.set_step(step_of(lockdown, events[1], "empathy"), note="Fine", done=True)
    board = services.board(lockdown)
    assert (board.progress.people_done, board.progress.people) == (1, 3)
    assert (board.progress.steps_done, board.progress.steps) == (4, 9)
    assert [row.person for row in board.rows] == events
    to_do = services.board(lockdown, to_do_only=True)
    assert [row.person for row in to_do.rows] == events[1:]
    assert to_do.progress == board.progress
    assert services.progress_of(lockdown) == board.progress
    listed = services.rounds_of(lockdown.vault)[RoundStatus.ACTIVE][0].progress
    assert listed == board.progress


def test_active_rounds_for_a_person(lockdown: CheckInRound, events: list[Person]) -> None:
    services.set_step(step_of(lockdown, events[0], "tip"), done=True)
    rounds = services.active_rounds_for(events[0])
    assert [(r.name, r.steps_done) for r in rounds] == [("Lockdown events", 1)]
    services.pause_round(lockdown)
    assert services.active_rounds_for(events[0]) == []


def test_undoing_the_empathy_step_removes_the_conversation_it_logged(
    lockdown: CheckInRound, events: list[Person], alice: User
) -> None:
    """done + call, not done, done + call again: one call, and the person's last conversation
    follows (none while undone, so keep in touch notices them again)."""
    from aandacht.attention.services import rhythm_for

    person = events[0]
    empathy = step_of(lockdown, person, "empathy")
    first = services.set_step(empathy, note="Rough week", done=True, by=alice, log_as="call")
    assert first.interaction is not None
    empathy.refresh_from_db()
    assert empathy.interaction_id == first.interaction.pk
    assert rhythm_for(person).last_conversation_at == first.interaction.occurred_at

    services.set_step(empathy, done=False, by=alice)
    empathy.refresh_from_db()
    assert empathy.done_at is None and empathy.interaction_id is None
    assert not Interaction.objects.filter(pk=first.interaction.pk).exists()
    assert rhythm_for(person).last_conversation_at is None

    again = services.set_step(empathy, done=True, by=alice, log_as="meeting")
    assert again.interaction is not None
    assert Interaction.objects.filter(people=person).count() == 1
    empathy.refresh_from_db()
    assert empathy.interaction_id == again.interaction.pk
    assert rhythm_for(person).last_conversation_at == again.interaction.occurred_at


def test_a_step_never_logs_a_second_conversation_while_one_exists(
    lockdown: CheckInRound, events: list[Person], alice: User
) -> None:
    empathy = step_of(lockdown, events[0], "empathy")
    services.set_step(empathy, note="Tired", done=True, by=alice, log_as="call")
    # Someone cleared done_at without the service (an old row, a hand edit): still one call.
    CheckInStep.objects.filter(pk=empathy.pk).update(done_at=None)
    services.set_step(empathy, done=True, by=alice, log_as="call")
    assert Interaction.objects.count() == 1


def test_a_conversation_deleted_from_the_timeline_unlinks_the_step(
    lockdown: CheckInRound, events: list[Person], alice: User
) -> None:
    empathy = step_of(lockdown, events[0], "empathy")
    change = services.set_step(empathy, note="Tired", done=True, by=alice, log_as="call")
    assert change.interaction is not None
    change.interaction.delete()
    empathy.refresh_from_db()
    assert empathy.interaction_id is None and empathy.done_at is not None
    services.set_step(empathy, done=False)  # nothing left to remove: no error
    assert Interaction.objects.count() == 0


def test_undoing_another_step_keeps_the_conversation(
    lockdown: CheckInRound, events: list[Person], alice: User
) -> None:
    services.set_step(
        step_of(lockdown, events[0], "empathy"), note="Tired", done=True, log_as="call"
    )
    tip = step_of(lockdown, events[0], "tip")
    services.set_step(tip, done=True)
    services.set_step(tip, done=False)
    assert Interaction.objects.count() == 1


def test_adding_people_already_in_the_round_makes_no_second_steps(
    vault: Vault, lockdown: CheckInRound, events: list[Person]
) -> None:
    """What a request racing another one finds: some check-ins already made (by the other
    request, with their steps), some not; the insert skips the conflicts and only the new
    check-ins get their three steps."""
    newcomer = create_person(vault, "Gijs Nieuw")
    services._add_check_ins(lockdown, [*events, newcomer, newcomer])
    assert lockdown.check_ins.count() == 4
    for person in (*events, newcomer):
        kinds = CheckInStep.objects.filter(check_in__round=lockdown, check_in__person=person)
        assert sorted(kinds.values_list("kind", flat=True)) == sorted(STEP_ORDER)


def test_a_check_in_left_without_steps_gets_them(
    vault: Vault, lockdown: CheckInRound, events: list[Person]
) -> None:
    """The other request's check-in is there but its steps are not yet (or never came):
    adding the person again completes it to exactly three steps."""
    bare = CheckIn.objects.create(round=lockdown, person=create_person(vault, "Hans Kaal"))
    services._add_check_ins(lockdown, [bare.person])
    assert sorted(bare.steps.values_list("kind", flat=True)) == sorted(STEP_ORDER)
    assert CheckInStep.objects.filter(check_in__round=lockdown).count() == 12
