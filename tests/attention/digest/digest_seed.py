"""Seed a data directory for the digest command tests; print the ids as JSON.

Run as a script with AANDACHT_DATA_DIR set: the local owner gets an email address and a daily
digest at 00:00 (so one is due at any time of day), and one promise that is two days overdue
(so it is never empty). ``sys.argv[1] == "off"`` leaves the digest off.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

from aandacht.bootstrap import ensure_ready


def seed(frequency: str) -> dict[str, int]:
    owner = ensure_ready()  # Django is set up from here on: models can be imported
    from django.utils import timezone

    from aandacht.accounts.services import default_vault
    from aandacht.attention.services import settings_for
    from aandacht.people.services import create_person
    from aandacht.timeline.services import add_follow_up

    owner.email = "owner@example.org"
    owner.save()
    prefs = settings_for(owner)
    prefs.digest_frequency = frequency
    prefs.digest_time = dt.time(0, 0)
    prefs.save()
    vault = default_vault(owner)
    denise = create_person(vault, "Denise van Iersel")
    promise = add_follow_up(
        vault,
        denise,
        "Send her the slides",
        due_on=timezone.localdate() - dt.timedelta(days=2),
        author=owner,
    )
    return {"owner": owner.pk, "denise": denise.pk, "promise": promise.pk, "vault": vault.pk}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(seed(sys.argv[1] if len(sys.argv) > 1 else "daily")) + "\n")
