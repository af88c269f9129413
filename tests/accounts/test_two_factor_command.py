"""``aandacht manage two_factor_off``: the owner's way back in for someone without their phone."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

from aandacht.accounts import two_factor


def enrol(user: User) -> None:
    device = two_factor.start_setup(user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time()
    two_factor.confirm_setup(user, f"{totp.token():06d}")


def run(*args: str) -> str:
    out = StringIO()
    call_command("two_factor_off", *args, stdout=out)
    return out.getvalue()


def test_turning_it_off_lets_the_password_sign_in_again(
    client: Client, alice: User, bob: User
) -> None:
    enrol(alice)
    enrol(bob)

    output = run("alice")

    assert "Two-factor authentication is off for alice" in output
    assert not two_factor.is_enabled(alice)
    assert two_factor.is_enabled(bob)
    response = client.post(
        reverse("accounts:login"), {"username": "alice", "password": "alice-secret-pw"}
    )
    assert response["Location"] == reverse("web:home")


def test_it_says_when_it_was_already_off(alice: User) -> None:
    assert "already off for alice" in run("alice")


def test_an_unknown_user_is_an_error(db: None) -> None:
    with pytest.raises(CommandError, match="There is no user “nobody”"):
        run("nobody")
