"""Open sign-up: off by default (404), and with OPEN_SIGNUP an account with a personal vault."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse

from aandacht.accounts.models import Membership, Role

pytestmark = pytest.mark.django_db

SIGNUP = reverse("accounts:signup")
GOOD_PASSWORD = "kopje-koffie-om-tien"
GOOD = {
    "username": "sanne",
    "email": "Sanne@example.org",
    "password1": GOOD_PASSWORD,
    "password2": GOOD_PASSWORD,
}


def test_sign_up_is_closed_by_default(client: Client, alice: User) -> None:
    assert client.get(SIGNUP).status_code == 404
    assert client.post(SIGNUP, GOOD).status_code == 404
    assert not User.objects.filter(username="sanne").exists()


@override_settings(OPEN_SIGNUP=True)
def test_open_sign_up_creates_an_account_with_a_personal_vault(client: Client, alice: User) -> None:
    assert client.get(SIGNUP).status_code == 200
    response = client.post(SIGNUP, GOOD)
    sanne = User.objects.get(username="sanne")
    assert response["Location"] == reverse("web:home")
    assert sanne.email == "sanne@example.org" and not sanne.is_superuser
    assert sanne.check_password(GOOD_PASSWORD)
    assert Membership.objects.get(user=sanne).role == Role.OWNER
    assert client.session["_auth_user_id"] == str(sanne.pk)


@override_settings(OPEN_SIGNUP=True)
def test_bad_sign_ups_are_refused_with_the_reason(client: Client, alice: User) -> None:
    alice.email = "alice@example.org"
    alice.save()
    cases = [
        ({"username": "ALICE"}, "The username “ALICE” is taken; choose another."),
        ({"email": "nope"}, "“nope” is not an email address."),
        ({"email": ""}, "This field is required."),
        ({"password1": "12345678", "password2": "12345678"}, "This password is entirely numeric."),
        ({"password2": "something-else-entirely"}, "The two passwords differ."),
    ]
    for change, message in cases:
        response = client.post(SIGNUP, {**GOOD, **change})
        assert response.status_code == 400, change
        assert message in response.content.decode(), change
    assert User.objects.count() == 1


@override_settings(OPEN_SIGNUP=True)
def test_sign_up_needs_csrf(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(SIGNUP, GOOD).status_code == 403
    assert not User.objects.filter(username="sanne").exists()


@override_settings(OPEN_SIGNUP=True)
def test_a_signed_in_user_is_sent_home(as_alice: Client) -> None:
    assert as_alice.get(SIGNUP)["Location"] == reverse("web:home")


@override_settings(OPEN_SIGNUP=True)
def test_sign_up_does_not_reveal_whether_an_address_has_an_account(
    client: Client, alice: User
) -> None:
    """Regression: "There is already an account with the email address …" told anyone who has
    an account here. An address in use is accepted like any other (nothing trusts it: with open
    sign-up, members are added by username)."""
    alice.email = "alice@example.org"
    alice.save()
    response = client.post(SIGNUP, {**GOOD, "email": "ALICE@example.org"})
    assert response.status_code == 302
    assert "already" not in response.content.decode()
    assert User.objects.get(username="sanne").email == "alice@example.org"
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"
