"""The calendar feed at /feed/<token>.ics, parsed back with icalendar (and vobject)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest
import time_machine
import vobject
from attention_helpers import NOW, TODAY, MakePerson, Talk
from dateutil.rrule import rrulestr
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.fixtures import Settings

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.attention import feed as feeds
from aandacht.attention import services
from aandacht.attention.models import Circle
from aandacht.people import lifecycle
from aandacht.people.models import Person
from aandacht.people.services import add_important_date, create_person
from aandacht.timeline.services import add_follow_up, add_moment, add_note

pytestmark = pytest.mark.django_db


def feed_path(user: User) -> str:
    return reverse("attention:feed", args=[services.settings_for(user).feed_token])


def fetch(client: Client, user: User) -> bytes:
    response = client.get(feed_path(user))
    assert response.status_code == 200, response.content[:300]
    return bytes(response.content)


def parse(body: bytes) -> icalendar.Calendar:
    calendar = icalendar.Calendar.from_ical(body)
    assert isinstance(calendar, icalendar.Calendar)
    calendar.validate()
    return calendar


def events(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    """The VEVENTs by UID, each checked for the properties RFC 5545 requires."""
    found: dict[str, icalendar.Event] = {}
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART"):
            assert event.get(required) is not None, (required, event)
        uid = str(event["UID"])
        assert uid not in found, f"duplicate UID {uid}"
        found[uid] = event
    return found


def by_summary(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def occurrences(event: icalendar.Event, years: int = 8) -> list[dt.date]:
    """The event's days from 2026 on, expanded from its RRULE."""
    start: dt.date = event.decoded("DTSTART")
    rule = event["RRULE"].to_ical().decode()
    expanded = rrulestr(rule, dtstart=dt.datetime.combine(start, dt.time()))
    window = expanded.between(dt.datetime(2026, 1, 1), dt.datetime(2026 + years, 1, 1), inc=True)
    return [moment.date() for moment in window]


@pytest.fixture
def network(
    alice: User,
    vault: Vault,
    today: dt.date,
    make_person: MakePerson,
    talk: Talk,
    circles: dict[str, Circle],
) -> dict[str, Person]:
    """Ann (monthly, last talked 40 days ago: due today, born 17 May 1984, a promise due in
    three days and a private note), Bert (a birthday without a year), Cor (born 29 February,
    no year) and Dirk (muted, with a birthday)."""
    ann = make_person("Ann de Vries", circle=circles["monthly"])
    talk(ann, days_ago=40)
    add_important_date(ann, "birthday", 5, 17, 1984)
    add_follow_up(
        vault, ann, "Send her the photos of the trip", due_on=TODAY + dt.timedelta(days=3)
    )
    add_note(vault, ann, "SECRET private note", private=True, author=alice)
    add_moment(vault, ann, "SECRET private moment", private=True, author=alice)
    bert = make_person("Bert Jansen")
    add_important_date(bert, "birthday", 12, 3)
    cor = make_person("Cor Smit")
    add_important_date(cor, "birthday", 2, 29)
    dirk = make_person("Dirk Muis", circle=circles["inner"])
    add_important_date(dirk, "birthday", 12, 1)
    services.set_muted(dirk, True)
    return {"ann": ann, "bert": bert, "cor": cor, "dirk": dirk}


def test_the_feed_is_a_valid_calendar_with_dates_promises_and_plans(
    client: Client, alice: User, network: dict[str, Person]
) -> None:
    response = client.get(feed_path(alice))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    body = bytes(response.content)
    calendar = parse(body)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]).startswith("-//Aandacht//")
    assert str(calendar["X-WR-CALNAME"]) == "Aandacht: keep in touch"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body
    assert b"X-PUBLISHED-TTL:PT1H" in body
    uids = events(calendar)
    ann = network["ann"]

    summaries = by_summary(calendar)
    birthday = summaries["Birthday: Ann de Vries"]
    assert birthday.decoded("DTSTART") == dt.date(1984, 5, 17)
    assert birthday.decoded("DTEND") == dt.date(1984, 5, 18)
    assert birthday["RRULE"]["FREQ"] == ["YEARLY"]
    assert str(birthday["UID"]) == f"date-{ann.important_dates.get().pk}@testserver"
    assert "Born in 1984." in str(birthday["DESCRIPTION"])
    assert str(birthday["TRANSP"]) == "TRANSPARENT"

    promise = summaries["Promised Ann de Vries: Send her the photos of the trip"]
    assert promise.decoded("DTSTART") == TODAY + dt.timedelta(days=3)
    assert str(promise["UID"]).startswith("follow-up-")

    call = summaries["Call Ann de Vries"]
    assert call.decoded("DTSTART") == TODAY
    assert str(call["UID"]) == f"plan-{ann.pk}-20261123@testserver"
    assert "Last talked 40 days ago, Monthly" in str(call["DESCRIPTION"])
    assert str(call["URL"]) == f"http://testserver/people/{ann.pk}/"
    assert f"http://testserver/people/{ann.pk}/" in str(call["DESCRIPTION"])

    # Every event is an all-day event.
    for event in uids.values():
        assert type(event.decoded("DTSTART")) is dt.date
    assert b"SECRET" not in body
    # A second parser agrees that it is a calendar.
    parsed = vobject.readOne(body.decode())
    assert len(parsed.vevent_list) == len(uids)


def test_a_birthday_without_a_year_repeats_every_year(
    client: Client, alice: User, network: dict[str, Person]
) -> None:
    bert = by_summary(parse(fetch(client, alice)))["Birthday: Bert Jansen"]
    assert bert.decoded("DTSTART") == dt.date(feeds.REFERENCE_YEAR, 12, 3)
    assert "Born" not in str(bert.get("DESCRIPTION", ""))
    assert occurrences(bert, years=3) == [dt.date(2026, 12, 3), dt.date(2027, 12, 3),
                                         dt.date(2028, 12, 3)]  # fmt: skip


def test_29_february_falls_on_the_last_day_of_february(
    client: Client, alice: User, network: dict[str, Person]
) -> None:
    cor = by_summary(parse(fetch(client, alice)))["Birthday: Cor Smit"]
    assert cor.decoded("DTSTART") == dt.date(2000, 2, 29)
    assert cor["RRULE"]["BYMONTH"] == [2]
    assert cor["RRULE"]["BYMONTHDAY"] == [-1]
    assert occurrences(cor, years=4) == [
        dt.date(2026, 2, 28),
        dt.date(2027, 2, 28),
        dt.date(2028, 2, 29),
        dt.date(2029, 2, 28),
    ]


def test_uids_are_stable_across_refreshes(
    client: Client, alice: User, network: dict[str, Person]
) -> None:
    first = events(parse(fetch(client, alice)))
    with time_machine.travel(NOW + dt.timedelta(minutes=7), tick=False):
        second = events(parse(fetch(client, alice)))
    assert set(first) == set(second)
    assert len(first) == 5  # three birthdays, a promise, a planned call
    for uid, event in first.items():
        assert second[uid]["SUMMARY"] == event["SUMMARY"]
        assert second[uid].decoded("DTSTART") == event.decoded("DTSTART")


def test_muted_archived_deceased_and_trashed_people_stay_out(
    client: Client, alice: User, vault: Vault, network: dict[str, Person], make_person: MakePerson
) -> None:
    gone = {}
    for name, act in [
        ("Eva Archief", lambda p: lifecycle.set_archived(p, True)),
        ("Frits Overleden", lambda p: lifecycle.set_deceased(p, True)),
        ("Gert Prullenbak", lambda p: lifecycle.trash_person(p)),
    ]:
        person = make_person(name)
        add_important_date(person, "birthday", 6, 1)
        add_follow_up(vault, person, f"Promise to {name}", due_on=TODAY)
        act(person)
        gone[name] = person
    body = fetch(client, alice).decode()
    assert "Dirk Muis" not in body  # muted: no birthday, no planned call
    for name in gone:
        assert name not in body
    assert "Birthday: Ann de Vries" in body


def test_a_paused_persons_dates_start_after_the_pause(
    client: Client, alice: User, network: dict[str, Person]
) -> None:
    services.pause_until(network["bert"], dt.date(2027, 1, 15))
    services.pause_until(network["ann"], dt.date(2027, 6, 1))
    summaries = by_summary(parse(fetch(client, alice)))
    assert summaries["Birthday: Bert Jansen"].decoded("DTSTART") == dt.date(2027, 12, 3)
    assert summaries["Birthday: Ann de Vries"].decoded("DTSTART") == dt.date(2028, 5, 17)
    assert "Call Ann de Vries" not in summaries  # paused: no planned calls
    # A promise stays: pausing silences the cadence, not what you promised.
    assert "Promised Ann de Vries: Send her the photos of the trip" in summaries


def test_unknown_and_overlong_tokens_are_404(client: Client, alice: User, today: dt.date) -> None:
    services.settings_for(alice)
    for token in ["nope", "x" * 65, "x" * 300, "%00", "a.b"]:
        response = client.get(f"/feed/{token}.ics")
        assert response.status_code == 404, token
        assert b"BEGIN:VCALENDAR" not in response.content
    assert client.get("/feed/.ics").status_code == 404
    for token in ["", "nul\x00byte", "x" * 65, "with space", "dot.dot"]:
        assert feeds.settings_for_token(token) is None


def test_a_regenerated_token_retires_the_old_address(
    client: Client, alice: User, network: dict[str, Person]
) -> None:
    old = feed_path(alice)
    assert client.get(old).status_code == 200
    new_token = feeds.regenerate_token(alice)
    assert client.get(old).status_code == 404
    assert client.get(f"/feed/{new_token}.ics").status_code == 200
    assert feeds.feed_url(alice) == f"http://localhost:8000/feed/{new_token}.ics"


def test_an_inactive_user_has_no_feed(
    client: Client, alice: User, mallory: User, today: dt.date
) -> None:
    # mallory can still sign in, so the instance is past its first run (with no active user
    # left every page would lead to the welcome page instead).
    path = feed_path(alice)
    alice.is_active = False
    alice.save()
    assert client.get(path).status_code == 404


def test_head_answers_like_get_without_a_body(
    client: Client, alice: User, network: dict[str, Person]
) -> None:
    full = client.get(feed_path(alice))
    head = client.head(feed_path(alice))
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == "text/calendar; charset=utf-8"
    assert head["Cache-Control"] == "private, max-age=300"
    assert int(head["Content-Length"]) == len(full.content)


def test_the_feed_only_reads(client: Client, alice: User, network: dict[str, Person]) -> None:
    response = client.post(feed_path(alice))
    assert response.status_code == 405


def test_no_sign_in_is_needed_and_a_signed_in_stranger_sees_alices_feed_only_by_token(
    client: Client, alice: User, mallory: User, network: dict[str, Person]
) -> None:
    client.force_login(mallory)
    assert b"Ann de Vries" in fetch(client, alice)
    assert b"Ann de Vries" not in fetch(client, mallory)


def test_the_base_url_makes_links_and_uids(
    client: Client, alice: User, network: dict[str, Person], settings: Settings
) -> None:
    settings.BASE_URL = "https://crm.example.org"
    settings.ALLOWED_HOSTS = ["testserver", "crm.example.org"]
    call = by_summary(parse(fetch(client, alice)))["Call Ann de Vries"]
    ann = network["ann"]
    assert str(call["URL"]) == f"https://crm.example.org/people/{ann.pk}/"
    assert str(call["UID"]) == f"plan-{ann.pk}-20261123@crm.example.org"
    token = services.settings_for(alice).feed_token
    assert feeds.feed_url(alice) == f"https://crm.example.org/feed/{token}.ics"


def test_an_empty_feed_is_still_a_valid_calendar(
    client: Client, alice: User, vault: Vault, today: dt.date
) -> None:
    calendar = parse(fetch(client, alice))
    assert events(calendar) == {}
    assert [c.name for c in calendar.subcomponents] == ["VTIMEZONE"]


def test_the_feed_covers_every_real_vault_but_not_the_demo(
    client: Client, alice: User, vault: Vault, today: dt.date
) -> None:
    work = Vault.objects.create(name="Work")
    Membership.objects.create(vault=work, user=alice, role=Role.VIEWER)
    demo = Vault.objects.create(name="Demo", is_demo=True)
    Membership.objects.create(vault=demo, user=alice, role=Role.OWNER)
    strangers = Vault.objects.create(name="Strangers")
    for where, name in [(vault, "Ann Thuis"), (work, "Wim Werk"), (demo, "Dora Demo"),
                        (strangers, "Xander Vreemd")]:  # fmt: skip
        add_important_date(create_person(where, name), "birthday", 4, 4)
    summaries = by_summary(parse(fetch(client, alice)))
    assert set(summaries) == {"Birthday: Ann Thuis", "Birthday: Wim Werk"}
    assert "Work" in str(summaries["Birthday: Wim Werk"]["DESCRIPTION"])

    # Someone with only the demo vault gets the demo.
    dora = User.objects.create_user("dora", password="dora-secret-pw")
    Membership.objects.create(vault=demo, user=dora, role=Role.OWNER)
    assert set(by_summary(parse(fetch(client, dora)))) == {"Birthday: Dora Demo"}
    # And so does someone whose own vault is still empty (they loaded the demo to try it).
    empty = Vault.objects.create(name="Personal")
    Membership.objects.create(vault=empty, user=dora, role=Role.OWNER)
    assert set(by_summary(parse(fetch(client, dora)))) == {"Birthday: Dora Demo"}
    # Until their own vault holds someone: then the demo is left out.
    add_important_date(create_person(empty, "Eva Echt"), "birthday", 5, 5)
    assert set(by_summary(parse(fetch(client, dora)))) == {"Birthday: Eva Echt"}


def test_a_request_and_other_dates_read_well(
    client: Client, alice: User, vault: Vault, today: dt.date, make_person: MakePerson
) -> None:
    eva = make_person("Eva Bos")
    add_important_date(eva, "anniversary", 9, 9, 2010)
    add_important_date(eva, "custom", 3, 3, label="name day")
    add_follow_up(vault, eva, "Lend her " + "the ladder " * 20, direction="request",
                  due_on=TODAY - dt.timedelta(days=2))  # fmt: skip
    summaries = by_summary(parse(fetch(client, alice)))
    assert "Since 2010." in str(summaries["Anniversary: Eva Bos"]["DESCRIPTION"])
    assert "Name day: Eva Bos" in summaries
    request = next(s for s in summaries if s.startswith("Eva Bos asked: Lend her the ladder"))
    assert len(request) < 110  # the title is cut, the description has it all
    assert str(summaries[request]["DESCRIPTION"]).count("the ladder") == 20
    assert summaries[request].decoded("DTSTART") == TODAY - dt.timedelta(days=2)


def _network_of(size: int, vault: Vault, circle: Circle) -> None:
    for n in range(size):
        person = create_person(vault, f"Persoon {n:03d} Bakker")
        services.set_circle(person, circle)
        add_important_date(person, "birthday", 1 + n % 12, 1 + n % 28, None if n % 2 else 1980)
        add_follow_up(vault, person, f"Promise {n}", due_on=TODAY + dt.timedelta(days=n % 9))


def _count(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_network(
    client: Client,
    alice: User,
    vault: Vault,
    today: dt.date,
    circles: dict[str, Circle],
    django_assert_max_num_queries: Any,
) -> None:
    tagged = services.create_circle(vault, "", 30, tag_name="family")
    path = feed_path(alice)
    _network_of(5, vault, circles["monthly"])
    small = _count(client, path)
    _network_of(35, vault, circles["inner"])
    for person in Person.objects.filter(vault=vault)[:10]:
        person.tags.add(tagged.tag)  # type: ignore[union-attr]
    large = _count(client, path)
    assert small == large
    with django_assert_max_num_queries(12):
        body = client.get(path).content
    calendar = parse(body)
    planned = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("plan-")]
    assert len(planned) == 40  # everyone falls due within the 28 days, and is planned once


def test_the_feed_speaks_the_users_language(
    client: Client, alice: User, vault: Vault, today: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Calendar apps send no session: the stored language choice decides, not the request's."""
    from django.utils import translation

    from aandacht.accounts.language import set_language_of

    spoken: list[str | None] = []
    build = feeds._build

    def spy(*args: Any) -> icalendar.Calendar:
        spoken.append(translation.get_language())
        return build(*args)

    monkeypatch.setattr(feeds, "_build", spy)
    fetch(client, alice)
    set_language_of(alice, "nl")
    client.get(feed_path(alice), HTTP_ACCEPT_LANGUAGE="en")
    assert spoken == ["en", "nl"]
