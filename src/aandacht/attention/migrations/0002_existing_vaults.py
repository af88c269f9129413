"""Vaults made before circles existed get the four presets; people with interactions get
their last contacts (later interactions keep them current through signals)."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models import Max, Q

PRESETS = {"inner": 14, "monthly": 30, "quarterly": 91, "yearly": 365}


def forwards(apps: Any, schema_editor: Any) -> None:
    vault_model = apps.get_model("accounts", "Vault")
    circle_model = apps.get_model("attention", "Circle")
    rhythm_model = apps.get_model("attention", "Rhythm")
    interaction_model = apps.get_model("timeline", "Interaction")
    for vault in vault_model.objects.all():
        if not circle_model.objects.filter(vault=vault).exists():
            circle_model.objects.bulk_create(
                circle_model(vault=vault, preset=preset, cadence_days=days)
                for preset, days in PRESETS.items()
            )
    through = interaction_model.people.through
    rows = through.objects.values("person_id").annotate(
        conversation=Max("interaction__occurred_at", filter=Q(interaction__outcome="conversation")),
        attempt=Max("interaction__occurred_at", filter=Q(interaction__outcome="attempt")),
        one_way=Max("interaction__occurred_at", filter=Q(interaction__outcome="one-way")),
    )
    rhythm_model.objects.bulk_create(
        (
            rhythm_model(
                person_id=row["person_id"],
                last_conversation_at=row["conversation"],
                last_attempt_at=row["attempt"],
                last_one_way_at=row["one_way"],
            )
            for row in rows
        ),
        batch_size=500,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("attention", "0001_initial"),
        ("accounts", "0003_preference_last_vault"),
        ("timeline", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
