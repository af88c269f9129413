"""The keep-in-touch tables: preset circles, titles in the reader's language, constraints."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext

from aandacht.accounts.models import Vault
from aandacht.attention import services
from aandacht.attention.models import (
    PRESET_CADENCE,
    AgendaSettings,
    Circle,
    DigestSent,
    Preset,
    Rhythm,
)
from aandacht.people.models import Tag
from aandacht.people.services import create_person

pytestmark = pytest.mark.django_db


def test_every_new_vault_gets_the_four_presets_with_their_cadence(vault: Vault) -> None:
    found = {c.preset: c.cadence_days for c in Circle.objects.filter(vault=vault)}
    assert found == {"inner": 14, "monthly": 30, "quarterly": 91, "yearly": 365}
    assert found == {str(k): v for k, v in PRESET_CADENCE.items()}
    assert [c.title for c in services.circles_of(vault)] == [
        "Inner circle",
        "Monthly",
        "Quarterly",
        "Yearly",
    ]


def test_presets_are_given_once(vault: Vault) -> None:
    services.ensure_default_circles(vault)
    Circle.objects.filter(vault=vault, preset=Preset.YEARLY).delete()
    services.ensure_default_circles(vault)  # a vault that has circles is left alone
    assert Circle.objects.filter(vault=vault).count() == 3


def test_a_preset_keeps_a_blank_name_so_its_title_follows_the_language(vault: Vault) -> None:
    inner = Circle.objects.get(vault=vault, preset=Preset.INNER)
    assert inner.name == ""
    for language in ("en", "nl"):
        with translation.override(language):
            # The title is looked up when read, in the active language (whatever the
            # catalogue says today), never stored.
            assert inner.title == pgettext("circle", "Inner circle")
            assert str(inner) == inner.title


def test_a_renamed_preset_and_a_tag_circle_have_their_own_titles(vault: Vault) -> None:
    inner = Circle.objects.get(vault=vault, preset=Preset.INNER)
    inner.name = "Dearest"
    inner.save()
    with translation.override("nl"):
        assert inner.title == "Dearest"
    family = Tag.objects.create(vault=vault, name="family")
    circle = Circle.objects.create(vault=vault, cadence_days=21, tag=family)
    assert circle.title == "family"
    assert Circle(vault=vault, cadence_days=5).title == "(unnamed circle)"


@pytest.mark.parametrize("days", [0, 3651])
def test_the_database_refuses_a_cadence_out_of_range(vault: Vault, days: int) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Circle.objects.create(vault=vault, name="Odd", cadence_days=days)


def test_a_tag_has_at_most_one_circle(vault: Vault) -> None:
    tag = Tag.objects.create(vault=vault, name="clients")
    Circle.objects.create(vault=vault, cadence_days=30, tag=tag)
    with pytest.raises(IntegrityError), transaction.atomic():
        Circle.objects.create(vault=vault, cadence_days=60, tag=tag)


def test_a_rhythm_belongs_to_its_person_and_goes_with_them(vault: Vault) -> None:
    ria = create_person(vault, "Ria Bakker")
    rhythm = services.rhythm_for(ria)
    assert rhythm.pk == ria.pk
    assert services.rhythm_for(ria) == rhythm  # one per person
    assert (rhythm.circle, rhythm.cadence_days, rhythm.muted) == (None, None, False)
    ria.delete()
    assert not Rhythm.objects.filter(pk=rhythm.pk).exists()


def test_deleting_a_circle_leaves_its_people_without_one(vault: Vault) -> None:
    circle = services.create_circle(vault, "Book club", 60)
    ria = create_person(vault, "Ria Bakker")
    services.set_circle(ria, circle)
    circle.delete()
    assert Rhythm.objects.get(pk=ria.pk).circle is None


def test_agenda_settings_defaults_and_active_weekdays(alice: User) -> None:
    prefs = services.settings_for(alice)
    assert (prefs.capacity, prefs.retry_after_days, prefs.one_way_resets) == (5, 3, False)
    assert prefs.active_weekdays == frozenset(range(1, 8))
    assert len(prefs.feed_token) >= 24
    prefs.weekdays = "135x"
    assert prefs.active_weekdays == frozenset({1, 3, 5})
    prefs.weekdays = ""
    assert prefs.active_weekdays == frozenset(range(1, 8))  # never a week without days
    assert services.settings_for(alice) == prefs
    assert AgendaSettings.objects.count() == 1


def test_one_digest_per_user_and_period(alice: User) -> None:
    DigestSent.objects.create(user=alice, period="2026-11-23")
    with pytest.raises(IntegrityError), transaction.atomic():
        DigestSent.objects.create(user=alice, period="2026-11-23")
    DigestSent.objects.create(user=alice, period="2026-W48")


@pytest.mark.parametrize(
    "model", ["circle", "rhythm", "agendasettings", "digestsent", "schedulerlease"]
)
def test_the_admin_lists_each_table(admin_client: Client, vault: Vault, model: str) -> None:
    ria = create_person(vault, "Ria Bakker")
    services.set_circle(ria, Circle.objects.filter(vault=vault).first())
    response = admin_client.get(reverse(f"admin:attention_{model}_changelist"))
    assert response.status_code == 200


def test_the_admin_never_shows_the_feed_token(admin_client: Client, alice: User) -> None:
    prefs = services.settings_for(alice)
    response = admin_client.get(reverse("admin:attention_agendasettings_change", args=[prefs.pk]))
    assert response.status_code == 200
    assert prefs.feed_token not in response.content.decode()
