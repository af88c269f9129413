from django.db import migrations, models


class Migration(migrations.Migration):
    """A covering index for the people list's letter counts; the old (vault, sort_key) index
    is its prefix, so it goes."""

    dependencies = [
        ("people", "0005_person_department"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["vault", "sort_key", "archived", "trashed_at"],
                name="person_vault_sort_state",
            ),
        ),
        migrations.RemoveIndex(model_name="person", name="person_vault_sort"),
    ]
