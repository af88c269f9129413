"""The appreciation nudge against the database: when one is made, for whom, what it shows,
and what "I told them", "Not now", "Someone else" and undo do."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from attention_helpers import NOW, TODAY, MakePerson
from django.contrib.auth.models import User

from aandacht.accounts.models import Vault
from aandacht.attention import appreciation, services
from aandacht.attention.models import AgendaSettings, AppreciationNudge, NudgeOutcome
from aandacht.exchange.json_document import export_json
from aandacht.people.lifecycle import set_archived, trash_person
from aandacht.people.models import Person
from aandacht.timeline.models import Interaction, Outcome
from aandacht.timeline.services import add_moment, timeline_page


def strength(person: Person, text: str, *, author: User, private: bool = False) -> None:
    add_moment(person.vault, person, text, kind="strength", author=author, private=private)


@pytest.fixture
def anna(make_person: MakePerson, alice: User, today: dt.date) -> Person:
    """A client with two strengths."""
    person = make_person("Anna Smit", tags=("clients",))
    strength(person, "Anna asks the question nobody dares to ask.", author=alice)
    strength(person, "Anna keeps her promises.", author=alice)
    return person


def texts(recorded: list[appreciation.Recorded]) -> list[str]:
    return [item.text for item in recorded]


def later(days: int) -> time_machine.travel:
    return time_machine.travel(NOW + dt.timedelta(days=days), tick=False)


def test_a_suggestion_for_a_client_with_strengths(
    alice: User, vault: Vault, anna: Person, make_person: MakePerson
) -> None:
    friend = make_person("Bas Friend", tags=("friends",))
    strength(friend, "Bas is patient.", author=alice)
    strength(friend, "Bas listens.", author=alice)
    strength(friend, "Bas cooks.", author=alice)

    found = appreciation.suggestion_for(alice, vault)

    assert found is not None
    assert found.person == anna
    assert found.is_open
    assert texts(found.strengths) == [
        "Anna keeps her promises.",
        "Anna asks the question nobody dares to ask.",
    ]
    assert "tagged clients" in found.reason and "2 strengths recorded" in found.reason
    nudge = AppreciationNudge.objects.get()
    assert (nudge.user, nudge.vault, nudge.offered_on) == (alice, vault, TODAY)


def test_nobody_to_suggest_makes_nothing(
    alice: User, vault: Vault, make_person: MakePerson, today: dt.date
) -> None:
    make_person("Anna Smit", tags=("clients",))

    assert appreciation.suggestion_for(alice, vault) is None
    assert not AppreciationNudge.objects.exists()


def test_the_same_suggestion_all_day_and_made_once(alice: User, vault: Vault, anna: Person) -> None:
    first = appreciation.suggestion_for(alice, vault)
    again = appreciation.suggestion_for(alice, vault)

    assert first is not None and again is not None
    assert first.nudge.pk == again.nudge.pk
    assert AppreciationNudge.objects.count() == 1


def test_at_most_once_in_the_interval(
    alice: User, vault: Vault, anna: Person, prefs: AgendaSettings
) -> None:
    assert appreciation.suggestion_for(alice, vault) is not None
    appreciation.dismiss(alice, anna)

    with later(1):
        assert appreciation.suggestion_for(alice, vault) is None  # the day is over, and dismissed
    with later(6):
        assert appreciation.suggestion_for(alice, vault) is None
    with later(7):
        found = appreciation.suggestion_for(alice, vault)
    assert found is not None and found.nudge.offered_on == TODAY + dt.timedelta(days=7)
    assert AppreciationNudge.objects.count() == 2


def test_an_open_nudge_is_gone_the_next_day(alice: User, vault: Vault, anna: Person) -> None:
    assert appreciation.suggestion_for(alice, vault) is not None

    with later(1):
        assert appreciation.suggestion_for(alice, vault) is None


def test_a_shorter_interval_and_off(
    alice: User, vault: Vault, anna: Person, prefs: AgendaSettings
) -> None:
    prefs.appreciation_every_days = 1
    prefs.save()
    assert appreciation.suggestion_for(alice, vault) is not None
    with later(1):
        assert appreciation.suggestion_for(alice, vault) is not None

    prefs.appreciation_every_days = 0
    prefs.save()
    with later(30):
        assert appreciation.suggestion_for(alice, vault) is None
    assert AppreciationNudge.objects.count() == 2


def test_off_still_shows_a_nudge_already_made_today(
    alice: User, vault: Vault, anna: Person, prefs: AgendaSettings
) -> None:
    assert appreciation.suggestion_for(alice, vault) is not None
    prefs.appreciation_every_days = 0
    prefs.save()

    # Made before it was switched off: it stays until the day is over.
    assert appreciation.suggestion_for(alice, vault) is not None
    with later(7):
        assert appreciation.suggestion_for(alice, vault) is None


def test_not_on_a_day_the_agenda_does_not_plan(
    alice: User, vault: Vault, anna: Person, prefs: AgendaSettings
) -> None:
    prefs.weekdays = "2345"  # today is a Monday
    prefs.save()

    assert appreciation.suggestion_for(alice, vault) is None
    with later(1):
        assert appreciation.suggestion_for(alice, vault) is not None


def test_create_false_previews_without_writing(alice: User, vault: Vault, anna: Person) -> None:
    preview = appreciation.suggestion_for(alice, vault, create=False)

    assert preview is not None and preview.person == anna and preview.nudge.pk is None
    assert preview.strengths and not AppreciationNudge.objects.exists()
    made = appreciation.suggestion_for(alice, vault)
    assert made is not None and made.person == preview.person  # the same all day


def test_per_vault(
    alice: User,
    vault: Vault,
    anna: Person,
    make_person: MakePerson,
    mallory: User,
    other_vault: Vault,
) -> None:
    stranger = make_person("Mila Other", tags=("clients",), in_vault=other_vault)
    strength(stranger, "Mila is brave.", author=mallory)

    found = appreciation.suggestion_for(alice, vault)
    assert found is not None and found.person == anna
    assert appreciation.suggestion_for(mallory, other_vault) is not None


# --- who ---------------------------------------------------------------------------------------


def test_muted_archived_deceased_and_trashed_people_are_left_out(
    alice: User, vault: Vault, make_person: MakePerson, today: dt.date
) -> None:
    for name in ("Muted One", "Archived Two", "Deceased Three", "Trashed Four"):
        strength(make_person(name, tags=("clients",)), f"{name} is kind.", author=alice)
    people = {p.given_name: p for p in Person.objects.all()}
    services.set_muted(people["Muted"], True)
    set_archived(people["Archived"], True)
    people["Deceased"].deceased = True
    people["Deceased"].save()
    trash_person(people["Trashed"])

    assert appreciation.suggestion_for(alice, vault) is None


def test_someone_elses_private_strength_is_neither_shown_nor_a_reason(
    alice: User, bob: User, vault: Vault, make_person: MakePerson, today: dt.date
) -> None:
    anna = make_person("Anna Smit", tags=("clients",))
    strength(anna, "Anna's private strength, Alice's alone.", author=alice, private=True)

    assert appreciation.suggestion_for(bob, vault) is None
    strength(anna, "Anna is generous.", author=alice)
    found = appreciation.suggestion_for(bob, vault)
    assert found is not None and texts(found.strengths) == ["Anna is generous."]
    mine = appreciation.suggestion_for(alice, vault)
    assert mine is not None and len(mine.strengths) == 2


def test_grateful_moments_as_second_choice(
    alice: User, vault: Vault, make_person: MakePerson, today: dt.date
) -> None:
    anna = make_person("Anna Smit", tags=("clients",))
    add_moment(vault, anna, "Anna recommended me.", kind="grateful", author=alice)

    found = appreciation.suggestion_for(alice, vault)
    assert (
        found is not None
        and found.strengths == []
        and texts(found.grateful) == ["Anna recommended me."]
    )


def test_someone_told_recently_comes_after_the_others(
    alice: User, vault: Vault, anna: Person, make_person: MakePerson, prefs: AgendaSettings
) -> None:
    friend = make_person("Bas Friend")
    strength(friend, "Bas is patient.", author=alice)
    first = appreciation.suggestion_for(alice, vault)
    assert first is not None and first.person == anna
    appreciation.tell(alice, anna)

    with later(7):
        second = appreciation.suggestion_for(alice, vault)
    assert second is not None and second.person == friend
    with later(14):
        third = appreciation.suggestion_for(alice, vault)
    # Both were suggested within four weeks: the longest ago comes first.
    assert third is not None and third.person == anna


def test_a_person_trashed_after_the_offer_gives_way_to_the_next(
    alice: User, vault: Vault, anna: Person, make_person: MakePerson
) -> None:
    found = appreciation.suggestion_for(alice, vault)
    assert found is not None and found.person == anna
    trash_person(anna)

    assert appreciation.suggestion_for(alice, vault) is None  # nobody else
    friend = make_person("Bas Friend")
    strength(friend, "Bas is patient.", author=alice)
    found = appreciation.suggestion_for(alice, vault)
    assert found is not None and found.person == friend
    assert AppreciationNudge.objects.count() == 1


def test_a_handled_nudge_of_a_trashed_person_is_not_shown(
    alice: User, vault: Vault, anna: Person
) -> None:
    assert appreciation.suggestion_for(alice, vault) is not None
    appreciation.tell(alice, anna)
    trash_person(anna)

    assert appreciation.suggestion_for(alice, vault) is None


# --- acting ------------------------------------------------------------------------------------


def test_told_logs_one_interaction_naming_the_strengths(
    alice: User, vault: Vault, anna: Person
) -> None:
    assert appreciation.suggestion_for(alice, vault) is not None

    assert appreciation.tell(alice, anna, kind="call")
    assert not appreciation.tell(alice, anna, kind="call")  # a second click logs nothing

    interaction = Interaction.objects.get()
    assert interaction.kind == "call" and interaction.outcome == Outcome.CONVERSATION
    assert interaction.initiated_by == "me" and interaction.author == alice
    assert "Anna keeps her promises." in interaction.summary
    assert list(interaction.people.all()) == [anna]
    nudge = AppreciationNudge.objects.get()
    assert nudge.outcome == NudgeOutcome.GIVEN and nudge.interaction == interaction
    assert nudge.handled_at is not None
    found = appreciation.suggestion_for(alice, vault)
    assert found is not None and not found.is_open and found.status


def test_told_with_your_own_words_and_a_card(alice: User, vault: Vault, anna: Person) -> None:
    appreciation.suggestion_for(alice, vault)

    appreciation.tell(alice, anna, kind="card", what="How calmly she ran the launch")

    interaction = Interaction.objects.get()
    assert interaction.kind == "card" and interaction.outcome == Outcome.ONE_WAY
    assert interaction.summary.endswith("How calmly she ran the launch")


def test_told_refuses_a_bad_kind_and_too_long_text(alice: User, vault: Vault, anna: Person) -> None:
    appreciation.suggestion_for(alice, vault)

    with pytest.raises(ValueError):
        appreciation.tell(alice, anna, kind="voicemail")
    with pytest.raises(ValueError):
        appreciation.tell(alice, anna, what="x" * 501)
    assert not Interaction.objects.exists()


def test_acting_on_someone_who_is_not_todays_suggestion(
    alice: User, vault: Vault, anna: Person, make_person: MakePerson
) -> None:
    other = make_person("Bas Friend")
    with pytest.raises(appreciation.NoSuggestion):
        appreciation.tell(alice, anna)
    appreciation.suggestion_for(alice, vault)
    with pytest.raises(appreciation.NoSuggestion):
        appreciation.dismiss(alice, other)
    assert not Interaction.objects.exists()


def test_dismissed_and_the_interval_still_applies(alice: User, vault: Vault, anna: Person) -> None:
    appreciation.suggestion_for(alice, vault)

    assert appreciation.dismiss(alice, anna)
    assert not appreciation.dismiss(alice, anna)
    assert AppreciationNudge.objects.get().outcome == NudgeOutcome.DISMISSED
    assert not Interaction.objects.exists()
    with later(3):
        assert appreciation.suggestion_for(alice, vault) is None


def test_undo_told_deletes_the_interaction(alice: User, vault: Vault, anna: Person) -> None:
    appreciation.suggestion_for(alice, vault)
    appreciation.tell(alice, anna)

    assert appreciation.undo(alice, anna)
    assert not appreciation.undo(alice, anna)
    assert not Interaction.objects.exists()
    nudge = AppreciationNudge.objects.get()
    assert nudge.outcome == NudgeOutcome.OPEN and nudge.handled_at is None
    assert appreciation.dismiss(alice, anna)
    assert appreciation.undo(alice, anna)
    assert AppreciationNudge.objects.get().outcome == NudgeOutcome.OPEN


def test_someone_else_cycles_through_the_candidates(
    alice: User, vault: Vault, anna: Person, make_person: MakePerson
) -> None:
    friend = make_person("Bas Friend")
    strength(friend, "Bas is patient.", author=alice)
    appreciation.suggestion_for(alice, vault)

    assert appreciation.someone_else(alice, anna) == friend
    found = appreciation.suggestion_for(alice, vault)
    assert found is not None and found.person == friend
    assert appreciation.someone_else(alice, friend) == anna
    assert AppreciationNudge.objects.count() == 1
    with pytest.raises(appreciation.NoSuggestion):
        appreciation.someone_else(alice, friend)  # a stale page


def test_someone_else_when_there_is_nobody_else(alice: User, vault: Vault, anna: Person) -> None:
    appreciation.suggestion_for(alice, vault)

    with pytest.raises(ValueError, match="nobody else"):
        appreciation.someone_else(alice, anna)


# --- Private strengths: shown to their author, marked, never logged ---------------------------


def test_your_own_private_strength_is_shown_marked_private(
    alice: User, vault: Vault, anna: Person
) -> None:
    strength(anna, "Anna covers for her team.", author=alice, private=True)

    found = appreciation.suggestion_for(alice, vault)

    assert found is not None
    assert [(item.text, item.private) for item in found.strengths] == [
        ("Anna covers for her team.", True),
        ("Anna keeps her promises.", False),
        ("Anna asks the question nobody dares to ask.", False),
    ]
    assert found.has_private_strengths
    assert found.shareable_strengths == [
        "Anna keeps her promises.",
        "Anna asks the question nobody dares to ask.",
    ]
    assert "not private" in found.what_placeholder
    assert "covers" not in found.what_placeholder


def test_told_with_nothing_typed_never_logs_a_private_strength(
    alice: User, bob: User, vault: Vault, make_person: MakePerson, today: dt.date
) -> None:
    """The reviewer's reproduction: Alice's private strength of Zoe must not reach the
    interaction, which Bob (and every export) sees."""
    zoe = make_person("Zoe Visser", tags=("clients",))
    strength(zoe, "SECRET strength", author=alice, private=True)
    found = appreciation.suggestion_for(alice, vault)
    assert found is not None and found.person == zoe
    assert "SECRET" not in found.what_placeholder

    assert appreciation.tell(alice, zoe, what="")

    summary = Interaction.objects.get().summary
    assert summary == "Told them what I value in working with them."
    for viewer in (bob, alice):
        lines = [
            entry.item.summary
            for entry in timeline_page(zoe, viewer).entries
            if entry.kind == "interaction"
        ]
        assert lines == ["Told them what I value in working with them."]
    out = io.StringIO()
    export_json(vault, out, user=bob)
    assert "SECRET" not in out.getvalue()
    assert "Told them what I value in working with them." in out.getvalue()


def test_told_with_nothing_typed_names_only_the_strengths_that_are_not_private(
    alice: User, bob: User, vault: Vault, anna: Person
) -> None:
    strength(anna, "Anna's SECRET side.", author=alice, private=True)
    strength(anna, "Anna writes clear briefs.", author=bob)
    strength(anna, "Bob's own SECRET about Anna.", author=bob, private=True)
    appreciation.suggestion_for(alice, vault)

    appreciation.tell(alice, anna)

    summary = Interaction.objects.get().summary
    assert "SECRET" not in summary
    assert summary.startswith("Told them what I value in working with them: ")
    assert "Anna writes clear briefs." in summary and "Anna keeps her promises." in summary


def test_what_you_typed_is_logged_as_typed(alice: User, vault: Vault, anna: Person) -> None:
    """Your own words are yours to share, even when they echo a private strength."""
    strength(anna, "Anna covers for her team.", author=alice, private=True)
    appreciation.suggestion_for(alice, vault)

    appreciation.tell(alice, anna, what="You cover for your team")

    assert Interaction.objects.get().summary.endswith(": You cover for your team")


def test_the_placeholder_says_what_an_empty_line_logs(
    alice: User, vault: Vault, make_person: MakePerson, today: dt.date
) -> None:
    zoe = make_person("Zoe Visser", tags=("clients",))
    add_moment(vault, zoe, "Zoe recommended me.", kind="grateful", author=alice)
    found = appreciation.suggestion_for(alice, vault)
    assert found is not None and found.what_placeholder == "Empty: a general line"

    strength(zoe, "Zoe is brave.", author=alice, private=True)
    found = appreciation.suggestion_for(alice, vault)
    assert found is not None and not found.shareable_strengths
    assert found.what_placeholder == "Empty: a general line (private strengths are not copied)"

    strength(zoe, "Zoe is fair.", author=alice)
    found = appreciation.suggestion_for(alice, vault)
    assert found is not None
    assert found.what_placeholder == "Empty: the strengths above that are not private"


def test_candidates_ask_a_bounded_number_of_queries(
    alice: User,
    vault: Vault,
    make_person: MakePerson,
    today: dt.date,
    django_assert_max_num_queries: Any,
) -> None:
    for number in range(6):
        person = make_person(f"Client {number}", tags=("clients",))
        strength(person, f"Strength {number}", author=alice)
    with django_assert_max_num_queries(3):
        found = appreciation.candidates(alice, vault, today)
    assert len(found) == 6
