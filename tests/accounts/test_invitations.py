"""Invitations by email: sent through a real SMTP server, accepted once, only a digest stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aandacht.accounts import invitations
from aandacht.accounts.models import Invitation, Membership, Role, Vault
from aandacht.accounts.services import AccountProblem
from mail_server import Inbox

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "kopje-koffie-om-tien"
LINK = re.compile(r"https://crm\.example\.org/accounts/invitation/([A-Za-z0-9_\-]+)/")


@pytest.fixture
def owner(alice: User) -> User:
    alice.is_superuser = alice.is_staff = True
    alice.first_name = "Alice"
    alice.save()
    return alice


def text_and_html(message: object) -> tuple[str, str]:
    from email.message import EmailMessage

    assert isinstance(message, EmailMessage)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def secret_from(mailbox: Inbox, index: int = -1) -> str:
    text, html = text_and_html(mailbox.messages[index])
    found = LINK.search(text)
    assert found is not None, text
    assert found.group(0) in html
    return found.group(1)


def invite_by_page(client: Client, vault: Vault, email: str, role: str = "editor") -> None:
    response = client.post(
        reverse("accounts:vault_invite", args=[vault.pk]), {"email": email, "role": role}
    )
    assert response.status_code == 302


def test_an_invitation_email_goes_out_with_a_link_and_only_a_digest_is_stored(
    owner: User, as_alice: Client, vault: Vault, mailbox: Inbox
) -> None:
    invite_by_page(as_alice, vault, "Sanne@Example.org", "viewer")

    assert mailbox.recipients == [["sanne@example.org"]]
    message = mailbox.messages[0]
    assert message["Subject"].strip() == "Alice invites you to “Alice's people” in Aandacht"
    text, html = text_and_html(message)
    assert "as viewer" in text and "as viewer" in html
    secret = secret_from(mailbox)
    invitation = Invitation.objects.get()
    assert invitation.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(Invitation.objects.values_list().get())
    assert (invitation.email, invitation.role, invitation.vault) == (
        "sanne@example.org",
        Role.VIEWER,
        vault,
    )


def test_accepting_creates_the_account_the_membership_and_signs_in(
    owner: User, as_alice: Client, vault: Vault, mailbox: Inbox, client: Client
) -> None:
    invite_by_page(as_alice, vault, "sanne@example.org", "viewer")
    url = reverse("accounts:invitation", args=[secret_from(mailbox)])

    page = client.get(url)
    assert page.status_code == 200
    assert (
        "Alice invites you to the vault “Alice&#x27;s people”, as viewer." in page.content.decode()
    )

    response = client.post(
        url, {"username": "sanne", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    sanne = User.objects.get(username="sanne")
    assert response["Location"] == f"{reverse('web:home')}?vault={vault.pk}"
    assert client.session["_auth_user_id"] == str(sanne.pk)
    assert sanne.email == "sanne@example.org"
    assert sanne.check_password(GOOD_PASSWORD)
    assert Membership.objects.get(user=sanne, vault=vault).role == Role.VIEWER
    assert Membership.objects.get(user=sanne, vault__name="Personal").role == Role.OWNER
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == sanne and invitation.accepted_at is not None


def test_the_link_works_once(
    owner: User, as_alice: Client, vault: Vault, mailbox: Inbox, client: Client
) -> None:
    invite_by_page(as_alice, vault, "sanne@example.org")
    url = reverse("accounts:invitation", args=[secret_from(mailbox)])
    data = {"username": "sanne", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    client.post(url, data)

    again = Client().post(url, {**data, "username": "sanne2"})
    assert again.status_code == 410
    assert "This invitation has been used" in again.content.decode()
    assert not User.objects.filter(username="sanne2").exists()


def test_an_expired_link_says_so(
    owner: User, as_alice: Client, vault: Vault, mailbox: Inbox, client: Client
) -> None:
    invite_by_page(as_alice, vault, "sanne@example.org")
    url = reverse("accounts:invitation", args=[secret_from(mailbox)])
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        response = client.get(url)
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    assert "Ask Alice to send you a new one." in response.content.decode()


def test_a_revoked_or_unknown_link_is_a_clear_404(
    owner: User, as_alice: Client, vault: Vault, mailbox: Inbox, client: Client
) -> None:
    invite_by_page(as_alice, vault, "sanne@example.org")
    url = reverse("accounts:invitation", args=[secret_from(mailbox)])
    invitation = Invitation.objects.get()
    response = as_alice.post(reverse("accounts:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 302
    assert not Invitation.objects.exists()

    gone = client.get(url)
    assert gone.status_code == 404
    assert "This invitation link does not work" in gone.content.decode()
    assert client.get(reverse("accounts:invitation", args=["x" * 300])).status_code == 404


def test_resending_replaces_the_link(
    owner: User, as_alice: Client, vault: Vault, mailbox: Inbox, client: Client
) -> None:
    invite_by_page(as_alice, vault, "sanne@example.org")
    first = secret_from(mailbox)
    invitation = Invitation.objects.get()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        as_alice.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    second = secret_from(mailbox)
    assert first != second and len(mailbox.messages) == 2
    assert client.get(reverse("accounts:invitation", args=[first])).status_code == 404
    assert client.get(reverse("accounts:invitation", args=[second])).status_code == 200


def test_inviting_the_same_address_again_keeps_one_invitation(
    owner: User, as_alice: Client, vault: Vault, mailbox: Inbox
) -> None:
    invite_by_page(as_alice, vault, "sanne@example.org")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        invite_by_page(as_alice, vault, "SANNE@example.org", "viewer")
    assert Invitation.objects.get().role == Role.VIEWER
    assert len(mailbox.messages) == 2


def test_weak_password_or_taken_username_creates_nothing_and_keeps_the_link(
    owner: User, as_alice: Client, vault: Vault, mailbox: Inbox, client: Client
) -> None:
    invite_by_page(as_alice, vault, "sanne@example.org")
    url = reverse("accounts:invitation", args=[secret_from(mailbox)])

    weak = client.post(url, {"username": "sanne", "password1": "12345678", "password2": "12345678"})
    assert weak.status_code == 400
    assert "This password is entirely numeric." in weak.content.decode()
    taken = client.post(
        url, {"username": "Alice", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    assert taken.status_code == 400
    assert "The username “Alice” is taken; choose another." in taken.content.decode()
    assert not User.objects.filter(username="sanne").exists()
    assert Invitation.objects.get().accepted_at is None
    assert client.get(url).status_code == 200


def test_a_signed_in_user_joins_with_their_own_account(
    owner: User, as_alice: Client, vault: Vault, mailbox: Inbox, as_mallory: Client, mallory: User
) -> None:
    invite_by_page(as_alice, vault, "mallory@example.org", "editor")
    url = reverse("accounts:invitation", args=[secret_from(mailbox)])
    users_before = User.objects.count()

    assert "Accept and join" in as_mallory.get(url).content.decode()
    response = as_mallory.post(url)
    assert response.status_code == 302
    assert User.objects.count() == users_before
    assert Membership.objects.get(user=mallory, vault=vault).role == Role.EDITOR


def test_the_invited_vault_must_be_the_inviters_and_the_role_valid(
    owner: User, vault: Vault, other_vault: Vault, mailbox: Inbox
) -> None:
    with pytest.raises(AccountProblem, match="not an email address"):
        invitations.invite(owner, "not-an-address", vault=vault)
    with pytest.raises(ValueError, match="not a role"):
        invitations.invite(owner, "x@example.org", vault=vault, role="boss")
    assert not Invitation.objects.exists()
    assert mailbox.messages == []


def test_when_the_mail_server_refuses_nothing_is_saved(
    owner: User, as_alice: Client, vault: Vault, mailbox: Inbox
) -> None:
    mailbox.refuse = True
    response = as_alice.post(
        reverse("accounts:vault_invite", args=[vault.pk]),
        {"email": "sanne@example.org", "role": "editor"},
        follow=True,
    )
    assert any("could not be sent" in str(each) for each in response.context["messages"])
    assert not Invitation.objects.exists()


def test_only_the_vaults_owner_or_the_instance_owner_manage_an_invitation(
    owner: User,
    as_alice: Client,
    as_bob: Client,
    as_mallory: Client,
    vault: Vault,
    mailbox: Inbox,
) -> None:
    invite_by_page(as_alice, vault, "sanne@example.org")
    invitation = Invitation.objects.get()
    for client in (as_bob, as_mallory):
        for name in ("accounts:invitation_resend", "accounts:invitation_revoke"):
            assert client.post(reverse(name, args=[invitation.pk])).status_code == 404
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert len(mailbox.messages) == 1


def test_the_accept_form_needs_csrf(
    owner: User, as_alice: Client, vault: Vault, mailbox: Inbox
) -> None:
    invite_by_page(as_alice, vault, "sanne@example.org")
    url = reverse("accounts:invitation", args=[secret_from(mailbox)])
    client = Client(enforce_csrf_checks=True)
    data = {"username": "sanne", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    assert client.post(url, data).status_code == 403
    assert not User.objects.filter(username="sanne").exists()


def test_the_inviter_opening_their_own_link_does_not_use_it(
    owner: User, as_alice: Client, vault: Vault, mailbox: Inbox
) -> None:
    invite_by_page(as_alice, vault, "sanne@example.org")
    url = reverse("accounts:invitation", args=[secret_from(mailbox)])
    assert "It still works for them" in as_alice.get(url).content.decode()
    refused = as_alice.post(url)
    assert refused.status_code == 400
    assert "This is your own invitation" in refused.content.decode()
    assert Invitation.objects.get().accepted_at is None


# --- Who may invite, and how often ------------------------------------------------------------


def messages_after(response: object) -> list[str]:
    return [str(each) for each in response.context["messages"]]  # type: ignore[attr-defined]


def test_a_vault_owner_who_is_not_the_instance_owner_cannot_invite_strangers(
    owner: User, mallory: User, as_mallory: Client, other_vault: Vault, mailbox: Inbox
) -> None:
    """Regression: every user owns a personal vault, so anyone could invite (and make accounts)
    by email while open sign-up was off."""
    page = as_mallory.get(reverse("accounts:vault", args=[other_vault.pk])).content.decode()
    assert "Only the instance owner can invite someone who has no account yet" in page
    assert "Send invitation" not in page
    response = as_mallory.post(
        reverse("accounts:vault_invite", args=[other_vault.pk]),
        {"email": "stranger@example.org", "role": "editor"},
        follow=True,
    )
    assert any("Only the instance owner can invite" in each for each in messages_after(response))
    with pytest.raises(AccountProblem, match="Only the instance owner"):
        invitations.invite(mallory, "stranger@example.org")
    assert not Invitation.objects.exists()
    assert mailbox.messages == []


def test_with_open_sign_up_any_vault_owner_may_invite(
    owner: User, as_mallory: Client, other_vault: Vault, mailbox: Inbox, settings: object
) -> None:
    settings.OPEN_SIGNUP = True  # type: ignore[attr-defined]
    page = as_mallory.get(reverse("accounts:vault", args=[other_vault.pk])).content.decode()
    assert "Send invitation" in page
    invite_by_page(as_mallory, other_vault, "stranger@example.org")
    assert Invitation.objects.get().vault == other_vault
    assert mailbox.recipients == [["stranger@example.org"]]


def test_resending_needs_the_right_to_invite(
    owner: User, mallory: User, vault: Vault, mailbox: Inbox
) -> None:
    invitation, _secret = invitations.invite(owner, "sanne@example.org", vault=vault)
    Membership.objects.create(vault=vault, user=mallory, role=Role.OWNER)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        with pytest.raises(AccountProblem, match="Only the instance owner"):
            invitations.resend(invitation, mallory)
    assert len(mailbox.messages) == 1


def test_an_invitation_is_emailed_at_most_once_a_minute(
    owner: User, as_alice: Client, vault: Vault, mailbox: Inbox
) -> None:
    invite_by_page(as_alice, vault, "sanne@example.org")
    invitation = Invitation.objects.get()
    response = as_alice.post(
        reverse("accounts:invitation_resend", args=[invitation.pk]), follow=True
    )
    assert any("less than a minute ago" in each for each in messages_after(response))
    with pytest.raises(AccountProblem, match="less than a minute ago"):
        invitations.invite(owner, "sanne@example.org", vault=vault)
    assert len(mailbox.messages) == 1


def test_at_most_twenty_invitations_an_hour(owner: User, mailbox: Inbox) -> None:
    for number in range(invitations.INVITATIONS_PER_HOUR):
        invitations.invite(owner, f"person{number}@example.org")
    with pytest.raises(AccountProblem, match="20 invitations in the last hour"):
        invitations.invite(owner, "one-more@example.org")
    assert Invitation.objects.count() == invitations.INVITATIONS_PER_HOUR
    assert len(mailbox.messages) == invitations.INVITATIONS_PER_HOUR
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=61)):
        invitations.invite(owner, "one-more@example.org")
    assert len(mailbox.messages) == invitations.INVITATIONS_PER_HOUR + 1


def test_without_a_base_url_links_use_the_requests_own_host(
    owner: User, as_alice: Client, vault: Vault, mailbox: Inbox, settings: object
) -> None:
    """The server may run on any port (make run PORT=8765): no hard-coded 127.0.0.1:8000."""
    settings.BASE_URL = ""  # type: ignore[attr-defined]
    settings.ALLOWED_HOSTS = ["testserver"]  # type: ignore[attr-defined]
    response = as_alice.post(
        reverse("accounts:vault_invite", args=[vault.pk]),
        {"email": "sanne@example.org", "role": "editor"},
        HTTP_HOST="testserver:8765",
        follow=True,
    )
    shown = " ".join(str(message) for message in response.context["messages"])
    assert "http://testserver:8765/accounts/invitation/" in shown
    assert "We sent an invitation to sanne@example.org" in shown
    text, html = text_and_html(mailbox.messages[0])
    assert "http://testserver:8765/accounts/invitation/" in text
    assert "127.0.0.1:8000" not in text + html + shown


def test_without_a_mail_server_the_page_does_not_claim_it_sent_anything(
    owner: User, as_alice: Client, vault: Vault, settings: object
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # type: ignore[attr-defined]
    response = as_alice.post(
        reverse("accounts:user_invite"),
        {"email": "joost@example.org", "role": "editor"},
        follow=True,
    )
    shown = " ".join(str(message) for message in response.context["messages"])
    assert "We sent" not in shown
    assert "no email was sent" in shown and "Pass this link on to them yourself" in shown
    assert "http://testserver/accounts/invitation/" in shown
