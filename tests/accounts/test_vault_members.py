"""Vaults and members: the vaults page, one vault's page, and the rules behind them.

alice owns "Alice's people", bob edits it, carol views it, mallory is not in it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse

from aandacht.accounts import members
from aandacht.accounts.members import MemberProblem
from aandacht.accounts.models import Membership, Role, Vault
from aandacht.accounts.services import ensure_personal_vault
from aandacht.people.models import Person
from aandacht.timeline.models import Note

pytestmark = pytest.mark.django_db


def vault_url(vault: Vault, name: str = "accounts:vault", *args: object) -> str:
    return reverse(name, args=[vault.pk, *args])


def role(vault: Vault, user: User) -> str | None:
    return Membership.objects.filter(vault=vault, user=user).values_list("role", flat=True).first()


def messages_of(response: object) -> list[str]:
    return [str(message) for message in response.context["messages"]]  # type: ignore[attr-defined]


# --- The services ---------------------------------------------------------------------------


def test_sharing_adds_then_changes_then_changes_nothing(vault: Vault, mallory: User) -> None:
    assert members.share(vault, mallory, "viewer").outcome == "added"
    assert members.share(vault, mallory, "editor").outcome == "changed"
    assert members.share(vault, mallory, "EDITOR").outcome == "unchanged"
    assert role(vault, mallory) == Role.EDITOR
    assert Membership.objects.filter(vault=vault, user=mallory).count() == 1


def test_a_bad_role_is_refused_with_the_choices(vault: Vault, mallory: User) -> None:
    with pytest.raises(MemberProblem, match="owner, editor or viewer"):
        members.share(vault, mallory, "admin")
    assert role(vault, mallory) is None


def test_the_last_owner_cannot_be_demoted_removed_or_leave(vault: Vault, alice: User) -> None:
    with pytest.raises(MemberProblem, match="last owner"):
        members.set_role(vault, alice, "editor")
    with pytest.raises(MemberProblem, match="last owner"):
        members.remove_member(vault, alice)
    assert role(vault, alice) == Role.OWNER


def test_with_a_second_owner_the_first_may_step_down(vault: Vault, alice: User, bob: User) -> None:
    members.set_role(vault, bob, "owner")
    members.set_role(vault, alice, "viewer")
    assert (role(vault, alice), role(vault, bob)) == (Role.VIEWER, Role.OWNER)
    with pytest.raises(MemberProblem, match="last owner"):
        members.remove_member(vault, bob)


def test_removing_someone_twice_is_harmless(vault: Vault, bob: User) -> None:
    assert members.remove_member(vault, bob) is True
    assert members.remove_member(vault, bob) is False


def test_find_user_by_username_or_email_and_says_who_is_unknown(alice: User) -> None:
    alice.email = "alice@example.org"
    alice.save()
    assert members.find_user("ALICE") == alice
    assert members.find_user(" Alice@Example.org ") == alice
    with pytest.raises(MemberProblem, match="no user “nobody”"):
        members.find_user("nobody")
    with pytest.raises(MemberProblem, match="username or an email"):
        members.find_user("   ")


def test_vault_names_are_checked(alice: User) -> None:
    with pytest.raises(MemberProblem, match="name"):
        members.create_vault(alice, "   ")
    with pytest.raises(MemberProblem, match="at most 120"):
        members.create_vault(alice, "x" * 121)
    vault = members.create_vault(alice, "  The   team ")
    assert vault.name == "The team"
    assert role(vault, alice) == Role.OWNER


# --- The vaults page ------------------------------------------------------------------------


def test_vaults_page_lists_your_vaults_with_role_and_member_count(
    as_carol: Client, vault: Vault, alice: User, bob: User
) -> None:
    response = as_carol.get(reverse("accounts:vaults"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Alice&#x27;s people" in html
    assert "3 members" in html
    assert "view only" in html


def test_creating_a_shared_vault_makes_you_its_owner(as_mallory: Client, mallory: User) -> None:
    response = as_mallory.post(reverse("accounts:vault_create"), {"name": "Fundraising"})
    vault = Vault.objects.get(name="Fundraising")
    assert response["Location"] == vault_url(vault)
    assert role(vault, mallory) == Role.OWNER


def test_a_blank_vault_name_is_shown_as_an_error(as_mallory: Client) -> None:
    response = as_mallory.post(reverse("accounts:vault_create"), {"name": "  "})
    assert response.status_code == 400
    assert not Vault.objects.filter(name="").exists()


# --- One vault ------------------------------------------------------------------------------


def test_every_member_sees_the_member_list(
    as_alice: Client, as_bob: Client, as_carol: Client, vault: Vault
) -> None:
    for client in (as_alice, as_bob, as_carol):
        html = client.get(vault_url(vault)).content.decode()
        assert "alice" in html and "bob" in html and "carol" in html


def test_only_an_owner_sees_the_management_forms(
    as_alice: Client, as_carol: Client, vault: Vault
) -> None:
    assert "Add member" in as_alice.get(vault_url(vault)).content.decode()
    assert "Add member" not in as_carol.get(vault_url(vault)).content.decode()


def test_a_non_member_gets_404_for_every_vault_page(
    as_mallory: Client, vault: Vault, bob: User
) -> None:
    gets = [vault_url(vault), vault_url(vault, "accounts:vault_delete")]
    posts = [
        (vault_url(vault, "accounts:vault_member_add"), {"user": "mallory", "role": "owner"}),
        (vault_url(vault, "accounts:vault_invite"), {"email": "m@example.org", "role": "owner"}),
        (vault_url(vault, "accounts:vault_member_role", bob.pk), {"role": "owner"}),
        (vault_url(vault, "accounts:vault_member_remove", bob.pk), {}),
        (vault_url(vault, "accounts:vault_rename"), {"name": "Mine now"}),
        (vault_url(vault, "accounts:vault_leave"), {}),
        (vault_url(vault, "accounts:vault_delete"), {"confirm": vault.name}),
    ]
    for url in gets:
        assert as_mallory.get(url).status_code == 404, url
    for url, data in posts:
        assert as_mallory.post(url, data).status_code == 404, url
    vault.refresh_from_db()
    assert vault.name == "Alice's people"
    assert role(vault, bob) == Role.EDITOR


def test_editors_and_viewers_get_403_for_every_management_post(
    as_bob: Client, as_carol: Client, vault: Vault, alice: User, mallory: User
) -> None:
    for client in (as_bob, as_carol):
        posts = [
            (vault_url(vault, "accounts:vault_member_add"), {"user": "mallory", "role": "owner"}),
            (vault_url(vault, "accounts:vault_invite"), {"email": "m@ex.org", "role": "owner"}),
            (vault_url(vault, "accounts:vault_member_role", alice.pk), {"role": "viewer"}),
            (vault_url(vault, "accounts:vault_member_remove", alice.pk), {}),
            (vault_url(vault, "accounts:vault_rename"), {"name": "Ours now"}),
            (vault_url(vault, "accounts:vault_delete"), {"confirm": vault.name}),
        ]
        for url, data in posts:
            assert client.post(url, data).status_code == 403, url
        assert client.get(vault_url(vault, "accounts:vault_delete")).status_code == 403
    assert role(vault, mallory) is None
    assert role(vault, alice) == Role.OWNER
    assert Vault.objects.filter(pk=vault.pk, name="Alice's people").exists()


def test_an_owner_adds_an_existing_user_by_email_with_a_role(
    as_alice: Client, vault: Vault, mallory: User
) -> None:
    mallory.email = "mallory@example.org"
    mallory.save()
    response = as_alice.post(
        vault_url(vault, "accounts:vault_member_add"),
        {"user": "MALLORY@example.org", "role": "viewer"},
        follow=True,
    )
    assert role(vault, mallory) == Role.VIEWER
    assert "mallory is now a member of “Alice's people” (viewer)." in messages_of(response)


def test_adding_an_unknown_user_says_so_and_suggests_an_invitation(
    as_alice: Client, vault: Vault
) -> None:
    response = as_alice.post(
        vault_url(vault, "accounts:vault_member_add"),
        {"user": "zed", "role": "viewer"},
        follow=True,
    )
    assert any("needs an invitation by email" in each for each in messages_of(response))
    assert Membership.objects.filter(vault=vault).count() == 1


def test_an_owner_changes_a_role_and_removes_a_member(
    as_alice: Client, vault: Vault, bob: User, carol: User
) -> None:
    as_alice.post(vault_url(vault, "accounts:vault_member_role", carol.pk), {"role": "editor"})
    assert role(vault, carol) == Role.EDITOR
    as_alice.post(vault_url(vault, "accounts:vault_member_remove", bob.pk))
    assert role(vault, bob) is None
    # Repeating the removal: bob is no member now, so the page is a 404 and nothing changes.
    assert (
        as_alice.post(vault_url(vault, "accounts:vault_member_remove", bob.pk)).status_code == 404
    )


def test_a_bad_role_in_the_form_is_a_clear_message(
    as_alice: Client, vault: Vault, carol: User
) -> None:
    response = as_alice.post(
        vault_url(vault, "accounts:vault_member_role", carol.pk), {"role": "king"}, follow=True
    )
    assert any("“king” is not a role" in each for each in messages_of(response))
    assert role(vault, carol) == Role.VIEWER


def test_the_last_owner_cannot_demote_herself_on_the_page(
    as_alice: Client, vault: Vault, alice: User
) -> None:
    response = as_alice.post(
        vault_url(vault, "accounts:vault_member_role", alice.pk), {"role": "viewer"}, follow=True
    )
    assert any("last owner" in each for each in messages_of(response))
    assert role(vault, alice) == Role.OWNER


def test_anyone_may_leave_but_not_the_last_owner(
    as_alice: Client, as_carol: Client, vault: Vault, alice: User, carol: User
) -> None:
    response = as_carol.post(vault_url(vault, "accounts:vault_leave"))
    assert response["Location"] == reverse("accounts:vaults")
    assert role(vault, carol) is None

    response = as_alice.post(vault_url(vault, "accounts:vault_leave"), follow=True)
    assert any("last owner" in each for each in messages_of(response))
    assert role(vault, alice) == Role.OWNER


def test_leaving_keeps_your_private_notes_hidden(
    as_bob: Client, vault: Vault, alice: User, bob: User
) -> None:
    person = Person.objects.create(vault=vault, given_name="Jeroen", family_name="Bakker")
    note = Note.objects.create(vault=vault, person=person, author=bob, body="mine", private=True)
    as_bob.post(vault_url(vault, "accounts:vault_leave"))
    assert not Note.objects.filter(pk=note.pk).visible_to(alice.pk).exists()


def test_renaming_and_a_blank_name(as_alice: Client, vault: Vault) -> None:
    as_alice.post(vault_url(vault, "accounts:vault_rename"), {"name": "The team"})
    vault.refresh_from_db()
    assert vault.name == "The team"
    response = as_alice.post(vault_url(vault, "accounts:vault_rename"), {"name": " "}, follow=True)
    vault.refresh_from_db()
    assert vault.name == "The team"
    assert response.status_code == 200


def test_deleting_needs_the_exact_name(as_alice: Client, vault: Vault) -> None:
    Person.objects.create(vault=vault, given_name="Jeroen", family_name="Bakker")
    page = as_alice.get(vault_url(vault, "accounts:vault_delete"))
    assert page.status_code == 200

    wrong = as_alice.post(vault_url(vault, "accounts:vault_delete"), {"confirm": "alice's people"})
    assert wrong.status_code == 400
    assert "exactly" in wrong.content.decode()
    assert Vault.objects.filter(pk=vault.pk).exists()

    right = as_alice.post(vault_url(vault, "accounts:vault_delete"), {"confirm": vault.name})
    assert right["Location"] == reverse("accounts:vaults")
    assert not Vault.objects.filter(pk=vault.pk).exists()
    assert not Person.objects.filter(family_name="Bakker").exists()


def test_management_needs_csrf(alice: User, vault: Vault) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(vault_url(vault, "accounts:vault_rename"), {"name": "Sneaky"})
    assert response.status_code == 403
    vault.refresh_from_db()
    assert vault.name == "Alice's people"


def test_bad_ids_are_404_not_500(as_alice: Client, vault: Vault) -> None:
    assert as_alice.get(f"/accounts/vaults/{2**70}/").status_code == 404
    assert as_alice.get("/accounts/vaults/abc/").status_code == 404
    assert as_alice.post(vault_url(vault, "accounts:vault_member_role", 2**70)).status_code == 404


def test_vault_switcher_marks_a_shared_read_only_vault(
    as_carol: Client, vault: Vault, carol: User
) -> None:
    ensure_personal_vault(carol)
    html = as_carol.get(reverse("accounts:vaults")).content.decode()
    assert "vault-switcher" in html
    assert html.count("view only") >= 2  # in the switcher and in the list


def test_creating_the_same_vault_twice_makes_one(as_mallory: Client, mallory: User) -> None:
    first = as_mallory.post(reverse("accounts:vault_create"), {"name": "Fundraising"})
    second = as_mallory.post(reverse("accounts:vault_create"), {"name": "fundraising"})
    assert first["Location"] == second["Location"]
    assert Vault.objects.filter(name__iexact="fundraising").count() == 1


# --- With open sign-up, an email address names no one -------------------------------------------


@override_settings(OPEN_SIGNUP=True)
def test_with_open_sign_up_members_are_found_by_username_only(alice: User, mallory: User) -> None:
    """Regression: anyone could sign up with a colleague's address and be added in their place."""
    mallory.email = "alice.colleague@example.org"
    mallory.save()
    with pytest.raises(MemberProblem, match="added by username only"):
        members.find_user("alice.colleague@example.org")
    with pytest.raises(MemberProblem, match="Enter a username."):
        members.find_user("  ")
    with pytest.raises(MemberProblem, match="no user “nobody”"):
        members.find_user("nobody")
    assert members.find_user("MALLORY") == mallory


@override_settings(OPEN_SIGNUP=True)
def test_with_open_sign_up_the_add_form_says_username_only_and_email_is_refused(
    as_alice: Client, vault: Vault, mallory: User
) -> None:
    mallory.email = "mallory@example.org"
    mallory.save()
    page = as_alice.get(vault_url(vault)).content.decode()
    assert "By username only" in page
    response = as_alice.post(
        vault_url(vault, "accounts:vault_member_add"),
        {"user": "mallory@example.org", "role": "viewer"},
        follow=True,
    )
    assert any("added by username only" in each for each in messages_of(response))
    assert role(vault, mallory) is None
    as_alice.post(
        vault_url(vault, "accounts:vault_member_add"), {"user": "mallory", "role": "viewer"}
    )
    assert role(vault, mallory) == Role.VIEWER


def test_without_open_sign_up_the_add_form_takes_an_email_address(
    as_alice: Client, vault: Vault
) -> None:
    page = as_alice.get(vault_url(vault)).content.decode()
    assert "Username or email address" in page and "By username only" not in page


def test_the_last_owner_is_spoken_to_as_you_and_not_offered_leave(
    as_alice: Client, alice: User, vault: Vault
) -> None:
    """Messages about yourself say "you"; the last owner is told why they cannot leave."""
    Membership.objects.filter(vault=vault).exclude(user=alice).delete()
    page = as_alice.get(reverse("accounts:vault", args=[vault.pk])).content.decode()
    assert reverse("accounts:vault_leave", args=[vault.pk]) not in page
    assert "You are the last owner, so you cannot leave" in page
    response = as_alice.post(
        reverse("accounts:vault_member_role", args=[vault.pk, alice.pk]),
        {"role": "editor"},
        follow=True,
    )
    shown = " ".join(str(message) for message in response.context["messages"])
    assert "You are the last owner of “Alice's people”" in shown
    assert "alice is the last owner" not in shown


def test_members_are_named_by_full_name_and_removing_asks_first(
    as_alice: Client, vault: Vault, bob: User, carol: User
) -> None:
    bob.first_name, bob.last_name = "Bob", "de Bouwer"
    bob.save()
    page = as_alice.get(reverse("accounts:vault", args=[vault.pk])).content.decode()
    assert "Bob de Bouwer" in page
    assert "carol</strong>" in page and "carol carol" not in page  # no full name: once
    assert '<details class="confirm">' in page and "Yes, remove" in page
    assert 'name="user"' in page and 'type="email" name="user"' not in page  # name or email
    response = as_alice.post(
        reverse("accounts:vault_member_remove", args=[vault.pk, bob.pk]), follow=True
    )
    shown = " ".join(str(message) for message in response.context["messages"])
    assert "Bob de Bouwer is no longer a member" in shown
