"""The board's rules after a newcomer's walk-through: a paused round keeps who is in it,
leaving out someone with work asks first, the empathy step needs a note, one step at a time
is expanded, and the wording that reads right in Dutch too."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aandacht.accounts.models import Vault
from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.rounds import services
from aandacht.rounds.forms import RoundForm
from aandacht.rounds.models import CheckInRound, CheckInStep
from aandacht.timeline.services import completed_check_in_steps
from aandacht.timeline.templatetags.timeline_tags import entry_text

pytestmark = pytest.mark.django_db


def step_of(round_: CheckInRound, person: Person, kind: str) -> CheckInStep:
    return CheckInStep.objects.get(check_in__round=round_, check_in__person=person, kind=kind)


def board(client: Client, round_: CheckInRound) -> str:
    return client.get(reverse("rounds:board", args=[round_.pk])).content.decode()


def remove_url(round_: CheckInRound, person: Person) -> str:
    check_in = round_.check_ins.get(person=person)
    return reverse("rounds:remove", args=[round_.pk, check_in.pk])


def card_of(page: str, round_: CheckInRound, person: Person) -> str:
    check_in = round_.check_ins.get(person=person)
    return page.split(f'id="check-in-{check_in.pk}"')[1].split('<li class="card check-in')[0]


# A paused round: nobody comes or goes -----------------------------------------------------------


def test_a_paused_round_refuses_adding_and_leaving_out(
    as_alice: Client, vault: Vault, lockdown: CheckInRound, events: list[Person]
) -> None:
    services.pause_round(lockdown)
    page = board(as_alice, lockdown)
    assert "Leave out" not in page
    assert "round-add-title" not in page
    newcomer = create_person(vault, "Nina Nieuw")

    added = as_alice.post(
        reverse("rounds:add", args=[lockdown.pk]), {"person": newcomer.pk}, follow=True
    )
    assert "This round is paused; resume it to add or leave out people." in added.content.decode()
    removed = as_alice.post(remove_url(lockdown, events[0]), {"confirm": "1"}, follow=True)
    assert "This round is paused; resume it to add or leave out people." in (
        removed.content.decode()
    )
    assert lockdown.check_ins.count() == 3

    with pytest.raises(services.RoundProblem):
        services.add_person(lockdown, newcomer)
    with pytest.raises(services.RoundProblem):
        services.remove_person(lockdown, events[0])


def test_a_finished_round_refuses_them_too(lockdown: CheckInRound, events: list[Person]) -> None:
    services.finish_round(lockdown)
    with pytest.raises(services.RoundProblem, match="reopen it first"):
        services.remove_person(lockdown, events[0])


# Leaving someone out of an active round ---------------------------------------------------------


def test_leaving_out_someone_without_work_happens_at_once(
    as_alice: Client, lockdown: CheckInRound, events: list[Person]
) -> None:
    response = as_alice.post(remove_url(lockdown, events[0]))
    assert response.status_code == 302
    assert not lockdown.check_ins.filter(person=events[0]).exists()


def test_leaving_out_someone_with_notes_or_done_steps_asks_first(
    as_alice: Client, lockdown: CheckInRound, events: list[Person]
) -> None:
    services.set_step(step_of(lockdown, events[0], "empathy"), note="Tired", done=True)
    services.set_step(step_of(lockdown, events[0], "tip"), note="Ask the landlord")
    url = remove_url(lockdown, events[0])

    asked = as_alice.post(url)
    page = asked.content.decode()
    assert asked.status_code == 200
    assert f"Leave {events[0].name} out of this round?" in page
    assert "One step is done for them." in page and "2 steps have a note." in page
    assert 'name="confirm" value="1"' in page
    assert lockdown.check_ins.filter(person=events[0]).exists()

    confirmed = as_alice.post(url, {"confirm": "1"})
    assert confirmed.status_code == 302
    assert not lockdown.check_ins.filter(person=events[0]).exists()
    assert as_alice.post(url, {"confirm": "1"}).status_code == 404  # a repeated POST


def test_a_viewer_cannot_even_see_the_question(
    client: Client, carol: User, lockdown: CheckInRound, events: list[Person]
) -> None:
    services.set_step(step_of(lockdown, events[0], "tip"), note="x")
    client.force_login(carol)
    assert client.post(remove_url(lockdown, events[0])).status_code in {403, 404}
    assert lockdown.check_ins.filter(person=events[0]).exists()


# The steps --------------------------------------------------------------------------------------


def test_the_empathy_step_needs_a_note_to_be_done(
    as_alice: Client, lockdown: CheckInRound, events: list[Person]
) -> None:
    empathy = step_of(lockdown, events[0], "empathy")
    with pytest.raises(services.RoundProblem) as problem:
        services.set_step(empathy, note="   ", done=True)
    assert problem.value.field == "note"
    url = reverse("rounds:step", args=[lockdown.pk, empathy.pk])
    refused = as_alice.post(url, {"note": "", "done": "1", "log": "1", "log_kind": "call"})
    assert refused.status_code == 400
    assert "Write down what they said before marking this step done." in refused.content.decode()
    empathy.refresh_from_db()
    assert empathy.done_at is None and empathy.interaction_id is None


def test_a_tip_without_a_note_reads_sensibly_on_the_timeline(
    lockdown: CheckInRound, events: list[Person]
) -> None:
    services.set_step(step_of(lockdown, events[0], "tip"), done=True)
    services.set_step(step_of(lockdown, events[0], "action"), note="Referred", done=True)
    texts = {
        step.kind: entry_text(type("Entry", (), {"item": step})())  # type: ignore[arg-type]
        for step in completed_check_in_steps(events[0])
    }
    assert texts == {"tip": "Tip given (no note).", "action": "Referred"}


def test_only_the_next_open_step_is_expanded(
    as_alice: Client, lockdown: CheckInRound, events: list[Person]
) -> None:
    services.set_step(step_of(lockdown, events[0], "empathy"), note="Tired", done=True)
    for kind in ("empathy", "tip", "action"):
        services.set_step(step_of(lockdown, events[1], kind), note="Done", done=True)
    page = board(as_alice, lockdown)
    first, second, third = (card_of(page, lockdown, person) for person in events)
    assert first.count("<details") == 3
    assert re.findall(r"<details[^>]*\bopen\b", first) == ['<details class="step__details" open']
    # The open one is the tip, the first step not done yet.
    tip = step_of(lockdown, events[0], "tip")
    assert f'id="step-{tip.pk}"' in first.split(" open>")[0].rsplit("<li", 1)[1]
    assert "Tired" in first  # the done step's note on its one line
    assert " open>" not in second  # everything done: all collapsed
    assert third.count(" open>") == 1


def test_an_error_keeps_its_step_expanded(
    as_alice: Client, lockdown: CheckInRound, events: list[Person]
) -> None:
    action = step_of(lockdown, events[0], "action")
    url = reverse("rounds:step", args=[lockdown.pk, action.pk])
    page = as_alice.post(url, {"note": "x" * 2001, "done": ""}).content.decode()
    step_html = page.split(f'id="step-{action.pk}"')[1].split("</li>")[0]
    assert '<details class="step__details" open>' in step_html


def test_the_search_field_says_how_it_combines_with_the_tag(vault: Vault) -> None:
    form = RoundForm(vault=vault)
    assert str(form.fields["q"].label) == "Matching the search"
    assert "only the people with the tag who match the search" in str(form.fields["q"].help_text)


# Wording -----------------------------------------------------------------------------------


def test_starting_with_one_person_is_singular(
    as_alice: Client, vault: Vault, events: list[Person]
) -> None:
    response = as_alice.post(
        reverse("rounds:new"),
        {"name": "Solo", "tag": "", "q": "Anna", "person": [events[0].pk], "token": "t1"},
        follow=True,
    )
    assert "Round “Solo” started with 1 person." in response.content.decode()


@pytest.mark.parametrize(
    ("start", "action", "sentence"),
    [
        ("finish", services.pause_round, "A finished round cannot be paused; reopen it first."),
        ("finish", services.resume_round, "A finished round cannot be resumed; reopen it instead."),
        ("pause", services.reopen_round, "A paused round is not finished; resume it instead."),
    ],
)
def test_each_refused_transition_is_one_whole_sentence(
    lockdown: CheckInRound, start: str, action: Any, sentence: str
) -> None:
    services.STATUS_ACTIONS[start](lockdown)
    with pytest.raises(services.RoundProblem) as problem:
        action(lockdown)
    assert problem.value.message == sentence


def test_a_one_day_round_says_on_that_day(
    as_alice: Client, lockdown: CheckInRound, events: list[Person]
) -> None:
    services.finish_round(lockdown)
    page = as_alice.get(reverse("rounds:summary", args=[lockdown.pk])).content.decode()
    day = timezone.localtime(lockdown.created_at)
    assert f"On {day.day} {day:%B} {day.year}" in page
    assert "From " not in page
    CheckInRound.objects.filter(pk=lockdown.pk).update(
        created_at=lockdown.created_at - dt.timedelta(days=3)
    )
    assert "From " in as_alice.get(reverse("rounds:summary", args=[lockdown.pk])).content.decode()


def test_dates_read_as_the_rest_of_the_app_in_dutch(
    as_alice: Client, lockdown: CheckInRound, events: list[Person]
) -> None:
    when = timezone.make_aware(dt.datetime(2026, 11, 29, 10, 0))
    for kind in ("empathy", "tip"):
        services.set_step(step_of(lockdown, events[0], kind), note="Goed", done=True, now=when)
    as_alice.cookies["django_language"] = "nl"
    page = board(as_alice, lockdown)
    summary = as_alice.get(reverse("rounds:summary", args=[lockdown.pk])).content.decode()
    assert "29 november" in page and "29 Nov" not in page
    assert "29 november 2026" in summary and "Nov 2026" not in summary
