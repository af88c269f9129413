"""Signing in with two-factor authentication: password, then a code; and the admin's door."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings

from aandacht.accounts import two_factor
from aandacht.accounts.language import set_language_of
from aandacht.accounts.models import Vault
from aandacht.accounts.views.login import PENDING

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:login_code")
HOME = reverse("web:home")
ACCOUNT = reverse("accounts:settings")


def code_for(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the user's app shows at ``at`` (now by default)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def wrong_code(device: TOTPDevice) -> str:
    now = time.time()
    accepted = {code_for(device, at=now + offset * device.step) for offset in (-1, 0, 1)}
    return next(
        candidate
        for candidate in (f"{number:06d}" for number in range(1, 1_000_000, 7919))
        if candidate not in accepted
    )


def enrol(user: User) -> tuple[TOTPDevice, list[str]]:
    """Two-factor on, confirmed with the previous time step's code (still accepted), so the
    code of this moment is fresh for signing in."""
    device = two_factor.start_setup(user)
    return two_factor.confirm_setup(user, code_for(device, at=time.time() - device.step))


def password_step(client: Client, username: str, **extra: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": f"{username}-secret-pw", **extra})


def signed_in_id(client: Client) -> str | None:
    value = client.session.get("_auth_user_id")
    return str(value) if value is not None else None


@pytest.fixture
def no_throttle(settings: Settings) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def sign_ins() -> Iterator[list[User]]:
    """Every ``user_logged_in`` signal during the test."""
    seen: list[User] = []

    def record(sender: object, user: User, **kwargs: object) -> None:
        seen.append(user)

    user_logged_in.connect(record, dispatch_uid="test_two_factor_login.record")
    yield seen
    user_logged_in.disconnect(dispatch_uid="test_two_factor_login.record")


# --- Without two-factor --------


def test_without_two_factor_the_password_signs_in_once(
    client: Client, alice: User, sign_ins: list[User]
) -> None:
    response = password_step(client, "alice")

    assert response.status_code == 302
    assert response["Location"] == HOME
    assert signed_in_id(client) == str(alice.pk)
    assert sign_ins == [alice]


def test_an_unfinished_setup_does_not_ask_for_a_code(client: Client, alice: User) -> None:
    two_factor.start_setup(alice)

    response = password_step(client, "alice")

    assert response["Location"] == HOME
    assert signed_in_id(client) == str(alice.pk)


# --- With two-factor --------


def test_the_password_alone_does_not_sign_in(
    client: Client, alice: User, sign_ins: list[User]
) -> None:
    enrol(alice)

    response = password_step(client, "alice")

    assert response.status_code == 302
    assert response["Location"] == CODE
    assert signed_in_id(client) is None
    assert sign_ins == []
    assert client.get(HOME)["Location"].startswith(LOGIN)
    page = client.get(CODE)
    assert page.status_code == 200
    assert "Enter your code" in page.content.decode()
    assert 'autocomplete="one-time-code"' in page.content.decode()


def test_the_right_code_signs_in_and_verifies_the_session(
    client: Client, alice: User, sign_ins: list[User]
) -> None:
    device, _codes = enrol(alice)
    password_step(client, "alice")

    response = client.post(CODE, {"code": code_for(device)})

    assert response.status_code == 302
    assert response["Location"] == HOME
    assert signed_in_id(client) == str(alice.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert PENDING not in client.session
    assert sign_ins == [alice]  # the signal fires once, after the code
    assert client.get(HOME).status_code == 200


def test_the_users_language_follows_after_the_code(
    client: Client, alice: User, vault: Vault
) -> None:
    set_language_of(alice, "nl")
    device, _codes = enrol(alice)
    password_step(client, "alice", next=HOME)

    response = client.post(CODE, {"code": code_for(device)}, follow=True)

    assert '<html lang="nl"' in response.content.decode()


def test_a_wrong_code_is_refused_with_a_message(
    client: Client, alice: User, sign_ins: list[User]
) -> None:
    device, _codes = enrol(alice)
    password_step(client, "alice")

    response = client.post(CODE, {"code": wrong_code(device)})

    assert response.status_code == 400
    page = response.content.decode()
    assert "That code is not right" in page
    assert "4 tries left" in page
    assert signed_in_id(client) is None
    assert sign_ins == []


@pytest.mark.parametrize("typed", ["", "12 34", "x" * 40, "not a code!"])
def test_malformed_codes_are_explained(client: Client, alice: User, typed: str) -> None:
    enrol(alice)
    password_step(client, "alice")

    response = client.post(CODE, {"code": typed})

    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert signed_in_id(client) is None


def test_a_replayed_code_is_refused(client: Client, alice: User) -> None:
    device, _codes = enrol(alice)
    code = code_for(device)
    password_step(client, "alice")
    client.post(CODE, {"code": code})
    assert signed_in_id(client) == str(alice.pk)
    client.post(reverse("accounts:logout"))

    other = Client()
    password_step(other, "alice")
    response = other.post(CODE, {"code": code})

    assert response.status_code == 400
    assert "already used" in response.content.decode()
    assert signed_in_id(other) is None


def test_a_recovery_code_signs_in_once(client: Client, alice: User) -> None:
    _device, codes = enrol(alice)
    password_step(client, "alice")

    response = client.post(CODE, {"code": codes[0]}, follow=True)

    assert signed_in_id(client) == str(alice.pk)
    assert "You signed in with a recovery code. 9 recovery codes are left" in (
        response.content.decode()
    )
    client.post(reverse("accounts:logout"))

    again = Client()
    password_step(again, "alice")
    refused = again.post(CODE, {"code": codes[0]})
    assert refused.status_code == 400
    assert "recovery code is not right, or it was already used" in refused.content.decode()
    assert signed_in_id(again) is None


def test_five_wrong_codes_send_you_back_to_the_password(
    client: Client, alice: User, no_throttle: None
) -> None:
    device, _codes = enrol(alice)
    password_step(client, "alice", next=ACCOUNT)
    for _attempt in range(4):
        assert client.post(CODE, {"code": wrong_code(device)}).status_code == 400

    response = client.post(CODE, {"code": wrong_code(device)})

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Faccounts%2F"
    assert PENDING not in client.session
    assert client.get(CODE)["Location"] == LOGIN  # the right code needs the password again
    page = client.get(response["Location"]).content.decode()
    assert "Too many wrong codes. Enter your password again" in page
    assert signed_in_id(client) is None


def test_throttling_asks_to_wait_and_does_not_use_up_tries(client: Client, alice: User) -> None:
    device, _codes = enrol(alice)
    password_step(client, "alice")
    with time_machine.travel(time.time(), tick=False):  # the second try comes at once
        client.post(CODE, {"code": wrong_code(device)})

        response = client.post(CODE, {"code": code_for(device)})  # right, but too soon

    assert response.status_code == 400
    assert "Too many wrong codes. Wait" in response.content.decode()
    assert client.session[PENDING]["attempts"] == 1


def test_the_sign_in_waits_five_minutes_for_the_code(client: Client, alice: User) -> None:
    device, _codes = enrol(alice)
    start = time.time() + 60
    with time_machine.travel(start, tick=False):
        password_step(client, "alice")
    with time_machine.travel(start + 5 * 60 + 1, tick=False):
        response = client.post(CODE, {"code": code_for(device)})

        assert response["Location"] == LOGIN
        assert signed_in_id(client) is None
        page = client.get(LOGIN).content.decode()
        assert "Signing in took more than 5 minutes" in page


def test_a_code_just_within_five_minutes_still_counts(client: Client, alice: User) -> None:
    device, _codes = enrol(alice)
    start = time.time() + 60
    with time_machine.travel(start, tick=False):
        password_step(client, "alice")
    with time_machine.travel(start + 5 * 60 - 1, tick=False):
        client.post(CODE, {"code": code_for(device)})

    assert signed_in_id(client) == str(alice.pk)


def test_the_code_page_without_a_password_goes_to_the_login(client: Client, alice: User) -> None:
    assert client.get(CODE)["Location"] == LOGIN
    assert client.post(CODE, {"code": "123456"})["Location"] == LOGIN


def test_a_user_deactivated_half_way_is_not_signed_in(
    client: Client, alice: User, bob: User
) -> None:
    device, _codes = enrol(alice)
    password_step(client, "alice")
    User.objects.filter(pk=alice.pk).update(is_active=False)

    response = client.post(CODE, {"code": code_for(device)})

    assert response["Location"] == LOGIN
    assert signed_in_id(client) is None


def test_the_code_form_needs_csrf(alice: User) -> None:
    enrol(alice)
    browser = Client(enforce_csrf_checks=True)
    login_page = browser.get(LOGIN)
    token = login_page.cookies["csrftoken"].value
    browser.post(
        LOGIN, {"username": "alice", "password": "alice-secret-pw", "csrfmiddlewaretoken": token}
    )

    assert browser.post(CODE, {"code": "123456"}).status_code == 403


def test_one_users_half_way_sign_in_is_not_another_users(
    client: Client, alice: User, bob: User
) -> None:
    alices, _codes = enrol(alice)
    enrol(bob)
    password_step(client, "bob")

    client.post(CODE, {"code": code_for(alices)})

    assert signed_in_id(client) is None


# --- Where to after signing in --------


@pytest.mark.parametrize(
    ("asked", "landing"),
    [
        (ACCOUNT, ACCOUNT),
        ("https://evil.example/steal", HOME),
        ("//evil.example/", HOME),
        ("javascript:alert(1)", HOME),
        ("", HOME),
    ],
)
def test_next_is_followed_only_on_this_site(
    client: Client, alice: User, asked: str, landing: str
) -> None:
    device, _codes = enrol(alice)
    password_step(client, "alice", next=asked)

    response = client.post(CODE, {"code": code_for(device)})

    assert response["Location"] == landing


def test_next_from_the_address_is_kept_through_the_password_form(
    client: Client, alice: User
) -> None:
    page = client.get(f"{LOGIN}?next={ACCOUNT}").content.decode()
    assert f'name="next" value="{ACCOUNT}"' in page

    unsafe = client.get(f"{LOGIN}?next=https://evil.example/").content.decode()
    assert 'name="next" value=""' in unsafe


# --- The login page's links --------


def test_the_login_page_links_to_a_password_reset_once_there_is_one(
    client: Client, alice: User
) -> None:
    page = client.get(LOGIN).content.decode()
    try:
        reset = reverse("accounts:password_reset")
    except NoReverseMatch:
        assert "Forgot your password?" not in page
    else:
        assert f'href="{reset}">Forgot your password?' in page


def test_the_sign_up_link_shows_only_with_open_sign_up(
    client: Client, alice: User, settings: Settings
) -> None:
    settings.OPEN_SIGNUP = False
    assert "Create an account" not in client.get(LOGIN).content.decode()

    settings.OPEN_SIGNUP = True
    page = client.get(LOGIN).content.decode()
    try:
        signup = reverse("accounts:signup")
    except NoReverseMatch:
        assert "Create an account" not in page
    else:
        assert f'href="{signup}">Create an account' in page


# --- The Django admin --------


@pytest.fixture
def admin_alice(alice: User) -> User:
    alice.is_staff = alice.is_superuser = True
    alice.save()
    return alice


def test_the_admin_login_is_ours(client: Client, admin_alice: User) -> None:
    response = client.get("/admin/login/?next=/admin/auth/user/")

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2Fauth%2Fuser%2F"


def test_the_admin_login_form_cannot_sign_in_with_a_password_alone(
    client: Client, admin_alice: User
) -> None:
    enrol(admin_alice)

    client.post("/admin/login/", {"username": "alice", "password": "alice-secret-pw"})

    assert signed_in_id(client) is None
    assert client.get("/admin/").status_code == 302


def test_the_admin_sends_an_unverified_session_to_the_login(
    client: Client, admin_alice: User
) -> None:
    enrol(admin_alice)
    client.force_login(admin_alice)  # a password-only session, e.g. from before two-factor

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith(f"{LOGIN}?next=")
    assert "You are signed in as alice" in response.content.decode()


def test_the_admin_opens_after_the_code(client: Client, admin_alice: User) -> None:
    device, _codes = enrol(admin_alice)
    admin_page = client.get("/admin/")
    login_address = client.get(admin_page["Location"])["Location"]
    next_url = login_address.split("next=", 1)[1]
    password_step(client, "alice", next=next_url.replace("%2F", "/"))

    response = client.post(CODE, {"code": code_for(device)})

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/")["Location"] == "/admin/"


def test_the_admin_opens_for_a_staff_user_without_two_factor(
    client: Client, admin_alice: User
) -> None:
    client.force_login(admin_alice)

    assert client.get("/admin/").status_code == 200


def test_the_admin_stays_closed_to_users_who_are_not_staff(client: Client, alice: User) -> None:
    client.force_login(alice)

    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_new_password_forgets_an_earlier_half_way_sign_in(
    client: Client, alice: User, bob: User
) -> None:
    enrol(bob)
    password_step(client, "bob")

    password_step(client, "alice")

    assert signed_in_id(client) == str(alice.pk)
    assert PENDING not in client.session
