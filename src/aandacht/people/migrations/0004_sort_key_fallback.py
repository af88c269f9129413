"""People without a given or family name sort by their nickname or organisation.

Before this, a company card ("Fietsenmakerij Ven") had an empty sort key and was listed under
"#"; this recomputes the key of exactly those rows with the same function Person.save uses.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from aandacht.people import names


def recompute_sort_keys(apps: Any, schema_editor: Any) -> None:
    person_model = apps.get_model("people", "Person")
    nameless = person_model.objects.filter(given_name="", family_name="")
    changed = []
    for person in nameless.only("id", "particles", "nickname", "organisation").iterator():
        person.sort_key = names.sort_key(
            "",
            person.particles,
            "",
            fallback=names.fallback_name(person.nickname, person.organisation),
        )
        changed.append(person)
        if len(changed) >= 1000:
            person_model.objects.bulk_update(changed, ["sort_key"])
            changed.clear()
    if changed:
        person_model.objects.bulk_update(changed, ["sort_key"])


class Migration(migrations.Migration):
    dependencies = [("people", "0003_person_uid_and_honorifics")]

    operations = [migrations.RunPython(recompute_sort_keys, migrations.RunPython.noop)]
