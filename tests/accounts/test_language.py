"""The language choice: the browser for strangers, a stored choice for signed-in users."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aandacht.accounts.language import SESSION_KEY, language_of, set_language_of
from aandacht.accounts.models import Preference, Vault

SWITCH = "/i18n/setlang/"
LOGIN = "/accounts/login/"
COOKIE = settings.LANGUAGE_COOKIE_NAME


def page_language(client: Client, path: str = "/", **headers: str) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.status_code
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "no <html lang>"
    return match.group(1)


def test_the_switch_keeps_its_url_name() -> None:
    assert reverse("set_language") == SWITCH


def test_anonymous_visitors_follow_the_browser(client: Client, alice: User) -> None:
    assert page_language(client, LOGIN, accept_language="nl-NL,nl;q=0.9,en;q=0.5") == "nl"
    assert page_language(client, LOGIN, accept_language="en-GB,en;q=0.9") == "en"
    assert page_language(client, LOGIN, accept_language="de-DE,de;q=0.9") == "en"


def test_an_anonymous_switch_sets_the_cookie_and_wins_over_the_browser(
    client: Client, alice: User
) -> None:
    response = client.post(SWITCH, {"language": "nl", "next": LOGIN})

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert client.cookies[COOKIE].value == "nl"
    assert page_language(client, LOGIN, accept_language="en") == "nl"
    assert not Preference.objects.exists()


def test_a_signed_in_choice_is_stored_and_follows_the_user_to_another_device(
    client: Client, alice: User, vault: Vault
) -> None:
    client.force_login(alice)
    response = client.post(SWITCH, {"language": "nl", "next": "/"})

    assert response.status_code == 302
    assert Preference.objects.get(user=alice).language == "nl"
    assert page_language(client, accept_language="en") == "nl"

    laptop = Client()  # no cookie, an English browser
    assert page_language(laptop, LOGIN, accept_language="en") == "en"
    sign_in_through_the_form(laptop)
    assert page_language(laptop, accept_language="en") == "nl"
    laptop.logout()
    sign_in_through_the_form(laptop)
    assert page_language(laptop, accept_language="en") == "nl"


def sign_in_through_the_form(browser: Client) -> None:
    """The login form, as a browser sends it (``Client.login`` skips the lock-out check)."""
    response = browser.post(LOGIN, {"username": "alice", "password": "alice-secret-pw"})
    assert response.status_code == 302


def test_signing_in_through_the_login_form_switches_to_the_stored_language(
    client: Client, alice: User, vault: Vault
) -> None:
    set_language_of(alice, "nl")

    response = client.post(
        LOGIN,
        {"username": "alice", "password": "alice-secret-pw"},
        headers={"accept_language": "en"},
        follow=True,
    )

    assert response.status_code == 200
    assert '<html lang="nl"' in response.content.decode()
    # The device's cookie follows, so the login page after signing out stays Dutch as well.
    assert client.cookies[COOKIE].value == "nl"


def test_users_choices_are_their_own(client: Client, alice: User, bob: User) -> None:
    set_language_of(alice, "nl")
    client.force_login(bob)

    assert page_language(client, accept_language="en") == "en"
    assert language_of(bob) == ""


def test_switching_on_a_device_without_the_cookie_is_not_undone(
    client: Client, alice: User, vault: Vault
) -> None:
    set_language_of(alice, "nl")
    client.force_login(alice)

    response = client.post(SWITCH, {"language": "en", "next": "/"})

    assert response.cookies[COOKIE].value == "en"
    assert Preference.objects.get(user=alice).language == "en"
    assert page_language(client, accept_language="nl") == "en"


def test_an_empty_choice_follows_the_browser_again(
    client: Client, alice: User, vault: Vault
) -> None:
    client.force_login(alice)
    client.post(SWITCH, {"language": "nl", "next": "/"})

    response = client.post(SWITCH, {"language": "", "next": "/"})

    assert response.status_code == 302
    assert Preference.objects.get(user=alice).language == ""
    assert client.cookies[COOKIE].value == ""  # deleted: expired, empty
    assert page_language(client, accept_language="en") == "en"
    assert page_language(client, accept_language="nl") == "nl"


@pytest.mark.parametrize(
    "language",
    ["xx", "de", "NL", "nl-be-x", "en\x00", "n" * 5000, "../../etc/passwd", "<script>"],
)
def test_an_unknown_language_changes_nothing_and_never_fails(
    client: Client, alice: User, vault: Vault, language: str
) -> None:
    set_language_of(alice, "nl")
    client.force_login(alice)

    response = client.post(SWITCH, {"language": language, "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert Preference.objects.get(user=alice).language == "nl"
    assert response.cookies[COOKIE].value == "nl"  # only the stored choice, kept in step


def test_an_anonymous_unknown_language_sets_no_cookie(client: Client, alice: User) -> None:
    response = client.post(SWITCH, {"language": "klingon", "next": LOGIN})

    assert response.status_code == 302
    assert COOKIE not in response.cookies


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "http://evil.example",
        "javascript:alert(1)",
        "\\\\evil.example",
        "https:///evil.example",
    ],
)
def test_next_off_site_is_not_followed(client: Client, alice: User, target: str) -> None:
    response = client.post(SWITCH, {"language": "nl", "next": target})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.cookies[COOKIE].value == "nl"


def test_next_on_site_is_followed_and_the_referer_is_the_fallback(
    client: Client, alice: User
) -> None:
    kept = client.post(SWITCH, {"language": "nl", "next": "/people/?q=an#x"})
    referred = client.post(
        SWITCH, {"language": "en"}, headers={"referer": "http://testserver/accounts/login/"}
    )
    foreign = client.post(SWITCH, {"language": "en"}, headers={"referer": "https://evil.example/"})

    assert kept["Location"] == "/people/?q=an#x"
    assert referred["Location"] == "http://testserver/accounts/login/"
    assert foreign["Location"] == "/"


def test_the_switch_only_accepts_post(client: Client, alice: User) -> None:
    response = client.get(SWITCH, {"language": "nl", "next": "/"})

    assert response.status_code == 405
    assert COOKIE not in response.cookies


def test_the_switch_needs_the_csrf_token(alice: User) -> None:
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(SWITCH, {"language": "nl", "next": "/"})

    assert response.status_code == 403


def test_repeating_a_choice_is_harmless(client: Client, alice: User, vault: Vault) -> None:
    client.force_login(alice)
    for _ in range(3):
        client.post(SWITCH, {"language": "nl", "next": "/"})

    assert Preference.objects.filter(user=alice).count() == 1
    assert Preference.objects.get(user=alice).language == "nl"


def test_an_older_session_without_the_remembered_language_still_gets_it(
    client: Client, alice: User, vault: Vault
) -> None:
    set_language_of(alice, "nl")
    client.force_login(alice)
    session = client.session
    del session[SESSION_KEY]
    session.save()

    assert page_language(client, accept_language="en") == "nl"
    assert client.session[SESSION_KEY] == "nl"


def test_ordinary_pages_do_not_query_the_preference(
    client: Client, alice: User, vault: Vault
) -> None:
    set_language_of(alice, "nl")
    client.force_login(alice)

    with CaptureQueriesContext(connection) as queries:
        assert page_language(client, accept_language="en") == "nl"

    assert not [q for q in queries.captured_queries if "accounts_preference" in q["sql"]]


def test_set_language_of_refuses_what_the_app_does_not_offer(alice: User) -> None:
    with pytest.raises(ValueError, match="unsupported"):
        set_language_of(alice, "de")
    assert not Preference.objects.exists()


def test_a_stored_language_the_app_no_longer_offers_is_ignored(alice: User) -> None:
    Preference.objects.create(user=alice, language="fy")

    assert language_of(alice) == ""


def test_only_english_and_dutch_are_offered() -> None:
    assert [code for code, _name in settings.LANGUAGES] == ["en", "nl"]
