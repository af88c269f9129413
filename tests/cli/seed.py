"""Seed a data directory for the CLI tests through the service functions; print the ids.

Run as a script with AANDACHT_DATA_DIR set (see ``conftest.py``): a small network in the
default vault "Personal" and one person in a second vault "Work".
"""

from __future__ import annotations

import datetime as dt
import json
import sys

from aandacht.bootstrap import ensure_ready


def seed() -> dict[str, int]:
    owner = ensure_ready()  # Django is set up from here on: models can be imported
    from django.utils import timezone

    from aandacht.accounts.models import Membership, Role, Vault
    from aandacht.accounts.services import default_vault
    from aandacht.people.services import add_important_date, create_person
    from aandacht.timeline.services import add_follow_up, log_interaction

    vault = default_vault(owner)
    denise = create_person(
        vault,
        "Denise van Iersel",
        organisation="Studio Iersel",
        met_at="DevFest Amsterdam",
        met_channel="conference",
        emails=["denise@example.nl"],
    )
    jeroen = create_person(
        vault,
        "Jeroen van de Ven",
        nickname="Jer",
        organisation="Acme",
        job_title="developer advocate",
        met_at="Dutch PHP Conference",
        met_channel="conference",
        met_on=dt.date(2024, 6, 14),
        met_via=denise,
        met_story="We sat next to each other at the keynote.",
        what_they_do="I help developers fall in love with APIs.",
        what_they_care_about="His daughters and sailing on the IJsselmeer.",
        emails=["jeroen@acme.example"],
        phones=["+31 6 12345678"],
        tags=["speaker"],
    )
    add_important_date(jeroen, "birthday", 5, 17, 1984)
    log_interaction(
        vault,
        [jeroen],
        "call",
        summary="Talked about his new job.",
        occurred_at=timezone.now() - dt.timedelta(days=10),
        author=owner,
    )
    add_follow_up(vault, jeroen, "Send him the slides of my talk", author=owner)
    bakker = create_person(vault, "Jeroen Bakker", organisation="Bakkerij Bakker")
    anna = create_person(vault, "Anna Smit")
    work = Vault.objects.create(name="Work")
    Membership.objects.create(vault=work, user=owner, role=Role.OWNER)
    wim = create_person(work, "Wim Willems")
    return {
        "denise": denise.pk,
        "jeroen": jeroen.pk,
        "bakker": bakker.pk,
        "anna": anna.pk,
        "wim": wim.pk,
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(seed()) + "\n")
