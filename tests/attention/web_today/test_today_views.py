"""The Today page and its actions: who is on it and why, done / no answer / snooze / skip /
undo, htmx and plain forms, roles, bad input, and a query count that does not grow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from aandacht.accounts.models import Vault
from aandacht.attention import services
from aandacht.attention.models import Circle, Rhythm
from aandacht.people.models import Person
from aandacht.people.services import add_contact_method, add_important_date
from aandacht.timeline.models import Interaction, Outcome
from aandacht.timeline.services import add_follow_up

TODAY_URL = "/today/"
HTMX = {"HX-Request": "true", "HX-Target": "agenda"}

MakePerson = Callable[..., Person]
Talk = Callable[..., Interaction]


@pytest.fixture
def alice_client(client: Client, alice: User, today: dt.date) -> Client:
    client.force_login(alice)
    return client


@pytest.fixture
def due(
    vault: Vault, monthly: Circle, make_person: MakePerson, talk: Talk, today: dt.date
) -> list[Person]:
    """Three monthly friends, last spoken 40, 50 and 60 days ago: all due today."""
    people = []
    for name, days in (("Ria Bakker", 40), ("Sem de Vries", 50), ("Tom Jansen", 60)):
        person = make_person(name, circle=monthly, since=today - dt.timedelta(days=400))
        talk(person, days_ago=days, summary=f"talked with {name.split()[0]}")
        people.append(person)
    return people


def action(name: str, person: Person) -> str:
    return reverse(f"attention:{name}", args=[person.pk])


def messages_of(response: object) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def conversations(person: Person) -> int:
    return Interaction.objects.filter(people=person, outcome=Outcome.CONVERSATION).count()


# --- Reading ---------------------------------------------------------------------------------


def test_today_needs_a_signed_in_user(client: Client, alice: User) -> None:
    response = client.get(TODAY_URL)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_today_lists_the_due_people_with_their_reason(
    alice_client: Client, due: list[Person]
) -> None:
    response = alice_client.get(TODAY_URL)

    assert response.status_code == 200
    page = response.content.decode()
    for person in due:
        assert f'id="person-{person.pk}"' in page
        assert person.name in page
        assert reverse("people:detail", args=[person.pk]) in page
    assert "last talked 60 days ago, Monthly" in page
    assert "3 planned · at most 5 a day" in page
    for label in ("Talked", "No answer", "Snooze", "Skip this round", "Start calling"):
        assert label in page
    assert 'aria-current="page">Today</a>' in page


def test_the_most_overdue_comes_first(alice_client: Client, due: list[Person]) -> None:
    page = alice_client.get(TODAY_URL).content.decode()

    assert page.index("Tom Jansen") < page.index("Sem de Vries") < page.index("Ria Bakker")


def test_focus_highlights_the_item_the_digest_links_to(
    alice_client: Client, due: list[Person]
) -> None:
    key = f"person-{due[1].pk}"

    page = alice_client.get(TODAY_URL, {"focus": key}).content.decode()

    assert f'is-focused" id="{key}"' in page
    assert page.count("is-focused") == 1


def test_nobody_on_a_rhythm_explains_circles(alice_client: Client, vault: Vault) -> None:
    page = alice_client.get(TODAY_URL).content.decode()

    assert "Nobody on a rhythm yet" in page
    assert "Start calling" not in page


def test_a_quiet_day_says_so(
    alice_client: Client, monthly: Circle, make_person: MakePerson, talk: Talk
) -> None:
    person = make_person("Ria Bakker", circle=monthly)
    talk(person, days_ago=1)

    page = alice_client.get(TODAY_URL).content.decode()

    assert "Nobody planned for today" in page
    assert "The coming days" in page


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2026-13-45", "is not a date the agenda understands: use YYYY-MM-DD"),
        ("tomorrow", "is not a date the agenda understands"),
        ("20261124", "is not a date the agenda understands"),
        ("2027-11-23", "The agenda looks at most 90 days ahead."),
    ],
)
def test_a_bad_date_gets_a_clear_message(
    alice_client: Client, due: list[Person], raw: str, message: str
) -> None:
    response = alice_client.get(TODAY_URL, {"date": raw})

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "Ria Bakker" in page  # today's agenda is still there


def test_another_day_shows_its_plan_and_a_way_back(
    alice_client: Client,
    alice: User,
    due: list[Person],
    monthly: Circle,
    make_person: MakePerson,
    talk: Talk,
    today: dt.date,
) -> None:
    prefs = services.settings_for(alice)
    prefs.capacity = 3
    prefs.save()
    later = make_person("Vera Smit", circle=monthly, since=today - dt.timedelta(days=400))
    talk(later, days_ago=35)  # due too, but today is full: she moves to tomorrow
    tomorrow = today + dt.timedelta(days=1)

    page = alice_client.get(TODAY_URL, {"date": tomorrow.isoformat()}).content.decode()

    assert "Back to today" in page
    assert f'id="person-{later.pk}"' in page
    assert "Ria Bakker" not in page
    assert f'name="date" value="{tomorrow.isoformat()}"' in page
    assert "1 planned · at most 3 a day" in page


def test_a_past_day_is_read_only(
    alice_client: Client, vault: Vault, due: list[Person], today: dt.date
) -> None:
    yesterday = today - dt.timedelta(days=1)
    add_follow_up(vault, due[0], "Send the photos", due_on=yesterday)

    page = alice_client.get(TODAY_URL, {"date": yesterday.isoformat()}).content.decode()

    assert "Send the photos" in page
    assert "Looking back" in page
    assert "No answer" not in page
    assert 'action="/today/' not in page


def test_a_viewer_sees_the_agenda_without_buttons(
    client: Client, carol: User, due: list[Person], today: dt.date
) -> None:
    client.force_login(carol)

    page = client.get(TODAY_URL).content.decode()

    assert "Ria Bakker" in page
    assert "No answer" not in page


def test_someone_elses_vault_is_a_404(
    client: Client, mallory: User, other_vault: Vault, vault: Vault, today: dt.date
) -> None:
    client.force_login(mallory)

    assert client.get(TODAY_URL, {"vault": vault.pk}).status_code == 404


def test_query_count_does_not_grow_with_people_on_a_rhythm(
    alice_client: Client,
    vault: Vault,
    monthly: Circle,
    make_person: MakePerson,
    talk: Talk,
    today: dt.date,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    tag_circle = services.create_circle(vault, "", 60, tag_name="family")

    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            person = make_person(
                f"Friend{number} Test",
                circle=monthly if number % 2 else None,
                tags=("family",) if not number % 2 else (),
                since=today - dt.timedelta(days=200),
            )
            talk(person, days_ago=30 + number)
            add_follow_up(vault, person, f"Promise {number}", due_on=today)
            add_important_date(person, "birthday", today.month, today.day, 1980)

    add(5, 0)
    assert tag_circle.tag is not None
    alice_client.get(TODAY_URL)  # the first visit stores the agenda settings and the vault
    with CaptureQueriesContext(connection) as few:
        assert alice_client.get(TODAY_URL).status_code == 200
    add(25, 5)

    with CaptureQueriesContext(connection) as many:
        response = alice_client.get(TODAY_URL)
    assert response.status_code == 200
    assert len(many) == len(few), "\n".join(q["sql"][:150] for q in many.captured_queries)
    assert len(few) <= 24  # about 19: session, user, shell, the agenda, the preview
    # The people are read without their search columns (all of someone's public notes).
    assert not [q["sql"][:150] for q in many.captured_queries if "search_text" in q["sql"]]
    with django_assert_max_num_queries(len(few)):
        alice_client.get(TODAY_URL, {"focus": "person-1"})


# --- Acting ----------------------------------------------------------------------------------


def test_done_logs_a_call_and_moves_the_person_to_handled(
    alice_client: Client, due: list[Person]
) -> None:
    ria = due[0]

    response = alice_client.post(action("done", ria), {"summary": "  Her new job  "})

    assert response.status_code == 302
    assert response["Location"] == TODAY_URL
    assert messages_of(response) == ["Logged your conversation with Ria Bakker."]
    latest = Interaction.objects.filter(people=ria).order_by("-occurred_at").first()
    assert latest is not None
    assert (latest.kind, latest.summary, latest.outcome) == ("call", "Her new job", "conversation")
    rhythm = Rhythm.objects.get(pk=ria.pk)
    assert rhythm.handled_as == "done"
    page = alice_client.get(TODAY_URL).content.decode()
    handled = page[page.index("Handled today") :]
    assert "Ria Bakker" in handled
    assert "3 planned · 1 dealt with · at most 5 a day" in page


def test_done_can_be_a_meeting(alice_client: Client, due: list[Person]) -> None:
    alice_client.post(action("done", due[0]), {"kind": "meeting"})

    latest = Interaction.objects.filter(people=due[0]).order_by("-occurred_at").first()
    assert latest is not None and latest.kind == "meeting"


def test_done_refuses_a_kind_that_is_not_a_conversation(
    alice_client: Client, due: list[Person]
) -> None:
    before = conversations(due[0])

    response = alice_client.post(action("done", due[0]), {"kind": "card"}, follow=True)

    assert "Choose call, meeting, video call or messages." in response.content.decode()
    assert conversations(due[0]) == before
    assert not Rhythm.objects.get(pk=due[0].pk).handled_as


def test_done_refuses_a_summary_that_is_too_long(alice_client: Client, due: list[Person]) -> None:
    response = alice_client.post(action("done", due[0]), {"summary": "x" * 501}, follow=True)

    assert "at most 500 characters" in response.content.decode()


def test_done_twice_logs_once(alice_client: Client, due: list[Person]) -> None:
    before = conversations(due[0])

    alice_client.post(action("done", due[0]))
    second = alice_client.post(action("done", due[0]))

    assert conversations(due[0]) == before + 1
    assert messages_of(second)[-1] == "Already logged today: Ria Bakker."


def test_done_with_htmx_answers_with_the_agenda_section(
    alice_client: Client, due: list[Person]
) -> None:
    response = alice_client.post(action("done", due[0]), headers=HTMX)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="agenda"')
    assert "<html" not in page
    assert 'hx-swap-oob="true">Logged your conversation with Ria Bakker.</p>' in page
    assert "Handled today" in page


def test_attempted_logs_a_voicemail_once(alice_client: Client, due: list[Person]) -> None:
    alice_client.post(action("attempted", due[0]))
    second = alice_client.post(action("attempted", due[0]))

    attempts = Interaction.objects.filter(people=due[0], outcome=Outcome.ATTEMPT)
    assert [each.kind for each in attempts] == ["voicemail"]
    assert messages_of(second)[-1] == "Already noted today: Ria Bakker."
    page = alice_client.get(TODAY_URL).content.decode()
    assert "no answer" in page


def test_snooze_tomorrow(alice_client: Client, due: list[Person], today: dt.date) -> None:
    tomorrow = today + dt.timedelta(days=1)

    response = alice_client.post(action("snooze", due[0]), {"quick": tomorrow.isoformat()})

    assert messages_of(response) == ["Ria Bakker is snoozed until Tuesday 24 November."]
    assert Rhythm.objects.get(pk=due[0].pk).snoozed_until == tomorrow


def test_snooze_to_a_picked_day(alice_client: Client, due: list[Person], today: dt.date) -> None:
    day = today + dt.timedelta(days=10)

    alice_client.post(action("snooze", due[0]), {"until": day.isoformat(), "quick": ""})

    assert Rhythm.objects.get(pk=due[0].pk).snoozed_until == day


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"until": "31-02-2026"}, "Enter the day as YYYY-MM-DD, or pick it in the calendar."),
        ({"until": ""}, "Pick the day to snooze until."),
        ({"until": "2026-11-23"}, "Snooze until a day after today."),
        ({"until": "2026-11-01"}, "Snooze until a day after today."),
        ({"until": "2028-01-01"}, "Snooze for at most a year."),
    ],
)
def test_a_bad_snooze_day_gets_a_clear_message(
    alice_client: Client, due: list[Person], data: dict[str, str], message: str
) -> None:
    response = alice_client.post(action("snooze", due[0]), data)

    assert response.status_code == 302
    assert messages_of(response) == [message]
    assert Rhythm.objects.get(pk=due[0].pk).snoozed_until is None


def test_a_bad_snooze_day_with_htmx_shows_the_error_in_place(
    alice_client: Client, due: list[Person]
) -> None:
    response = alice_client.post(action("snooze", due[0]), {"until": "nope"}, headers=HTMX)

    assert response.status_code == 200
    assert 'role="alert">Enter the day as YYYY-MM-DD' in response.content.decode()


def test_skip_and_undo(alice_client: Client, due: list[Person], today: dt.date) -> None:
    skipped = alice_client.post(action("skip", due[0]))
    assert messages_of(skipped) == [
        "Skipped this round with Ria Bakker; the cadence starts again today."
    ]
    assert Rhythm.objects.get(pk=due[0].pk).skipped_on == today
    page = alice_client.get(TODAY_URL).content.decode()
    assert "skipped this round" in page
    assert action("undo", due[0]) in page

    undone = alice_client.post(action("undo", due[0]))

    assert messages_of(undone)[-1] == "Ria Bakker is back on today's list."
    rhythm = Rhythm.objects.get(pk=due[0].pk)
    assert (rhythm.skipped_on, rhythm.handled_as) == (None, "")


def test_undo_of_a_snooze(alice_client: Client, due: list[Person], today: dt.date) -> None:
    alice_client.post(action("snooze", due[0]), {"quick": "2026-11-30"})

    alice_client.post(action("undo", due[0]), headers=HTMX)

    assert Rhythm.objects.get(pk=due[0].pk).snoozed_until is None


def test_a_mistaken_done_can_be_undone(alice_client: Client, due: list[Person]) -> None:
    before = conversations(due[0])
    alice_client.post(action("done", due[0]))
    page = alice_client.get(TODAY_URL).content.decode()
    handled = page[page.index("Handled today") :]
    assert "Undo" in handled and "talked" in handled

    response = alice_client.post(action("undo", due[0]))

    assert messages_of(response)[-1] == "Ria Bakker is back on today's list."
    assert conversations(due[0]) == before
    rhythm = Rhythm.objects.get(pk=due[0].pk)
    assert rhythm.handled_as == "" and rhythm.handled_on is None
    assert rhythm.last_conversation_at is not None  # back to the older conversation
    page = alice_client.get(TODAY_URL).content.decode()
    assert "Handled today" not in page
    assert f'id="person-{due[0].pk}"' in page


def test_a_no_answer_can_be_undone(alice_client: Client, due: list[Person]) -> None:
    alice_client.post(action("attempted", due[0]))
    assert Interaction.objects.filter(people=due[0], kind="voicemail").count() == 1

    alice_client.post(action("undo", due[0]))

    assert Interaction.objects.filter(people=due[0], kind="voicemail").count() == 0
    assert Rhythm.objects.get(pk=due[0].pk).handled_as == ""


def test_nothing_to_undo_says_so(alice_client: Client, due: list[Person]) -> None:
    response = alice_client.post(action("undo", due[0]))

    assert "There is nothing of today to undo for Ria Bakker" in messages_of(response)[-1]


def test_a_done_whose_call_was_deleted_is_open_again(
    alice_client: Client, due: list[Person]
) -> None:
    alice_client.post(action("done", due[0]))
    latest = Interaction.objects.filter(people=due[0]).order_by("-occurred_at", "-id").first()
    assert latest is not None
    latest.delete()  # from the timeline

    page = alice_client.get(TODAY_URL).content.decode()

    assert "Handled today" not in page
    assert f'id="person-{due[0].pk}"' in page
    assert "planned · at most 5 a day" in page
    assert page.count("agenda-dot agenda-dot--") == 5  # never more than the day holds

    again = alice_client.post(action("done", due[0]))  # and it can be logged anew
    assert messages_of(again) == ["Logged your conversation with Ria Bakker."]
    assert Rhythm.objects.get(pk=due[0].pk).handled_as == "done"


def test_next_must_stay_on_this_site(alice_client: Client, due: list[Person]) -> None:
    inside = alice_client.post(action("skip", due[0]), {"next": "/today/calls/?at=1"})
    outside = alice_client.post(action("skip", due[1]), {"next": "https://evil.example/"})

    assert inside["Location"] == "/today/calls/?at=1"
    assert outside["Location"] == TODAY_URL


@pytest.mark.parametrize("name", ["done", "attempted", "snooze", "skip", "undo"])
def test_actions_are_post_only(alice_client: Client, due: list[Person], name: str) -> None:
    assert alice_client.get(action(name, due[0])).status_code == 405


@pytest.mark.parametrize("name", ["done", "attempted", "snooze", "skip", "undo"])
def test_a_viewer_cannot_act(
    client: Client, carol: User, due: list[Person], today: dt.date, name: str
) -> None:
    client.force_login(carol)

    response = client.post(action(name, due[0]), {"quick": "2026-11-30"})

    assert response.status_code == 403
    assert Interaction.objects.filter(people=due[0]).count() == 1


def test_an_editor_can_act(client: Client, bob: User, due: list[Person], today: dt.date) -> None:
    client.force_login(bob)

    client.post(action("done", due[0]))

    assert conversations(due[0]) == 2


@pytest.mark.parametrize("name", ["done", "attempted", "snooze", "skip", "undo"])
def test_someone_elses_person_is_a_404(
    client: Client, mallory: User, other_vault: Vault, due: list[Person], today: dt.date, name: str
) -> None:
    client.force_login(mallory)

    assert client.post(action(name, due[0]), {"quick": "2026-11-30"}).status_code == 404
    assert Interaction.objects.filter(people=due[0]).count() == 1


def test_an_unknown_person_is_a_404(alice_client: Client, due: list[Person]) -> None:
    assert alice_client.post("/today/999999/done/").status_code == 404
    assert alice_client.post("/today/abc/done/").status_code == 404


def test_post_without_csrf_token_is_refused(alice: User, due: list[Person], today: dt.date) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post(action("done", due[0])).status_code == 403


def test_all_done_for_today(alice_client: Client, due: list[Person]) -> None:
    for person in due:
        alice_client.post(action("done", person))

    page = alice_client.get(TODAY_URL).content.decode()

    assert "All done for today" in page
    assert "Start calling" not in page


# --- Pinned: promises and dates ---------------------------------------------------------------


def test_a_promise_due_today_is_pinned_and_can_be_ticked_off(
    alice_client: Client, alice: User, vault: Vault, due: list[Person], today: dt.date
) -> None:
    promise = add_follow_up(vault, due[0], "Send the sailing article", due_on=today, author=alice)
    key = f"follow-up-{promise.pk}"
    page = alice_client.get(TODAY_URL).content.decode()
    assert f'id="{key}"' in page
    assert "Send the sailing article" in page and "you promised:" not in page
    url = reverse("attention:follow_up_done", args=[due[0].pk, promise.pk])

    response = alice_client.post(url, {"done": "1"}, headers=HTMX)

    promise.refresh_from_db()
    assert promise.done_at is not None
    body = response.content.decode()
    assert "Done: Send the sailing article" in body
    handled = body[body.index("Handled today") :]
    assert "done: Send the sailing article" in handled
    assert "Open again" in handled

    alice_client.post(url, {"done": "0"})
    promise.refresh_from_db()
    assert promise.done_at is None


def test_an_overdue_promise_says_so(
    alice_client: Client, vault: Vault, due: list[Person], today: dt.date
) -> None:
    add_follow_up(vault, due[0], "Return the book", due_on=today - dt.timedelta(days=3))

    page = alice_client.get(TODAY_URL).content.decode()

    assert "Return the book · was due 20 Nov" in page


def test_someone_elses_follow_up_is_a_404(
    alice_client: Client, vault: Vault, due: list[Person], today: dt.date
) -> None:
    promise = add_follow_up(vault, due[0], "Call back", due_on=today)
    url = reverse("attention:follow_up_done", args=[due[1].pk, promise.pk])

    assert alice_client.post(url, {"done": "1"}).status_code == 404


def test_a_birthday_offers_a_call_that_is_logged_once(
    alice_client: Client, vault: Vault, make_person: MakePerson, today: dt.date
) -> None:
    anna = make_person("Anna Smit")  # on no rhythm at all
    birthday = add_important_date(anna, "birthday", today.month, today.day, 1990)
    page = alice_client.get(TODAY_URL).content.decode()
    assert f'id="date-{birthday.pk}"' in page
    assert "turns 36" in page and "birthday: turns" not in page
    assert "Called them" in page

    alice_client.post(action("done", anna))
    alice_client.post(action("done", anna))

    assert conversations(anna) == 1
    page = alice_client.get(TODAY_URL).content.decode()
    handled = page[page.index("Handled today") :]
    assert "turns 36 · you got in touch" in handled
    assert "Called them" not in page


# --- Home and navigation ---------------------------------------------------------------------


def test_the_home_card_loads_the_summary(alice_client: Client, vault: Vault) -> None:
    home = alice_client.get("/").content.decode()
    assert reverse("attention:today_summary") in home

    summary = alice_client.get(reverse("attention:today_summary"), {"vault": vault.pk})

    assert "Put people in circles" in summary.content.decode()


def test_the_summary_counts_people_and_promises(
    alice_client: Client, vault: Vault, due: list[Person], today: dt.date
) -> None:
    add_follow_up(vault, due[0], "Send the photos", due_on=today)

    page = alice_client.get(reverse("attention:today_summary")).content.decode()

    assert "3 people to get in touch with · 1 promise or date" in page


def test_the_navigation_starts_with_today(alice_client: Client, vault: Vault) -> None:
    page = alice_client.get("/").content.decode()
    nav = page[page.index('class="main-nav"') :]

    assert nav.index(">Today<") < nav.index(">Home<")


def test_the_summary_with_only_promises(
    alice_client: Client, vault: Vault, make_person: MakePerson, today: dt.date
) -> None:
    add_follow_up(vault, make_person("Anna Smit"), "Send the photos", due_on=today)

    page = alice_client.get(reverse("attention:today_summary")).content.decode()

    assert "1 promise or date" in page
    assert "to get in touch with" not in page


def test_after_no_answer_they_can_still_be_marked_done(
    alice_client: Client, due: list[Person]
) -> None:
    alice_client.post(action("attempted", due[0]))
    page = alice_client.get(TODAY_URL).content.decode()
    assert "Talked after all" in page

    alice_client.post(action("done", due[0]))

    assert conversations(due[0]) == 2
    assert Rhythm.objects.get(pk=due[0].pk).handled_as == "done"


def test_an_old_digest_link_opens_today(
    alice_client: Client, due: list[Person], today: dt.date
) -> None:
    key = f"person-{due[0].pk}"
    yesterday = (today - dt.timedelta(days=1)).isoformat()

    response = alice_client.get(TODAY_URL, {"date": yesterday, "focus": key})

    assert response.status_code == 302
    assert response["Location"] == f"{TODAY_URL}?focus={key}"


def test_a_digest_link_to_an_item_already_handled_says_so(
    alice_client: Client, due: list[Person], vault: Vault, today: dt.date
) -> None:
    promise = add_follow_up(vault, due[0], "Call back", due_on=today)
    promise.delete()

    page = alice_client.get(TODAY_URL, {"focus": f"follow-up-{promise.pk or 999}"}).content
    assert b"no longer on this list" in page
    page = alice_client.get(TODAY_URL, {"focus": f"person-{due[0].pk}"}).content
    assert b"no longer on this list" not in page


def test_start_calling_needs_someone_to_call(
    alice_client: Client, vault: Vault, make_person: MakePerson, today: dt.date
) -> None:
    anna = make_person("Anna Smit")
    add_follow_up(vault, anna, "Send the photos", due_on=today)

    assert "Start calling" not in alice_client.get(TODAY_URL).content.decode()

    add_contact_method(anna, "phone", "06 12345678")
    assert "Start calling" in alice_client.get(TODAY_URL).content.decode()


def test_a_birthday_call_can_be_undone(
    alice_client: Client, vault: Vault, make_person: MakePerson, today: dt.date
) -> None:
    anna = make_person("Anna Smit")
    add_important_date(anna, "birthday", today.month, today.day, 1990)
    alice_client.post(action("done", anna))

    alice_client.post(action("undo", anna))

    assert conversations(anna) == 0
    page = alice_client.get(TODAY_URL).content.decode()
    assert "Handled today" not in page and "Called them" in page


def test_handled_today_says_what_was_done(
    alice_client: Client, due: list[Person], today: dt.date
) -> None:
    alice_client.post(action("done", due[0]))
    alice_client.post(action("attempted", due[1]))
    alice_client.post(action("snooze", due[2]), {"quick": "2026-11-24"})

    handled = alice_client.get(TODAY_URL).content.decode()
    handled = handled[handled.index("Handled today") :]

    assert "talked" in handled
    assert "no answer" in handled
    assert "snoozed until Tue 24 Nov" in handled
    assert handled.count(">Undo<") == 3 or handled.count("Undo<span") == 3


def test_a_planned_person_with_a_birthday_shows_once_when_handled(
    alice_client: Client, due: list[Person], today: dt.date
) -> None:
    add_important_date(due[0], "birthday", today.month, today.day, 1990)

    alice_client.post(action("done", due[0]))

    page = alice_client.get(TODAY_URL).content.decode()
    handled = page[page.index("Handled today") :]
    assert handled.count(f">{due[0].name}</a>") == 1
    assert "3 planned · 1 dealt with · at most 5 a day" in page
