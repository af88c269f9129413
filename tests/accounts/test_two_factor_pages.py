"""The two-factor page: setting up with a QR code, confirming, recovery codes, turning off."""

from __future__ import annotations

import re
import time
from urllib.parse import unquote

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from aandacht.accounts import two_factor

PAGE = reverse("accounts:two_factor")
SETUP = reverse("accounts:two_factor_setup")
CANCEL = reverse("accounts:two_factor_cancel")
CONFIRM = reverse("accounts:two_factor_confirm")
RECOVERY = reverse("accounts:two_factor_recovery_codes")
DISABLE = reverse("accounts:two_factor_disable")
CODES = re.compile(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>")


def code_for(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the user's app shows at ``at`` (now by default)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def earlier_code(device: TOTPDevice) -> str:
    """The previous time step's code: still accepted, and it leaves the current one fresh."""
    return code_for(device, at=time.time() - device.step)


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined, no-any-return]


def pending_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=False)


def enrol(user: User) -> tuple[TOTPDevice, list[str]]:
    device = two_factor.start_setup(user)
    return two_factor.confirm_setup(user, earlier_code(device))


# --- Who may see it --------


def test_signed_out_visitors_are_sent_to_the_login(client: Client, alice: User) -> None:
    for url in (PAGE, SETUP, CONFIRM, RECOVERY, DISABLE, CANCEL):
        response = client.post(url) if url != PAGE else client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_changes_are_posts(as_alice: Client) -> None:
    for url in (SETUP, CONFIRM, RECOVERY, DISABLE, CANCEL):
        assert as_alice.get(url).status_code == 405
    assert as_alice.post(PAGE).status_code == 405


def test_every_change_needs_csrf(alice: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)

    for url in (SETUP, CONFIRM, RECOVERY, DISABLE, CANCEL):
        assert browser.post(url, {"code": "123456"}).status_code == 403
    assert not TOTPDevice.objects.filter(user=alice).exists()


def test_the_account_page_leads_here(as_alice: Client) -> None:
    assert f'href="{PAGE}"' in text(as_alice.get(reverse("accounts:settings")))


# --- Setting up --------


def test_the_page_offers_to_set_up(as_alice: Client) -> None:
    response = as_alice.get(PAGE)

    assert response.status_code == 200
    page = text(response)
    assert "<h1>Two-factor authentication</h1>" in page
    assert f'action="{SETUP}"' in page
    assert "no-cache" in response["Cache-Control"]


def test_setting_up_shows_the_qr_code_and_the_secret(as_alice: Client, alice: User) -> None:
    response = as_alice.post(SETUP)
    assert response.status_code == 302 and response["Location"] == PAGE

    page = text(as_alice.get(PAGE))

    device = pending_device(alice)
    secret = two_factor.secret_of(device.bin_key)
    assert "<svg" in page and 'role="img"' in page
    assert two_factor.grouped(secret) in page
    assert f'action="{CONFIRM}"' in page
    assert "Aandacht (alice)" in page
    otpauth = two_factor.otpauth_url("alice", device.bin_key).replace("&", "&amp;")
    assert f'href="{otpauth}"' in page  # on the phone itself, a link opens the app
    assert "http://" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )


def test_setting_up_twice_makes_one_device(as_alice: Client, alice: User) -> None:
    as_alice.post(SETUP)
    first = text(as_alice.get(PAGE))
    as_alice.post(SETUP)

    assert TOTPDevice.objects.filter(user=alice).count() == 1
    assert text(as_alice.get(PAGE)).count("<svg") == first.count("<svg")


def test_a_wrong_code_keeps_the_setup_open_with_a_message(as_alice: Client, alice: User) -> None:
    as_alice.post(SETUP)
    device = pending_device(alice)
    right_now = {code_for(device, at=time.time() + offset * 30) for offset in (-1, 0, 1)}
    wrong = next(code for code in ("111111", "222222", "333333") if code not in right_now)

    response = as_alice.post(CONFIRM, {"code": wrong})

    assert response.status_code == 400
    page = text(response)
    assert "That code is not right" in page
    assert two_factor.grouped(two_factor.secret_of(device.bin_key)) in page  # still scannable
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=alice).exists()


@pytest.mark.parametrize(("typed", "message"), [("", "Enter the code"), ("abc", "6 digits")])
def test_a_malformed_code_is_explained(
    as_alice: Client, alice: User, typed: str, message: str
) -> None:
    as_alice.post(SETUP)

    response = as_alice.post(CONFIRM, {"code": typed})

    assert response.status_code == 400
    assert message in text(response)
    assert not pending_device(alice).confirmed


def test_the_right_code_turns_it_on_and_shows_the_recovery_codes_once(
    as_alice: Client, alice: User
) -> None:
    as_alice.post(SETUP)
    device = pending_device(alice)

    response = as_alice.post(CONFIRM, {"code": code_for(device)})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = text(response)
    codes = CODES.findall(page)
    assert len(codes) == 10
    assert "This is the only time they are shown" in page
    assert two_factor.is_enabled(alice)
    assert two_factor.recovery_codes_left(alice) == 10
    # The download holds the same codes, as text.
    download = re.search(
        r'download="aandacht-recovery-codes.txt" href="data:text/plain;charset=utf-8,([^"]+)"', page
    )
    assert download is not None
    assert all(code in unquote(download.group(1)) for code in codes)
    # This session proved it has the app.
    assert as_alice.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    # And the codes are never shown again.
    later = text(as_alice.get(PAGE))
    assert not CODES.findall(later)
    assert "Recovery codes left" in later


def test_confirming_twice_keeps_one_device(as_alice: Client, alice: User) -> None:
    as_alice.post(SETUP)
    code = code_for(pending_device(alice))
    as_alice.post(CONFIRM, {"code": code})

    again = as_alice.post(CONFIRM, {"code": code}, follow=True)

    assert "Two-factor authentication is already on." in text(again)
    assert TOTPDevice.objects.filter(user=alice).count() == 1
    assert StaticDevice.objects.filter(user=alice).count() == 1


def test_cancelling_the_setup(as_alice: Client, alice: User) -> None:
    as_alice.post(SETUP)

    response = as_alice.post(CANCEL)

    assert response["Location"] == PAGE
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert f'action="{SETUP}"' in text(as_alice.get(PAGE))


def test_each_users_page_is_their_own(as_alice: Client, as_bob: Client, bob: User) -> None:
    as_alice.post(SETUP)

    assert f'action="{SETUP}"' in text(as_bob.get(PAGE))  # bob sees no QR code of alice's
    as_bob.post(CANCEL)
    assert TOTPDevice.objects.count() == 1


# --- Recovery codes --------


def test_new_recovery_codes_with_the_password(as_alice: Client, alice: User) -> None:
    _device, old = enrol(alice)

    response = as_alice.post(RECOVERY, {"proof": "alice-secret-pw"})

    assert response.status_code == 200
    new = CODES.findall(text(response))
    assert len(new) == 10 and not set(new) & set(old)
    assert "Your earlier recovery codes no longer work." in text(response)
    assert StaticDevice.objects.filter(user=alice).count() == 1


def test_new_recovery_codes_with_a_code(as_alice: Client, alice: User) -> None:
    device, _old = enrol(alice)

    response = as_alice.post(RECOVERY, {"proof": code_for(device)})

    assert len(CODES.findall(text(response))) == 10


@pytest.mark.parametrize("proof", ["", "wrong password"])
def test_new_recovery_codes_need_proof(as_alice: Client, alice: User, proof: str) -> None:
    _device, old = enrol(alice)

    response = as_alice.post(RECOVERY, {"proof": proof})

    assert response.status_code == 400
    assert not CODES.findall(text(response))
    assert "password" in text(response)
    assert two_factor.recovery_codes_left(alice) == 10


def test_guessing_the_password_for_new_recovery_codes_locks_out(
    as_alice: Client, alice: User
) -> None:
    """Wrong passwords here count towards the lock-out, like on the sign-in page."""
    _device, old = enrol(alice)

    statuses = [as_alice.post(RECOVERY, {"proof": f"guess {n}"}).status_code for n in range(5)]
    right = as_alice.post(RECOVERY, {"proof": "alice-secret-pw"})

    assert statuses[:4] == [400, 400, 400, 400]
    assert statuses[-1] == 429
    assert right.status_code == 429  # the right password no longer helps
    assert not CODES.findall(text(right))
    assert two_factor.recovery_codes_left(alice) == 10
    assert two_factor.check_code(alice, old[0])  # the old codes still stand


def test_few_recovery_codes_left_is_pointed_out(as_alice: Client, alice: User) -> None:
    _device, codes = enrol(alice)
    for code in codes[:8]:
        two_factor.check_code(alice, code)

    assert "Only 2 recovery codes are left." in text(as_alice.get(PAGE))


# --- Turning off --------


def test_turning_off_with_password_and_code(as_alice: Client, alice: User) -> None:
    device, _codes = enrol(alice)

    response = as_alice.post(DISABLE, {"password": "alice-secret-pw", "code": code_for(device)})

    assert response["Location"] == PAGE
    assert not two_factor.is_enabled(alice)
    assert not StaticDevice.objects.filter(user=alice).exists()
    assert "Two-factor authentication is off." in text(as_alice.get(PAGE))


def test_turning_off_with_a_recovery_code(as_alice: Client, alice: User) -> None:
    _device, codes = enrol(alice)

    as_alice.post(DISABLE, {"password": "alice-secret-pw", "code": codes[5]})

    assert not two_factor.is_enabled(alice)


@pytest.mark.parametrize(
    ("password", "code", "message"),
    [
        ("wrong", "right", "That is not your password."),
        ("", "right", "Enter your password."),
        ("alice-secret-pw", "", "Enter the code."),
        ("alice-secret-pw", "000000x", "6 digits"),
    ],
)
def test_turning_off_refuses_without_both(
    as_alice: Client, alice: User, password: str, code: str, message: str
) -> None:
    device, _codes = enrol(alice)

    response = as_alice.post(
        DISABLE, {"password": password, "code": code_for(device) if code == "right" else code}
    )

    assert response.status_code == 400
    assert message in text(response)
    assert two_factor.is_enabled(alice)


def test_guessing_the_password_to_turn_off_locks_out(as_alice: Client, alice: User) -> None:
    _device, codes = enrol(alice)

    statuses = [
        as_alice.post(DISABLE, {"password": f"guess {n}", "code": codes[0]}).status_code
        for n in range(5)
    ]
    right = as_alice.post(DISABLE, {"password": "alice-secret-pw", "code": codes[0]})

    assert statuses[:4] == [400, 400, 400, 400]
    assert statuses[-1] == 429
    assert right.status_code == 429
    assert two_factor.is_enabled(alice)


def test_turning_off_twice_says_it_is_off(as_alice: Client, alice: User) -> None:
    _device, codes = enrol(alice)
    as_alice.post(DISABLE, {"password": "alice-secret-pw", "code": codes[0]})

    again = as_alice.post(DISABLE, {"password": "alice-secret-pw", "code": codes[1]}, follow=True)

    assert "Two-factor authentication is already off." in text(again)


def test_a_code_too_soon_after_a_wrong_one_asks_to_wait(as_alice: Client, alice: User) -> None:
    as_alice.post(SETUP)
    device = pending_device(alice)
    right_now = {code_for(device, at=time.time() + offset * 30) for offset in (-1, 0, 1)}
    with time_machine.travel(time.time(), tick=False):  # the second try comes at once
        as_alice.post(
            CONFIRM, {"code": next(c for c in ("111111", "222222") if c not in right_now)}
        )

        response = as_alice.post(CONFIRM, {"code": code_for(device)})

    assert response.status_code == 400
    assert "Too many wrong codes. Wait 1 second and try again." in text(response)
    assert two_factor.grouped(two_factor.secret_of(device.bin_key)) in text(response)
    assert not two_factor.is_enabled(alice)
