"""The import pages' second polish: counting cards not people, "Done" when there is nothing
to import, the restored vault in the header, why an import failed, contact groups apart."""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from aandacht.accounts.models import Vault
from aandacht.exchange.json_document import export_json
from aandacht.exchange.labels import any_field_label, display_value, skipped_on_purpose
from aandacht.exchange.models import ImportJob, ImportStatus
from aandacht.people.models import Person
from aandacht.people.services import create_person

FIXTURES = Path(__file__).with_name("fixtures")


def card(name: str, email: str, extra: str = "") -> bytes:
    family, given = name.split()[-1], name.split()[0]
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nN:{family};{given};;;\r\n"
        f"EMAIL:{email}\r\n{extra}END:VCARD\r\n"
    ).encode()


# Six cards, five people: Anna is in the file twice (the second time with a phone).
SIX_CARDS = b"".join(
    [
        card("Anna Vries", "anna@example.org"),
        card("Piet Jansen", "piet@example.org"),
        card("Bram Berg", "bram@example.org"),
        card("Anna Vries", "anna@example.org", "TEL:+31 6 11111111\r\n"),
        card("Sanne Mulder", "sanne@example.org"),
        card("Daan Smit", "daan@example.org"),
    ]
)


def text(response: Any) -> str:
    return str(response.content.decode())


def upload(client: Client, vault: Vault, name: str, content: bytes) -> ImportJob:
    client.post(
        f"{reverse('exchange:import')}?vault={vault.pk}",
        {"format": "auto", "file": SimpleUploadedFile(name, content)},
    )
    return ImportJob.objects.filter(vault=vault).latest("pk")


def job_page(client: Client, job: ImportJob) -> str:
    return text(client.get(reverse("exchange:job", args=[job.pk])))


def test_a_file_with_a_person_twice_is_counted_by_cards(as_alice: Client, vault: Vault) -> None:
    first = upload(as_alice, vault, "contacts.vcf", SIX_CARDS)
    assert first.preview is not None
    assert (first.preview["created"], first.preview["merged_in_file"]) == (5, 1)
    as_alice.post(reverse("exchange:run", args=[first.pk]))
    assert Person.objects.filter(vault=vault).count() == 5

    again = upload(as_alice, vault, "contacts.vcf", SIX_CARDS)
    assert again.preview is not None
    keys = ("created", "updated", "unchanged", "merged_in_file")
    assert tuple(again.preview[key] for key in keys) == (0, 0, 6, 0)
    page = job_page(as_alice, again)

    assert "Nothing new: all 6 cards in this file describe people who are already here" in page
    assert "6 people" not in page


def test_a_csv_is_counted_by_rows(as_alice: Client, vault: Vault, alice: User) -> None:
    report = {"records": 3, "created": 0, "updated": 0, "unchanged": 3, "errors": []}
    job = ImportJob.objects.create(
        vault=vault,
        user=alice,
        filename="people.csv",
        size=10,
        format="csv",
        status=ImportStatus.PREVIEWED,
        preview=report,
    )
    assert "all 3 rows in this file describe people who are already here" in job_page(as_alice, job)


def test_nothing_to_import_offers_done_which_leaves_no_trace(
    as_alice: Client, vault: Vault
) -> None:
    first = upload(as_alice, vault, "contacts.vcf", SIX_CARDS)
    as_alice.post(reverse("exchange:run", args=[first.pk]))
    again = upload(as_alice, vault, "contacts.vcf", SIX_CARDS)
    stored = Path(again.upload.path)
    assert stored.exists()

    page = job_page(as_alice, again)
    assert reverse("exchange:run", args=[again.pk]) not in page, "no Import button"
    assert 'data-testid="import-done"' in page
    assert reverse("exchange:cancel", args=[again.pk]) in page

    response = as_alice.post(reverse("exchange:cancel", args=[again.pk]), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("exchange:import"))
    assert "Nothing to import from “contacts.vcf”" in text(response)
    assert not ImportJob.objects.filter(pk=again.pk).exists()
    assert not stored.exists(), "the upload is deleted"
    assert list(ImportJob.objects.filter(vault=vault)) == [first]


def test_an_old_import_form_on_a_nothing_new_preview_records_nothing(
    as_alice: Client, vault: Vault
) -> None:
    first = upload(as_alice, vault, "contacts.vcf", SIX_CARDS)
    as_alice.post(reverse("exchange:run", args=[first.pk]))
    again = upload(as_alice, vault, "contacts.vcf", SIX_CARDS)

    response = as_alice.post(reverse("exchange:run", args=[again.pk]))

    assert response.status_code == 302
    assert not ImportJob.objects.filter(pk=again.pk).exists()
    assert ImportJob.objects.filter(vault=vault, status=ImportStatus.DONE).count() == 1


def test_a_conflict_alone_still_offers_the_import(as_alice: Client, vault: Vault) -> None:
    anna_card = card("Anna Vries", "anna@example.org", "ORG:Initech\r\n")
    first = upload(as_alice, vault, "anna.vcf", anna_card)
    as_alice.post(reverse("exchange:run", args=[first.pk]))
    Person.objects.filter(vault=vault).update(organisation="Acme")  # changed here since
    job = upload(as_alice, vault, "anna.vcf", anna_card)
    assert job.preview is not None
    assert (job.preview["created"], job.preview["updated"]) == (0, 0)
    assert job.preview["conflicts"]

    page = job_page(as_alice, job)

    assert reverse("exchange:run", args=[job.pk]) in page
    assert 'data-testid="import-done"' not in page


def test_a_viewer_cannot_finish_someone_elses_preview(
    client: Client, vault: Vault, alice: User, carol: User
) -> None:
    client.force_login(alice)
    first = upload(client, vault, "contacts.vcf", SIX_CARDS)
    client.post(reverse("exchange:run", args=[first.pk]))
    again = upload(client, vault, "contacts.vcf", SIX_CARDS)
    client.force_login(carol)

    response = client.post(reverse("exchange:cancel", args=[again.pk]))

    assert response.status_code == 403
    assert ImportJob.objects.filter(pk=again.pk).exists()


def test_the_restored_vault_is_in_the_header(as_alice: Client, vault: Vault, alice: User) -> None:
    create_person(vault, "Anna de Vries")
    out = io.StringIO()
    export_json(vault, out, user=alice)
    job = upload(as_alice, vault, "backup.json", out.getvalue().encode())
    preview = job_page(as_alice, job)
    assert f"{vault.name} · Aandacht JSON export" in preview.replace("&#x27;", "'")

    as_alice.post(reverse("exchange:run", args=[job.pk]), {"target": "new", "name": "Restored"})

    page = job_page(as_alice, job)
    assert 'data-testid="job-meta">Restored · Aandacht JSON export' in page
    assert "Alice&#x27;s people · " not in page


def test_a_failed_import_says_why_in_the_history(as_alice: Client, vault: Vault) -> None:
    job = upload(as_alice, vault, "cut.vcf", b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\n")
    assert job.status == ImportStatus.FAILED and job.error

    page = text(as_alice.get(f"{reverse('exchange:import')}?vault={vault.pk}"))

    reason = html.unescape(page.split('data-testid="history-reason">')[1].split("<a ")[0])
    assert reason.strip() and job.error.startswith(reason.strip().rstrip("…"))
    assert reverse("exchange:job", args=[job.pk]) in page


def test_a_contact_group_is_skipped_on_purpose(as_alice: Client, vault: Vault) -> None:
    job = upload(as_alice, vault, "apple.vcf", (FIXTURES / "apple_contacts.vcf").read_bytes())
    assert job.preview is not None
    assert [e["code"] for e in job.preview["errors"]] == ["group"]

    page = job_page(as_alice, job)

    assert "Skipped on purpose: contact groups" in page
    assert 'data-testid="count-errors">0<' in page
    assert "Bierliefhebbers" not in page.split("What would change")[1], "no error table"
    as_alice.post(reverse("exchange:run", args=[job.pk]))
    history = text(as_alice.get(f"{reverse('exchange:import')}?vault={vault.pk}"))
    assert "not readable" not in history


def test_labels_are_shared_and_dates_read_as_dates() -> None:
    assert any_field_label("family_name") == "family name"
    assert any_field_label("job_title") == "job title"
    assert display_value("1980-04-15") == "15 April 1980"
    problems = [{"code": "group"}, {"code": "truncated"}, {"code": "group"}]
    assert skipped_on_purpose(problems) == [("contact groups", 2)]


def test_text_outside_the_cards_is_not_card_0() -> None:
    from aandacht.exchange.views import where_label

    assert where_label(0, by_line=False) == "Outside the cards"
    assert where_label(7, by_line=False) == "Card 7"
    assert where_label(12, by_line=True) == "Line 12"
