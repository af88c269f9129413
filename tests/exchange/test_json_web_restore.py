"""The web restore of a version 3 document from a shared vault into a new vault of one.

The new vault has only the restoring user as a member, so every other author becomes them:
the preview's rehearsal and the restore itself must not trip over two cards for one person and
year (alice's and bob's), and the cards, rounds and suggestions arrive.
"""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from aandacht.accounts.models import Membership, Vault
from aandacht.attention.models import AppreciationNudge
from aandacht.cards.models import Card
from aandacht.exchange.json_document import export_json
from aandacht.exchange.models import ImportJob, ImportStatus
from aandacht.people.services import create_person
from aandacht.rounds.models import CheckIn, CheckInRound, CheckInStep
from aandacht.timeline import services as timeline

WHEN = dt.datetime(2026, 3, 14, 9, 0, tzinfo=dt.UTC)


def shared_document(vault: Vault, alice: User, bob: User) -> bytes:
    ann = create_person(vault, "Ann van der Berg")
    sent = timeline.log_interaction(vault, [ann], "card", author=alice, occurred_at=WHEN)
    Card.objects.create(
        vault=vault,
        person=ann,
        author=alice,
        year=2026,
        status="sent",
        text="Dear Ann",
        sent_at=WHEN,
        interaction=sent,
    )
    Card.objects.create(vault=vault, person=ann, author=bob, year=2026, text="bob's words")
    crisis = CheckInRound.objects.create(vault=vault, name="Lockdown", author=bob)
    check_in = CheckIn.objects.create(round=crisis, person=ann)
    for kind in ("empathy", "tip", "action"):
        CheckInStep.objects.create(check_in=check_in, kind=kind, done_by=bob, done_at=WHEN)
    AppreciationNudge.objects.create(
        user=alice, vault=vault, person=ann, offered_on=dt.date(2026, 3, 2), outcome="given"
    )
    out = io.StringIO()
    export_json(vault, out, user=alice)
    return out.getvalue().encode()


def test_a_shared_vaults_export_restores_through_the_web_into_a_new_vault(
    as_alice: Client, vault: Vault, alice: User, bob: User
) -> None:
    document = shared_document(vault, alice, bob)
    as_alice.post(
        f"{reverse('exchange:import')}?vault={vault.pk}",
        {"format": "auto", "file": SimpleUploadedFile("backup.json", document)},
    )
    job = ImportJob.objects.get(vault=vault)
    assert job.status == ImportStatus.PREVIEWED, job.result
    page = as_alice.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "What would be restored" in page and "Cards" in page, "the rehearsal did not trip"

    response = as_alice.post(
        reverse("exchange:run", args=[job.pk]), {"target": "new", "name": "Laptop"}
    )

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.result is not None
    restored = job.result["restored"]
    assert (restored["cards"], restored["check_in_rounds"], restored["check_ins"]) == (2, 1, 1)
    assert (restored["check_in_steps"], restored["appreciation_nudges"]) == (3, 1)
    new = Vault.objects.get(name="Laptop")
    assert list(Membership.objects.filter(vault=new).values_list("user__username", flat=True)) == [
        "alice"
    ]
    cards = Card.objects.filter(vault=new).order_by("pk")
    # bob is no member of the new vault: his card would be alice's, who has one for Ann in
    # 2026 already, so it keeps no author; its text never left bob's vault.
    assert [(c.author_id, c.status, c.text) for c in cards] == [
        (alice.pk, "sent", "Dear Ann"),
        (None, "planned", ""),
    ]
    sent = cards[0]
    assert sent.interaction is not None and sent.interaction.vault == new
    assert CheckInRound.objects.get(vault=new).author == alice
    assert set(
        CheckInStep.objects.filter(check_in__round__vault=new).values_list("done_by", flat=True)
    ) == {alice.pk}
    assert AppreciationNudge.objects.get(vault=new).user == alice
    assert Card.objects.filter(vault=vault).count() == 2, "the first vault is untouched"
