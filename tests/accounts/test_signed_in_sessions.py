"""Signed-in sessions: recorded at sign-in, listed, touched at most once a minute, revocable."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from hypothesis import given
from hypothesis import strategies as st

from aandacht.accounts import sessions, two_factor, user_agents
from aandacht.accounts.models import SignedInSession
from aandacht.accounts.user_agents import Device, describe
from aandacht.accounts.views.sessions import device_label

SESSIONS = reverse("accounts:sessions")
OTHERS = reverse("accounts:sessions_sign_out_others")
LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
HOME = reverse("web:home")
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
WINDOWS_EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87"
)
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.6478.122 Mobile Safari/537.36"
)
MAC_CHROME = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


@pytest.fixture(autouse=True)
def _fast_hashes(settings: Any) -> None:
    """Argon2 is slow on purpose; these tests sign in through the form many times."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(username: str, agent: str = FIREFOX, address: str = "192.0.2.10") -> Client:
    """Through the login form, as a browser would (``Client.login`` raises with axes)."""
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": f"{username}-secret-pw"})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def row_of(client: Client) -> SignedInSession:
    return SignedInSession.objects.get(session_key=client.session.session_key)


def is_signed_in(client: Client) -> bool:
    response = client.get(SESSIONS)
    return response.status_code == 200


# --- the user agent, in words ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (FIREFOX, Device("Firefox", "Linux")),
        (IPHONE_SAFARI, Device("Safari", "iOS")),
        (WINDOWS_EDGE, Device("Edge", "Windows")),
        (ANDROID_CHROME, Device("Chrome", "Android")),
        (MAC_CHROME, Device("Chrome", "macOS")),
        ("curl/8.5.0", Device("curl", None)),
        ("", Device(None, None)),
        ("Mozilla/5.0 (X11; Linux) AppleWebKit/1 Safari/1", Device(None, "Linux")),
    ],
)
def test_a_user_agent_is_described_by_browser_and_system(agent: str, expected: Device) -> None:
    assert describe(agent) == expected


BROWSER_NAMES = {name for _marker, name in user_agents._BROWSERS}
SYSTEM_NAMES = {name for _marker, name in user_agents._SYSTEMS}


@given(st.text(max_size=400))
def test_any_header_gives_known_names_or_none(agent: str) -> None:
    device = describe(agent)

    assert device.browser is None or device.browser in BROWSER_NAMES
    assert device.system is None or device.system in SYSTEM_NAMES


def test_the_device_label_reads_like_a_sentence() -> None:
    assert device_label(FIREFOX) == "Firefox on Linux"
    assert device_label("curl/8.5.0") == "curl"
    assert device_label("Mozilla/5.0 (X11; Linux) AppleWebKit/1 Safari/1") == ("A browser on Linux")
    assert device_label("") == "Unknown browser"


# --- recording --------------------------------------------------------------------------------


def test_signing_in_records_the_session_with_browser_and_address(alice: User) -> None:
    client = sign_in("alice")

    row = row_of(client)
    assert row.user == alice
    assert row.user_agent == FIREFOX
    assert row.ip_address == "192.0.2.10"
    assert row.last_seen_at is not None


def test_force_login_records_the_session_too(alice: User) -> None:
    client = Client()
    client.force_login(alice)

    assert SignedInSession.objects.filter(user=alice).count() == 1
    assert row_of(client).user == alice


def test_a_long_user_agent_is_cut_and_a_bad_address_left_empty(alice: User) -> None:
    # Straight to the recorder: django-axes itself refuses such an address on PostgreSQL.
    request = RequestFactory().get(HOME, HTTP_USER_AGENT="x" * 1000, REMOTE_ADDR="not-an-address")
    request.session = SessionStore()

    row = sessions.record_sign_in(request, alice)

    assert row is not None
    assert len(row.user_agent) == 300
    assert row.ip_address is None
    assert request.session[sessions.ROW_KEY] == row.pk


def test_signing_out_deletes_the_row(alice: User) -> None:
    client = sign_in("alice")
    key = client.session.session_key

    client.post(LOGOUT)

    assert not SignedInSession.objects.filter(session_key=key).exists()


def test_last_seen_is_written_at_most_once_a_minute(alice: User) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = sign_in("alice")
        row = row_of(client)
        first = row.last_seen_at

        traveller.shift(dt.timedelta(seconds=30))
        client.get(HOME)
        row.refresh_from_db()
        assert row.last_seen_at == first

        traveller.shift(dt.timedelta(seconds=31))
        client.get(HOME)
        row.refresh_from_db()
        assert row.last_seen_at > first


def test_no_query_touches_the_row_within_the_minute(alice: User) -> None:
    client = sign_in("alice")
    client.get(HOME)

    with CaptureQueriesContext(connection) as queries:
        client.get(HOME)

    assert not [q for q in queries.captured_queries if "signedinsession" in q["sql"].lower()]


def test_a_signed_in_session_without_a_row_gets_one(alice: User) -> None:
    client = sign_in("alice")
    SignedInSession.objects.all().delete()
    session = client.session
    session.pop(sessions.SEEN_KEY)
    session.save()

    client.get(HOME)

    assert row_of(client).user == alice


def test_a_password_change_keeps_this_sessions_row(alice: User) -> None:
    client = sign_in("alice")
    row = row_of(client)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "alice-secret-pw",
            "new_password1": "a brand new passphrase 42",
            "new_password2": "a brand new passphrase 42",
        },
    )
    assert response.status_code == 302
    page = client.get(SESSIONS)

    assert [view.pk for view in page.context["sessions"]] == [row.pk]
    row.refresh_from_db()
    assert row.session_key == client.session.session_key


# --- the page ---------------------------------------------------------------------------------


def test_the_page_lists_each_session_with_this_device_first(alice: User) -> None:
    phone = sign_in("alice", agent=IPHONE_SAFARI, address="2001:db8::1")
    laptop = sign_in("alice")

    response = laptop.get(SESSIONS)

    assert response.status_code == 200
    rows = response.context["sessions"]
    assert [row.current for row in rows] == [True, False]
    assert rows[0].device == "Firefox on Linux"
    assert rows[1].device == "Safari on iOS"
    assert rows[1].address == "2001:db8::1"
    page = response.content.decode()
    assert "this device" in page
    assert "Sign out everywhere else" in page
    assert is_signed_in(phone)


def test_the_page_shows_nobody_elses_sessions(alice: User, bob: User) -> None:
    sign_in("bob", agent=WINDOWS_EDGE)
    client = sign_in("alice")

    rows = client.get(SESSIONS).context["sessions"]

    assert len(rows) == 1
    assert "Edge" not in client.get(SESSIONS).content.decode()


def test_the_page_needs_a_sign_in(client: Client, alice: User) -> None:
    response = client.get(SESSIONS)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_ended_sessions_are_cleaned_when_listing(alice: User) -> None:
    expired = sign_in("alice", agent=IPHONE_SAFARI)
    vanished = sign_in("alice", agent=WINDOWS_EDGE)
    client = sign_in("alice")
    Session.objects.filter(session_key=expired.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    Session.objects.filter(session_key=vanished.session.session_key).delete()

    rows = client.get(SESSIONS).context["sessions"]

    assert [row.device for row in rows] == ["Firefox on Linux"]
    assert SignedInSession.objects.filter(user=alice).count() == 1


def test_another_devices_session_is_cleaned_after_a_password_change(alice: User) -> None:
    phone = sign_in("alice", agent=IPHONE_SAFARI)
    client = sign_in("alice")
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "alice-secret-pw",
            "new_password1": "a brand new passphrase 42",
            "new_password2": "a brand new passphrase 42",
        },
    )

    rows = client.get(SESSIONS).context["sessions"]

    assert [row.device for row in rows] == ["Firefox on Linux"]
    assert not is_signed_in(phone)


# --- signing out ------------------------------------------------------------------------------


def test_signing_out_another_session_ends_that_browser(alice: User) -> None:
    phone = sign_in("alice", agent=IPHONE_SAFARI)
    phone_row = row_of(phone)
    phone_key = phone.session.session_key
    laptop = sign_in("alice")

    response = laptop.post(reverse("accounts:session_sign_out", args=[phone_row.pk]))

    assert response.status_code == 302
    assert response["Location"] == SESSIONS
    assert "That session is signed out." in laptop.get(SESSIONS).content.decode()
    assert not SignedInSession.objects.filter(pk=phone_row.pk).exists()
    assert not Session.objects.filter(session_key=phone_key).exists()
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)


def test_signing_out_twice_changes_nothing_more(alice: User) -> None:
    phone = sign_in("alice", agent=IPHONE_SAFARI)
    laptop = sign_in("alice")
    url = reverse("accounts:session_sign_out", args=[row_of(phone).pk])

    laptop.post(url)
    again = laptop.post(url)

    assert again.status_code == 404
    assert is_signed_in(laptop)
    assert SignedInSession.objects.filter(user=alice).count() == 1


def test_someone_elses_session_is_a_404_and_stays(alice: User, mallory: User) -> None:
    victim = sign_in("alice")
    attacker = sign_in("mallory")

    response = attacker.post(reverse("accounts:session_sign_out", args=[row_of(victim).pk]))

    assert response.status_code == 404
    assert is_signed_in(victim)


@pytest.mark.parametrize("pk", ["0", "99999999", str(2**63), "9" * 30])
def test_unknown_or_huge_ids_are_a_404(alice: User, pk: str) -> None:
    client = sign_in("alice")

    response = client.post(f"{SESSIONS}{pk}/sign-out/")

    assert response.status_code == 404


def test_signing_out_needs_a_post(alice: User) -> None:
    client = sign_in("alice")

    response = client.get(reverse("accounts:session_sign_out", args=[row_of(client).pk]))

    assert response.status_code == 405
    assert client.get(OTHERS).status_code == 405


def test_signing_out_needs_the_csrf_token(alice: User) -> None:
    phone = sign_in("alice", agent=IPHONE_SAFARI)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(reverse("accounts:session_sign_out", args=[row_of(phone).pk]))

    assert response.status_code == 403
    assert is_signed_in(phone)


def test_signing_out_this_device_signs_you_out(alice: User) -> None:
    client = sign_in("alice")

    response = client.post(reverse("accounts:session_sign_out", args=[row_of(client).pk]))

    assert response["Location"] == LOGIN
    assert not SignedInSession.objects.filter(user=alice).exists()
    assert not is_signed_in(client)


def test_signing_out_everywhere_else_keeps_only_this_one(alice: User, bob: User) -> None:
    phone = sign_in("alice", agent=IPHONE_SAFARI)
    tablet = sign_in("alice", agent=ANDROID_CHROME)
    bobs = sign_in("bob")
    laptop = sign_in("alice")

    response = laptop.post(OTHERS)

    assert response["Location"] == SESSIONS
    assert "Signed out 2 other sessions." in laptop.get(SESSIONS).content.decode()
    assert not is_signed_in(phone)
    assert not is_signed_in(tablet)
    assert is_signed_in(laptop)
    assert is_signed_in(bobs)
    assert list(SignedInSession.objects.filter(user=alice)) == [row_of(laptop)]


def test_signing_out_everywhere_else_alone_says_so(alice: User) -> None:
    client = sign_in("alice")

    client.post(OTHERS)

    assert "You were not signed in anywhere else." in client.get(SESSIONS).content.decode()


def test_the_account_page_links_here(alice: User) -> None:
    client = sign_in("alice")

    assert SESSIONS in client.get(reverse("accounts:settings")).content.decode()


def test_a_two_step_sign_in_is_recorded_only_once_the_code_is_right(alice: User) -> None:
    device = two_factor.start_setup(alice)
    two_factor.confirm_setup(alice, totp_code(device, time.time() - device.step))
    client = Client(HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="192.0.2.10")

    client.post(LOGIN, {"username": "alice", "password": "alice-secret-pw"})
    assert not SignedInSession.objects.filter(user=alice).exists()
    response = client.post(reverse("accounts:login_code"), {"code": totp_code(device)})

    assert response.status_code == 302
    row = row_of(client)
    assert row.user == alice
    assert row.user_agent == FIREFOX


def totp_code(device: Any, at: float | None = None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"
