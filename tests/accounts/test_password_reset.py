"""Password reset by email, end to end through a real SMTP server (the ``mailbox`` fixture).

The mail is sent by a thread after the answer, so these tests commit for real (the thread has
its own database connection) and wait for the thread before looking in the mailbox.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP

from aandacht.accounts import password_reset as service
from aandacht.accounts import two_factor
from aandacht.accounts.language import set_language_of
from mail_server import Inbox

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a-brand-new-long-secret"
LINK = re.compile(r"https?://[^\s\"<>]+/accounts/password/reset/[^\s\"<>]+/")


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    """The one-mail-per-address throttle lives in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice_with_email(alice: User) -> User:
    alice.email = "alice@example.org"
    alice.save()
    return alice


def delivered(mailbox: Inbox, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
    """The mailbox once the sending threads are done and ``count`` mails arrived (or timeout)."""
    deadline = time.monotonic() + timeout
    assert service.wait_for_reset_mails(timeout), "a reset mail is still being sent"
    while len(mailbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return list(mailbox.messages)


def ask(client: Client, email: str, **headers: str) -> int:
    """Ask for a reset mail, and wait until any mail it causes was sent."""
    response = client.post(reverse("accounts:password_reset"), {"email": email}, **headers)
    if response.status_code == 302:
        assert response["Location"] == reverse("accounts:password_reset_done")
    assert service.wait_for_reset_mails(), "a reset mail is still being sent"
    return response.status_code


def text_and_html(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def link_in(message: EmailMessage) -> str:
    text, html = text_and_html(message)
    found = LINK.search(text)
    assert found, text
    assert found.group(0) in html
    return found.group(0)


def sign_in(username: str, password: str) -> int:
    response = Client().post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR="10.7.0.1",
    )
    return response.status_code


def choose_password(client: Client, link: str, password: str = NEW_PASSWORD) -> None:
    response = client.get(urlsplit(link).path)
    assert response.status_code == 302, "Django moves the token out of the address"
    form_url = response["Location"]
    page = client.get(form_url)
    assert page.status_code == 200
    assert page.context["validlink"]
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")


def test_the_whole_journey(client: Client, alice_with_email: User, mailbox: Inbox) -> None:
    assert client.get(reverse("accounts:password_reset")).status_code == 200
    assert ask(client, "Alice@Example.org") == 302

    assert len(mailbox.messages) == 1
    message = mailbox.messages[0]
    assert mailbox.recipients[0] == ["alice@example.org"]
    assert message["Subject"] == "Choose a new password for Aandacht"
    link = link_in(message)
    assert link.startswith("https://crm.example.org/accounts/password/reset/"), "from BASE_URL"
    text, _ = text_and_html(message)
    assert "Hello alice," in text and "60 minutes" in text

    choose_password(client, link)
    assert client.get(reverse("accounts:password_reset_complete")).status_code == 200
    assert sign_in("alice", "alice-secret-pw") == 200, "the old password fails"
    assert sign_in("alice", NEW_PASSWORD) == 302, "the new one works"


def test_a_link_works_once(client: Client, alice_with_email: User, mailbox: Inbox) -> None:
    ask(client, "alice@example.org")
    link = link_in(mailbox.messages[0])
    choose_password(client, link)

    again = Client()
    response = again.get(urlsplit(link).path, follow=True)
    assert response.status_code == 200
    assert not response.context["validlink"]
    assert "This link does not work" in response.content.decode()


def test_an_expired_link_gives_a_clear_page(
    client: Client, alice_with_email: User, mailbox: Inbox
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        ask(client, "alice@example.org")
        link = link_in(mailbox.messages[0])
        traveller.shift(dt.timedelta(minutes=61))
        response = client.get(urlsplit(link).path, follow=True)
    assert response.status_code == 200
    assert "This link does not work" in response.content.decode()
    assert reverse("accounts:password_reset") in response.content.decode(), "ask for a new one"
    alice_with_email.refresh_from_db()
    assert alice_with_email.check_password("alice-secret-pw")


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password/reset/MQ/not-a-token/",
        "/accounts/password/reset/%%%%/abc-def/",
        "/accounts/password/reset/zzzzzzzzzzzzzzzz/set-password/",
    ],
)
def test_a_garbled_link_gives_a_clear_page(client: Client, alice: User, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert "This link does not work" in response.content.decode()


def test_a_garbled_set_password_post_changes_nothing(client: Client, alice: User) -> None:
    response = client.post(
        "/accounts/password/reset/MQ/set-password/",
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password("alice-secret-pw")


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client: Client, alice_with_email: User, mailbox: Inbox
) -> None:
    known = client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(delivered(mailbox, 2, timeout=1)) == 1


def test_the_answer_does_not_wait_for_the_mail_server(
    client: Client, alice_with_email: User, mailbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow mail server made the answer slow only for a known address: who has an account
    showed in the response time. Now the lookup and the mail happen after the answer, in a
    thread, for known and unknown addresses alike."""
    release = threading.Event()
    looked_up: list[tuple[str, str]] = []
    real_get_users = service.ResetRequestForm.get_users
    real_send_mail = service.ResetRequestForm.send_mail

    def get_users(form: service.ResetRequestForm, email: str) -> object:
        looked_up.append((email, threading.current_thread().name))
        return real_get_users(form, email)

    def slow_send_mail(form: service.ResetRequestForm, *args: object, **kwargs: object) -> None:
        assert release.wait(10), "the test never let the mail go"
        real_send_mail(form, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service.ResetRequestForm, "get_users", get_users)
    monkeypatch.setattr(service.ResetRequestForm, "send_mail", slow_send_mail)
    try:
        known = client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
        unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})

        assert known.status_code == unknown.status_code == 302  # answered, the mail still held
        assert mailbox.messages == []
    finally:
        release.set()
    assert len(delivered(mailbox)) == 1
    assert mailbox.recipients[0] == ["alice@example.org"]
    assert sorted(looked_up) == [
        ("alice@example.org", "password-reset-mail"),
        ("nobody@example.org", "password-reset-mail"),
    ]


def test_a_new_password_does_not_sign_in_past_two_factor(
    client: Client, alice_with_email: User, mailbox: Inbox
) -> None:
    device = two_factor.start_setup(alice_with_email)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    two_factor.confirm_setup(alice_with_email, f"{totp.token():06d}")
    ask(client, "alice@example.org")

    choose_password(client, link_in(delivered(mailbox)[0]))

    assert "_auth_user_id" not in client.session
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("accounts:login")


def test_a_bad_address_is_refused_with_a_clear_error(
    client: Client, alice: User, mailbox: Inbox
) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "not an address"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    response = client.post(reverse("accounts:password_reset"), {"email": ""})
    assert response.context["form"].errors["email"]
    assert mailbox.messages == []


def test_repeated_requests_send_one_mail_per_few_minutes(
    client: Client, alice_with_email: User, mailbox: Inbox
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(4):
            assert ask(client, "alice@example.org") == 302
        assert len(mailbox.messages) == 1
        assert ask(client, "ALICE@example.org ") == 302, "the same address in other spelling"
        assert len(mailbox.messages) == 1
        traveller.shift(dt.timedelta(minutes=6))
        assert ask(client, "alice@example.org") == 302
    assert len(mailbox.messages) == 2


def test_the_mail_is_in_the_recipients_language(
    client: Client, alice_with_email: User, mailbox: Inbox
) -> None:
    set_language_of(alice_with_email, "nl")
    ask(client, "alice@example.org", HTTP_ACCEPT_LANGUAGE="en")
    _, html = text_and_html(mailbox.messages[0])
    assert '<html lang="nl">' in html


def test_without_a_base_url_the_link_uses_the_request_host(
    client: Client, alice_with_email: User, mailbox: Inbox
) -> None:
    with override_settings(BASE_URL=""):
        ask(client, "alice@example.org")
    assert link_in(mailbox.messages[0]).startswith("http://testserver/accounts/password/reset/")


def test_a_new_password_lifts_the_accounts_lock_out(
    client: Client, alice_with_email: User, mailbox: Inbox
) -> None:
    for number in range(5):
        Client().post(
            reverse("accounts:login"),
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR=f"10.8.0.{number}",
        )
    assert sign_in("alice", "alice-secret-pw") == 429
    ask(client, "alice@example.org")
    choose_password(client, link_in(mailbox.messages[0]))
    assert sign_in("alice", NEW_PASSWORD) == 302


def test_a_new_password_signs_out_other_sessions(
    client: Client, alice_with_email: User, mailbox: Inbox
) -> None:
    elsewhere = Client()
    elsewhere.force_login(alice_with_email)
    assert elsewhere.get(reverse("web:home")).status_code == 200
    ask(client, "alice@example.org")
    choose_password(client, link_in(mailbox.messages[0]))
    response = elsewhere.get(reverse("web:home"))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("accounts:login")
