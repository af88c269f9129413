"""accounts.two_factor: the pure helpers, setting up, codes, recovery codes, turning it off."""

from __future__ import annotations

import time
from base64 import b32decode
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import time_machine
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.test import RequestFactory
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings

from aandacht.accounts import two_factor
from aandacht.accounts.two_factor import TwoFactorError


def code_for(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the user's app shows at ``at`` (now by default)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def wrong_code(device: TOTPDevice) -> str:
    """A 6-digit code that none of the accepted time steps (now, one before, one after) shows."""
    now = time.time()
    accepted = {code_for(device, at=now + offset * device.step) for offset in (-1, 0, 1)}
    return next(
        candidate
        for candidate in (f"{number:06d}" for number in range(1, 1_000_000, 7919))
        if candidate not in accepted
    )


def web_request() -> HttpRequest:
    """A request for the password checks (django-axes counts wrong passwords per request)."""
    return RequestFactory().post("/accounts/two-factor/", REMOTE_ADDR="192.0.2.7")


def enrolled(user: User) -> tuple[TOTPDevice, list[str]]:
    device = two_factor.start_setup(user)
    return two_factor.confirm_setup(user, code_for(device))


@pytest.fixture
def no_throttle(settings: Settings) -> None:
    """Wrong codes without django-otp's growing wait, for tests about what comes after them."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


# --- Pure helpers --------


@pytest.mark.parametrize(
    ("typed", "normal"),
    [("123 456", "123456"), (" ABCD-EFGH ", "abcdefgh"), ("ab cd\tef-gh", "abcdefgh"), ("", "")],
)
def test_codes_are_read_without_spaces_dashes_or_capitals(typed: str, normal: str) -> None:
    assert two_factor.normalise_code(typed) == normal


def test_app_codes_and_recovery_codes_are_told_apart() -> None:
    assert two_factor.is_app_code("123456")
    assert not two_factor.is_app_code("12345")
    assert not two_factor.is_app_code("1234567")
    assert two_factor.is_recovery_code("abcdef23")
    assert not two_factor.is_recovery_code("abcdef01")  # 0 and 1 are not base32
    assert not two_factor.is_recovery_code("123456")


def test_recovery_codes_read_in_two_halves() -> None:
    assert two_factor.format_recovery_code("abcdefgh") == "abcd-efgh"


def test_the_otpauth_address_names_aandacht_and_the_user() -> None:
    key = bytes(range(20))

    url = two_factor.otpauth_url("marieke de vries", key)

    parts = urlsplit(url)
    assert parts.scheme == "otpauth"
    assert parts.netloc == "totp"
    assert unquote(parts.path) == "/Aandacht:marieke de vries"
    query = parse_qs(parts.query)
    assert query["issuer"] == ["Aandacht"]
    assert query["digits"] == ["6"]
    assert query["period"] == ["30"]
    assert b32decode(query["secret"][0]) == key


def test_the_secret_is_grouped_for_typing_by_hand() -> None:
    secret = two_factor.secret_of(bytes(range(20)))

    assert len(secret) == 32 and "=" not in secret
    assert two_factor.grouped(secret).split(" ") == [
        secret[index : index + 4] for index in range(0, 32, 4)
    ]


def test_the_qr_code_is_an_inline_svg() -> None:
    svg = two_factor.qr_svg("otpauth://totp/Aandacht:alice?secret=ABC&issuer=Aandacht")

    assert svg.startswith("<svg")
    assert "<path" in svg
    assert "http://" not in svg.replace("http://www.w3.org/2000/svg", "")


# --- Setting up --------


def test_starting_twice_gives_the_same_device(alice: User) -> None:
    first = two_factor.start_setup(alice)
    second = two_factor.start_setup(alice)

    assert first.pk == second.pk
    assert TOTPDevice.objects.filter(user=alice).count() == 1
    assert not first.confirmed
    assert not two_factor.is_enabled(alice)


def test_the_right_code_turns_it_on_with_ten_recovery_codes(alice: User) -> None:
    device = two_factor.start_setup(alice)

    confirmed, codes = two_factor.confirm_setup(alice, code_for(device))

    assert confirmed.pk == device.pk
    assert two_factor.is_enabled(alice)
    assert len(codes) == 10 == len(set(codes))
    assert all(two_factor.is_recovery_code(two_factor.normalise_code(code)) for code in codes)
    assert two_factor.recovery_codes_left(alice) == 10
    assert StaticDevice.objects.filter(user=alice, confirmed=True).count() == 1


def test_a_wrong_code_leaves_the_device_unconfirmed(alice: User) -> None:
    device = two_factor.start_setup(alice)

    with pytest.raises(TwoFactorError, match="not right"):
        two_factor.confirm_setup(alice, wrong_code(device))

    device.refresh_from_db()
    assert not device.confirmed
    assert device.throttling_failure_count == 1  # the refusal was counted, not rolled back
    assert not StaticDevice.objects.filter(user=alice).exists()


@pytest.mark.parametrize(("typed", "message"), [("", "Enter the 6-digit"), ("12ab", "6 digits")])
def test_a_malformed_first_code_says_what_is_expected(
    alice: User, typed: str, message: str
) -> None:
    two_factor.start_setup(alice)

    with pytest.raises(TwoFactorError, match=message):
        two_factor.confirm_setup(alice, typed)


def test_confirming_twice_keeps_one_device(alice: User) -> None:
    device = two_factor.start_setup(alice)
    code = code_for(device)
    two_factor.confirm_setup(alice, code)

    with pytest.raises(TwoFactorError, match="already on") as refused:
        two_factor.confirm_setup(alice, code)

    assert not refused.value.counts
    assert TOTPDevice.objects.filter(user=alice).count() == 1
    assert StaticDevice.objects.filter(user=alice).count() == 1


def test_confirming_without_a_setup_is_refused(alice: User) -> None:
    with pytest.raises(TwoFactorError, match="Start the setup first"):
        two_factor.confirm_setup(alice, "123456")


def test_starting_again_when_on_is_refused(alice: User) -> None:
    enrolled(alice)

    with pytest.raises(TwoFactorError, match="already on"):
        two_factor.start_setup(alice)
    assert TOTPDevice.objects.filter(user=alice).count() == 1


def test_cancelling_forgets_only_the_unconfirmed_device(alice: User, bob: User) -> None:
    two_factor.start_setup(alice)
    enrolled(bob)

    two_factor.cancel_setup(alice)
    two_factor.cancel_setup(bob)

    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert two_factor.is_enabled(bob)


def test_each_user_has_their_own_secret(alice: User, bob: User) -> None:
    assert two_factor.start_setup(alice).key != two_factor.start_setup(bob).key


# --- Checking codes --------


def test_an_app_code_is_accepted_once(alice: User) -> None:
    device, _codes = enrolled(alice)
    with time_machine.travel(time.time() + 60, tick=False):
        code = code_for(device)
        assert two_factor.check_code(alice, code).pk == device.pk

        with pytest.raises(TwoFactorError, match="already used"):
            two_factor.check_code(alice, code)


def test_a_recovery_code_works_once_in_any_spelling(alice: User) -> None:
    _device, codes = enrolled(alice)

    accepted = two_factor.check_code(alice, codes[3].upper().replace("-", " "))

    assert isinstance(accepted, StaticDevice)
    assert two_factor.recovery_codes_left(alice) == 9
    with time_machine.travel(time.time() + 5, tick=False):  # past the throttle's wait
        with pytest.raises(TwoFactorError, match="recovery code is not right"):
            two_factor.check_code(alice, codes[3])


def test_another_users_recovery_code_is_refused(alice: User, bob: User) -> None:
    enrolled(alice)
    _device, bobs = enrolled(bob)

    with pytest.raises(TwoFactorError):
        two_factor.check_code(alice, bobs[0])
    assert two_factor.recovery_codes_left(bob) == 10


def test_wrong_codes_make_the_device_wait(alice: User) -> None:
    device, _codes = enrolled(alice)
    start = time.time() + 60
    with time_machine.travel(start, tick=False):
        with pytest.raises(TwoFactorError, match="not right") as first:
            two_factor.check_code(alice, wrong_code(device))
        assert first.value.counts

        with pytest.raises(TwoFactorError, match="Wait 1 second") as waiting:
            two_factor.check_code(alice, code_for(device))  # even the right code must wait
        assert not waiting.value.counts

    with time_machine.travel(start + 2, tick=False):
        assert two_factor.check_code(alice, code_for(device)).pk == device.pk


@pytest.mark.parametrize("typed", ["", "12345", "hello world!", "abcdefghij"])
def test_a_malformed_code_is_explained(alice: User, typed: str) -> None:
    enrolled(alice)

    with pytest.raises(TwoFactorError) as refused:
        two_factor.check_code(alice, typed)

    assert refused.value.counts
    assert "6 digits" in refused.value.message or "Enter the code" in refused.value.message


# --- Recovery codes and turning off --------


def test_new_recovery_codes_replace_the_old_with_a_current_code(alice: User) -> None:
    device, old = enrolled(alice)

    with time_machine.travel(time.time() + 60, tick=False):
        new = two_factor.regenerate_recovery_codes(alice, code_for(device), request=web_request())

    assert len(new) == 10 and not set(new) & set(old)
    assert StaticDevice.objects.filter(user=alice).count() == 1
    assert StaticToken.objects.filter(device__user=alice).count() == 10
    with pytest.raises(TwoFactorError):
        two_factor.check_code(alice, old[0])


def test_new_recovery_codes_with_the_password(alice: User) -> None:
    enrolled(alice)

    codes = two_factor.regenerate_recovery_codes(alice, "alice-secret-pw", request=web_request())

    assert len(codes) == 10


def test_new_recovery_codes_need_proof(alice: User) -> None:
    _device, old = enrolled(alice)

    for proof in ("", "not-the-password", "000000"):
        with pytest.raises(TwoFactorError, match="neither your password") as refused:
            two_factor.regenerate_recovery_codes(alice, proof, request=web_request())
        assert refused.value.field == "proof"
    assert two_factor.check_code(alice, old[0])  # the old ones still work


def test_no_recovery_codes_while_off(alice: User) -> None:
    with pytest.raises(TwoFactorError, match="is off"):
        two_factor.regenerate_recovery_codes(alice, "alice-secret-pw", request=web_request())


def test_turning_off_needs_the_password_and_a_code(alice: User, no_throttle: None) -> None:
    device, codes = enrolled(alice)

    with pytest.raises(TwoFactorError, match="not your password") as refused:
        two_factor.disable(alice, "wrong", codes[0], request=web_request())
    assert refused.value.field == "password"
    with pytest.raises(TwoFactorError) as refused:
        two_factor.disable(alice, "alice-secret-pw", wrong_code(device), request=web_request())
    assert refused.value.field == "code"
    assert two_factor.is_enabled(alice)

    two_factor.disable(alice, "alice-secret-pw", codes[0], request=web_request())

    assert not two_factor.is_enabled(alice)
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not StaticDevice.objects.filter(user=alice).exists()
    with pytest.raises(TwoFactorError, match="already off"):
        two_factor.disable(alice, "alice-secret-pw", codes[1], request=web_request())


def test_removing_everything_is_the_owners_way_back_in(alice: User, bob: User) -> None:
    enrolled(alice)
    enrolled(bob)

    assert two_factor.remove_all(alice) == 2 + 10  # two devices, ten recovery codes

    assert not two_factor.is_enabled(alice)
    assert two_factor.is_enabled(bob)
    assert two_factor.remove_all(alice) == 0


def test_the_status_shows_the_setup_in_progress_then_on(alice: User) -> None:
    assert not two_factor.status_of(alice).enabled
    device = two_factor.start_setup(alice)
    state = two_factor.status_of(alice)
    assert state.pending is not None and state.pending.pk == device.pk
    assert not state.enabled

    two_factor.confirm_setup(alice, code_for(device))

    state = two_factor.status_of(alice)
    assert state.enabled and state.pending is None and state.recovery_codes_left == 10
