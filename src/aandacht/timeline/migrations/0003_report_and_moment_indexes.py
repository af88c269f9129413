from django.db import migrations, models


class Migration(migrations.Migration):
    """Indexes for pages that count over a whole vault: the attention report's interaction
    counts (covering; the old (vault, occurred_at) index is its prefix) and Today's
    appreciation nudge (strength and grateful moments)."""

    dependencies = [
        ("timeline", "0002_interaction_vault_when"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="interaction",
            index=models.Index(
                fields=["vault", "occurred_at", "outcome", "kind", "initiated_by"],
                name="interaction_vault_when_what",
            ),
        ),
        migrations.RemoveIndex(model_name="interaction", name="interaction_vault_when"),
        migrations.AddIndex(
            model_name="moment",
            index=models.Index(fields=["vault", "kind", "person"], name="moment_vault_kind"),
        ),
    ]
