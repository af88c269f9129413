"""Loading the demo: its own vault, once, in English or Dutch, deterministic."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.accounts.services import default_vault, ensure_local_owner
from aandacht.demo import load_demo
from aandacht.people.models import (
    ContactMethod,
    ImportantDate,
    Person,
    Relationship,
    Tag,
)
from aandacht.timeline.models import (
    FollowUp,
    Interaction,
    Moment,
    Note,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "nl"]


@pytest.fixture(params=LANGUAGES)
def lang(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


def counts(vault: Vault) -> dict[str, int]:
    return {
        "people": Person.objects.filter(vault=vault).count(),
        "interactions": Interaction.objects.filter(vault=vault).count(),
        "notes": Note.objects.filter(vault=vault).count(),
        "moments": Moment.objects.filter(vault=vault).count(),
        "follow_ups": FollowUp.objects.filter(vault=vault).count(),
        "contacts": ContactMethod.objects.filter(person__vault=vault).count(),
        "dates": ImportantDate.objects.filter(person__vault=vault).count(),
        "relationships": Relationship.objects.filter(vault=vault).count(),
        "tags": Tag.objects.filter(vault=vault).count(),
    }


def snapshot(vault: Vault) -> list[tuple[object, ...]]:
    """Everything a user would see, without database ids."""
    people = [
        (p.name, p.nickname, p.organisation, p.job_title, p.met_on, p.met_story)
        for p in Person.objects.filter(vault=vault).order_by("sort_key")
    ]
    interactions = [
        (i.kind, i.outcome, i.occurred_at, i.initiated_by, i.summary)
        for i in Interaction.objects.filter(vault=vault).order_by("occurred_at", "summary")
    ]
    notes = [
        (n.person.name, n.body, n.private, n.occurred_at)
        for n in Note.objects.filter(vault=vault).order_by("occurred_at", "body")
    ]
    return [*people, *interactions, *notes]


# Loading ---------------------------------------------------------------------------------


def test_loads_once_into_a_demo_vault_and_a_second_run_changes_nothing(
    lang: str, alice: User
) -> None:
    vault = load_demo(lang, owner=alice)
    assert (vault.name, vault.is_demo) == ("Demo", True)
    assert 140 <= Person.objects.filter(vault=vault).count() <= 170
    membership = Membership.objects.get(vault=vault, role=Role.OWNER)  # the demo team edits/views
    assert (membership.user, membership.role) == (alice, Role.OWNER)
    before = counts(vault)
    again = load_demo(lang, owner=alice)
    other_language = load_demo("nl" if lang == "en" else "en", owner=alice)
    assert vault.pk == again.pk == other_language.pk
    assert Vault.objects.filter(is_demo=True).count() == 1
    assert counts(vault) == before
    assert Membership.objects.filter(vault=vault, role=Role.OWNER).count() == 1


def test_default_owner_keeps_a_separate_personal_vault_and_others_can_join() -> None:
    vault = load_demo("en")
    owner = ensure_local_owner()
    assert Membership.objects.filter(vault=vault, user=owner, role=Role.OWNER).exists()
    personal = default_vault(owner)
    assert personal != vault
    assert not personal.is_demo
    assert not Person.objects.filter(vault=personal).exists()
    colleague = User.objects.create_user(username="colleague")
    assert load_demo("en", owner=colleague) == vault  # one demo vault, a second owner
    assert Membership.objects.filter(vault=vault, user=colleague, role=Role.OWNER).exists()


def test_rebuild_replaces_the_vault_and_is_deterministic(alice: User) -> None:
    today = dt.date(2026, 3, 15)
    first = load_demo("nl", owner=alice, today=today)
    before = snapshot(first)
    second = load_demo("nl", owner=alice, today=today, rebuild=True)
    assert second.pk != first.pk
    assert not Vault.objects.filter(pk=first.pk).exists()
    assert Vault.objects.filter(is_demo=True).count() == 1
    assert snapshot(second) == before


def test_rebuild_switches_language(alice: User) -> None:
    load_demo("en", owner=alice)
    vault = load_demo("nl", owner=alice, rebuild=True)
    assert Person.objects.filter(vault=vault, given_name="Femke").exists()
    assert not Person.objects.filter(given_name="Claire").exists()


@pytest.mark.parametrize("bad", ["fr", "", "english", "de-DE"])
def test_an_unknown_language_is_refused_before_anything_is_written(bad: str) -> None:
    with pytest.raises(ValueError, match="'en' or 'nl'"):
        load_demo(bad)
    assert not Vault.objects.exists()
