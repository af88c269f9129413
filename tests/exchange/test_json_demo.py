"""The demo network survives the JSON round trip: the same rows in an empty vault, and the
same document when that vault is exported again (in English and in Dutch)."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.attention.models import AppreciationNudge, Circle, Rhythm
from aandacht.cards.models import Card
from aandacht.demo import load_demo
from aandacht.exchange.json_document import export_json, restore_json
from aandacht.people.models import (
    Address,
    ContactMethod,
    ImportantDate,
    Person,
    Relationship,
    Tag,
)
from aandacht.rounds.models import CheckIn, CheckInRound, CheckInStep
from aandacht.timeline.models import FollowUp, Interaction, Moment, Note

# Each model and the path from it to its vault.
COUNTED: dict[str, tuple[type[models.Model], str]] = {
    "people": (Person, "vault"),
    "contact_methods": (ContactMethod, "person__vault"),
    "addresses": (Address, "person__vault"),
    "important_dates": (ImportantDate, "person__vault"),
    "relationships": (Relationship, "vault"),
    "tags": (Tag, "vault"),
    "interactions": (Interaction, "vault"),
    "notes": (Note, "vault"),
    "moments": (Moment, "vault"),
    "follow_ups": (FollowUp, "vault"),
    "circles": (Circle, "vault"),
    "rhythms": (Rhythm, "person__vault"),
    "cards": (Card, "vault"),
    "check_in_rounds": (CheckInRound, "vault"),
    "check_ins": (CheckIn, "round__vault"),
    "check_in_steps": (CheckInStep, "check_in__round__vault"),
    "appreciation_nudges": (AppreciationNudge, "vault"),
}


def counts(vault: Vault, user: User) -> dict[str, int]:
    """Rows per kind in ``vault`` that ``user`` may export: another member's private notes and
    moments (the demo team's editor keeps one) are never theirs to take along."""
    counted = {}
    for name, (model, path) in COUNTED.items():
        rows = model._default_manager.filter(**{path: vault})
        if model in (Note, Moment):
            rows = rows.filter(Q(private=False) | Q(author=user))
        counted[name] = rows.count()
    return counted


def export_doc(vault: Vault, user: User) -> tuple[dict[str, Any], dict[str, int]]:
    out = io.StringIO()
    written = export_json(vault, out, user=user)
    return json.loads(out.getvalue()), written


def comparable(doc: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in doc.items() if key not in ("exported_at", "vault")}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_demo_vault_restores_into_an_empty_vault_whole(lang: str, alice: User) -> None:
    demo = load_demo(lang, owner=alice, today=dt.date(2026, 3, 15))
    before = counts(demo, alice)
    # alice is the only member who can sign in: the demo team's teammates are inactive and
    # have no suggestions or cards, so every suggestion in the demo is hers and every card
    # text hers or nobody's.
    active = Membership.objects.filter(vault=demo, user__is_active=True)
    assert list(active.values_list("user", flat=True)) == [alice.pk]
    doc, written = export_doc(demo, alice)
    assert before["people"] > 100 and before["interactions"] > 100
    # The demo shows issue 6 too, so the version 3 sections are really exercised.
    for name in ("cards", "check_in_rounds", "check_in_steps", "appreciation_nudges"):
        assert before[name] > 0, name
    assert any(card["interaction"] for card in doc["cards"])

    target = Vault.objects.create(name="Demo copy")
    Membership.objects.create(vault=target, user=alice, role=Role.OWNER)
    # The same team in the copy, so their shared notes and calls keep their author (a restore
    # gives an author who is no member of the target to the one restoring).
    for member in Membership.objects.filter(vault=demo).exclude(user=alice):
        Membership.objects.create(vault=target, user=member.user, role=member.role)
    restored = restore_json(target, io.BytesIO(json.dumps(doc).encode()), user=alice)

    assert counts(target, alice) == before
    for name in COUNTED:
        assert restored[name] == written[name] == before[name], name
    again, _written = export_doc(target, alice)
    assert comparable(again) == comparable(doc)
