"""The access tokens page: list, create (the secret shown exactly once, in the POST's answer,
never stored), revoke; nobody reaches another user's token, and every form needs its CSRF
token."""

from __future__ import annotations

import re
import secrets

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from aandacht.accounts import tokens
from aandacht.accounts.models import AccessToken, Membership, Role, TokenScope, Vault

TOKENS_URL = "/accounts/tokens/"
SECRET = re.compile(r"aat_[A-Za-z0-9_-]{40,}")
ONCE = re.compile(r'<input type="hidden" name="once" value="([^"]+)"')


def create(client: Client, **data: str) -> HttpResponse:
    """POST the create form, as a fresh form (its own ``once`` value) unless one is given."""
    fields = {"name": "backup", "scope": "read", "vault": "", "once": secrets.token_urlsafe(16)}
    response: HttpResponse = client.post(TOKENS_URL, {**fields, **data})
    return response


def once_in(response: HttpResponse) -> str:
    found = ONCE.search(response.content.decode())
    assert found, "the create form carries its one-time value"
    return found.group(1)


def test_the_url_is_named_and_the_account_page_links_to_it(as_alice: Client) -> None:
    assert reverse("accounts:tokens") == TOKENS_URL
    page = as_alice.get(reverse("accounts:settings"))
    assert page.status_code == 200
    assert f'href="{TOKENS_URL}"' in page.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, alice: User) -> None:
    token = tokens.create_token(alice, "t").token
    for url in (TOKENS_URL, f"/accounts/tokens/{token.pk}/revoke/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert client.post(TOKENS_URL, {"name": "x", "scope": "read"}).status_code == 302
    assert not AccessToken.objects.exclude(pk=token.pk).exists()


def test_an_empty_list_says_so_and_offers_the_form(as_alice: Client, vault: Vault) -> None:
    page = as_alice.get(TOKENS_URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "You have no tokens yet." in html
    assert '<option value="" selected>All your vaults</option>' in html
    assert f'<option value="{vault.pk}">Alice&#x27;s people</option>' in html
    assert "Cache-Control" in page.headers and "no-store" in page["Cache-Control"]


def test_creating_shows_the_secret_exactly_once(as_alice: Client, alice: User) -> None:
    form = as_alice.get(TOKENS_URL)
    once = once_in(form)
    response = create(as_alice, name="backup script", scope="write", once=once)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = AccessToken.objects.get()
    assert (token.user, token.name, token.scope, token.vault) == (
        alice,
        "backup script",
        "write",
        None,
    )
    shown = response.content.decode()
    secrets_shown = set(SECRET.findall(shown))
    assert len(secrets_shown) == 1
    secret = secrets_shown.pop()
    assert tokens.digest_of(secret) == token.digest
    assert "shown only this once" in shown
    assert f"Authorization: Bearer {secret}" in shown
    assert "http://testserver/api/" in shown
    assert "<strong>alice</strong> and the token as the password" in shown
    assert 'data-copy="#token-secret"' in shown and "hidden" in shown  # Copy needs JavaScript
    assert once_in(response) != once  # the next token starts from a fresh form

    again = as_alice.get(TOKENS_URL).content.decode()
    assert SECRET.search(again) is None
    assert token.prefix in again  # still recognisable by its start
    assert AccessToken.objects.count() == 1


def test_the_secret_is_never_kept_in_the_session(as_alice: Client) -> None:
    response = create(as_alice)
    secret = SECRET.search(response.content.decode())
    assert secret is not None

    session = as_alice.session
    stored = repr({key: session[key] for key in session.keys()})
    assert secret.group(0) not in stored
    assert AccessToken.objects.get().digest not in stored


def test_refreshing_the_answer_creates_no_second_token(as_alice: Client) -> None:
    """A refresh of the page that showed the secret sends the same form again."""
    once = once_in(as_alice.get(TOKENS_URL))
    first = create(as_alice, once=once)
    assert first.status_code == 200

    again = create(as_alice, once=once)

    assert again.status_code == 409
    html = again.content.decode()
    assert SECRET.search(html) is None
    assert "No second token was made." in html
    assert "secret was shown once" in html
    assert 'data-testid="token-repeated"' in html
    assert AccessToken.objects.count() == 1
    # The page offers a fresh form, which works.
    assert create(as_alice, once=once_in(again)).status_code == 200
    assert AccessToken.objects.count() == 2


def test_a_refused_form_keeps_its_once_value_for_the_retry(as_carol: Client, vault: Vault) -> None:
    once = once_in(as_carol.get(TOKENS_URL))
    refused = create(as_carol, scope="write", vault=str(vault.pk), once=once)
    assert refused.status_code == 400
    assert once_in(refused) == once  # nothing was made from it, so it still counts

    assert create(as_carol, scope="read", vault=str(vault.pk), once=once).status_code == 200
    assert AccessToken.objects.count() == 1


@pytest.mark.parametrize("once", ["", "x" * 65])
def test_a_form_without_its_once_value_is_refused(as_alice: Client, once: str) -> None:
    response = create(as_alice, once=once)
    assert response.status_code == 400
    assert "This form is out of date. Reload the page and try again." in response.content.decode()
    assert not AccessToken.objects.exists()


def test_a_secret_left_in_the_session_by_the_old_page_is_dropped(as_alice: Client) -> None:
    session = as_alice.session
    session["aandacht_new_token"] = {"id": 1, "secret": "aat_" + "x" * 43, "at": 0}
    session.save()

    as_alice.get(TOKENS_URL)

    assert "aandacht_new_token" not in as_alice.session


def test_the_list_shows_what_each_token_is(as_alice: Client, alice: User, vault: Vault) -> None:
    tokens.create_token(alice, "phone", TokenScope.READ, vault)
    everywhere = tokens.create_token(alice, "sync", TokenScope.WRITE)
    tokens.authenticate(everywhere.secret)
    html = as_alice.get(TOKENS_URL).content.decode()
    assert "phone" in html and "sync" in html
    assert "only “Alice&#x27;s people”" in html
    assert "all your vaults" in html
    assert "read and write" in html
    assert "never used" in html
    assert "last used" in html
    assert everywhere.token.prefix in html
    assert everywhere.secret not in html
    assert everywhere.token.digest not in html


def test_the_list_has_only_your_own_tokens(as_mallory: Client, alice: User) -> None:
    tokens.create_token(alice, "alices-secret-script")
    html = as_mallory.get(TOKENS_URL).content.decode()
    assert "alices-secret-script" not in html
    assert "You have no tokens yet." in html


def test_a_token_for_one_vault(as_alice: Client, vault: Vault) -> None:
    assert create(as_alice, vault=str(vault.pk)).status_code == 200
    assert AccessToken.objects.get().vault == vault


def test_a_viewers_write_token_for_that_vault_is_refused(
    as_carol: Client, carol: User, vault: Vault
) -> None:
    page = as_carol.get(TOKENS_URL).content.decode()
    assert "Alice&#x27;s people (you may only read it)" in page
    response = create(as_carol, scope="write", vault=str(vault.pk))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="form-error" role="alert"' in html
    assert "You may only read the vault “Alice&#x27;s people”" in html
    assert not AccessToken.objects.exists()
    # The form keeps what was typed.
    assert 'value="backup"' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Give the token a name"),
        ({"name": "x" * 101}, "at most 100 characters"),
        ({"scope": "admin"}, "Choose read, or read and write."),
        ({"scope": ""}, "This field is required."),
        ({"vault": "999999"}, "Choose one of your vaults, or all of them."),
        ({"vault": "abc"}, "Choose one of your vaults, or all of them."),
        ({"vault": "99999999999999999999999"}, "Choose one of your vaults, or all of them."),
    ],
)
def test_bad_input_is_refused_with_a_message(
    as_alice: Client, vault: Vault, data: dict[str, str], message: str
) -> None:
    response = create(as_alice, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AccessToken.objects.exists()


def test_someone_elses_vault_cannot_be_chosen(
    as_alice: Client, vault: Vault, other_vault: Vault
) -> None:
    response = create(as_alice, vault=str(other_vault.pk))
    assert response.status_code == 400
    assert "Choose one of your vaults" in response.content.decode()
    assert "Mallory" not in response.content.decode()
    assert not AccessToken.objects.exists()


def test_revoking_asks_first_then_revokes(as_alice: Client, alice: User) -> None:
    new = tokens.create_token(alice, "phone")
    url = reverse("accounts:token_revoke", args=[new.token.pk])
    assert f'href="{url}"' in as_alice.get(TOKENS_URL).content.decode()

    confirm = as_alice.get(url)
    assert confirm.status_code == 200
    assert "Revoke the token “phone”?" in confirm.content.decode()
    assert AccessToken.objects.get().revoked_at is None  # a GET changes nothing

    response = as_alice.post(url, follow=True)
    assert response.redirect_chain == [(TOKENS_URL, 302)]
    html = response.content.decode()
    assert "The token “phone” is revoked" in html
    assert 'data-testid="revoked-tokens"' in html
    assert 'data-testid="live-tokens"' not in html
    assert "None of your tokens lets anything in now" in html
    assert tokens.authenticate(new.secret) is None


def test_revoking_again_is_harmless(as_alice: Client, alice: User) -> None:
    new = tokens.create_token(alice, "phone")
    tokens.revoke(new.token)
    first = AccessToken.objects.get().revoked_at
    url = reverse("accounts:token_revoke", args=[new.token.pk])
    response = as_alice.post(url, follow=True)
    assert "was already revoked" in response.content.decode()
    assert AccessToken.objects.get().revoked_at == first
    assert "no longer lets anything in" in as_alice.get(url).content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_users_token_is_not_found(as_mallory: Client, alice: User, method: str) -> None:
    new = tokens.create_token(alice, "phone")
    url = reverse("accounts:token_revoke", args=[new.token.pk])
    assert getattr(as_mallory, method)(url).status_code == 404
    assert AccessToken.objects.get().revoked_at is None


@pytest.mark.parametrize("pk", ["999999", "9223372036854775808", "99999999999999999999999"])
def test_unknown_and_huge_ids_are_not_found(as_alice: Client, pk: str) -> None:
    assert as_alice.post(f"/accounts/tokens/{pk}/revoke/").status_code == 404


def test_other_methods_are_not_allowed(as_alice: Client, alice: User) -> None:
    new = tokens.create_token(alice, "phone")
    assert as_alice.delete(TOKENS_URL).status_code == 405
    assert as_alice.put(f"/accounts/tokens/{new.token.pk}/revoke/").status_code == 405


def test_every_form_needs_the_csrf_token(alice: User) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    new = tokens.create_token(alice, "phone")
    assert strict.post(TOKENS_URL, {"name": "x", "scope": "read"}).status_code == 403
    assert strict.post(f"/accounts/tokens/{new.token.pk}/revoke/").status_code == 403
    assert AccessToken.objects.count() == 1
    assert AccessToken.objects.get().revoked_at is None
    # Both forms carry it.
    assert 'name="csrfmiddlewaretoken"' in strict.get(TOKENS_URL).content.decode()
    confirm = strict.get(f"/accounts/tokens/{new.token.pk}/revoke/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in confirm


def test_the_list_costs_few_queries(
    as_alice: Client, alice: User, vault: Vault, django_assert_max_num_queries: object
) -> None:
    second = Vault.objects.create(name="Work")
    Membership.objects.create(vault=second, user=alice, role=Role.OWNER)
    for i in range(15):
        tokens.create_token(alice, f"t{i}", TokenScope.READ, vault if i % 2 else second)
    as_alice.get(TOKENS_URL)  # warm the session and shell
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert as_alice.get(TOKENS_URL).status_code == 200
