"""Sign-in lock-out (django-axes): per account and per address, each with its own limit; the
429 page; the admin sign-in; the client address behind trusted proxies only."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from aandacht.accounts.lockout import SignInForm
from aandacht.accounts.password_reset import forget_failed_sign_ins
from aandacht.web.security import client_ip_from

LIMIT = 5  # AANDACHT_LOGIN_FAILURES: per username
ADDRESS_LIMIT = 20  # AANDACHT_ADDRESS_LOGIN_FAILURES: per address
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


def fail_times(
    client: Client,
    times: int,
    *,
    usernames: list[str],
    addresses: list[str],
    limit: int = LIMIT,
) -> None:
    """``times`` wrong passwords; the one that reaches ``limit`` is answered with the 429."""
    for number in range(times):
        status = sign_in(
            client,
            usernames[number % len(usernames)],
            "wrong password",
            addresses[number % len(addresses)],
        )
        assert status == (429 if number + 1 >= limit else 200)


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


def test_twenty_failures_from_one_address_across_accounts_lock_the_address(
    client: Client, alice: User
) -> None:
    # Four each: no username reaches its own limit, the address reaches its.
    usernames = ["nobody", "somebody", "anybody", "alice", "who"]
    fail_times(
        client, ADDRESS_LIMIT - 1, usernames=usernames, addresses=["10.0.3.1"], limit=ADDRESS_LIMIT
    )
    assert sign_in(Client(), "who", "wrong password", "10.0.3.1") == 429

    response = Client().post(
        reverse("accounts:login"),
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="10.0.3.1",
    )
    assert response.status_code == 429
    assert "from this connection" in response.content.decode()
    assert reverse("accounts:password_reset") not in response.content.decode()
    # The account itself is not locked: alice signs in from elsewhere.
    assert sign_in(Client(), "alice", PASSWORD, "10.0.3.2") == 302


def test_attempts_refused_by_an_address_lock_do_not_count_for_the_account(
    client: Client, alice: User
) -> None:
    """They check no password: the owner trying again and again during an address lock must
    not lock her account on top (nor stretch the lock)."""
    fail_times(
        client,
        ADDRESS_LIMIT,
        usernames=[f"user{n}" for n in range(ADDRESS_LIMIT)],
        addresses=["10.0.3.3"],
        limit=ADDRESS_LIMIT,
    )
    for _ in range(LIMIT + 1):
        assert sign_in(Client(), "alice", "wrong password", "10.0.3.3") == 429
    assert sign_in(Client(), "alice", PASSWORD, "10.0.3.4") == 302


def test_a_housemates_typos_lock_her_account_not_the_shared_address(
    client: Client, alice: User, django_user_model: type[User]
) -> None:
    """The newcomer's case: one household behind one router (one address)."""
    django_user_model.objects.create_user("sanne", password="sanne-secret-pw")
    home = "10.0.3.9"
    fail_times(client, LIMIT, usernames=["sanne"], addresses=[home])

    locked = Client().post(
        reverse("accounts:login"),
        {"username": "sanne", "password": "sanne-secret-pw"},
        REMOTE_ADDR=home,
    )
    assert locked.status_code == 429, "sanne's account waits, even with her right password"
    assert "with this username" in locked.content.decode()
    assert reverse("accounts:password_reset") in locked.content.decode()
    # The owner, at the same address, signs in.
    assert sign_in(Client(), "alice", PASSWORD, home) == 302
    # ... and that does not lift sanne's lock.
    assert sign_in(Client(), "sanne", "sanne-secret-pw", home) == 429


def test_signing_in_as_yourself_does_not_reset_someone_elses_count(
    client: Client, alice: User, mallory: User
) -> None:
    """Otherwise an account holder could guess forever: four guesses, sign in, four more..."""
    fail_times(client, LIMIT - 1, usernames=["alice"], addresses=["10.0.3.20"])
    assert sign_in(Client(), "mallory", "mallory-secret-pw", "10.0.3.20") == 302
    assert sign_in(client, "alice", "wrong password", "10.0.3.20") == 429


@override_settings(ADDRESS_LOGIN_FAILURES=3)
def test_the_address_limit_is_a_setting_of_its_own(client: Client, alice: User) -> None:
    fail_times(client, 3, usernames=["one", "two", "three"], addresses=["10.0.3.30"], limit=3)
    assert sign_in(Client(), "alice", PASSWORD, "10.0.3.30") == 429
    assert sign_in(Client(), "alice", PASSWORD, "10.0.3.31") == 302


def test_a_new_password_by_email_lifts_the_account_lock_only(client: Client, alice: User) -> None:
    fail_times(client, LIMIT, usernames=["alice"], addresses=["10.0.3.40"])
    fail_times(
        client,
        ADDRESS_LIMIT,
        usernames=[f"user{n}" for n in range(ADDRESS_LIMIT)],
        addresses=["10.0.3.41"],
        limit=ADDRESS_LIMIT,
    )
    forget_failed_sign_ins(alice)
    assert sign_in(Client(), "alice", PASSWORD, "10.0.3.40") == 302
    assert sign_in(Client(), "alice", PASSWORD, "10.0.3.41") == 429


def test_a_wrong_password_warns_of_the_pause(client: Client, alice: User) -> None:
    request = RequestFactory().post(reverse("accounts:login"), REMOTE_ADDR="10.0.3.50")
    form = SignInForm(request, data={"username": "alice", "password": "wrong password"})
    assert not form.is_valid()
    message = form.non_field_errors()[0]
    assert f"After {LIMIT} failed attempts" in message
    assert "15 minutes" in message


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
    for number in range(ADDRESS_LIMIT):
        sign_in(
            client, f"user{number}", "wrong", "10.2.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}"
        )
    assert (
        sign_in(Client(), "alice", PASSWORD, "10.2.0.1", HTTP_X_FORWARDED_FOR="192.0.2.99") == 429
    )


@override_settings(TRUSTED_PROXIES=1)
def test_behind_one_trusted_proxy_the_forwarded_address_counts(client: Client, alice: User) -> None:
    proxy = "10.3.0.1"
    for number in range(ADDRESS_LIMIT):
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
