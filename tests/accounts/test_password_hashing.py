"""Passwords are hashed with Argon2; an older PBKDF2 hash is upgraded when its owner signs in."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse


def test_new_passwords_get_argon2_hashes(alice: User) -> None:
    assert alice.password.startswith("argon2$")


def test_a_changed_password_gets_an_argon2_hash(as_alice: Client, alice: User) -> None:
    response = as_alice.post(
        reverse("accounts:password_change"),
        {
            "old_password": "alice-secret-pw",
            "new_password1": "a-much-longer-new-secret",
            "new_password2": "a-much-longer-new-secret",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.password.startswith("argon2$")
    assert alice.check_password("a-much-longer-new-secret")


def test_an_old_pbkdf2_hash_is_upgraded_at_sign_in(client: Client, alice: User) -> None:
    User.objects.filter(pk=alice.pk).update(
        password=make_password("old-style-secret", hasher="pbkdf2_sha256")
    )
    response = client.post(
        reverse("accounts:login"),
        {"username": "alice", "password": "old-style-secret"},
        REMOTE_ADDR="10.9.0.1",
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.password.startswith("argon2$")
    assert alice.check_password("old-style-secret")
