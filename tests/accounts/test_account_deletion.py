"""Deleting an account: exactly what the rules say goes, nothing of anyone else.

Rules (docs/your-account.md): vaults where the user is the only member go with everything in
them; a shared vault whose only owner they are blocks; in shared vaults their private notes,
moments and card list go while shared entries stay without an author; tokens, sessions,
two-factor devices, settings, invitations, suggestions, digests and imports go; the last
superuser of an instance with other users cannot leave. Only *active* users count: inactive
accounts (the demo's teammates) neither make a vault shared nor keep the last superuser.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from account_world import World, build_world, rows_referring_to, snapshot
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from aandacht.accounts import account_data
from aandacht.accounts.models import Membership, Role, SignedInSession, Vault
from aandacht.attention.models import Circle
from aandacht.cards.models import Card, CardStatus
from aandacht.exchange import json_document
from aandacht.exchange.models import ImportJob
from aandacht.people.models import Person
from aandacht.rounds.models import CheckInRound, CheckInStep
from aandacht.timeline.models import FollowUp, Interaction, Moment, Note

DELETE = reverse("accounts:delete")
LOGIN = reverse("accounts:login")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # Argon2 is slow on purpose; these tests are about data, not about hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(
    alice: User, bob: User, carol: User, mallory: User, vault: Vault, other_vault: Vault
) -> World:
    return build_world(alice, bob, carol, mallory, vault, other_vault)


def sign_in(username: str) -> Client:
    """A signed-in browser (``force_login``: the world's users have two-factor sign-in on)."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def confirm(client: Client, username: str, password: str | None = None) -> Any:
    return client.post(
        DELETE, {"username": username, "password": password or f"{username}-secret-pw"}
    )


def media_files(settings: Any) -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


# --- the plan ---------------------------------------------------------------------------------


def test_the_plan_names_what_goes_and_what_stays(world: World) -> None:
    plan = account_data.plan_deletion(world.bob)

    assert [facts.vault for facts in plan.deleted_vaults] == [world.bob_alone]
    assert plan.deleted_vaults[0].people == 1
    assert [facts.vault for facts in plan.left_vaults] == [world.shared]
    assert plan.left_vaults[0].private_entries == 2  # a private note and a private moment
    assert plan.sole_owner_vaults == []
    assert plan.tokens == 1
    assert plan.two_factor is True
    assert plan.invitations == 1
    assert not plan.blocked


def test_the_only_owner_of_a_shared_vault_is_blocked(world: World) -> None:
    plan = account_data.plan_deletion(world.alice)

    assert plan.sole_owner_vaults == [world.shared]
    assert plan.blocked
    assert "only owner of the shared vault “Alice's people”" in plan.reasons()[0]


def test_a_second_owner_unblocks(world: World) -> None:
    Membership.objects.filter(vault=world.shared, user=world.bob).update(role=Role.OWNER)

    assert not account_data.plan_deletion(world.alice).blocked


def test_the_last_superuser_with_other_users_is_blocked(world: World) -> None:
    User.objects.filter(pk=world.carol.pk).update(is_superuser=True)
    world.carol.refresh_from_db()

    plan = account_data.plan_deletion(world.carol)

    assert plan.last_superuser
    assert "last administrator" in plan.reasons()[0]
    with pytest.raises(account_data.DeletionBlocked):
        account_data.delete_account(world.carol)
    assert User.objects.filter(pk=world.carol.pk).exists()


def test_a_superuser_may_leave_when_another_remains(world: World) -> None:
    User.objects.filter(pk__in=[world.carol.pk, world.mallory.pk]).update(is_superuser=True)
    world.carol.refresh_from_db()

    assert not account_data.plan_deletion(world.carol).blocked


def test_the_only_user_of_an_instance_may_leave(alice: User) -> None:
    User.objects.filter(pk=alice.pk).update(is_superuser=True)
    alice.refresh_from_db()

    account_data.delete_account(alice)

    assert not User.objects.exists()


# --- the deletion itself ----------------------------------------------------------------------


def test_deleting_bob_removes_exactly_his_data(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    bob = world.bob
    sign_in("bob")
    bob_client = sign_in("bob")
    sign_in("alice")
    before = snapshot()
    files_before = media_files(settings)
    shared_by_bob = {
        Note: set(
            Note.objects.filter(author=bob, vault=world.shared, private=False).values_list(
                "pk", flat=True
            )
        ),
        Moment: set(
            Moment.objects.filter(author=bob, vault=world.shared, private=False).values_list(
                "pk", flat=True
            )
        ),
        Interaction: set(
            Interaction.objects.filter(author=bob, vault=world.shared).values_list("pk", flat=True)
        ),
        FollowUp: set(
            FollowUp.objects.filter(author=bob, vault=world.shared).values_list("pk", flat=True)
        ),
        CheckInRound: set(CheckInRound.objects.filter(author=bob).values_list("pk", flat=True)),
        CheckInStep: set(CheckInStep.objects.filter(done_by=bob).values_list("pk", flat=True)),
    }
    sent_card = Card.objects.get(author=bob, status=CardStatus.SENT)
    bob_sessions = set(
        SignedInSession.objects.filter(user=bob).values_list("session_key", flat=True)
    )
    bobs_circles = set(Circle.objects.filter(vault=world.bob_alone).values_list("pk", flat=True))
    bobs_photo = world.bobs_friend.photo.name
    bobs_upload = ImportJob.objects.get(user=bob).upload.name

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(bob_client, "bob")

    assert response.status_code == 200
    assert "Goodbye" in response.content.decode()
    after = snapshot()
    # Nothing points at bob any more.
    assert rows_referring_to(bob) == {}
    assert not User.objects.filter(pk=bob.pk).exists()
    # His own vault is gone with everything in it; nothing else of anyone's was lost.
    assert not Vault.objects.filter(pk=world.bob_alone.pk).exists()
    assert not Person.objects.filter(vault_id=world.bob_alone.pk).exists()
    lost = {label: before[label] - after[label] for label in before if before[label] - after[label]}
    expected_lost_labels = {
        "auth.User",
        "accounts.Vault",
        "accounts.Membership",
        "accounts.Preference",
        "accounts.AccessToken",
        "accounts.Invitation",
        "accounts.SignedInSession",
        "attention.AgendaSettings",
        "attention.AppreciationNudge",
        "attention.DigestSent",
        "attention.Rhythm",
        "attention.Circle",
        "cards.Card",
        "cards.SeasonSettings",
        "exchange.ImportJob",
        "otp_totp.TOTPDevice",
        "otp_static.StaticDevice",
        "otp_static.StaticToken",
        "people.Person",
        "timeline.Interaction",
        "timeline.Interaction_people",
        "timeline.Note",
        "timeline.Moment",
        "sessions.Session",
        "axes.AccessLog",  # his successful sign-ins, recorded by username
    }
    assert set(lost) <= expected_lost_labels, set(lost) - expected_lost_labels
    # Every lost row was bob's: count what went per model.
    assert len(lost["auth.User"]) == 1
    assert lost["accounts.Vault"] == {world.bob_alone.pk}
    assert len(lost["accounts.Membership"]) == 2  # his own vault, Alice's people
    assert len(lost["people.Person"]) == 1
    assert lost.get("attention.Circle", set()) == bobs_circles
    assert len(lost["timeline.Note"]) == 3  # two in his vault, one private in Alice's
    assert len(lost["timeline.Moment"]) == 2  # one in his vault, one private in Alice's
    assert len(lost["timeline.Interaction"]) == 1  # the call in his own vault
    assert len(lost["cards.Card"]) == 1  # this year's draft; the sent card stays
    assert len(lost["accounts.AccessToken"]) == 1
    assert len(lost["accounts.Invitation"]) == 1
    assert len(lost["accounts.SignedInSession"]) == 2
    assert len(lost["sessions.Session"]) == 2
    assert len(lost["otp_totp.TOTPDevice"]) == 1
    assert len(lost["otp_static.StaticDevice"]) == 1
    assert len(lost["exchange.ImportJob"]) == 1
    assert not Session.objects.filter(session_key__in=bob_sessions).exists()
    # What he shared with the team stays, without an author.
    for model, pks in shared_by_bob.items():
        assert pks, model
        assert model._default_manager.filter(pk__in=pks).count() == len(pks), model
    assert not Note.objects.filter(private=True, author__isnull=True).exists()
    assert not Moment.objects.filter(private=True, author__isnull=True).exists()
    sent_card.refresh_from_db()
    assert sent_card.author is None
    assert sent_card.text == ""
    # His files left the storage; everyone else's are still there.
    files_after = media_files(settings)
    assert files_before - files_after == {bobs_photo, bobs_upload}


def test_others_keep_everything(world: World) -> None:
    alice, carol, mallory = world.alice, world.carol, world.mallory
    referring = {user.username: rows_referring_to(user) for user in (alice, carol, mallory)}
    people = Person.objects.exclude(vault=world.bob_alone).count()

    account_data.delete_account(world.bob)

    assert {user.username: rows_referring_to(user) for user in (alice, carol, mallory)} == (
        referring
    )
    assert Person.objects.count() == people
    assert Note.objects.filter(author=alice, private=True).exists()
    assert Note.objects.filter(author=carol, private=True).exists()


def test_after_making_bob_owner_alice_can_leave_and_the_team_keeps_the_vault(
    world: World,
) -> None:
    Membership.objects.filter(vault=world.shared, user=world.bob).update(role=Role.OWNER)
    anna_notes = Note.objects.filter(person=world.anna, private=False).count()

    account_data.delete_account(world.alice)

    assert Vault.objects.filter(pk=world.shared.pk).exists()
    assert not Vault.objects.filter(pk=world.alice_alone.pk).exists()
    assert Note.objects.filter(person=world.anna, private=False).count() == anna_notes
    assert not Note.objects.filter(person=world.anna, body__contains="alice keeps").exists()
    assert set(world.shared.memberships.values_list("user__username", flat=True)) == {
        "bob",
        "carol",
    }


def test_a_blocked_deletion_changes_nothing(world: World) -> None:
    before = snapshot()

    with pytest.raises(account_data.DeletionBlocked) as blocked:
        account_data.delete_account(world.alice)

    assert blocked.value.reasons
    assert snapshot() == before


def test_a_failure_halfway_rolls_everything_back(
    world: World, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    before = snapshot()
    files = media_files(settings)

    def fail(user: User) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(account_data, "_forget_sign_in_records", fail)
    with pytest.raises(RuntimeError):
        account_data.delete_account(world.bob)

    assert snapshot() == before
    assert media_files(settings) == files


def test_failed_sign_ins_under_the_name_are_forgotten(world: World) -> None:
    Client().post(LOGIN, {"username": "bob", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="bob").exists()

    account_data.delete_account(world.bob)

    assert not AccessAttempt.objects.filter(username="bob").exists()


# --- the page ---------------------------------------------------------------------------------


def test_the_page_lists_what_will_happen(world: World) -> None:
    page = sign_in("bob").get(DELETE)

    assert page.status_code == 200
    text = page.content.decode()
    assert "Bob&#x27;s own" in text
    assert "Alice&#x27;s people" in text
    assert "2 private entries deleted" in text
    assert "1 access token is revoked" in text
    assert "two-factor" in text
    assert 'name="password"' in text


def test_the_only_owner_sees_why_and_no_form(world: World) -> None:
    page = sign_in("alice").get(DELETE)

    text = page.content.decode()
    assert "Not possible yet" in text
    assert "only owner" in text
    assert 'name="password"' not in text


def test_posting_while_blocked_is_a_409_and_deletes_nothing(world: World) -> None:
    client = sign_in("alice")

    response = confirm(client, "alice")

    assert response.status_code == 409
    assert User.objects.filter(username="alice").exists()


def test_a_wrong_password_is_refused(world: World) -> None:
    client = sign_in("bob")

    response = confirm(client, "bob", "not-my-password")

    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(username="bob").exists()


def test_someone_elses_username_is_refused(world: World) -> None:
    client = sign_in("bob")

    response = confirm(client, "carol", "bob-secret-pw")

    assert response.status_code == 400
    assert "Type your own username, bob, exactly." in response.content.decode()
    assert User.objects.filter(username="bob").exists()
    assert User.objects.filter(username="carol").exists()


def test_an_empty_form_is_refused_with_messages(world: World) -> None:
    client = sign_in("bob")

    response = client.post(DELETE, {})

    assert response.status_code == 400
    assert response.content.decode().count("This field is required.") == 2


def test_deleting_needs_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.bob)

    response = confirm(client, "bob")

    assert response.status_code == 403
    assert User.objects.filter(username="bob").exists()


def test_deleting_needs_a_sign_in(world: World) -> None:
    response = Client().post(DELETE, {"username": "bob", "password": "bob-secret-pw"})

    assert response.status_code == 302
    assert User.objects.filter(username="bob").exists()


def test_other_methods_are_refused(world: World) -> None:
    client = sign_in("bob")

    assert client.put(DELETE).status_code == 405
    assert client.delete(DELETE).status_code == 405


def test_after_deleting_every_device_is_signed_out(world: World) -> None:
    phone = sign_in("bob")
    laptop = sign_in("bob")

    confirm(laptop, "bob")

    for client in (phone, laptop):
        response = client.get(reverse("accounts:sessions"))
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
    assert not SignedInSession.objects.filter(user__username="bob").exists()
    assert sign_in_fails("bob")


def sign_in_fails(username: str) -> bool:
    response = Client().post(LOGIN, {"username": username, "password": f"{username}-secret-pw"})
    return response.status_code == 200


def test_the_account_page_links_here(world: World) -> None:
    assert DELETE in sign_in("bob").get(reverse("accounts:settings")).content.decode()


def test_guessing_the_password_locks_out_like_the_sign_in_page(world: World) -> None:
    client = sign_in("bob")

    statuses = [confirm(client, "bob", f"guess {n}").status_code for n in range(6)]

    assert statuses[:4] == [400, 400, 400, 400]
    assert statuses[-1] == 429
    assert User.objects.filter(username="bob").exists()
    assert confirm(client, "bob").status_code == 429  # the right password no longer helps


def test_the_team_vault_still_exports_and_restores_after_a_member_left(world: World) -> None:
    account_data.delete_account(world.bob)
    out = io.StringIO()

    counts = json_document.export_json(world.shared, out, user=world.alice)
    fresh = Vault.objects.create(name="Copy")
    Membership.objects.create(vault=fresh, user=world.alice, role=Role.OWNER)
    restored = json_document.restore_json(
        fresh, io.BytesIO(out.getvalue().encode()), user=world.alice
    )

    assert counts["cards"] >= 2  # alice's two and bob's sent one, without an author
    assert restored["people"] == counts["people"]
    assert restored["notes"] == counts["notes"]
    assert CheckInRound.objects.filter(vault=fresh).count() == 1


# --- inactive accounts and the demo -----------------------------------------------------------


def inactive(username: str) -> User:
    """An account nobody can sign in to, like the demo's teammates."""
    user = User.objects.create_user(username=username, is_active=False)
    user.set_unusable_password()
    user.save()
    return user


def join(vault: Vault, user: User, role: Role = Role.EDITOR) -> None:
    Membership.objects.create(vault=vault, user=user, role=role)


def test_a_fresh_instance_with_the_demo_loaded_can_delete_its_owner(db: None) -> None:
    """The newcomer's path: first run, load the demo, delete the account."""
    from aandacht.accounts.services import ensure_local_owner
    from aandacht.demo import load_demo

    owner = ensure_local_owner()
    owner.set_password("owner-secret-pw")
    owner.save()
    demo = load_demo(owner=owner)
    assert User.objects.filter(is_active=False, memberships__vault=demo).count() == 2
    client = sign_in("owner")

    page = client.get(DELETE)

    assert page.status_code == 200
    text = page.content.decode()
    assert "Not possible yet" not in text
    assert 'name="password"' in text
    plan = page.context["plan"]
    assert demo in [facts.vault for facts in plan.deleted_vaults]
    assert plan.left_vaults == [] and plan.sole_owner_vaults == []
    assert not plan.last_superuser
    assert "demo teammates cannot sign in" in text

    response = confirm(client, "owner")

    assert response.status_code == 200
    assert not Vault.objects.exists()
    assert not User.objects.exists()  # the demo's teammates went with their vault
    assert not Person.objects.exists() and not Note.objects.exists()


def test_inactive_users_do_not_keep_the_last_superuser(alice: User) -> None:
    User.objects.filter(pk=alice.pk).update(is_superuser=True)
    alice.refresh_from_db()
    gone = inactive("former-colleague")

    assert not account_data.plan_deletion(alice).blocked
    account_data.delete_account(alice)

    assert list(User.objects.all()) == [gone]  # an inactive account stays, as it was


def test_an_active_user_still_keeps_the_last_superuser(alice: User, bob: User) -> None:
    User.objects.filter(pk=alice.pk).update(is_superuser=True)
    alice.refresh_from_db()
    former_admin = inactive("former-admin")
    User.objects.filter(pk=former_admin.pk).update(is_superuser=True)

    plan = account_data.plan_deletion(alice)

    assert plan.last_superuser  # an inactive superuser can manage nothing


def test_a_vault_whose_other_members_are_inactive_goes_with_the_account(
    alice: User, vault: Vault
) -> None:
    """Alice's vault, without Bob and Carol, but with an inactive former member."""
    Membership.objects.filter(vault=vault).exclude(user=alice).delete()
    former = inactive("former-colleague")
    join(vault, former, Role.OWNER)

    plan = account_data.plan_deletion(alice)

    assert [facts.vault for facts in plan.deleted_vaults] == [vault]
    assert plan.deleted_vaults[0].inactive_members == 1
    assert not plan.blocked
    text = sign_in("alice").get(DELETE).content.decode()
    assert "inactive account that cannot sign in: it stays" in text

    account_data.delete_account(alice)

    assert not Vault.objects.filter(pk=vault.pk).exists()
    assert User.objects.filter(pk=former.pk, is_active=False).exists()


def a_demo_vault(owner: User) -> Vault:
    """A stand-in for the demo's vault (the real one is slow to build): inactive teammates."""
    demo = Vault.objects.create(name="Demo", is_demo=True)
    join(demo, owner, Role.OWNER)
    join(demo, inactive("demo-priya"), Role.EDITOR)
    join(demo, inactive("demo-tom"), Role.VIEWER)
    return demo


def test_the_demo_vault_is_listed_among_the_deleted(world: World) -> None:
    demo = a_demo_vault(world.bob)

    plan = account_data.plan_deletion(world.bob)

    assert [facts.vault for facts in plan.deleted_vaults] == [world.bob_alone, demo]
    page = sign_in("bob").get(DELETE).content.decode()
    deleted = page.split('data-testid="deleted-vaults"')[1].split("</ul>")[0]
    assert "Demo" in deleted and "demo teammates cannot sign in" in deleted

    account_data.delete_account(world.bob)

    assert not Vault.objects.filter(pk=demo.pk).exists()
    assert not User.objects.filter(username__startswith="demo-").exists()
    assert User.objects.filter(username="alice").exists()


def test_a_real_active_member_of_the_demo_vault_still_blocks(world: World) -> None:
    demo = a_demo_vault(world.bob)
    join(demo, world.carol, Role.VIEWER)

    plan = account_data.plan_deletion(world.bob)

    assert plan.sole_owner_vaults == [demo]
    assert [facts.vault for facts in plan.left_vaults] == [world.shared, demo]  # demo last
    assert plan.left_vaults[1].inactive_members == 2
    with pytest.raises(account_data.DeletionBlocked):
        account_data.delete_account(world.bob)
    assert User.objects.filter(username="demo-priya").exists()


def test_an_inactive_second_owner_does_not_unblock(world: World) -> None:
    join(world.shared, inactive("former-owner"), Role.OWNER)

    assert account_data.plan_deletion(world.alice).sole_owner_vaults == [world.shared]


def test_links_to_manage_a_blocking_vault_go_to_its_own_page(world: World) -> None:
    page = sign_in("alice").get(DELETE)

    text = page.content.decode()
    own_page = reverse("accounts:vault", args=[world.shared.pk])
    assert text.count(f'href="{own_page}"') == 2  # the button and the link in the list
    assert f'href="{reverse("accounts:vaults")}"' not in text.split('id="what-title"')[0]
    assert "delete the vault on its page" in text
