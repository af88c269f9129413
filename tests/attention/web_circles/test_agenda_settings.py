"""Agenda settings: capacity, days, time zone, digest, the user's email, the calendar feed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape

from aandacht.attention.models import AgendaSettings

SETTINGS = reverse("attention:settings")
FEED_TOKEN = reverse("attention:feed_token")


def text(response: object) -> str:
    return str(response.content.decode())  # type: ignore[attr-defined]


def good(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "capacity": "4",
        "weekdays": ["1", "2", "3", "4", "5"],
        "time_zone": "Europe/Lisbon",
        "retry_after_days": "2",
        "one_way_resets": "on",
        "digest_frequency": "weekly",
        "digest_time": "08:15",
        "digest_weekday": "5",
        "email": "alice@example.org",
        "appreciation_every_days": "14",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_shows_the_defaults(as_alice: Client) -> None:
    response = as_alice.get(SETTINGS)

    page = text(response)
    assert response.status_code == 200
    assert 'name="capacity"' in page and 'value="5"' in page
    assert '<option value="Europe/Amsterdam">' in page
    assert "Digests go to this address" in page
    assert "Make a new address" in page


def test_save_everything(as_alice: Client, alice: User) -> None:
    response = as_alice.post(SETTINGS, good())

    assert response.status_code == 302
    prefs = AgendaSettings.objects.get(user=alice)
    assert prefs.capacity == 4 and prefs.weekdays == "12345"
    assert prefs.time_zone == "Europe/Lisbon" and prefs.retry_after_days == 2
    assert prefs.one_way_resets and prefs.digest_frequency == "weekly"
    assert prefs.digest_time == dt.time(8, 15) and prefs.digest_weekday == 5
    assert prefs.appreciation_every_days == 14
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"
    assert "Agenda settings saved." in text(as_alice.get(response["Location"]))


def test_appreciation_nudges_off_with_0(as_alice: Client, alice: User) -> None:
    page = text(as_alice.get(SETTINGS))
    assert 'name="appreciation_every_days"' in page and 'value="7"' in page
    assert "0 turns it off" in page

    assert as_alice.post(SETTINGS, good(appreciation_every_days="0")).status_code == 302
    assert AgendaSettings.objects.get(user=alice).appreciation_every_days == 0


def test_an_empty_time_zone_uses_the_servers(as_alice: Client, alice: User) -> None:
    as_alice.post(SETTINGS, good(time_zone="", digest_frequency="off", email=""))

    prefs = AgendaSettings.objects.get(user=alice)
    assert prefs.time_zone == "" and prefs.digest_frequency == "off"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"capacity": "0"}, "At least 1 contact a day."),
        ({"capacity": "51"}, "At most 50 contacts a day."),
        ({"capacity": "many"}, "Enter a whole number from 1 to 50."),
        ({"weekdays": None}, "Choose at least one day of the week."),
        ({"weekdays": ["8"]}, "Choose days of the week from the list."),
        ({"time_zone": "Mars/Olympus"}, "“Mars/Olympus” is not a time zone we know"),
        ({"retry_after_days": "31"}, "Try again after at most 30 days."),
        ({"digest_frequency": "hourly"}, "Choose off, daily or weekly."),
        ({"digest_time": "25:99"}, "Enter a time like 07:30."),
        ({"digest_weekday": "9"}, "Choose a day of the week from the list."),
        ({"email": "not-an-address"}, "Enter an email address like name@example.org."),
        ({"email": ""}, "A digest needs your email address."),
        ({"appreciation_every_days": None}, "Say how often, in days from 1 to 365"),
        ({"appreciation_every_days": "-1"}, "Enter 0 to turn it off"),
        ({"appreciation_every_days": "366"}, "At most once in 365 days"),
        ({"appreciation_every_days": "weekly"}, "Enter a whole number of days from 0 to 365."),
    ],
)
def test_bad_input_is_explained(
    as_alice: Client, alice: User, changes: dict[str, Any], message: str
) -> None:
    response = as_alice.post(SETTINGS, good(**changes))

    assert response.status_code == 200
    assert message in text(response)
    prefs = AgendaSettings.objects.get(user=alice)
    assert prefs.capacity == 5 and prefs.time_zone == "" and prefs.digest_frequency == "off"
    alice.refresh_from_db()
    assert alice.email == ""


def test_a_viewer_sets_their_own_agenda(as_carol: Client, carol: User) -> None:
    response = as_carol.post(SETTINGS, good(email="carol@example.org"))

    assert response.status_code == 302
    assert AgendaSettings.objects.get(user=carol).capacity == 4


def test_settings_need_a_signed_in_user(client: Client, alice: User) -> None:
    assert client.get(SETTINGS).status_code == 302
    assert client.post(FEED_TOKEN).status_code == 302


def test_the_feed_address_is_shown_once_the_feed_exists(as_alice: Client, alice: User) -> None:
    page = text(as_alice.get(SETTINGS))
    token = AgendaSettings.objects.get(user=alice).feed_token
    try:
        feed = reverse("attention:feed", args=[token])
    except NoReverseMatch:
        assert "The calendar feed is not available yet." in page
    else:
        assert f"http://testserver{feed}" in page


def test_a_new_feed_address_after_confirming(as_alice: Client, alice: User) -> None:
    as_alice.get(SETTINGS)
    old = AgendaSettings.objects.get(user=alice).feed_token

    question = as_alice.get(FEED_TOKEN)
    assert question.status_code == 200
    assert "stops working" in text(question)
    assert AgendaSettings.objects.get(user=alice).feed_token == old

    response = as_alice.post(FEED_TOKEN)

    assert response.status_code == 302
    new = AgendaSettings.objects.get(user=alice).feed_token
    assert new != old and len(new) >= 24
    assert "the old one no longer works" in text(as_alice.get(response["Location"]))


def test_the_page_names_the_vaults_the_digest_and_feed_cover(
    as_alice: Client, alice: User, vault: Any
) -> None:
    from aandacht.accounts.models import Membership, Role, Vault
    from aandacht.people.services import create_person

    demo = Vault.objects.create(name="Demo network", is_demo=True)
    Membership.objects.create(vault=demo, user=alice, role=Role.OWNER)
    create_person(demo, "Dora Demo")
    page = text(as_alice.get(SETTINGS))
    assert page.count("It covers the vault “Demo network”.") == 2  # the digest and the feed

    create_person(vault, "Ann Real")
    page = text(as_alice.get(SETTINGS))
    assert page.count(f"It covers the vault “{escape(vault.name)}”.") == 2
    assert "It covers the vault “Demo network”" not in page


def test_the_weekday_field_is_marked_weekly_only(as_alice: Client) -> None:
    page = text(as_alice.get(SETTINGS))
    # Shown in the HTML (it works without JS); settings.js hides it unless weekly is chosen.
    assert "data-weekly-only" in page
    assert 'name="digest_weekday"' in page


TEST_DIGEST = reverse("attention:test_digest")


def test_a_test_digest_is_sent_now_and_claims_nothing(
    as_alice: Client, alice: User, vault: Any, mailoutbox: list[Any]
) -> None:
    from aandacht.attention.models import DigestSent
    from aandacht.people.services import create_person
    from aandacht.timeline.services import add_follow_up

    alice.email = "alice@example.org"
    alice.save()
    assert "Send me a test digest now" in text(as_alice.get(SETTINGS))
    assert as_alice.get(TEST_DIGEST).status_code == 405  # a GET never sends

    nothing = as_alice.post(TEST_DIGEST, follow=True)
    assert "no test digest was sent" in text(nothing)
    assert mailoutbox == []

    ann = create_person(vault, "Ann Later")
    add_follow_up(vault, ann, "Send the photos", due_on=dt.date.today() - dt.timedelta(days=2))
    sent = as_alice.post(TEST_DIGEST, follow=True)
    assert "was sent to alice@example.org" in text(sent)
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["alice@example.org"]
    assert "Send the photos" in mailoutbox[0].body
    assert not DigestSent.objects.exists()  # the real digest still goes out at its time


def test_a_test_digest_needs_an_email_address(
    as_alice: Client, alice: User, mailoutbox: list[Any]
) -> None:
    alice.email = ""
    alice.save()
    assert "Send me a test digest now" not in text(as_alice.get(SETTINGS))
    response = as_alice.post(TEST_DIGEST, follow=True)
    assert "Add your email address first" in text(response)
    assert mailoutbox == []
