from django.db import migrations, models


class Migration(migrations.Migration):
    """One day's yearly dates (Today, the coming days, the digest) found by index instead of
    reading every date of the instance."""

    dependencies = [
        ("people", "0006_person_vault_sort_state"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="importantdate",
            index=models.Index(fields=["month", "day"], name="important_date_month_day"),
        ),
    ]
