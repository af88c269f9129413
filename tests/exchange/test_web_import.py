"""The web import: upload → (column mapping) → preview → import → result, and every bad input.

alice owns the vault, bob edits, carol only views, mallory has her own vault. Small files run
within the request; the background thread is tested on its own with a committed database.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aandacht.accounts.models import Vault
from aandacht.exchange import jobs
from aandacht.exchange.models import ImportJob, ImportStatus
from aandacht.exchange.uploads import LimitedUploadHandler
from aandacht.people.models import ContactMethod, Person
from aandacht.people.services import add_contact_method, create_person

IMPORT = reverse("exchange:import")

TWO_CARDS = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:de Vries;Anna;;;\r\nFN:Anna de Vries\r\n"
    b"EMAIL;TYPE=INTERNET:anna@example.org\r\nORG:Acme\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Jansen;Piet;;;\r\nFN:Piet Jansen\r\n"
    b"TEL;TYPE=CELL:+31 6 12345678\r\nEND:VCARD\r\n"
)
PEOPLE_CSV = (
    b"Name,E-mail,Company,Favourite colour\r\n"
    b"Anna de Vries,anna@example.org,Acme,green\r\n"
    b"Piet Jansen,piet@example.org,Bakkerij Jansen,blue\r\n"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + bytes(200)


def text(response: Any) -> str:
    return str(response.content.decode())


def upload(
    client: Client, vault: Vault, name: str, content: bytes, fmt: str = "auto", **extra: Any
) -> HttpResponse:
    response: HttpResponse = client.post(
        f"{IMPORT}?vault={vault.pk}",
        {"format": fmt, "file": SimpleUploadedFile(name, content)},
        **extra,
    )
    return response


def job_of(vault: Vault) -> ImportJob:
    return ImportJob.objects.get(vault=vault)


def stored_imports() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


# ---------------------------------------------------------------------------------------------
# The happy paths


def test_the_import_page_has_the_form_and_an_empty_history(as_alice: Client, vault: Vault) -> None:
    response = as_alice.get(f"{IMPORT}?vault={vault.pk}")

    page = text(response)
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in page
    assert 'name="format"' in page and '<option value="auto" selected>' in page
    assert "Nothing imported into this vault yet." in page


def test_a_vcard_upload_previews_then_imports(as_alice: Client, vault: Vault, alice: User) -> None:
    response = upload(as_alice, vault, "contacts.vcf", TWO_CARDS)

    job = job_of(vault)
    assert response.status_code == 302 and response["Location"] == reverse(
        "exchange:job", args=[job.pk]
    )
    assert job.status == ImportStatus.PREVIEWED and job.detected_format == "vcard"
    assert job.user == alice and job.filename == "contacts.vcf" and job.size == len(TWO_CARDS)
    assert job.preview is not None and job.preview["created"] == 2
    assert job.records_read == 2 and job.bytes_read == job.size
    assert not Person.objects.filter(vault=vault).exists(), "a preview writes nothing"

    page = text(as_alice.get(response["Location"]))
    assert "Preview: nothing has been written yet" in page
    assert '<dd data-testid="count-created">2</dd>' in page
    assert reverse("exchange:run", args=[job.pk]) in page

    done = as_alice.post(reverse("exchange:run", args=[job.pk]))

    job.refresh_from_db()
    assert done.status_code == 302 and job.status == ImportStatus.DONE
    assert job.result is not None and job.result["created"] == 2
    names = sorted(p.name for p in Person.objects.filter(vault=vault))
    assert names == ["Anna de Vries", "Piet Jansen"]
    assert not job.upload and not stored_imports(), "the file goes once it is imported"
    page = text(as_alice.get(done["Location"]))
    assert "2 new people are in Alice&#x27;s people now." in page
    assert "See the people" in page


def test_matches_and_conflicts_show_in_the_preview(as_alice: Client, vault: Vault) -> None:
    anna = create_person(vault, "Anna de Vries", organisation="Globex")
    add_contact_method(anna, "email", "anna@example.org")

    upload(as_alice, vault, "contacts.vcf", TWO_CARDS)

    job = job_of(vault)
    assert job.preview is not None
    assert (job.preview["created"], job.preview["updated"] + job.preview["unchanged"]) == (1, 1)
    conflict = job.preview["conflicts"][0]
    assert conflict["person_id"] == anna.pk and conflict["incoming"] == "Acme"
    page = text(as_alice.get(reverse("exchange:job", args=[job.pk])))
    assert '<dd data-testid="count-conflicts">1</dd>' in page
    assert "Globex" in page and "Acme" in page
    assert reverse("people:detail", args=[anna.pk]) in page


def test_unreadable_records_are_listed_with_their_card_number(
    as_alice: Client, vault: Vault
) -> None:
    broken = TWO_CARDS + b"BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:nobody\r\nEND:VCARD\r\n"

    upload(as_alice, vault, "contacts.vcf", broken)

    job = job_of(vault)
    assert job.preview is not None and job.preview["created"] == 2
    errors = job.preview["errors"]
    assert [each["record"] for each in errors] == [3]
    page = text(as_alice.get(reverse("exchange:job", args=[job.pk])))
    assert '<dd data-testid="count-errors">1</dd>' in page
    assert '<td data-label="Where">Card 3</td>' in page


def test_a_csv_gets_a_column_mapping_first(as_alice: Client, vault: Vault) -> None:
    response = upload(as_alice, vault, "people.csv", PEOPLE_CSV)

    job = job_of(vault)
    mapping_url = reverse("exchange:mapping", args=[job.pk])
    assert response["Location"] == mapping_url
    assert job.status == ImportStatus.UPLOADED and job.detected_format == "csv"

    page = text(as_alice.get(mapping_url))
    assert "Favourite colour" in page and "green" in page and "Bakkerij Jansen" in page
    assert '<option value="email" selected>' in page, "suggested from the header"
    assert 'name="column_3"' in page

    posted = as_alice.post(
        mapping_url,
        {"column_0": "full_name", "column_1": "email", "column_2": "organisation", "column_3": ""},
    )

    job.refresh_from_db()
    assert posted.status_code == 302
    assert job.mapping == {"Name": "full_name", "E-mail": "email", "Company": "organisation"}
    assert job.status == ImportStatus.PREVIEWED and job.preview is not None
    assert job.preview["created"] == 2
    as_alice.post(reverse("exchange:run", args=[job.pk]))
    assert Person.objects.filter(vault=vault, organisation="Bakkerij Jansen").count() == 1


def test_bob_the_editor_may_import(client: Client, bob: User, vault: Vault) -> None:
    client.force_login(bob)

    upload(client, vault, "contacts.vcf", TWO_CARDS)
    client.post(reverse("exchange:run", args=[job_of(vault).pk]))

    assert Person.objects.filter(vault=vault).count() == 2


# ---------------------------------------------------------------------------------------------
# Bad input: a clear message, nothing stored


def test_a_file_over_the_limit_stops_at_the_limit(
    as_alice: Client, vault: Vault, settings: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 1024 * 1024

    response = upload(as_alice, vault, "huge.vcf", TWO_CARDS * 10_000)

    assert response.status_code == 413
    assert "This file is larger than 1 MB" in text(response)
    assert not ImportJob.objects.exists() and not stored_imports()


def test_an_upload_announced_as_2_gb_is_refused_without_reading_it(
    as_alice: Client, vault: Vault
) -> None:
    body = b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.vcf"\r\n\r\n'
    response = as_alice.post(
        f"{IMPORT}?vault={vault.pk}",
        data=body,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(2 * 1024**3),
    )

    assert response.status_code == 413
    assert "This file is larger than 200 MB" in text(response)
    assert not ImportJob.objects.exists()


def test_the_upload_handler_drops_the_file_at_the_limit() -> None:
    handler = LimitedUploadHandler(limit=10)
    handler.new_file("file", "a.vcf", "text/vcard", None)
    path = Path(handler.file.temporary_file_path())
    handler.receive_data_chunk(b"12345", 0)

    with pytest.raises(Exception) as raised:
        handler.receive_data_chunk(b"678901", 5)

    assert type(raised.value).__name__ == "SkipFile"
    assert handler.too_big and not path.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.vcf", b"", "The file is empty"),
        ("photo.vcf", PNG, "binary data"),
        ("list.md", b"milk\nbread\ncheese\n", "neither vCard, CSV nor"),
    ],
)
def test_unusable_files_are_refused_on_the_form(
    as_alice: Client, vault: Vault, name: str, content: bytes, message: str
) -> None:
    response = upload(as_alice, vault, name, content)

    assert response.status_code == 400
    page = text(response)
    assert message in page and 'id="import-file-error"' in page
    assert not ImportJob.objects.exists() and not stored_imports()


def test_no_file_at_all(as_alice: Client, vault: Vault) -> None:
    response = as_alice.post(f"{IMPORT}?vault={vault.pk}", {"format": "auto"})

    assert response.status_code == 400
    assert "Choose a file to import." in text(response)


def test_a_format_not_on_the_list(as_alice: Client, vault: Vault) -> None:
    response = upload(as_alice, vault, "contacts.vcf", TWO_CARDS, fmt="excel")

    assert response.status_code == 400
    assert "Select a valid choice" in text(response)
    assert not ImportJob.objects.exists()


def test_a_vcard_with_nothing_readable_fails_with_the_reason(
    as_alice: Client, vault: Vault
) -> None:
    nothing = b"BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:x\r\nEND:VCARD\r\n"

    upload(as_alice, vault, "contacts.vcf", nothing)

    job = job_of(vault)
    assert job.status == ImportStatus.FAILED
    assert job.result is not None and job.result["error"]["code"] == "no_records"
    page = text(as_alice.get(reverse("exchange:job", args=[job.pk])))
    assert "This file cannot be imported" in page and "Nothing in this file" in page
    assert not Person.objects.exists()


def test_a_csv_with_no_usable_columns_cannot_be_mapped_to_nothing(
    as_alice: Client, vault: Vault
) -> None:
    upload(as_alice, vault, "numbers.csv", b"alpha,beta\r\n1,2\r\n3,4\r\n")
    job = job_of(vault)
    mapping_url = reverse("exchange:mapping", args=[job.pk])

    page = text(as_alice.get(mapping_url))
    assert '<option value="" selected>' in page, "nothing to suggest"
    response = as_alice.post(mapping_url, {"column_0": "", "column_1": ""})

    assert response.status_code == 400
    assert "Choose at least one column with a name, an email address or a phone number" in (
        text(response)
    )
    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED and job.mapping == {}


def test_a_mapping_without_name_email_or_phone(as_alice: Client, vault: Vault) -> None:
    upload(as_alice, vault, "people.csv", PEOPLE_CSV)
    job = job_of(vault)

    response = as_alice.post(
        reverse("exchange:mapping", args=[job.pk]),
        {"column_0": "note", "column_1": "", "column_2": "organisation", "column_3": "tags"},
    )

    assert response.status_code == 400
    assert "Choose at least one column with a name" in text(response)
    assert not Person.objects.exists()


def test_one_field_from_two_columns(as_alice: Client, vault: Vault) -> None:
    upload(as_alice, vault, "people.csv", PEOPLE_CSV)
    job = job_of(vault)

    response = as_alice.post(
        reverse("exchange:mapping", args=[job.pk]),
        {"column_0": "full_name", "column_1": "email", "column_2": "note", "column_3": "note"},
    )

    assert response.status_code == 400
    assert "Only one column can be the note; now “Company”, “Favourite colour” are." in (
        text(response).replace("&ldquo;", "“").replace("&rdquo;", "”")
    )


def test_a_mapping_choice_not_on_the_list(as_alice: Client, vault: Vault) -> None:
    upload(as_alice, vault, "people.csv", PEOPLE_CSV)
    job = job_of(vault)

    response = as_alice.post(
        reverse("exchange:mapping", args=[job.pk]), {"column_0": "password", "column_1": "email"}
    )

    assert response.status_code == 400
    assert "Select a valid choice" in text(response)


# ---------------------------------------------------------------------------------------------
# Who may do what


def test_carol_the_viewer_sees_the_history_but_cannot_upload(
    client: Client, carol: User, vault: Vault
) -> None:
    client.force_login(carol)

    page = client.get(f"{IMPORT}?vault={vault.pk}")
    refused = upload(client, vault, "contacts.vcf", TWO_CARDS)

    assert page.status_code == 200 and 'type="file"' not in text(page)
    assert "you cannot import into it" in text(page)
    assert refused.status_code == 403
    assert not ImportJob.objects.exists()


def test_carol_cannot_run_or_cancel_an_import(
    as_alice: Client, client: Client, carol: User, vault: Vault
) -> None:
    upload(as_alice, vault, "contacts.vcf", TWO_CARDS)
    job = job_of(vault)
    viewer = Client()
    viewer.force_login(carol)

    assert viewer.get(reverse("exchange:job", args=[job.pk])).status_code == 200
    for name in ("run", "cancel", "retry", "preview", "mapping"):
        assert viewer.post(reverse(f"exchange:{name}", args=[job.pk])).status_code == 403
    assert not Person.objects.exists()


def test_another_vaults_import_is_a_404(
    as_alice: Client, vault: Vault, mallory: User, other_vault: Vault
) -> None:
    upload(as_alice, vault, "contacts.vcf", TWO_CARDS)
    job = job_of(vault)
    intruder = Client()
    intruder.force_login(mallory)

    assert intruder.get(reverse("exchange:job", args=[job.pk])).status_code == 404
    for name in ("run", "cancel", "retry", "preview", "mapping"):
        assert intruder.post(reverse(f"exchange:{name}", args=[job.pk])).status_code == 404
    assert intruder.get(f"{IMPORT}?vault={vault.pk}").status_code == 404
    assert upload(intruder, vault, "contacts.vcf", TWO_CARDS).status_code == 404
    assert intruder.get("/exchange/import/99999999999999999999/").status_code == 404
    assert not Person.objects.exists()


def test_anonymous_visitors_go_to_the_login(client: Client, vault: Vault) -> None:
    response = client.get(IMPORT)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ---------------------------------------------------------------------------------------------
# Idempotency, interruption, cancelling


def test_pressing_import_twice_imports_once(as_alice: Client, vault: Vault) -> None:
    upload(as_alice, vault, "contacts.vcf", TWO_CARDS)
    job = job_of(vault)
    run = reverse("exchange:run", args=[job.pk])

    first = as_alice.post(run)
    second = as_alice.post(run)

    assert first.status_code == second.status_code == 302
    assert Person.objects.filter(vault=vault).count() == 2
    assert ContactMethod.objects.filter(person__vault=vault).count() == 2
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.result is not None
    assert job.result["created"] == 2
    assert "not ready" not in text(as_alice.get(second["Location"]))


def test_only_one_of_two_racing_starts_wins(vault: Vault, alice: User) -> None:
    job = ImportJob.objects.create(
        vault=vault, user=alice, filename="x.vcf", status=ImportStatus.PREVIEWED
    )
    other_copy = ImportJob.objects.get(pk=job.pk)

    assert jobs.claim(job, {ImportStatus.PREVIEWED}, ImportStatus.IMPORTING)
    assert not jobs.claim(other_copy, {ImportStatus.PREVIEWED}, ImportStatus.IMPORTING)


def test_an_interrupted_import_can_be_tried_again(as_alice: Client, vault: Vault) -> None:
    upload(as_alice, vault, "contacts.vcf", TWO_CARDS)
    job = job_of(vault)
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING, updated_at=long_ago)

    page = text(as_alice.get(reverse("exchange:job", args=[job.pk])))
    history = text(as_alice.get(f"{IMPORT}?vault={vault.pk}"))
    assert "This import was interrupted" in page and "Try again" in page
    assert "interrupted" in history

    as_alice.post(reverse("exchange:retry", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Person.objects.filter(vault=vault).count() == 2


def test_a_recent_running_job_is_not_called_interrupted(vault: Vault, alice: User) -> None:
    job = ImportJob.objects.create(
        vault=vault, user=alice, filename="x.vcf", status=ImportStatus.IMPORTING
    )

    assert not jobs.is_interrupted(job)
    assert jobs.is_interrupted(job, now=timezone.now() + dt.timedelta(minutes=2))
    assert not jobs.retry(job), "too early to call it interrupted"


def test_a_running_import_shows_progress_and_polls(as_alice: Client, vault: Vault) -> None:
    upload(as_alice, vault, "contacts.vcf", TWO_CARDS)
    job = job_of(vault)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.IMPORTING, bytes_read=job.size // 2, records_read=1
    )
    url = reverse("exchange:job", args=[job.pk])

    page = text(as_alice.get(url))
    poll = as_alice.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="import-progress")

    assert 'hx-trigger="every 1s"' in page and 'http-equiv="refresh"' in page
    assert "Writing 1 of 2 records…" in page, "the preview counted 2 records"
    assert poll.status_code == 200 and text(poll).lstrip().startswith(
        '<section id="import-progress"'
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE)
    finished = as_alice.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="import-progress")
    assert finished.status_code == 204 and finished["HX-Refresh"] == "true"


def test_cancelling_deletes_the_uploaded_file(as_alice: Client, vault: Vault) -> None:
    upload(as_alice, vault, "contacts.vcf", TWO_CARDS)
    job = job_of(vault)
    assert len(stored_imports()) == 1

    response = as_alice.post(reverse("exchange:cancel", args=[job.pk]))

    job.refresh_from_db()
    assert response.status_code == 302 and job.status == ImportStatus.CANCELLED
    assert not job.upload and not stored_imports()
    assert as_alice.post(reverse("exchange:run", args=[job.pk])).status_code == 302
    assert not Person.objects.exists(), "a cancelled import cannot be run"


def test_a_done_import_cannot_be_cancelled(as_alice: Client, vault: Vault) -> None:
    upload(as_alice, vault, "contacts.vcf", TWO_CARDS)
    job = job_of(vault)
    as_alice.post(reverse("exchange:run", args=[job.pk]))

    as_alice.post(reverse("exchange:cancel", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE


# ---------------------------------------------------------------------------------------------
# History


def test_the_history_lists_past_imports_with_their_counts(as_alice: Client, vault: Vault) -> None:
    upload(as_alice, vault, "contacts.vcf", TWO_CARDS)
    as_alice.post(reverse("exchange:run", args=[job_of(vault).pk]))

    page = text(as_alice.get(f"{IMPORT}?vault={vault.pk}"))

    assert "contacts.vcf" in page and "imported" in page
    assert "2 new · 0 updated · 0 unchanged" in page


def test_the_history_costs_the_same_queries_for_many_imports(
    as_alice: Client, vault: Vault, alice: User, django_assert_max_num_queries: Any
) -> None:
    summary = {"created": 3, "updated": 1, "unchanged": 0, "errors": []}
    ImportJob.objects.bulk_create(
        ImportJob(vault=vault, user=alice, filename=f"file-{n}.vcf", status="done", result=summary)
        for n in range(25)
    )

    as_alice.get(f"{IMPORT}?vault={vault.pk}")  # the first visit also remembers the vault

    with django_assert_max_num_queries(8):
        response = as_alice.get(f"{IMPORT}?vault={vault.pk}")

    assert len(re.findall(r">file-\d+\.vcf<", text(response))) == 20


def test_the_history_shows_only_this_vaults_imports(
    as_alice: Client, vault: Vault, other_vault: Vault, mallory: User
) -> None:
    ImportJob.objects.create(vault=other_vault, user=mallory, filename="secret.vcf")

    assert "secret.vcf" not in text(as_alice.get(f"{IMPORT}?vault={vault.pk}"))


# ---------------------------------------------------------------------------------------------
# Large files: the background thread


@pytest.mark.django_db(transaction=True)
def test_a_large_file_runs_in_the_background(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aandacht.accounts.models import Membership, Role

    user = User.objects.create_user("dora", password="dora-secret-pw")
    vault = Vault.objects.create(name="Dora's people")
    Membership.objects.create(vault=vault, user=user, role=Role.OWNER)
    client.force_login(user)
    monkeypatch.setattr(jobs, "SYNC_MAX_BYTES", 0)

    response = upload(client, vault, "contacts.vcf", TWO_CARDS)
    # Wait before any query: SQLite's shared in-memory test database makes readers fail while
    # the thread's transaction is open (a database file in WAL mode lets them read).
    job_id = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    jobs.wait(job_id, timeout=30)
    job = ImportJob.objects.get(pk=job_id)
    assert job.status == ImportStatus.PREVIEWED and job.bytes_read == job.size

    client.post(reverse("exchange:run", args=[job.pk]))
    jobs.wait(job.pk, timeout=30)

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.records_read == 2
    assert Person.objects.filter(vault=vault).count() == 2
    assert not jobs.is_running_here(job.pk)


# ---------------------------------------------------------------------------------------------
# JSON: restored whole into an empty vault


def exported_json(vault: Vault, user: User) -> bytes:
    import io

    from aandacht.exchange.json_document import export_json

    out = io.StringIO()
    export_json(vault, out, user=user)
    return out.getvalue().encode()


def test_a_json_export_is_restored_into_an_empty_vault(
    as_alice: Client, vault: Vault, alice: User
) -> None:
    from aandacht.accounts.models import Membership, Role

    anna = create_person(vault, "Anna de Vries")
    add_contact_method(anna, "email", "anna@example.org")
    document = exported_json(vault, alice)
    empty = Vault.objects.create(name="Fresh start")
    Membership.objects.create(vault=empty, user=alice, role=Role.OWNER)

    upload(as_alice, empty, "backup.json", document)
    job = job_of(empty)
    preview_page = text(as_alice.get(reverse("exchange:job", args=[job.pk])))
    as_alice.post(reverse("exchange:run", args=[job.pk]), {"target": "here"})

    assert "This is an Aandacht JSON export" in preview_page
    assert "“Fresh start”, which is empty" in preview_page
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.result is not None
    assert job.result["restored"]["people"] == 1
    restored = Person.objects.get(vault=empty)
    assert restored.name == "Anna de Vries"
    result_page = text(as_alice.get(reverse("exchange:job", args=[job.pk])))
    assert "What was restored" in result_page and "Emails, phones and profiles" in result_page


def test_a_json_export_into_a_vault_with_people_goes_into_a_new_vault(
    as_alice: Client, vault: Vault, alice: User
) -> None:
    from aandacht.accounts.models import Membership, Role

    create_person(vault, "Anna de Vries")
    document = exported_json(vault, alice)

    upload(as_alice, vault, "backup.json", document)

    job = job_of(vault)
    assert job.status == ImportStatus.PREVIEWED, "the preview offers a new vault instead"
    page = text(as_alice.get(reverse("exchange:job", args=[job.pk])))
    assert "already holds people, so the export goes into a new vault" in page
    # The name is the exported vault's, made unique among alice's vaults.
    assert 'value="Alice&#x27;s people (2)"' in page
    assert "What would be restored" in page
    assert Vault.objects.count() == 1, "the preview's rehearsal left no vault behind"

    response = as_alice.post(
        reverse("exchange:run", args=[job.pk]), {"target": "new", "name": "  Old laptop  "}
    )

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.result is not None
    new = Vault.objects.get(name="Old laptop")
    assert Membership.objects.get(vault=new).user == alice
    assert Membership.objects.get(vault=new).role == Role.OWNER
    assert Person.objects.get(vault=new).name == "Anna de Vries"
    assert Person.objects.filter(vault=vault).count() == 1, "the first vault is untouched"
    result = text(as_alice.get(reverse("exchange:job", args=[job.pk])))
    assert "One person was restored into “Old laptop”." in result
    assert f"/people/?vault={new.pk}" in result


def test_a_vcard_has_no_column_mapping(as_alice: Client, vault: Vault) -> None:
    upload(as_alice, vault, "contacts.vcf", TWO_CARDS)
    job = job_of(vault)

    response = as_alice.get(reverse("exchange:mapping", args=[job.pk]))

    assert response.status_code == 302 and response["Location"] == reverse(
        "exchange:job", args=[job.pk]
    )


def test_a_chosen_format_wins_over_detection(as_alice: Client, vault: Vault) -> None:
    response = upload(as_alice, vault, "export.txt", PEOPLE_CSV, fmt="csv")

    job = job_of(vault)
    assert job.format == "csv"
    assert response["Location"] == reverse("exchange:mapping", args=[job.pk])


# ---------------------------------------------------------------------------------------------
# Where people find it


def test_writers_find_import_and_export_in_the_menu_and_on_the_people_list(
    as_alice: Client, vault: Vault
) -> None:
    people = text(as_alice.get(f"{reverse('people:list')}?vault={vault.pk}"))
    home = text(as_alice.get(f"{reverse('web:home')}?vault={vault.pk}"))

    for page in (people, home):
        assert f'href="{IMPORT}?vault={vault.pk}">Import contacts</a>' in page
        assert f'href="{reverse("exchange:export")}?vault={vault.pk}">Export contacts</a>' in page
    assert f'href="{IMPORT}?vault={vault.pk}">Import</a>' in people
    assert "Bring your contacts in" in home, "an empty vault suggests importing"


def test_viewers_find_only_export(client: Client, carol: User, vault: Vault) -> None:
    client.force_login(carol)

    people = text(client.get(f"{reverse('people:list')}?vault={vault.pk}"))

    assert "Import contacts" not in people and f"{IMPORT}?vault=" not in people
    assert "Export contacts" in people


def test_an_upload_left_waiting_for_a_week_is_dropped_at_the_next_upload(
    as_alice: Client, vault: Vault
) -> None:
    upload(as_alice, vault, "old.vcf", TWO_CARDS)
    old = job_of(vault)
    ImportJob.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=8))

    upload(as_alice, vault, "new.vcf", TWO_CARDS)

    old.refresh_from_db()
    new = ImportJob.objects.get(vault=vault, filename="new.vcf")
    assert old.status == ImportStatus.CANCELLED and not old.upload
    assert new.status == ImportStatus.PREVIEWED and new.upload
    assert len(stored_imports()) == 1
