"""Call list mode: one person at a time, tel: links, their local time, the last conversation,
open follow-ups, one-tap outcomes that move on, and an end screen."""

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

from aandacht.accounts.models import Vault
from aandacht.attention.models import Circle, Rhythm
from aandacht.people.models import Person
from aandacht.people.services import add_contact_method, add_important_date
from aandacht.timeline.models import Interaction
from aandacht.timeline.services import add_follow_up

CALLS = "/today/calls/"

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
    """Tom (60 days), Sem (50) and Ria (40): the call list's order."""
    people = []
    for name, days in (("Tom Jansen", 60), ("Sem de Vries", 50), ("Ria Bakker", 40)):
        person = make_person(name, circle=monthly, since=today - dt.timedelta(days=400))
        talk(person, days_ago=days, summary=f"Spoke about {name.split()[0]}'s garden")
        people.append(person)
    return people


def test_the_first_call_shows_everything_needed(
    alice_client: Client, vault: Vault, due: list[Person], today: dt.date
) -> None:
    tom = due[0]
    add_contact_method(tom, "phone", "06 12345678", label="mobile")
    tom.time_zone = "America/New_York"
    tom.save()
    add_follow_up(vault, tom, "Lend him the ladder")

    response = alice_client.get(CALLS)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1" in page and "Tom Jansen" in page
    assert 'href="tel:+31612345678"' in page
    assert "mobile" in page
    assert "04:00" in page  # 10:00 in Amsterdam
    assert "early in the morning there" in page
    assert "Spoke about Tom&#x27;s garden" in page
    assert "you promised: Lend him the ladder" in page
    assert "last talked 60 days ago, Monthly" in page
    assert "Call 1 of 3" in page
    assert "Talked" in page and "No answer" in page
    assert 'aria-current="page">Today</a>' in page


def test_without_a_phone_the_page_says_so(alice_client: Client, due: list[Person]) -> None:
    page = alice_client.get(CALLS).content.decode()

    assert "No phone number on file." in page
    assert "tel:" not in page


def test_next_and_previous(alice_client: Client, due: list[Person]) -> None:
    second = alice_client.get(CALLS, {"at": 2}).content.decode()
    assert "Sem de Vries</a></h1>" in second
    assert 'href="/today/calls/?at=1" rel="prev"' in second
    assert 'href="/today/calls/?at=3" rel="next"' in second

    last = alice_client.get(CALLS, {"at": 3}).content.decode()
    assert "Finish" in last

    end = alice_client.get(CALLS, {"at": 4}).content.decode()
    assert "Done with the list" in end
    assert "Back to the first call" in end


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "", "99999999999"])
def test_an_odd_position_starts_at_the_top_or_ends(
    alice_client: Client, due: list[Person], raw: str
) -> None:
    response = alice_client.get(CALLS, {"at": raw})

    assert response.status_code == 200
    assert "Tom Jansen</a></h1>" in response.content.decode()


def test_an_outcome_moves_on_to_the_next_person(
    alice_client: Client, due: list[Person], today: dt.date
) -> None:
    here = f"{CALLS}?at=1"

    talked = alice_client.post(
        reverse("attention:done", args=[due[0].pk]),
        {"next": here, "kind": "call", "summary": "Garden is thriving"},
        follow=True,
    )

    page = talked.content.decode()
    assert "Sem de Vries</a></h1>" in page
    assert "Call 2 of 3" in page
    assert "Logged your conversation with Tom Jansen." in page

    alice_client.post(reverse("attention:attempted", args=[due[1].pk]), {"next": here})
    alice_client.post(
        reverse("attention:snooze", args=[due[2].pk]),
        {"next": here, "quick": (today + dt.timedelta(days=1)).isoformat()},
    )
    end = alice_client.get(here).content.decode()

    assert "Done with the list" in end
    assert "You talked with one person." in end
    assert "One did not answer" in end
    assert "One is put off for now." in end
    assert Rhythm.objects.get(pk=due[2].pk).snoozed_until == today + dt.timedelta(days=1)


def test_a_birthday_without_a_rhythm_is_on_the_call_list(
    alice_client: Client, make_person: MakePerson, today: dt.date
) -> None:
    anna = make_person("Anna Smit")
    add_important_date(anna, "birthday", today.month, today.day, 1990)

    page = alice_client.get(CALLS).content.decode()
    assert "Anna Smit</a></h1>" in page
    assert "turns 36" in page

    alice_client.post(reverse("attention:done", args=[anna.pk]), {"next": CALLS})

    assert "Done with the list" in alice_client.get(CALLS).content.decode()


def test_nobody_to_call(alice_client: Client, vault: Vault) -> None:
    page = alice_client.get(CALLS).content.decode()

    assert "No calls today" in page


def test_a_viewer_reads_the_list_without_outcome_buttons(
    client: Client, carol: User, due: list[Person], today: dt.date
) -> None:
    client.force_login(carol)

    page = client.get(CALLS).content.decode()

    assert "Tom Jansen" in page
    assert "No answer" not in page


def test_query_count_does_not_grow_with_the_list(
    alice_client: Client,
    vault: Vault,
    monthly: Circle,
    make_person: MakePerson,
    talk: Talk,
    due: list[Person],
    today: dt.date,
) -> None:
    add_contact_method(due[0], "phone", "06 12345678")
    add_follow_up(vault, due[0], "Lend him the ladder", due_on=today)
    alice_client.get(CALLS)
    with CaptureQueriesContext(connection) as few:
        alice_client.get(CALLS)
    for number in range(20):
        person = make_person(
            f"Friend{number} Test", circle=monthly, since=today - dt.timedelta(days=400)
        )
        talk(person, days_ago=35)
        add_follow_up(vault, person, f"Promise {number}", due_on=today)

    with CaptureQueriesContext(connection) as many:
        alice_client.get(CALLS)

    assert len(many) == len(few)
    assert len(few) <= 22


# --- Pinned people: their own action only (the bug a newcomer found) ------------------------


@pytest.fixture
def full_day(
    vault: Vault, monthly: Circle, make_person: MakePerson, talk: Talk, today: dt.date
) -> list[Person]:
    """Five people due (the day is full), each with a phone."""
    people = []
    for number in range(5):
        person = make_person(f"Due{number} Test", circle=monthly, since=today - dt.timedelta(400))
        talk(person, days_ago=60 - number)
        add_contact_method(person, "phone", f"06 1234567{number}")
        people.append(person)
    return people


@pytest.fixture
def pinned(
    vault: Vault,
    circles: dict[str, Circle],
    make_person: MakePerson,
    talk: Talk,
    today: dt.date,
) -> dict[str, Person]:
    """Bram (quarterly, talked last week) has his birthday today; Noor (in no circle) asked
    for something due today."""
    bram = make_person("Bram Pinned", circle=circles["quarterly"], since=today - dt.timedelta(400))
    talk(bram, days_ago=7)
    add_important_date(bram, "birthday", today.month, today.day, 1990)
    noor = make_person("Noor Vraag")
    add_follow_up(vault, noor, "An introduction to Bas", direction="request", due_on=today)
    return {"bram": bram, "noor": noor}


def card_at(client: Client, name: str) -> tuple[str, str]:
    """The call list page showing ``name`` and its ``?at=`` url."""
    for at in range(1, 12):
        url = f"{CALLS}?at={at}"
        page = client.get(url).content.decode()
        if f">{name}</a></h1>" in page:
            return page, url
    raise AssertionError(f"{name} is not on the call list")


def test_a_pinned_card_offers_only_its_own_action(
    alice_client: Client, full_day: list[Person], pinned: dict[str, Person]
) -> None:
    birthday, _url = card_at(alice_client, "Bram Pinned")
    promise, _url = card_at(alice_client, "Noor Vraag")

    assert "Called them" in birthday
    assert "Done" in promise
    for page in (birthday, promise):
        for other in ("No answer", "Snooze until tomorrow", "Skip this round", ">Talked<"):
            assert other not in page
        assert 'rel="next"' in page


def test_calling_for_a_birthday_takes_no_place_on_the_day(
    alice_client: Client, full_day: list[Person], pinned: dict[str, Person]
) -> None:
    bram = pinned["bram"]
    _page, url = card_at(alice_client, "Bram Pinned")

    alice_client.post(reverse("attention:done", args=[bram.pk]), {"next": url})
    alice_client.post(reverse("attention:done", args=[bram.pk]), {"next": url})  # twice

    assert Interaction.objects.filter(people=bram, outcome="conversation").count() == 2  # +1
    assert Rhythm.objects.get(pk=bram.pk).handled_as == ""  # the cadence list is untouched
    today_page = alice_client.get("/today/").content.decode()
    assert "5 planned · at most 5 a day" in today_page
    assert today_page.count("agenda-dot agenda-dot--") == 5
    handled = today_page[today_page.index("Handled today") :]
    assert handled.count(">Bram Pinned</a>") == 1
    assert "turns 36 · you got in touch" in handled
    pinned_part = today_page[
        today_page.index("Promises and dates") : today_page.index("Handled today")
    ]
    assert "Bram Pinned" not in pinned_part
    for person in full_day:  # nobody planned was pushed off the day
        assert f'id="person-{person.pk}"' in today_page


def test_a_voicemail_for_someone_in_no_circle_promises_no_return(
    alice_client: Client, pinned: dict[str, Person]
) -> None:
    noor = pinned["noor"]

    response = alice_client.post(reverse("attention:attempted", args=[noor.pk]))

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Noted that you tried Noor Vraag."
    ]
    assert Rhythm.objects.filter(pk=noor.pk, handled_as="attempted").count() == 0
    # Their request is still open, so they stay on the list; the end summary counts nobody.
    assert ">Noor Vraag</a></h1>" in alice_client.get(CALLS).content.decode()
    end = alice_client.get(f"{CALLS}?at=2").content.decode()
    assert "did not answer" not in end


@pytest.mark.parametrize("raw", ["-1", "abc", "0", "1.5", "999999", "٣"])
def test_a_strange_position_starts_at_the_first_card(
    alice_client: Client, due: list[Person], raw: str
) -> None:
    page = alice_client.get(CALLS, {"at": raw})

    assert page.status_code == 200
    assert "Call 1 of 3" in page.content.decode()
