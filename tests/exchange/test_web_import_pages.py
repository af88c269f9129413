"""The import pages' finish: honest progress phases, people in the preview, restoring a JSON
export into a new vault (and what happens when that fails), words and numbers on the pages."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.exchange import jobs
from aandacht.exchange.json_document import export_json
from aandacht.exchange.models import ImportJob, ImportStatus
from aandacht.exchange.templatetags.exchange_format import grouped
from aandacht.exchange.views import display_value, rule_label, where_label
from aandacht.people.models import Person
from aandacht.people.services import add_contact_method, create_person
from aandacht.web.views import JUST_WELCOMED

TWO_CARDS = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:de Vries;Anna;;;\r\nFN:Anna de Vries\r\n"
    b"EMAIL;TYPE=INTERNET:anna@example.org\r\nORG:Acme\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Jansen;Piet;;;\r\nFN:Piet Jansen\r\n"
    b"TEL;TYPE=CELL:+31 6 12345678\r\nEND:VCARD\r\n"
)


def text(response: Any) -> str:
    return str(response.content.decode())


def upload(client: Client, vault: Vault, name: str, content: bytes) -> ImportJob:
    client.post(
        f"{reverse('exchange:import')}?vault={vault.pk}",
        {"format": "auto", "file": SimpleUploadedFile(name, content)},
    )
    return ImportJob.objects.filter(vault=vault).latest("pk")


def exported(vault: Vault, user: User) -> bytes:
    out = io.StringIO()
    export_json(vault, out, user=user)
    return out.getvalue().encode()


# --- progress ----------------------------------------------------------------------------------


def running(vault: Vault, user: User, **fields: Any) -> ImportJob:
    return ImportJob.objects.create(vault=vault, user=user, filename="big.vcf", **fields)


def test_a_preview_reads_then_finishes(vault: Vault, alice: User) -> None:
    job = running(vault, alice, size=1000, status=ImportStatus.PREVIEWING, bytes_read=400)
    assert jobs.phase_of(job) == jobs.Phase("reading", 40, 0)
    job.bytes_read, job.records_read = 1000, 120
    assert jobs.phase_of(job) == jobs.Phase("finishing", 100, 120)


def test_an_import_counts_written_records_against_the_preview_then_saves(
    vault: Vault, alice: User
) -> None:
    preview = {"records": 49_000, "errors": [{"record": 1}] * 1000}
    job = running(
        vault, alice, size=1000, status=ImportStatus.IMPORTING, bytes_read=1000, preview=preview
    )
    # The file is read well ahead of the writing: bytes say nothing about the import's state.
    jobs._live[job.pk] = jobs.Live(thread=None, records_read=12_000)
    try:
        assert jobs.phase_of(job) == jobs.Phase("writing", 24, 12_000, 50_000)
        jobs._live[job.pk].records_read = 50_000
        assert jobs.phase_of(job) == jobs.Phase("saving", None, 50_000, 50_000)
    finally:
        jobs._live.pop(job.pk, None)


def test_a_restore_reads_then_saves(vault: Vault, alice: User) -> None:
    job = running(
        vault, alice, size=1000, format="json", status=ImportStatus.IMPORTING, bytes_read=300
    )
    assert jobs.phase_of(job) == jobs.Phase("restoring", 30)
    job.bytes_read = 1000
    assert jobs.phase_of(job) == jobs.Phase("saving", None)
    job.status, job.bytes_read = ImportStatus.PREVIEWING, 500
    assert jobs.phase_of(job) == jobs.Phase("checking", 50)
    job.bytes_read = 1000
    assert jobs.phase_of(job) == jobs.Phase("checking", None)


def test_starting_the_import_forgets_the_previews_progress(as_alice: Client, vault: Vault) -> None:
    job = upload(as_alice, vault, "contacts.vcf", TWO_CARDS)
    assert job.bytes_read == job.size and job.records_read == 2

    assert jobs.claim(job, {ImportStatus.PREVIEWED}, ImportStatus.IMPORTING)

    job.refresh_from_db()
    assert (job.bytes_read, job.records_read) == (0, 0)
    assert jobs.phase_of(job) == jobs.Phase("writing", 0, 0, 2)


def test_the_progress_page_says_what_is_happening(as_alice: Client, vault: Vault) -> None:
    job = upload(as_alice, vault, "contacts.vcf", TWO_CARDS)
    url = reverse("exchange:job", args=[job.pk])
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING, records_read=2)

    page = text(as_alice.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="import-progress"))

    assert "Saving…" in page and 'data-phase="saving"' in page
    assert "<progress aria-label" in page, "no value: an indeterminate bar while it saves"


# --- words and numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("email", "same email address"),
        ("phone", "same phone number"),
        ("uid", "the same card as imported before"),
        ("name", "similar name and something else in common"),
        ("name+organisation", "similar name and same organisation"),
        ("name:city", "similar name and same city"),
        ("name_birthday", "similar name and same birthday"),
        ("something-else", "something-else"),
        ("", ""),
    ],
)
def test_match_rules_in_words(rule: str, words: str) -> None:
    assert rule_label(rule) == words


def test_dates_and_places_as_the_app_shows_them() -> None:
    assert display_value("1980-04-15") == "15 April 1980"
    assert display_value("--04-15") == "15 April"
    assert display_value("--02-29") == "29 February"
    assert display_value("1980-02-30") == "1980-02-30", "not a date: shown as it is"
    assert display_value(None) == ""
    assert where_label(7, by_line=False) == "Card 7"
    assert where_label(12000, by_line=True) == "Line 12,000"
    with translation.override("nl"):
        assert display_value("1980-04-15") == "15 april 1980"
        assert grouped(12000) == "12.000"
    assert grouped(12000) == "12,000"
    assert grouped("n/a") == "n/a"


def test_a_result_without_anything_new_says_so(as_alice: Client, vault: Vault, alice: User) -> None:
    # An import done before the preview offered "Done" instead: its result page still reads.
    report = {"records": 2, "created": 0, "updated": 0, "unchanged": 2, "errors": []}
    job = running(vault, alice, size=10, status=ImportStatus.DONE, result=report)

    page = text(as_alice.get(reverse("exchange:job", args=[job.pk])))

    assert "Nothing new: all 2 cards in this file describe people who were already here" in page
    assert "What was imported" in page and "New people added" in page
    assert "would" not in page.split("What was imported")[1].split("</dl>")[0]


def test_the_preview_lists_people_and_tolerates_older_reports(
    as_alice: Client, vault: Vault, alice: User
) -> None:
    jeroen = create_person(vault, "Jeroen van der Berg")
    base = {"records": 2, "created": 1, "updated": 1, "unchanged": 0, "errors": []}
    lists = {
        "new_people": [{"record": 1, "name": "Anna <de> Boer"}],
        "updated_people": [
            {
                "record": 2,
                "person_id": jeroen.pk,
                "person": "Jeroen van der Berg",
                "rule": "phone",
                "added": [{"field": "birthday", "value": "--04-15"}],
            }
        ],
    }
    old = running(vault, alice, size=10, status=ImportStatus.PREVIEWED, preview=base)
    new = running(vault, alice, size=10, status=ImportStatus.PREVIEWED, preview=base | lists)

    old_page = text(as_alice.get(reverse("exchange:job", args=[old.pk])))
    new_page = text(as_alice.get(reverse("exchange:job", args=[new.pk])))

    assert "Who would be new" not in old_page and "What would change" in old_page
    assert "Anna &lt;de&gt; Boer" in new_page, "names are escaped"
    assert reverse("people:detail", args=[jeroen.pk]) in new_page
    assert "Card 2 · same phone number" in new_page
    assert "Birthday:</span> 15 April" in new_page


# --- restoring a JSON export ---------------------------------------------------------------------


def test_a_taken_or_empty_name_is_refused_and_nothing_starts(
    as_alice: Client, vault: Vault, alice: User
) -> None:
    create_person(vault, "Anna de Vries")
    job = upload(as_alice, vault, "backup.json", exported(vault, alice))
    run = reverse("exchange:run", args=[job.pk])

    taken = as_alice.post(run, {"target": "new", "name": "alice's PEOPLE"})
    empty = as_alice.post(run, {"target": "new", "name": "   "})
    here = as_alice.post(run, {"target": "here", "name": ""})

    assert taken.status_code == 400
    assert "You already have a vault called “alice&#x27;s PEOPLE”" in text(taken)
    assert empty.status_code == 400 and "Give the new vault a name." in text(empty)
    assert here.status_code == 400, "a vault with people is no choice: the name is needed"
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED
    assert Vault.objects.count() == 1


def test_a_failed_restore_leaves_no_new_vault_behind(
    as_alice: Client, vault: Vault, alice: User
) -> None:
    create_person(vault, "Anna de Vries")
    job = upload(as_alice, vault, "backup.json", exported(vault, alice))
    assert job.status == ImportStatus.PREVIEWED
    # The file changes between the preview and the import (a disk error, a bad copy).
    Path(job.upload.path).write_bytes(exported(vault, alice).replace(b'"people"', b'"peeple"'))

    as_alice.post(reverse("exchange:run", args=[job.pk]), {"target": "new", "name": "Backup"})

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert not Vault.objects.filter(name="Backup").exists()
    assert Vault.objects.count() == 1 and Membership.objects.filter(user=alice).count() == 1


def test_a_bad_document_fails_at_the_preview_without_a_scratch_vault(
    as_alice: Client, vault: Vault, alice: User
) -> None:
    document = exported(vault, alice).replace(b'"people":[', b'"people":[{"id":"p1"},')

    job = upload(as_alice, vault, "backup.json", document)

    assert job.status == ImportStatus.FAILED
    assert "people[0]" in job.error
    assert Vault.objects.count() == 1


def test_the_rehearsal_deletes_the_photos_it_stored(
    as_alice: Client, vault: Vault, alice: User, settings: Any
) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + bytes(
        200
    )
    anna = create_person(vault, "Anna de Vries")
    from django.core.files.base import ContentFile

    anna.photo.save("anna.png", ContentFile(png))
    document = exported(vault, alice)
    photos = Path(settings.MEDIA_ROOT) / "photos"
    before = sorted(photos.rglob("*"))

    job = upload(as_alice, vault, "backup.json", document)

    assert job.status == ImportStatus.PREVIEWED, job.error
    assert job.preview is not None and job.preview["restored"]["photos"] == 1
    assert sorted(photos.rglob("*")) == before


# --- the first run -------------------------------------------------------------------------------


def test_step_two_offers_the_import_then_no_empty_start_after_a_restore(
    client: Client, alice: User
) -> None:
    personal = Vault.objects.create(name="Personal")
    Membership.objects.create(vault=personal, user=alice, role=Role.OWNER)
    client.force_login(alice)
    session = client.session
    session[JUST_WELCOMED] = True
    session.save()

    before = text(client.get(reverse("web:start")))

    assert "Start empty" in before and "Import a file" in before
    assert f"{reverse('exchange:import')}?vault={personal.pk}" in before

    source = Vault.objects.create(name="Old laptop")
    Membership.objects.create(vault=source, user=alice, role=Role.OWNER)
    anna = create_person(source, "Anna de Vries")
    add_contact_method(anna, "email", "anna@example.org")
    document = exported(source, alice)
    Person.objects.filter(vault=source).delete()
    job = upload(client, personal, "backup.json", document)
    client.post(reverse("exchange:run", args=[job.pk]), {"target": "here"})
    assert Person.objects.filter(vault=personal).count() == 1

    after = text(client.get(reverse("web:start")))

    assert "Start empty" not in after and "Your people are here" in after
