"""The demo team: two inactive colleagues in the demo vault, their shared entries, and the
editor's private note that the demo owner never sees."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from aandacht.accounts.demo import TEAM
from aandacht.accounts.models import Membership, Role
from aandacht.accounts.services import ensure_local_owner, needs_first_run
from aandacht.demo import load_demo
from aandacht.timeline.models import Interaction, Note

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_two_teammates_edit_and_view_the_demo_vault(lang: str, alice: User) -> None:
    vault = load_demo(lang, owner=alice)
    team = TEAM[lang]
    roles = dict(Membership.objects.filter(vault=vault).values_list("user__username", "role"))
    assert roles == {
        "alice": Role.OWNER,
        team.editor.username: Role.EDITOR,
        team.viewer.username: Role.VIEWER,
    }
    for spec in (team.editor, team.viewer):
        user = User.objects.get(username=spec.username)
        assert (user.first_name, user.last_name) == (spec.first_name, spec.last_name)
        assert not user.is_active
        assert not user.has_usable_password()
    editor = User.objects.get(username=team.editor.username)
    shared = Note.objects.filter(vault=vault, author=editor, private=False)
    assert shared.count() == len(team.shared_notes)
    assert Interaction.objects.filter(vault=vault, author=editor).count() == len(team.calls)


def test_the_owner_sees_the_shared_notes_but_never_the_teammates_private_one(
    alice: User,
) -> None:
    vault = load_demo("en", owner=alice)
    editor = User.objects.get(username=TEAM["en"].editor.username)
    private = Note.objects.get(vault=vault, author=editor, private=True)
    visible = Note.objects.filter(vault=vault).visible_to(alice.pk)
    assert not visible.filter(pk=private.pk).exists()
    assert visible.filter(author=editor).count() == len(TEAM["en"].shared_notes)

    client = Client()
    client.force_login(alice)
    page = client.get(reverse("people:detail", args=[private.person_id])).content.decode()
    assert "hinted they might leave" not in page
    shared_on_same_person = Note.objects.filter(
        person_id=private.person_id, author=editor, private=False
    ).first()
    if shared_on_same_person is not None:
        assert shared_on_same_person.body.split(":")[0] in page


def test_loading_the_demo_does_not_end_the_first_run() -> None:
    load_demo("en")  # the local owner, still without a password
    assert User.objects.filter(is_active=False).count() == 2
    assert needs_first_run()
    assert ensure_local_owner().is_active


def test_rebuilding_in_the_other_language_replaces_the_team(alice: User) -> None:
    load_demo("en", owner=alice)
    load_demo("nl", owner=alice, rebuild=True)
    names = set(User.objects.filter(is_active=False).values_list("username", flat=True))
    assert names == {TEAM["nl"].editor.username, TEAM["nl"].viewer.username}


def test_a_real_account_with_a_teammates_name_is_left_alone(alice: User) -> None:
    real = User.objects.create_user(TEAM["en"].viewer.username, password="kopje-koffie-om-tien")
    vault = load_demo("en", owner=alice)
    assert not Membership.objects.filter(vault=vault, user=real).exists()
    real.refresh_from_db()
    assert real.is_active and real.has_usable_password()
