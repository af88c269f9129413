"""Sign-in lock-out (django-axes): per account and per address, each on its own; the 429 page;
the admin sign-in; the client address behind trusted proxies only."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from aandacht.web.security import client_ip_from

LIMIT = 5
PASSWORD = "alice-secret-pw"  # tests/conftest.py: f"{username}-secret-pw"


def sign_in(
    client: Client, username: str, password: str, address: str = "10.0.0.1", **headers: str
) -> int:
    response = client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )
    return response.status_code


def fail_times(client: Client, times: int, *, usernames: list[str], addresses: list[str]) -> None:
    """``times`` wrong passwords; the one that reaches the limit is answered with the 429."""
    for number in range(times):
        status = sign_in(
            client,
            usernames[number % len(usernames)],
            "wrong password",
            addresses[number % len(addresses)],
        )
        assert status == (429 if number + 1 >= LIMIT else 200)


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_five_failures_for_one_account_from_different_addresses_lock_the_account(
    client: Client, alice: User, mallory: User
) -> None:
    fail_times(client, LIMIT, usernames=["alice"], addresses=[f"10.0.1.{n}" for n in range(LIMIT)])

    response = client.post(
        reverse("accounts:login"),
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="10.0.9.9",
    )
    assert response.status_code == 429, "even the right password waits"
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert "15 minutes" in response.content.decode()
    assert response["Retry-After"] == str(15 * 60)
    # Someone else at yet another address is not affected.
    assert sign_in(Client(), "mallory", "mallory-secret-pw", "10.0.9.10") == 302


def test_four_failures_do_not_lock(client: Client, alice: User) -> None:
    fail_times(client, LIMIT - 1, usernames=["alice"], addresses=["10.0.2.1"])
    assert sign_in(client, "alice", PASSWORD, "10.0.2.1") == 302


def test_five_failures_from_one_address_across_accounts_lock_the_address(
    client: Client, alice: User
) -> None:
    fail_times(
        client,
        LIMIT,
        usernames=["nobody", "somebody", "anybody", "alice", "who"],
        addresses=["10.0.3.1"],
    )

    assert sign_in(Client(), "alice", PASSWORD, "10.0.3.1") == 429
    # The account itself is not locked: alice signs in from elsewhere.
    assert sign_in(Client(), "alice", PASSWORD, "10.0.3.2") == 302


def test_a_successful_sign_in_resets_the_count(client: Client, alice: User) -> None:
    fail_times(client, LIMIT - 1, usernames=["alice"], addresses=["10.0.4.1"])
    assert sign_in(Client(), "alice", PASSWORD, "10.0.4.1") == 302
    fail_times(client, LIMIT - 1, usernames=["alice"], addresses=["10.0.4.1"])
    assert sign_in(Client(), "alice", PASSWORD, "10.0.4.1") == 302


def test_the_lock_ends_after_the_cool_off(client: Client, alice: User) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        fail_times(client, LIMIT, usernames=["alice"], addresses=["10.0.5.1"])
        assert sign_in(Client(), "alice", PASSWORD, "10.0.5.2") == 429
        traveller.shift(dt.timedelta(minutes=14))
        assert sign_in(Client(), "alice", PASSWORD, "10.0.5.2") == 429
        traveller.shift(dt.timedelta(minutes=2))
        assert sign_in(Client(), "alice", PASSWORD, "10.0.5.2") == 302


def test_the_page_does_not_say_whether_the_account_exists(client: Client, alice: User) -> None:
    fail_times(client, LIMIT, usernames=["alice"], addresses=[f"10.0.6.{n}" for n in range(5)])
    fail_times(client, LIMIT, usernames=["ghost"], addresses=[f"10.0.7.{n}" for n in range(5)])

    real = Client().post(
        reverse("accounts:login"), {"username": "alice", "password": "x"}, REMOTE_ADDR="10.0.8.1"
    )
    ghost = Client().post(
        reverse("accounts:login"), {"username": "ghost", "password": "x"}, REMOTE_ADDR="10.0.8.2"
    )
    assert real.status_code == ghost.status_code == 429
    assert without_tokens(real.content.decode()) == without_tokens(ghost.content.decode())
    assert "alice" not in real.content.decode()


def test_the_page_is_in_the_visitors_language(client: Client, alice: User) -> None:
    fail_times(client, LIMIT, usernames=["alice"], addresses=["10.0.9.1"])
    response = Client().post(
        reverse("accounts:login"),
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="10.0.9.2",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 429
    assert '<html lang="nl">' in response.content.decode()


def test_the_admin_sign_in_is_no_way_around_the_lock(client: Client, alice: User) -> None:
    """/admin/login/ checks no password itself: it sends people to the app's sign-in page,
    where the lock-out applies (accounts/views/login.py, guard_admin)."""
    alice.is_staff = alice.is_superuser = True
    alice.save()
    fail_times(client, LIMIT, usernames=["alice"], addresses=[f"10.1.0.{n}" for n in range(5)])

    admin = Client()
    response = admin.post(
        "/admin/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.1.0.9"
    )
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("accounts:login")
    assert "_auth_user_id" not in admin.session
    assert admin.get("/admin/", REMOTE_ADDR="10.1.0.9").status_code == 302
    assert sign_in(admin, "alice", PASSWORD, "10.1.0.9") == 429


def test_forwarded_for_is_ignored_without_trusted_proxies(client: Client, alice: User) -> None:
    """A client cannot dodge the address lock by inventing X-Forwarded-For values."""
    for number in range(LIMIT):
        sign_in(
            client, f"user{number}", "wrong", "10.2.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}"
        )
    assert (
        sign_in(Client(), "alice", PASSWORD, "10.2.0.1", HTTP_X_FORWARDED_FOR="192.0.2.99") == 429
    )


@override_settings(TRUSTED_PROXIES=1)
def test_behind_one_trusted_proxy_the_forwarded_address_counts(client: Client, alice: User) -> None:
    proxy = "10.3.0.1"
    for number in range(LIMIT):
        sign_in(client, f"user{number}", "wrong", proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    # The attacker's address is locked...
    assert sign_in(Client(), "alice", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.7") == 429
    # ... but not everybody else behind the same proxy.
    assert sign_in(Client(), "alice", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.8") == 302


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "expected"),
    [
        ("10.0.0.1", "", 0, "10.0.0.1"),
        ("10.0.0.1", "203.0.113.5", 0, "10.0.0.1"),  # not trusted: ignored
        ("10.0.0.1", "203.0.113.5", 1, "203.0.113.5"),
        ("10.0.0.1", "6.6.6.6, 203.0.113.5", 1, "203.0.113.5"),  # spoofed entry on the left
        ("10.0.0.2", "203.0.113.5, 10.0.0.1", 2, "203.0.113.5"),
        ("10.0.0.1", "", 1, "10.0.0.1"),  # header missing: the proxy's own address
        ("10.0.0.1", "not-an-address", 1, "10.0.0.1"),
        ("10.0.0.1", " 2001:db8::1 ", 1, "2001:db8::1"),
    ],
)
def test_client_ip_from(remote: str, forwarded: str, proxies: int, expected: str) -> None:
    assert client_ip_from(remote, forwarded, proxies) == expected
