"""The instance owner's users page, creating users, the "choose your password" link, and the
first run not being fooled by inactive users."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from aandacht.accounts.models import Invitation, Membership, Role, Vault
from aandacht.accounts.services import (
    AccountProblem,
    choose_password_tokens,
    create_user,
    ensure_local_owner,
    needs_first_run,
    set_password_link,
)
from mail_server import Inbox

pytestmark = pytest.mark.django_db

USERS = reverse("accounts:users")
GOOD_PASSWORD = "kopje-koffie-om-tien"
SET_PASSWORD = re.compile(r"https?://[^/\s]+(/accounts/set-password/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def owner(alice: User) -> User:
    alice.is_superuser = alice.is_staff = True
    alice.save()
    return alice


def messages_of(response: object) -> list[str]:
    return [str(message) for message in response.context["messages"]]  # type: ignore[attr-defined]


def test_only_the_instance_owner_sees_the_users_page(
    owner: User, as_alice: Client, as_bob: Client, as_mallory: Client, client: Client
) -> None:
    assert as_alice.get(USERS).status_code == 200
    for other in (as_bob, as_mallory):
        assert other.get(USERS).status_code == 404
        assert other.post(reverse("accounts:user_create"), {"username": "x"}).status_code == 404
        assert (
            other.post(reverse("accounts:user_invite"), {"email": "x@example.org"}).status_code
            == 404
        )
    assert client.get(USERS).status_code == 302  # to the sign-in page
    assert not User.objects.filter(username="x").exists()


def test_the_list_shows_users_vault_counts_and_sign_ins(
    owner: User, as_alice: Client, vault: Vault, bob: User, carol: User
) -> None:
    html = as_alice.get(USERS).content.decode()
    for name in ("alice", "bob", "carol"):
        assert name in html
    assert "instance owner" in html
    assert "never" in html  # bob has never signed in


def test_the_users_page_costs_a_fixed_number_of_queries(
    owner: User, as_alice: Client, vault: Vault, django_assert_max_num_queries: object
) -> None:
    for number in range(8):
        create_user(f"user{number}")
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        assert as_alice.get(USERS).status_code == 200


def test_creating_a_user_with_a_password(owner: User, as_alice: Client) -> None:
    response = as_alice.post(
        reverse("accounts:user_create"),
        {"username": "sanne", "email": "Sanne@example.org", "password": GOOD_PASSWORD},
        follow=True,
    )
    sanne = User.objects.get(username="sanne")
    assert sanne.check_password(GOOD_PASSWORD) and sanne.email == "sanne@example.org"
    assert Membership.objects.get(user=sanne).role == Role.OWNER
    assert "sanne can sign in now." in messages_of(response)


def test_creating_a_user_without_a_password_emails_a_one_time_link(
    owner: User, as_alice: Client, mailbox: Inbox, client: Client
) -> None:
    response = as_alice.post(
        reverse("accounts:user_create"),
        {"username": "sanne", "email": "sanne@example.org", "password": ""},
        follow=True,
    )
    sanne = User.objects.get(username="sanne")
    assert not sanne.has_usable_password()
    assert any("We emailed them a link" in each for each in messages_of(response))
    assert mailbox.recipients == [["sanne@example.org"]]
    body = mailbox.messages[0].get_body(preferencelist=("plain",))
    assert body is not None
    found = SET_PASSWORD.search(body.get_content())
    assert found is not None
    link = found.group(1)

    form = client.get(link, follow=True)
    assert "Your username is sanne." in form.content.decode()
    chosen = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    assert chosen.status_code == 302
    sanne.refresh_from_db()
    assert sanne.check_password(GOOD_PASSWORD)
    assert client.session["_auth_user_id"] == str(sanne.pk)

    again = Client().get(link, follow=True)
    assert "This link does not work any more" in again.content.decode()


def test_duplicate_username_and_email_are_refused_with_the_reason(
    owner: User, as_alice: Client, bob: User
) -> None:
    bob.email = "bob@example.org"
    bob.save()
    taken = as_alice.post(reverse("accounts:user_create"), {"username": "BOB"})
    assert taken.status_code == 400
    assert "The username “BOB” is taken; choose another." in taken.content.decode()
    same_email = as_alice.post(
        reverse("accounts:user_create"), {"username": "robert", "email": "BOB@example.org"}
    )
    assert "There is already an account with the email address bob@example.org." in (
        same_email.content.decode()
    )
    bad = as_alice.post(reverse("accounts:user_create"), {"username": "has space"})
    assert "no spaces" in bad.content.decode()
    weak = as_alice.post(
        reverse("accounts:user_create"), {"username": "robert", "password": "12345678"}
    )
    assert "This password is entirely numeric." in weak.content.decode()
    assert not User.objects.filter(username__in=["robert", "has space"]).exists()


def test_inviting_from_the_users_page_without_a_vault(
    owner: User, as_alice: Client, mailbox: Inbox
) -> None:
    response = as_alice.post(
        reverse("accounts:user_invite"),
        {"email": "sanne@example.org", "vault": "", "role": "editor"},
        follow=True,
    )
    invitation = Invitation.objects.get()
    assert invitation.vault is None
    assert any("/accounts/invitation/" in each for each in messages_of(response))
    assert "sanne@example.org" in as_alice.get(USERS).content.decode()


def test_inviting_into_someone_elses_vault_from_the_users_page_is_not_possible(
    owner: User, as_alice: Client, other_vault: Vault, mailbox: Inbox
) -> None:
    response = as_alice.post(
        reverse("accounts:user_invite"),
        {"email": "sanne@example.org", "vault": str(other_vault.pk), "role": "owner"},
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_every_new_user_gets_a_personal_vault() -> None:
    user = create_user("sanne", email="sanne@example.org")
    assert Vault.objects.get(memberships__user=user, memberships__role=Role.OWNER).name == (
        "Personal"
    )
    with pytest.raises(AccountProblem, match="taken"):
        create_user("Sanne")


# --- The first run ------------------------------------------------------------------------


def test_inactive_users_do_not_end_the_first_run(db: None) -> None:
    owner = ensure_local_owner()
    for name in ("demo-sanne", "demo-pieter"):
        teammate = User(username=name, is_active=False)
        teammate.set_unusable_password()
        teammate.save()
    assert needs_first_run()
    assert ensure_local_owner() == owner
    owner.set_password(GOOD_PASSWORD)
    owner.save()
    assert not needs_first_run()


def test_an_inactive_user_created_first_is_never_the_local_owner(db: None) -> None:
    teammate = User(username="demo-sanne", is_active=False, is_superuser=True)
    teammate.set_unusable_password()
    teammate.save()
    active = User.objects.create_user("marieke")
    assert ensure_local_owner() == active


def test_users_still_waiting_for_their_password_do_not_end_the_first_run(db: None) -> None:
    owner = ensure_local_owner()
    create_user("anna", email="anna@example.org")  # `aandacht user add` without a password
    assert needs_first_run()
    assert ensure_local_owner() == owner
    create_user("bert", password=GOOD_PASSWORD)
    assert not needs_first_run()


# --- The choose-password link is not a password-reset link ------------------------------------


def choose_link(user: User) -> str:
    found = SET_PASSWORD.search(set_password_link(user))
    assert found is not None
    return found.group(1)


def test_a_password_reset_token_does_not_open_the_choose_password_page(
    alice: User, client: Client
) -> None:
    """Regression: the reset email's uid/token signed a user in here, skipping two-factor."""
    waiting = create_user("sanne")
    uid = urlsafe_base64_encode(force_bytes(waiting.pk))
    token = default_token_generator.make_token(waiting)
    response = client.get(reverse("accounts:choose_password", args=[uid, token]), follow=True)
    assert response.status_code == 404
    assert "This link does not work any more" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_user_with_a_password_is_refused_even_with_a_valid_looking_token(
    bob: User, client: Client
) -> None:
    uid = urlsafe_base64_encode(force_bytes(bob.pk))
    for token in (
        default_token_generator.make_token(bob),
        choose_password_tokens.make_token(bob),
    ):
        response = client.get(reverse("accounts:choose_password", args=[uid, token]), follow=True)
        assert response.status_code == 404
        assert "This link does not work any more" in response.content.decode()
        posted = client.post(
            reverse("accounts:choose_password", args=[uid, "choose-password"]),
            {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
        )
        assert posted.status_code == 404
    bob.refresh_from_db()
    assert not bob.check_password(GOOD_PASSWORD)
    assert "_auth_user_id" not in client.session


def test_a_choose_password_token_does_not_reset_a_password(db: None) -> None:
    waiting = create_user("sanne")
    token = choose_password_tokens.make_token(waiting)
    assert not default_token_generator.check_token(waiting, token)


def test_a_user_with_two_factor_chooses_a_password_but_is_not_signed_in(
    alice: User, client: Client
) -> None:
    waiting = create_user("sanne")
    TOTPDevice.objects.create(user=waiting, name="phone", confirmed=True)
    form = client.get(choose_link(waiting), follow=True)
    assert form.status_code == 200
    chosen = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    assert chosen.status_code == 302
    assert chosen["Location"] == reverse("accounts:login")
    waiting.refresh_from_db()
    assert waiting.check_password(GOOD_PASSWORD)
    assert "_auth_user_id" not in client.session


def test_choose_password_links_last_three_days_not_the_reset_hour(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    waiting = create_user("sanne")
    made = dt.datetime.now()
    token = choose_password_tokens.make_token(waiting)
    monkeypatch.setattr(choose_password_tokens, "_now", lambda: made + dt.timedelta(days=2))
    assert choose_password_tokens.check_token(waiting, token)
    monkeypatch.setattr(
        choose_password_tokens, "_now", lambda: made + dt.timedelta(days=3, minutes=1)
    )
    assert not choose_password_tokens.check_token(waiting, token)


@pytest.mark.parametrize("token", ["", "nonsense", "-", "zzzzzzzzzzzzzzzzz-abc", "1-abc-def"])
def test_malformed_choose_password_tokens_are_refused(db: None, token: str) -> None:
    assert not choose_password_tokens.check_token(create_user("sanne"), token)


def test_without_a_base_url_the_choose_password_link_uses_the_requests_host(
    owner: User, as_alice: Client, settings: object
) -> None:
    settings.BASE_URL = ""  # type: ignore[attr-defined]
    response = as_alice.post(
        reverse("accounts:user_create"),
        {"username": "joost", "email": "joost@example.org", "password": ""},
        HTTP_HOST="testserver:8765",
        follow=True,
    )
    shown = " ".join(messages_of(response))
    assert "http://testserver:8765/accounts/set-password/" in shown
    assert "127.0.0.1:8000" not in shown


def test_email_fields_are_email_inputs_and_the_table_labels_its_cells(
    owner: User, as_alice: Client
) -> None:
    html = as_alice.get(USERS).content.decode()
    assert html.count('type="email"') == 2  # invite and create
    assert 'data-label="Last signed in"' in html and 'data-label="Two-factor"' in html
