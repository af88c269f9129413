"""Whole pages kept until something is written (``aandacht.web.kept_pages``): a page is sent
again as it was only while nothing it shows has changed: no write, the same session, user,
language and htmx target, the same minute where it shows minutes; and every copy gets its own
one-time tokens."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.fixtures import Settings

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.timeline.models import Interaction
from aandacht.timeline.services import log_interaction
from aandacht.web import kept_pages, stamp

# Outside a test's transaction: nothing is kept inside one.
pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = re.compile(r'name="token" value="([0-9a-f]{32})"')
PLACEHOLDER = re.compile(r"kept[0-9a-f]{16}x")
# What a kept page costs: the stamp, the session and its user, nothing of the page itself.
KEPT_QUERIES = 3


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()  # used form tokens live in the cache


@pytest.fixture
def ann(vault: Vault) -> Person:
    return create_person(vault, "Ann Smith")


def browser(user: User) -> Client:
    """A signed-in browser that has its CSRF cookie (pages are kept only then)."""
    client = Client()
    client.force_login(user)
    # The first visits write: the agenda's settings, the vault last opened.
    vault_id = Membership.objects.filter(user=user).values_list("vault_id", flat=True).first()
    query = f"?vault={vault_id}" if vault_id else ""
    assert client.get(f"{reverse('attention:today')}{query}").status_code == 200
    assert "csrftoken" in client.cookies
    return client


def person_url(person: Person) -> str:
    return reverse("people:detail", args=[person.pk])


def html(response: Any) -> str:
    assert response.status_code == 200
    text: str = response.content.decode()
    assert not PLACEHOLDER.search(text)
    return text


def page_queries(client: Client, path: str, **extra: Any) -> tuple[Any, list[str]]:
    """The answer, and the queries it took besides the session's bookkeeping (a session's
    last use is written once a minute, kept page or not)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    bookkeeping = (
        "accounts_signedinsession",
        "SAVEPOINT",
        "BEGIN",
        "COMMIT",
        'UPDATE "django_session',
    )
    sql = [q["sql"] for q in queries.captured_queries]
    return response, [each for each in sql if not any(word in each for word in bookkeeping)]


def kept_get(client: Client, path: str, **extra: Any) -> str:
    """A GET that must come from what is kept (no query of the page's own)."""
    response, sql = page_queries(client, path, **extra)
    assert len(sql) <= KEPT_QUERIES, [each[:80] for each in sql]
    return html(response)


def built_get(client: Client, path: str, **extra: Any) -> str:
    """A GET that must build the page."""
    response, sql = page_queries(client, path, **extra)
    assert len(sql) > KEPT_QUERIES
    return html(response)


# --- The pure parts ----------------------------------------------------------------------------


def test_a_distance_shown_in_one_unit_holds_until_that_unit_turns() -> None:
    def expires(when: float, now: float) -> float:
        building = kept_pages._Building(expires=now + 10**6)
        token = kept_pages._building.set(building)
        try:
            kept_pages.fresh_for_unit(when, now)
        finally:
            kept_pages._building.reset(token)
        return building.expires

    assert expires(1000, 1030) == 1060  # "just now" until a minute has passed
    assert expires(1000, 1000 + 5 * 60 + 10) == 1000 + 6 * 60  # "5 minutes ago"
    assert expires(0, 2 * 3600 + 5) == 3 * 3600  # "2 hours ago"
    assert expires(0, 3 * 86400 + 5) == 4 * 86400  # "3 days ago"
    assert expires(1000 + 150, 1000) == 1000 + 30  # "in 2 minutes" becomes "in 1 minute"
    assert expires(1000 + 3600, 1000) == 1000  # "in 1 hour" is "in 59 minutes" at once
    kept_pages.fresh_for_unit(0, 10)  # outside a kept page: nothing to do, no error


def test_outside_a_kept_page_a_per_response_value_is_just_made() -> None:
    assert kept_pages.per_response(lambda: "abc") == "abc"


# --- Kept, and sent again as it was ----------------------------------------------------------


def test_the_person_page_is_kept_and_each_copy_has_fresh_tokens(alice: User, ann: Person) -> None:
    log_interaction(ann.vault, [ann], "call", summary="Coffee at the station")
    client = browser(alice)
    first = built_get(client, person_url(ann))
    second = kept_get(client, person_url(ann))
    assert "Coffee at the station" in second
    assert TOKEN.sub("", first) == TOKEN.sub("", second)
    tokens = TOKEN.findall(first) + TOKEN.findall(second)
    assert len(tokens) == 8 and len(set(tokens)) == 8  # four forms, each copy its own


def test_two_copies_of_a_kept_page_each_save_their_own_entry(alice: User, ann: Person) -> None:
    """Two tabs of one kept page: a token of the first must not swallow the second's save."""
    client = browser(alice)
    built_get(client, person_url(ann))
    tabs = [kept_get(client, person_url(ann)) for _ in range(2)]
    log = reverse("timeline:log", args=[ann.pk])
    for number, page in enumerate(tabs):
        token = TOKEN.findall(page)[0]
        client.post(log, {"kind": "call", "summary": f"Tab {number}", "token": token})
    assert sorted(Interaction.objects.values_list("summary", flat=True)) == ["Tab 0", "Tab 1"]


def test_every_kept_page_type_is_sent_again_unchanged(alice: User, ann: Person) -> None:
    client = browser(alice)
    hx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "people-results"}
    for path, extra in [
        (reverse("attention:today"), {}),
        (reverse("people:list"), {}),
        (reverse("people:list") + "?q=ann+smit", hx),
        (reverse("attention:report"), {}),
        (person_url(ann), {}),
    ]:
        built = built_get(client, path, **extra)
        assert TOKEN.sub("", kept_get(client, path, **extra)) == TOKEN.sub("", built)


# --- Built again when anything it shows changes -------------------------------------------------


def test_any_write_builds_the_page_again(alice: User, ann: Person) -> None:
    client = browser(alice)
    built_get(client, person_url(ann))
    kept_get(client, person_url(ann))
    Person.objects.filter(pk=ann.pk).update(nickname="Annie")  # not through any view
    assert "Annie" in built_get(client, person_url(ann))
    with connection.cursor() as cursor:  # nor through the ORM
        cursor.execute("UPDATE people_person SET nickname = 'Nan' WHERE id = %s", [ann.pk])
    assert "Nan" in built_get(client, person_url(ann))
    client.post(reverse("timeline:log", args=[ann.pk]), {"kind": "call", "summary": "Lunch"})
    assert "Lunch" in built_get(client, person_url(ann))


def test_a_rolled_back_write_keeps_the_page(alice: User, ann: Person) -> None:
    client = browser(alice)
    built_get(client, person_url(ann))
    with pytest.raises(RuntimeError), transaction.atomic():
        Person.objects.filter(pk=ann.pk).update(nickname="Never")
        raise RuntimeError
    assert "Never" not in kept_get(client, person_url(ann))


def test_the_minute_shown_moves_on_without_a_write(alice: User, ann: Person) -> None:
    """The log form's time, someone's local time and "just now" follow the clock."""
    Person.objects.filter(pk=ann.pk).update(time_zone="Asia/Tokyo")
    start = dt.datetime(2026, 11, 3, 9, 0, 10, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        log_interaction(ann.vault, [ann], "call", summary="Morning call")
        client = browser(alice)
        page = built_get(client, person_url(ann))
        assert "18:00 where they are" in page and "just now" in page
        assert 'value="2026-11-03T10:00"' in page  # the form's time (Amsterdam)
        clock.shift(dt.timedelta(seconds=20))
        kept_get(client, person_url(ann))
        clock.shift(dt.timedelta(seconds=40))  # 09:01:10
        page = built_get(client, person_url(ann))
        assert "18:01 where they are" in page and "1\xa0minute ago" in page
        assert 'value="2026-11-03T10:01"' in page


def test_the_form_time_is_the_minute_each_copy_goes_out(alice: User, vault: Vault) -> None:
    """Nobody's local time nor any "ago" on the page: it is kept for the quarter hour, and
    the log form still starts at the minute the copy is sent."""
    quiet = create_person(vault, "Quiet Person")
    with time_machine.travel(dt.datetime(2026, 11, 3, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        client = browser(alice)
        built_get(client, person_url(quiet))
        clock.shift(dt.timedelta(minutes=7))
        page = kept_get(client, person_url(quiet))
        assert 'name="occurred_at" value="2026-11-03T10:07"' in page
        assert 'name="shown_at" value="2026-11-03T10:07"' in page
        clock.shift(dt.timedelta(minutes=8))  # the next quarter hour: built again
        built_get(client, person_url(quiet))


def test_a_new_day_builds_today_again(alice: User) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 3, 22, 50, tzinfo=dt.UTC), tick=False) as clock:
        client = browser(alice)
        assert "3 November" in built_get(client, reverse("attention:today"))
        clock.shift(dt.timedelta(minutes=20))  # past midnight in Amsterdam
        assert "4 November" in built_get(client, reverse("attention:today"))
        clock.shift(dt.timedelta(hours=-1))  # a clock set back does not find the later page
        assert "3 November" in built_get(client, reverse("attention:today"))


# --- Never someone else's page ------------------------------------------------------------------


def test_each_user_session_language_and_target_has_its_own_copy(
    alice: User, bob: User, ann: Person
) -> None:
    path = person_url(ann)
    alice_browser, bob_browser, alice_elsewhere = browser(alice), browser(bob), browser(alice)
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "main"}
    dutch = {"HTTP_ACCEPT_LANGUAGE": "nl"}
    asked = [
        (alice_browser, {}),
        (bob_browser, {}),
        (alice_elsewhere, {}),
        (alice_browser, dutch),
        (alice_browser, htmx),
    ]
    built = [built_get(client, path, **extra) for client, extra in asked]
    for (client, extra), page in zip(asked, built, strict=True):
        assert TOKEN.sub("", kept_get(client, path, **extra)) == TOKEN.sub("", page)
    assert kept_pages.kept_count() == len(asked)
    assert "Verwijderen" in built[3] or 'lang="nl"' in built[3]


def test_a_viewer_never_gets_a_writers_page(alice: User, carol: User, ann: Person) -> None:
    assert Membership.objects.get(user=carol).role == Role.VIEWER
    built_get(browser(alice), person_url(ann))
    page = built_get(browser(carol), person_url(ann))
    assert 'name="token"' not in page  # no capture forms for a viewer


def test_signed_out_the_session_gets_no_kept_page(alice: User, ann: Person) -> None:
    client = browser(alice)
    built_get(client, person_url(ann))
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    client.post(reverse("accounts:logout"))
    thief = Client()
    for name, value in cookies.items():
        thief.cookies[name] = value
    response = thief.get(person_url(ann))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_someone_outside_the_vault_gets_a_404_not_a_kept_page(
    alice: User, mallory: User, ann: Person
) -> None:
    built_get(browser(alice), person_url(ann))
    assert browser(mallory).get(person_url(ann)).status_code == 404


# --- Not kept ------------------------------------------------------------------------------------


def test_a_page_with_a_message_is_built_and_the_message_shown_once(
    alice: User, ann: Person
) -> None:
    client = browser(alice)
    built_get(client, person_url(ann))
    client.post(reverse("people:archive", args=[ann.pk]), {"archived": "1"})
    said = "is archived: no reminders or suggestions for them."
    assert said in built_get(client, person_url(ann))
    assert said not in built_get(client, person_url(ann))  # the one with the message: not kept
    assert said not in kept_get(client, person_url(ann))


def test_without_a_csrf_cookie_nothing_is_kept(alice: User, ann: Person) -> None:
    client = Client()
    client.force_login(alice)
    for _ in range(2):
        built_get(client, person_url(ann))
        assert "csrftoken" in client.cookies  # the page gave one: the next request has none
        del client.cookies["csrftoken"]
    assert kept_pages.kept_count() == 0


def test_answers_other_than_200_are_not_kept(alice: User, vault: Vault) -> None:
    client = browser(alice)
    for _ in range(2):
        assert client.get(reverse("people:detail", args=[999999])).status_code == 404
        assert client.get(reverse("attention:today") + "?date=nonsense").status_code == 400
    assert kept_pages.kept_count() == 0


def test_inside_a_transaction_nothing_is_kept(alice: User, ann: Person) -> None:
    client = browser(alice)
    with transaction.atomic():
        for _ in range(2):
            built_get(client, person_url(ann))
    assert kept_pages.kept_count() == 0


def test_the_pages_kept_stay_within_their_bytes(
    alice: User, vault: Vault, settings: Settings
) -> None:
    people = [create_person(vault, f"Person {number}") for number in range(4)]
    client = browser(alice)
    size = len(built_get(client, person_url(people[0])))
    settings.KEPT_PAGES_BYTES = int(size * 2.5)
    kept_pages.forget()
    for person in people:
        built_get(client, person_url(person))
    assert kept_pages.kept_count() == 2
    kept_get(client, person_url(people[3]))  # the most recent stay
    built_get(client, person_url(people[0]))  # the oldest went first


def test_none_are_kept_when_the_operator_says_so(
    alice: User, ann: Person, settings: Settings
) -> None:
    settings.KEPT_PAGES_BYTES = 0  # AANDACHT_KEPT_PAGES_MB=0
    client = browser(alice)
    for _ in range(2):
        built_get(client, person_url(ann))
    assert kept_pages.kept_count() == 0


def test_a_stamp_that_cannot_be_read_builds_the_page(
    alice: User, ann: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = browser(alice)

    def broken(using: str = "default") -> int:
        raise DatabaseError("no such table: aandacht_writes")

    monkeypatch.setattr(stamp, "current", broken)
    for _ in range(2):
        built_get(client, person_url(ann))
    assert kept_pages.kept_count() == 0


def test_a_hard_reload_builds_the_page_afresh_and_keeps_it(alice: User, ann: Person) -> None:
    client = browser(alice)
    built_get(client, person_url(ann))
    kept_get(client, person_url(ann))
    built_get(client, person_url(ann), HTTP_CACHE_CONTROL="no-cache")
    built_get(client, person_url(ann), HTTP_PRAGMA="no-cache")
    kept_get(client, person_url(ann))


def test_made_up_headers_and_long_queries_do_not_multiply_the_pages_kept(
    alice: User, ann: Person, settings: Settings
) -> None:
    """Only the htmx headers a page may differ by are in the key; a request whose key would
    be long is answered but not kept, and every page kept counts its key too."""
    client = browser(alice)
    search = reverse("people:list")
    hx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "people-results"}
    built_get(client, f"{search}?q=ann", **hx)
    for number in range(3):
        kept_get(client, f"{search}?q=ann", HTTP_HX_PAD=f"{number}" * 4000, **hx)
    assert kept_pages.kept_count() == 1
    for _ in range(2):
        built_get(client, f"{search}?q={'x' * 9000}", **hx)
    assert kept_pages.kept_count() == 1
    # The limit holds the keys as well as the bodies.
    body = len(client.get(f"{search}?q=ann", **hx).content)
    settings.KEPT_PAGES_BYTES = body + kept_pages.ENTRY_OVERHEAD + 200
    kept_pages.forget()
    built_get(client, f"{search}?q=ann", **hx)
    assert kept_pages.kept_count() == 0


def test_pages_that_are_not_kept_do_not_read_the_stamp(alice: User) -> None:
    client = browser(alice)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:sessions")).status_code == 200
    assert not any(stamp.TABLE in query["sql"] for query in queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("attention:today")).status_code == 200
    assert any(stamp.TABLE in query["sql"] for query in queries.captured_queries)


def test_at_most_so_many_pages_are_kept(
    alice: User, ann: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kept_pages, "MOST_KEPT", 2)
    client = browser(alice)
    hx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "people-results"}
    for query in ("a", "b", "c", "d"):
        built_get(client, f"{reverse('people:list')}?q={query}", **hx)
    assert kept_pages.kept_count() == 2
