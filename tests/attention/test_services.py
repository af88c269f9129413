"""The keep-in-touch services on a real database: circles, cadence, the agenda and its actions.

The clock stands still on Monday 23 November 2026 (the ``today`` fixture); ``talk`` logs an
interaction a number of days before that, ``make_person`` puts someone in a circle.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from attention_helpers import TODAY, MakePerson, Talk
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aandacht.accounts.models import Vault
from aandacht.attention import services
from aandacht.attention.models import AgendaSettings, Circle, Rhythm
from aandacht.people.lifecycle import set_archived, set_deceased, trash_person
from aandacht.people.models import DateKind, Tag
from aandacht.people.services import add_important_date, set_tags
from aandacht.timeline.models import Interaction
from aandacht.timeline.services import add_follow_up, complete_follow_up

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]

MONTH_AGO = 31


def planned(agenda: services.Agenda) -> list[str]:
    return [item.person.name for item in agenda.items]


def pinned(agenda: services.Agenda) -> list[tuple[str, str]]:
    return [(item.kind, item.person.name) for item in agenda.pinned]


# Circles -------------------------------------------------------------------------------------


def test_create_circle_with_a_name_and_a_cadence(vault: Vault) -> None:
    circle = services.create_circle(vault, "  Book club ", 45)
    assert (circle.name, circle.cadence_days, circle.tag, circle.preset) == (
        "Book club",
        45,
        None,
        "",
    )
    assert circle in services.circles_of(vault)


def test_a_tag_circle_takes_an_existing_tag_whatever_its_case(vault: Vault) -> None:
    family = Tag.objects.create(vault=vault, name="family")
    circle = services.create_circle(vault, "", 21, tag_name=" Family ")
    assert circle.tag == family
    assert circle.title == "family"
    assert Tag.objects.filter(vault=vault).count() == 1


def test_a_tag_circle_makes_its_tag_when_missing(vault: Vault) -> None:
    circle = services.create_circle(vault, "Clients", 30, tag_name="clients")
    assert circle.tag is not None and circle.tag.vault == vault
    assert circle.title == "Clients"


@pytest.mark.parametrize(
    ("name", "days", "tag", "message"),
    [
        ("", 30, None, "a circle needs a name"),
        ("   ", 30, "  ", "a circle needs a name"),
        ("Book club", 0, None, "between 1 and 3650 days, not 0"),
        ("Book club", 3651, None, "between 1 and 3650 days, not 3651"),
        ("Book club", -5, None, "between 1 and 3650 days, not -5"),
        ("x" * 81, 30, None, "at most 80 characters"),
        ("", 30, "t" * 61, "at most 60 characters"),
        ("monthly", 30, None, "already a circle called monthly"),
    ],
)
def test_create_circle_refuses_bad_input_with_a_clear_message(
    vault: Vault, name: str, days: int, tag: str | None, message: str
) -> None:
    before = Circle.objects.count(), Tag.objects.count()
    with pytest.raises(ValueError, match=message):
        services.create_circle(vault, name, days, tag_name=tag)
    assert (Circle.objects.count(), Tag.objects.count()) == before


def test_one_circle_per_tag(vault: Vault) -> None:
    services.create_circle(vault, "", 30, tag_name="clients")
    with pytest.raises(ValueError, match="the tag clients already has a circle"):
        services.create_circle(vault, "Clients again", 60, tag_name="Clients")


def test_set_circle_and_take_out_again(make_person: MakePerson, monthly: Circle) -> None:
    ria = make_person("Ria Bakker")
    rhythm = services.set_circle(ria, monthly)
    assert (rhythm.circle, rhythm.since) == (monthly, TODAY)
    assert services.cadence_of(ria) == services.Cadence(30, "circle", monthly)
    services.set_circle(ria, None)
    assert Rhythm.objects.get(pk=ria.pk).circle is None
    assert services.cadence_of(ria) is None


def test_moving_between_circles_keeps_the_day_someone_came_on_the_agenda(
    make_person: MakePerson, monthly: Circle, inner: Circle
) -> None:
    ria = make_person("Ria Bakker", circle=monthly, since=TODAY - dt.timedelta(days=50))
    services.set_circle(ria, inner)
    assert Rhythm.objects.get(pk=ria.pk).since == TODAY - dt.timedelta(days=50)


def test_set_circle_refuses_another_vaults_circle(
    make_person: MakePerson, other_vault: Vault
) -> None:
    ria = make_person("Ria Bakker")
    theirs = Circle.objects.filter(vault=other_vault).first()
    assert theirs is not None
    with pytest.raises(ValueError, match="that circle belongs to another vault"):
        services.set_circle(ria, theirs)
    assert not Rhythm.objects.filter(pk=ria.pk, circle__isnull=False).exists()


def test_set_circle_refuses_a_tag_circle(make_person: MakePerson, vault: Vault) -> None:
    clients = services.create_circle(vault, "Clients", 30, tag_name="clients")
    ria = make_person("Ria Bakker")
    with pytest.raises(ValueError, match="Clients follows its tag: tag the person instead"):
        services.set_circle(ria, clients)


@pytest.mark.parametrize("days", [1, 7, 3650])
def test_set_cadence_within_bounds(make_person: MakePerson, days: int) -> None:
    ria = make_person("Ria Bakker")
    assert services.set_cadence(ria, days).cadence_days == days
    assert services.cadence_of(ria) == services.Cadence(days, "personal", None)
    services.set_cadence(ria, None)
    assert services.cadence_of(ria) is None


@pytest.mark.parametrize("days", [0, -1, 3651, 100_000])
def test_set_cadence_refuses_out_of_bounds(make_person: MakePerson, days: int) -> None:
    ria = make_person("Ria Bakker", cadence=10)
    with pytest.raises(ValueError, match=f"a cadence is between 1 and 3650 days, not {days}"):
        services.set_cadence(ria, days)
    assert Rhythm.objects.get(pk=ria.pk).cadence_days == 10


# Which cadence applies -----------------------------------------------------------------------


def test_resolve_cadence_personal_then_explicit_then_shortest_tag(vault: Vault) -> None:
    monthly = Circle(pk=1, vault=vault, preset="monthly", cadence_days=30)
    family = Circle(pk=2, vault=vault, name="Family", cadence_days=21)
    clients = Circle(pk=3, vault=vault, name="Clients", cadence_days=45)
    same = Circle(pk=4, vault=vault, name="Neighbours", cadence_days=21)
    tags = [clients, same, family]
    assert services.resolve_cadence(10, monthly, tags) == services.Cadence(10, "personal", monthly)
    assert services.resolve_cadence(None, monthly, tags) == services.Cadence(30, "circle", monthly)
    # Shortest tag circle; an equal cadence goes to the older circle (lower id).
    assert services.resolve_cadence(None, None, tags) == services.Cadence(21, "tag", family)
    assert services.resolve_cadence(None, None, []) is None


def test_cadence_of_follows_tags_unless_chosen_otherwise(
    make_person: MakePerson, vault: Vault, monthly: Circle
) -> None:
    family = services.create_circle(vault, "", 21, tag_name="family")
    services.create_circle(vault, "", 45, tag_name="clients")
    ria = make_person("Ria Bakker", tags=("clients", "family"))
    cadence = services.cadence_of(ria)
    assert cadence == services.Cadence(21, "tag", family)
    assert cadence is not None and cadence.label == "family"
    services.set_circle(ria, monthly)  # an explicit choice wins, even with a longer cadence
    assert services.cadence_of(ria) == services.Cadence(30, "circle", monthly)
    services.set_cadence(ria, 5)
    personal = services.cadence_of(ria)
    assert personal is not None and personal.label == "every 5 days"


# The Today agenda ----------------------------------------------------------------------------


def test_an_empty_agenda(alice: User, vault: Vault) -> None:
    agenda = services.agenda_for(alice, vault)
    assert (agenda.day, agenda.today, agenda.capacity) == (TODAY, TODAY, 5)
    assert agenda.is_empty and agenda.calls == []


def test_someone_overdue_is_on_today_with_the_reason(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    ria = make_person("Ria Bakker", circle=monthly)
    talk(ria, kind="call", days_ago=47)
    talk(ria, kind="card", days_ago=10)  # one-way: does not restart the cadence
    agenda = services.agenda_for(alice, vault)
    (item,) = agenda.items
    assert (item.person, item.kind, item.key) == (ria, "due", f"person-{ria.pk}")
    assert item.reason == "last talked 47 days ago, Monthly"
    assert item.due_on == TODAY - dt.timedelta(days=17)
    assert item.last_conversation == TODAY - dt.timedelta(days=47)
    assert item.cadence is not None and item.cadence.days == 30
    assert agenda.calls == [item]


def test_the_reason_of_someone_never_spoken_and_of_one_a_day_ago(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk
) -> None:
    make_person("Ria Bakker", cadence=20, since=TODAY - dt.timedelta(days=25))
    henk = make_person("Henk Bakker", cadence=1)
    talk(henk, kind="call", days_ago=1)
    reasons = {item.person.name: item.reason for item in services.agenda_for(alice, vault).items}
    assert reasons == {
        "Ria Bakker": "no conversation logged yet, every 20 days",
        "Henk Bakker": "last talked 1 day ago, every 1 day",
    }


def test_people_not_due_yet_fill_a_quiet_day_and_say_so(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    ria = make_person("Ria Bakker", circle=monthly)
    talk(ria, kind="call", days_ago=27)  # due in three days: a month's early window is six
    (item,) = services.agenda_for(alice, vault).items
    assert item.reason == (
        "last talked 27 days ago, Monthly · due in 3 days: a quiet day to get ahead"
    )


def test_nobody_without_a_cadence_is_planned(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk
) -> None:
    ria = make_person("Ria Bakker")
    talk(ria, kind="call", days_ago=400)
    assert services.agenda_for(alice, vault).is_empty


def test_personal_cadence_wins_over_the_circle_on_the_agenda(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    ria = make_person("Ria Bakker", circle=monthly, cadence=90)
    talk(ria, kind="call", days_ago=47)
    assert services.agenda_for(alice, vault).is_empty
    services.set_cadence(ria, None)
    assert planned(services.agenda_for(alice, vault)) == ["Ria Bakker"]


def test_a_tag_circle_brings_everyone_with_the_tag(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk
) -> None:
    ria = make_person("Ria Bakker", tags=("family",))
    talk(ria, kind="call", days_ago=30)
    assert services.agenda_for(alice, vault).is_empty
    family = services.create_circle(vault, "", 21, tag_name="family")
    (item,) = services.agenda_for(alice, vault).items
    assert item.reason == "last talked 30 days ago, family"
    assert item.cadence == services.Cadence(21, "tag", family)
    # Someone tagged later, never spoken to: due a cadence after the circle was made.
    henk = make_person("Henk Bakker")
    set_tags(vault, henk, ["Family"])
    assert planned(services.agenda_for(alice, vault)) == ["Ria Bakker"]
    with time_machine.travel(dt.datetime(2026, 12, 14, 9, tzinfo=dt.UTC), tick=False):
        assert "Henk Bakker" in planned(services.agenda_for(alice, vault))


@pytest.mark.parametrize(
    "leave",
    [
        pytest.param(lambda p: trash_person(p), id="trash"),
        pytest.param(lambda p: set_archived(p, True), id="archive"),
        pytest.param(lambda p: set_deceased(p, True), id="deceased"),
        pytest.param(lambda p: services.set_muted(p, True), id="muted"),
        pytest.param(lambda p: services.pause_until(p, TODAY + dt.timedelta(days=10)), id="paused"),
    ],
)
def test_people_who_should_not_be_reminded_of_leave_the_agenda(
    alice: User,
    vault: Vault,
    make_person: MakePerson,
    talk: Talk,
    monthly: Circle,
    leave: object,
) -> None:
    ria = make_person("Ria Bakker", circle=monthly, tags=("family",))
    services.create_circle(vault, "", 21, tag_name="family")
    talk(ria, kind="call", days_ago=60)
    add_important_date(ria, DateKind.BIRTHDAY, 11, 23, 1980)
    assert planned(services.agenda_for(alice, vault)) == ["Ria Bakker"]
    assert pinned(services.agenda_for(alice, vault)) == [("date", "Ria Bakker")]
    leave(ria)  # type: ignore[operator]
    agenda = services.agenda_for(alice, vault)
    assert agenda.is_empty, (planned(agenda), pinned(agenda))


def test_a_pause_ends_on_its_day(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    ria = make_person("Ria Bakker", circle=monthly)
    talk(ria, kind="call", days_ago=60)
    services.pause_until(ria, TODAY + dt.timedelta(days=2))
    assert services.agenda_for(alice, vault, TODAY + dt.timedelta(days=1)).items == []
    back = services.agenda_for(alice, vault, TODAY + dt.timedelta(days=2))
    assert planned(back) == ["Ria Bakker"]
    services.set_muted(ria, True)
    services.set_muted(ria, False)
    assert services.agenda_for(alice, vault).items == []


def test_what_resets_a_cadence_conversation_yes_attempt_and_one_way_no(
    alice: User,
    vault: Vault,
    prefs: AgendaSettings,
    make_person: MakePerson,
    talk: Talk,
    monthly: Circle,
) -> None:
    ria = make_person("Ria Bakker", circle=monthly)
    talk(ria, kind="call", days_ago=60)
    talk(ria, kind="gift", days_ago=2)
    talk(ria, kind="email", days_ago=1)
    assert planned(services.agenda_for(alice, vault)) == ["Ria Bakker"]
    prefs.one_way_resets = True
    prefs.save()
    assert services.agenda_for(alice, vault).items == []
    prefs.one_way_resets = False
    prefs.save()
    talk(ria, kind="video", days_ago=0)
    assert services.agenda_for(alice, vault).items == []


def test_an_attempt_brings_someone_back_as_a_retry(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    ria = make_person("Ria Bakker", circle=monthly)
    talk(ria, kind="call", days_ago=40)
    talk(ria, kind="voicemail", days_ago=1)
    assert services.agenda_for(alice, vault).items == []  # not before three days
    later = services.agenda_for(alice, vault, TODAY + dt.timedelta(days=2))
    (item,) = later.items
    assert item.kind == "retry"
    assert item.reason == "tried 3 days ago without reaching them, Monthly"


def test_capacity_is_the_limit_and_the_most_overdue_come_first(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    for n in range(8):
        person = make_person(f"Person {n}", circle=monthly)
        talk(person, kind="call", days_ago=40 + n)
    agenda = services.agenda_for(alice, vault)
    assert planned(agenda) == [f"Person {n}" for n in (7, 6, 5, 4, 3)]
    tomorrow = services.agenda_for(alice, vault, TODAY + dt.timedelta(days=1))
    assert planned(tomorrow) == ["Person 2", "Person 1", "Person 0"]


def test_handled_items_keep_their_slot_so_the_list_does_not_refill(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    people = []
    for n in range(8):
        person = make_person(f"Person {n}", circle=monthly)
        talk(person, kind="call", days_ago=40 + n)
        people.append(person)
    first = services.agenda_for(alice, vault)
    for item in list(first.items):
        services.mark_done(alice, item.person, summary="caught up")
    agenda = services.agenda_for(alice, vault)
    assert agenda.items == []
    assert [item.person.name for item in agenda.handled] == sorted(planned(first))
    assert {item.handled_as for item in agenda.handled} == {"done"}
    assert agenda.handled[0].reason == "talked"
    assert agenda.calls == []


def test_each_action_counts_toward_today(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    people = []
    for n in range(6):
        person = make_person(f"Person {n}", circle=monthly)
        talk(person, kind="call", days_ago=40 + n)
        people.append(person)
    services.mark_attempted(alice, people[5], summary="voicemail")
    services.snooze(alice, people[4], TODAY + dt.timedelta(days=7))
    services.skip_round(alice, people[3])
    agenda = services.agenda_for(alice, vault)
    assert planned(agenda) == ["Person 2", "Person 1"]
    handled = {item.person.name: item.reason for item in agenda.handled}
    assert handled == {
        "Person 5": "no answer",
        "Person 4": "snoozed",
        "Person 3": "skipped this round",
    }


def test_mark_done_logs_a_conversation_that_restarts_the_cadence(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    ria = make_person("Ria Bakker", circle=monthly)
    talk(ria, kind="call", days_ago=47)
    interaction = services.mark_done(alice, ria, kind="video", summary="  New job!  ")
    assert (interaction.kind, interaction.outcome, interaction.summary) == (
        "video",
        "conversation",
        "New job!",
    )
    assert list(interaction.people.all()) == [ria]
    assert (interaction.author, interaction.initiated_by) == (alice, "me")
    rhythm = Rhythm.objects.get(pk=ria.pk)
    assert (rhythm.handled_on, rhythm.handled_as) == (TODAY, "done")
    assert rhythm.last_conversation_at == interaction.occurred_at
    nxt = services.upcoming(alice, vault, days=40).all()
    assert [s.due_on for s in nxt] == [TODAY + dt.timedelta(days=30)]


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("voicemail", "“voicemail / no answer” is not a conversation: log it on the timeline"),
        ("card", "“card or letter” is not a conversation"),
        ("email", "“email” is not a conversation"),
        ("fax", "unknown interaction kind 'fax'"),
    ],
)
def test_mark_done_with_something_other_than_a_conversation_writes_nothing(
    alice: User, make_person: MakePerson, monthly: Circle, kind: str, message: str
) -> None:
    ria = make_person("Ria Bakker", circle=monthly)
    before = Rhythm.objects.get(pk=ria.pk)
    with pytest.raises(ValueError, match=message):
        services.mark_done(alice, ria, kind=kind)
    assert not Interaction.objects.exists()
    after = Rhythm.objects.get(pk=ria.pk)
    assert (after.handled_on, after.handled_as, after.last_attempt_at) == (
        before.handled_on,
        "",
        None,
    )


def test_mark_attempted_logs_a_voicemail_and_keeps_the_cadence(
    alice: User, make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    ria = make_person("Ria Bakker", circle=monthly)
    call = talk(ria, kind="call", days_ago=47)
    attempt = services.mark_attempted(alice, ria)
    assert (attempt.kind, attempt.outcome) == ("voicemail", "attempt")
    rhythm = Rhythm.objects.get(pk=ria.pk)
    assert rhythm.last_conversation_at == call.occurred_at
    assert rhythm.last_attempt_at == attempt.occurred_at


def test_skip_round_restarts_the_cadence_without_contact(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    ria = make_person("Ria Bakker", circle=monthly)
    talk(ria, kind="call", days_ago=47)
    services.skip_round(alice, ria)
    assert not Interaction.objects.filter(kind="voicemail").exists()
    plan = services.upcoming(alice, vault, days=40).all()
    assert [(s.person_id, s.due_on) for s in plan] == [(ria.pk, TODAY + dt.timedelta(days=30))]
    assert services.agenda_for(alice, vault, TODAY + dt.timedelta(days=20)).items == []


def test_snooze_hides_someone_until_the_day(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    ria = make_person("Ria Bakker", circle=monthly)
    talk(ria, kind="call", days_ago=47)
    services.snooze(alice, ria, TODAY + dt.timedelta(days=3))
    assert services.agenda_for(alice, vault).items == []
    for ahead in (1, 2):
        assert services.agenda_for(alice, vault, TODAY + dt.timedelta(days=ahead)).items == []
    assert planned(services.agenda_for(alice, vault, TODAY + dt.timedelta(days=3))) == [
        "Ria Bakker"
    ]


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (0, "Snooze until a day after today."),
        (-3, "Snooze until a day after today."),
        (367, "Snooze for at most a year."),
    ],
)
def test_snooze_refuses_bad_days(
    alice: User, make_person: MakePerson, monthly: Circle, days: int, message: str
) -> None:
    ria = make_person("Ria Bakker", circle=monthly)
    with pytest.raises(ValueError, match=message):
        services.snooze(alice, ria, TODAY + dt.timedelta(days=days))
    rhythm = Rhythm.objects.get(pk=ria.pk)
    assert (rhythm.snoozed_until, rhythm.handled_as) == (None, "")


def test_snooze_for_a_year_is_allowed(alice: User, make_person: MakePerson) -> None:
    ria = make_person("Ria Bakker", cadence=30)
    rhythm = services.snooze(alice, ria, TODAY + dt.timedelta(days=366))
    assert rhythm.snoozed_until == TODAY + dt.timedelta(days=366)


def test_undo_puts_a_skipped_or_snoozed_item_back(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    ria = make_person("Ria Bakker", circle=monthly)
    henk = make_person("Henk Bakker", circle=monthly)
    talk(ria, kind="call", days_ago=47)
    talk(henk, kind="call", days_ago=50)
    services.snooze(alice, ria, TODAY + dt.timedelta(days=5))
    services.skip_round(alice, henk)
    assert services.agenda_for(alice, vault).items == []
    services.undo_handled(alice, ria)
    services.undo_handled(alice, henk)
    agenda = services.agenda_for(alice, vault)
    assert planned(agenda) == ["Henk Bakker", "Ria Bakker"]
    assert agenda.handled == []
    rhythm = Rhythm.objects.get(pk=ria.pk)
    assert (rhythm.snoozed_until, rhythm.handled_on, rhythm.handled_as) == (None, None, "")


def test_undo_of_done_deletes_the_logged_conversation(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    ria = make_person("Ria Bakker", circle=monthly)
    earlier = talk(ria, kind="call", days_ago=47)
    services.mark_done(alice, ria)
    services.undo_handled(alice, ria)
    assert list(Interaction.objects.all()) == [earlier]
    rhythm = Rhythm.objects.get(pk=ria.pk)
    assert (rhythm.handled_on, rhythm.handled_as) == (None, "")
    assert rhythm.last_conversation_at == earlier.occurred_at  # the signals recomputed it
    agenda = services.agenda_for(alice, vault)
    assert (planned(agenda), agenda.handled) == (["Ria Bakker"], [])
    services.undo_handled(alice, ria)  # nothing left to undo: a no-op
    assert Interaction.objects.count() == 1


def test_undo_of_no_answer_deletes_only_that_voicemail(
    alice: User, bob: User, vault: Vault, make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    ria = make_person("Ria Bakker", circle=monthly)
    talk(ria, kind="call", days_ago=47)
    services.mark_attempted(alice, ria)
    services.undo_handled(alice, ria)
    assert not Interaction.objects.filter(kind="voicemail").exists()
    assert Interaction.objects.count() == 1


def test_done_without_a_mark_only_logs(
    alice: User, make_person: MakePerson, monthly: Circle
) -> None:
    ria = make_person("Ria Bakker", circle=monthly)
    services.mark_done(alice, ria, mark=False)
    services.mark_attempted(alice, ria, mark=False)
    assert Interaction.objects.count() == 2
    assert Rhythm.objects.get(pk=ria.pk).handled_as == ""


def test_undo_only_touches_today(
    alice: User, make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    ria = make_person("Ria Bakker", circle=monthly)
    services.snooze(alice, ria, TODAY + dt.timedelta(days=10))
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC), tick=False):
        services.undo_handled(alice, ria)
    assert Rhythm.objects.get(pk=ria.pk).snoozed_until == TODAY + dt.timedelta(days=10)


# Pinned items: promises and dates ------------------------------------------------------------


def test_a_follow_up_is_pinned_on_its_day_and_overdue_ones_on_today(
    alice: User, vault: Vault, make_person: MakePerson
) -> None:
    ria, henk, ans = make_person("Ria Bakker"), make_person("Henk Bakker"), make_person("Ans")
    soon = add_follow_up(vault, ria, "Send the photos", due_on=TODAY + dt.timedelta(days=2))
    late = add_follow_up(vault, henk, "Lend him the ladder", due_on=TODAY - dt.timedelta(days=3))
    now = add_follow_up(vault, ans, "An introduction to Bas", due_on=TODAY, direction="request")
    add_follow_up(vault, ans, "Someday", due_on=None)
    done = add_follow_up(vault, ans, "Done already", due_on=TODAY)
    complete_follow_up(done)
    agenda = services.agenda_for(alice, vault)
    assert [item.follow_up for item in agenda.pinned] == [late, now]
    reasons = [item.reason for item in agenda.pinned]
    assert reasons == [
        "you promised: Lend him the ladder · was due 20 Nov",
        "they asked: An introduction to Bas",
    ]
    assert agenda.pinned[0].key == f"follow-up-{late.pk}"
    assert agenda.items == []  # pinned items take no slot
    on_the_day = services.agenda_for(alice, vault, TODAY + dt.timedelta(days=2))
    assert [item.follow_up for item in on_the_day.pinned] == [soon]


def test_a_follow_up_of_someone_archived_or_deceased_is_not_pinned(
    alice: User, vault: Vault, make_person: MakePerson
) -> None:
    ria, henk = make_person("Ria Bakker"), make_person("Henk Bakker")
    add_follow_up(vault, ria, "Send the photos", due_on=TODAY)
    add_follow_up(vault, henk, "Call back", due_on=TODAY)
    set_archived(ria, True)
    set_deceased(henk, True)
    assert services.agenda_for(alice, vault).pinned == []


def test_pinned_items_never_take_a_slot(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    for n in range(7):
        person = make_person(f"Person {n}", circle=monthly)
        talk(person, kind="call", days_ago=40 + n)
        add_follow_up(vault, person, "Send the slides", due_on=TODAY)
    agenda = services.agenda_for(alice, vault)
    assert len(agenda.items) == 5
    assert len(agenda.pinned) == 7
    assert len(agenda.calls) == 7  # each person once


def test_a_birthday_is_pinned_on_its_day_with_the_age(
    alice: User, vault: Vault, make_person: MakePerson
) -> None:
    ria = make_person("Ria Bakker")
    henk = make_person("Henk Bakker")
    birthday = add_important_date(ria, DateKind.BIRTHDAY, 11, 23, 1979)
    add_important_date(henk, DateKind.BIRTHDAY, 11, 23)
    wedding = add_important_date(henk, DateKind.ANNIVERSARY, 11, 23, 2010, "Wedding")
    add_important_date(henk, DateKind.BIRTHDAY, 11, 24)
    agenda = services.agenda_for(alice, vault)
    items = {(item.person.name, item.reason) for item in agenda.pinned}
    assert items == {
        ("Ria Bakker", "birthday: turns 47"),
        ("Henk Bakker", "birthday"),
        ("Henk Bakker", "Wedding: 16 years"),
    }
    keys = {item.key for item in agenda.pinned}
    assert {f"date-{birthday.pk}", f"date-{wedding.pk}"} <= keys
    assert all(item.kind == "date" and item.due_on == TODAY for item in agenda.pinned)


@pytest.mark.parametrize(
    ("day", "shown"),
    [
        (dt.date(2027, 2, 28), True),  # no 29th in 2027: the 28th
        (dt.date(2027, 3, 1), False),
        (dt.date(2028, 2, 28), False),  # a leap year has the 29th itself
        (dt.date(2028, 2, 29), True),
    ],
)
def test_a_birthday_on_29_february(
    alice: User, vault: Vault, make_person: MakePerson, day: dt.date, shown: bool
) -> None:
    ria = make_person("Ria Bakker")
    add_important_date(ria, DateKind.BIRTHDAY, 2, 29, 1996)
    moment = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        agenda = services.agenda_for(alice, vault)
    assert [item.person for item in agenda.pinned] == ([ria] if shown else [])
    if shown:
        assert agenda.pinned[0].reason == f"birthday: turns {day.year - 1996}"


# The user's day and settings -----------------------------------------------------------------


def test_today_is_the_users_local_day(alice: User, vault: Vault, prefs: AgendaSettings) -> None:
    late = dt.datetime(2026, 11, 23, 23, 30, tzinfo=dt.UTC)
    with time_machine.travel(late, tick=False):
        assert services.local_today(prefs) == dt.date(2026, 11, 24)  # Amsterdam
        prefs.time_zone = "America/New_York"
        assert services.local_today(prefs) == dt.date(2026, 11, 23)
        prefs.time_zone = "Not/AZone"
        assert services.local_today(prefs) == dt.date(2026, 11, 24)  # the instance's


def test_days_off_are_not_planned(
    alice: User,
    vault: Vault,
    prefs: AgendaSettings,
    make_person: MakePerson,
    talk: Talk,
    monthly: Circle,
) -> None:
    prefs.weekdays = "12345"
    prefs.save()
    ria = make_person("Ria Bakker", circle=monthly)
    talk(ria, kind="call", days_ago=47)
    saturday = TODAY + dt.timedelta(days=5)
    services.snooze(alice, ria, saturday)
    assert services.agenda_for(alice, vault, saturday).items == []
    monday = TODAY + dt.timedelta(days=7)
    assert planned(services.agenda_for(alice, vault, monday)) == ["Ria Bakker"]


def test_a_past_day_has_no_plan(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    ria = make_person("Ria Bakker", circle=monthly)
    talk(ria, kind="call", days_ago=47)
    agenda = services.agenda_for(alice, vault, TODAY - dt.timedelta(days=1))
    assert agenda.items == [] and agenda.handled == []


def test_another_vaults_people_never_show(
    alice: User,
    vault: Vault,
    other_vault: Vault,
    make_person: MakePerson,
    talk: Talk,
) -> None:
    theirs = Circle.objects.get(vault=other_vault, preset="monthly")
    mallorys = make_person("Mal Friend", circle=theirs, in_vault=other_vault)
    talk(mallorys, kind="call", days_ago=60)
    add_follow_up(other_vault, mallorys, "Secret", due_on=TODAY)
    add_important_date(mallorys, DateKind.BIRTHDAY, 11, 23)
    assert services.agenda_for(alice, vault).is_empty


def populate(
    count: int, user: User, make_person: MakePerson, talk: Talk, vault: Vault, circle: Circle
) -> None:
    family = Circle.objects.filter(vault=vault, tag__name="family").first()
    if family is None:
        services.create_circle(vault, "", 21, tag_name="family")
    for n in range(count):
        person = make_person(f"Person {n}", circle=circle if n % 3 else None, tags=("family",))
        talk(person, kind="call", days_ago=20 + n)
        if n % 4 == 0:
            talk(person, kind="voicemail", days_ago=5)
        if n % 5 == 0:
            add_follow_up(vault, person, "Send the slides", due_on=TODAY)
            add_important_date(person, DateKind.BIRTHDAY, 11, 23, 1980)
        if n % 7 == 0:
            services.snooze(
                person.vault.memberships.first().user, person, TODAY + dt.timedelta(days=2)
            )  # type: ignore[union-attr]


def agenda_queries(alice: User, vault: Vault) -> int:
    with CaptureQueriesContext(connection) as context:
        agenda = services.agenda_for(alice, vault)
        for item in [*agenda.items, *agenda.pinned, *agenda.handled]:
            assert str(item.person) and item.reason and item.key
            if item.cadence is not None:
                assert item.cadence.label
    return len(context)


def test_the_agenda_costs_the_same_queries_for_5_or_50_people(
    alice: User, vault: Vault, make_person: MakePerson, talk: Talk, monthly: Circle
) -> None:
    populate(5, alice, make_person, talk, vault, monthly)
    services.settings_for(alice)
    few = agenda_queries(alice, vault)
    populate(50, alice, make_person, talk, vault, monthly)  # 45 more (names repeat, that is fine)
    many = agenda_queries(alice, vault)
    assert few == many
    assert many <= 8
    assert len(services.agenda_for(alice, vault).items) <= 5


def test_mark_done_is_one_transaction(
    alice: User, make_person: MakePerson, monthly: Circle, monkeypatch: pytest.MonkeyPatch
) -> None:
    ria = make_person("Ria Bakker", circle=monthly)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services, "_mark", broken)
    with pytest.raises(RuntimeError):
        services.mark_done(alice, ria, summary="Lunch")
    with pytest.raises(RuntimeError):
        services.mark_attempted(alice, ria)
    assert not Interaction.objects.exists()
    assert Rhythm.objects.get(pk=ria.pk).last_conversation_at is None


def test_days_are_counted_in_the_users_time_zone(
    alice: User,
    vault: Vault,
    prefs: AgendaSettings,
    make_person: MakePerson,
    talk: Talk,
    monthly: Circle,
) -> None:
    prefs.time_zone = "Pacific/Auckland"  # 22:00 on 23 November there
    prefs.save()
    ria = make_person("Ria Bakker", circle=monthly)
    talk(ria, kind="call", days_ago=40)
    (item,) = services.agenda_for(alice, vault).items
    assert item.reason == "last talked 40 days ago, Monthly"
    with time_machine.travel(dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC), tick=False):
        agenda = services.agenda_for(alice, vault)  # already the 24th in Auckland
    assert agenda.today == dt.date(2026, 11, 24)
    assert agenda.items[0].reason == "last talked 41 days ago, Monthly"
