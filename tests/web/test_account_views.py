from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
PASSWORD = reverse("accounts:password_change")


def test_login_page_renders(client: Client, alice: User) -> None:
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert "Welcome back" in response.content.decode()


def test_signing_in_lands_home(client: Client, alice: User) -> None:
    response = client.post(LOGIN, {"username": "alice", "password": "alice-secret-pw"})

    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_signing_in_returns_to_the_page_asked_for(client: Client, alice: User) -> None:
    response = client.post(
        LOGIN, {"username": "alice", "password": "alice-secret-pw", "next": PASSWORD}
    )

    assert response["Location"] == PASSWORD


def test_a_wrong_password_is_refused_with_a_message(client: Client, alice: User) -> None:
    response = client.post(LOGIN, {"username": "alice", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_out_needs_a_post_and_ends_the_session(client: Client, alice: User) -> None:
    client.force_login(alice)

    assert client.get(LOGOUT).status_code == 405
    response = client.post(LOGOUT)

    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_every_page_offers_sign_out_and_the_account_page(client: Client, alice: User) -> None:
    client.force_login(alice)

    page = client.get(reverse("web:home")).content.decode()
    account = client.get(reverse("accounts:settings")).content.decode()

    assert f'action="{LOGOUT}"' in page
    assert f'href="{reverse("accounts:settings")}"' in page
    assert f'href="{PASSWORD}"' in account


def test_password_change_with_a_wrong_old_password_changes_nothing(
    client: Client, alice: User
) -> None:
    client.force_login(alice)

    response = client.post(
        PASSWORD,
        {
            "old_password": "not-it",
            "new_password1": "een-nieuw-wachtwoord",
            "new_password2": "een-nieuw-wachtwoord",
        },
    )

    alice.refresh_from_db()
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    assert alice.check_password("alice-secret-pw")


def test_password_change_keeps_the_owner_signed_in_and_says_so(client: Client, alice: User) -> None:
    client.force_login(alice)

    response = client.post(
        PASSWORD,
        {
            "old_password": "alice-secret-pw",
            "new_password1": "een-nieuw-wachtwoord",
            "new_password2": "een-nieuw-wachtwoord",
        },
        follow=True,
    )

    alice.refresh_from_db()
    assert response.redirect_chain == [(reverse("accounts:settings"), 302)]
    assert alice.check_password("een-nieuw-wachtwoord")
    assert "Your password has been changed." in response.content.decode()


def test_password_change_needs_a_signed_in_user(client: Client, alice: User) -> None:
    assert client.get(PASSWORD)["Location"].startswith(LOGIN)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_language_switch_sets_the_page_language(client: Client, alice: User, language: str) -> None:
    response = client.post(
        reverse("set_language"), {"language": language, "next": LOGIN}, follow=True
    )

    assert response.redirect_chain == [(LOGIN, 302)]
    assert f'<html lang="{language}">' in response.content.decode()


def test_language_switch_is_on_every_page(client: Client, alice: User) -> None:
    page = client.get(LOGIN).content.decode()

    assert f'action="{reverse("set_language")}"' in page
    assert 'value="nl"' in page and "Nederlands" in page


def test_base_page_carries_stylesheet_favicon_and_htmx_from_our_own_server(
    client: Client, alice: User
) -> None:
    page = client.get(LOGIN).content.decode()

    assert "/static/aandacht/aandacht.css" in page
    assert "/static/aandacht/icons/favicon.svg" in page
    assert "/static/django_htmx/htmx-2.min.js" in page
    assert "https://" not in page


def test_unknown_page_gets_the_friendly_404(
    client: Client, alice: User, settings: Settings
) -> None:
    settings.DEBUG = False

    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_500_page_renders_without_a_request() -> None:
    page = render_to_string("500.html")

    assert "Something went wrong on our side" in page
