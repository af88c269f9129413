"""Importing a vCard file in a real browser: upload, see the preview, import, see the people.

The small file is read within the request; a third test shows a running import's page, whose
htmx polling turns into the preview once the job is done. (The background thread itself is
tested in tests/exchange: the test database, SQLite in memory with a shared cache, blocks
readers while the import's transaction is open, which a real SQLite file in WAL mode does not.)
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browser_helpers import (
    Screenshot,
    horizontal_overflow,
    owner_with_vault,
    serious_violations,
    sign_in,
)
from playwright.sync_api import Page, expect

from aandacht.exchange.models import ImportJob, ImportStatus
from aandacht.people.models import Person
from aandacht.people.services import add_contact_method, create_person

pytestmark = pytest.mark.browser

CARDS = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:de Vries;Anna;;;\r\nFN:Anna de Vries\r\n"
    b"EMAIL;TYPE=INTERNET:anna@example.org\r\nORG:Acme\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:4.0\r\nN:Jansen;Piet;;;\r\nFN:Piet Jansen\r\n"
    b"TEL;TYPE=cell:+31 6 12345678\r\nBDAY:--0415\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bram van den Berg\r\nN:van den Berg;Bram;;;\r\n"
    b"EMAIL:bram@example.org\r\nTITLE:Wethouder\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:a card without anyone on it\r\nEND:VCARD\r\n"
)


def preview_lists_people() -> bool:
    """Whether ImportReport.as_json lists who is new and who matched (a newer importing.py)."""
    from aandacht.exchange.importing import ImportReport

    return "new_people" in ImportReport().as_json()


def choose_file(page: Page) -> None:
    page.get_by_label("File", exact=True).set_input_files(
        files=[{"name": "contacts.vcf", "mimeType": "text/vcard", "buffer": CARDS}]
    )


def test_import_a_vcard_file_with_a_preview(page: Page, screenshot: Screenshot) -> None:
    user, vault = owner_with_vault()
    bram = create_person(vault, "Bram van den Berg", organisation="Gemeente Utrecht")
    add_contact_method(bram, "email", "bram@example.org")
    sign_in(page, "marieke")

    page.goto(f"/people/?vault={vault.pk}")
    page.locator(".people-head").get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bring your contacts in")
    choose_file(page)
    screenshot(page, "upload")
    page.get_by_role("button", name="Upload and preview").click()

    expect(
        page.get_by_role("heading", name="Preview: nothing has been written yet")
    ).to_be_visible()
    expect(page.get_by_test_id("count-created")).to_have_text("2")
    expect(page.get_by_test_id("count-errors")).to_have_text("1")
    expect(page.get_by_role("cell", name="Card 4", exact=True)).to_be_visible()
    matched = page.get_by_test_id("updated-people")
    if preview_lists_people():
        expect(matched).to_contain_text("Bram van den Berg")
        expect(matched).to_contain_text("same email address")
        expect(matched).to_contain_text("Wethouder")
        page.get_by_test_id("new-people").locator("summary").click()
        expect(page.get_by_test_id("new-people")).to_contain_text("Anna de Vries")
    assert serious_violations(page) == []
    screenshot(page, "preview")
    assert Person.objects.filter(vault=vault).count() == 1, "the preview wrote nothing"
    preview = ImportJob.objects.get(vault=vault).preview
    assert preview is not None and preview["updated"] + preview["unchanged"] == 1, "Bram matched"

    page.get_by_role("button", name="Import", exact=True).click()

    expect(
        page.get_by_role("status").filter(has_text="2 new people are in Personal now.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="What was imported")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "result")
    page.get_by_role("link", name="See the people").click()
    expect(page).to_have_url(re.compile(r"/people/\?vault="))
    for name in ("Anna de Vries", "Piet Jansen", "Bram van den Berg"):
        expect(page.get_by_role("link", name=re.compile(name)).first).to_be_visible()
    screenshot(page, "people")
    assert Person.objects.filter(vault=vault).count() == 3
    job = ImportJob.objects.get(vault=vault)
    assert job.status == ImportStatus.DONE and not job.upload

    page.goto(f"/exchange/import/?vault={vault.pk}")
    expect(page.locator(".import-history")).to_contain_text("contacts.vcf")
    expect(page.locator(".import-history")).to_contain_text("2 new")


def test_import_without_javascript(nojs_page: Page, screenshot: Screenshot) -> None:
    page = nojs_page
    user, vault = owner_with_vault()
    sign_in(page, "marieke")

    page.goto(f"/exchange/import/?vault={vault.pk}")
    choose_file(page)
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_test_id("count-created")).to_have_text("3")
    page.get_by_role("button", name="Import", exact=True).click()

    expect(page.get_by_role("heading", name="Imported", exact=True)).to_be_visible()
    screenshot(page, "result")
    assert Person.objects.filter(vault=vault).count() == 3


def test_a_running_import_polls_until_it_is_done(page: Page, screenshot: Screenshot) -> None:
    user, vault = owner_with_vault()
    job = ImportJob.objects.create(
        vault=vault,
        user=user,
        filename="big.vcf",
        size=1000,
        status=ImportStatus.PREVIEWING,
        bytes_read=400,
        records_read=120,
    )
    sign_in(page, "marieke")

    page.goto(f"/exchange/import/{job.pk}/")
    expect(page.get_by_role("heading", name="Reading the file…")).to_be_visible()
    expect(page.locator("#import-progress")).to_contain_text(
        "Reading: 40% of the file, 120 records"
    )
    screenshot(page, "progress")
    summary = {"created": 7, "updated": 0, "unchanged": 0, "errors": [], "conflicts": []}
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.PREVIEWED, preview=summary, bytes_read=1000
    )

    expect(page.get_by_test_id("count-created")).to_have_text("7", timeout=10_000)
    expect(page.locator("#import-progress")).to_have_count(0)


def test_a_csv_file_gets_its_columns_chosen(page: Page, screenshot: Screenshot) -> None:
    user, vault = owner_with_vault()
    sign_in(page, "marieke")
    rows = (
        b"Naam,E-mailadres,Werkgever,Lievelingskleur\r\n"
        b"Anna de Vries,anna@example.org,Acme,groen\r\n"
        b"Piet Jansen,piet@example.org,Bakkerij Jansen,blauw\r\n"
    )

    page.goto(f"/exchange/import/?vault={vault.pk}")
    page.get_by_label("File", exact=True).set_input_files(
        files=[{"name": "mensen.csv", "mimeType": "text/csv", "buffer": rows}]
    )
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Which column is what?")
    expect(page.get_by_text("Bakkerij Jansen")).to_be_visible()
    page.get_by_label("Naam").select_option("full_name")
    page.get_by_label("E-mailadres").select_option("email")
    page.get_by_label("Werkgever").select_option("organisation")
    assert serious_violations(page) == []
    screenshot(page, "columns")
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_test_id("count-created")).to_have_text("2")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="Imported", exact=True)).to_be_visible()
    assert Person.objects.filter(vault=vault, organisation="Bakkerij Jansen").count() == 1


def test_the_preview_fits_a_phone(mobile_page: Page, screenshot: Screenshot) -> None:
    page = mobile_page
    user, vault = owner_with_vault()
    anna = create_person(vault, "Anna de Vries", organisation="Een heel lange organisatienaam BV")
    add_contact_method(anna, "email", "anna@example.org")
    sign_in(page, "marieke")

    page.goto(f"/exchange/import/?vault={vault.pk}")
    assert horizontal_overflow(page) <= 0
    choose_file(page)
    page.get_by_role("button", name="Upload and preview").tap()

    expect(page.get_by_test_id("count-conflicts")).to_have_text("1")
    assert horizontal_overflow(page) <= 0
    screenshot(page, "preview")


def test_the_import_pages_pass_axe_in_dark_mode(
    open_page: Callable[..., Page], screenshot: Screenshot
) -> None:
    page = open_page(color_scheme="dark")
    user, vault = owner_with_vault()
    sign_in(page, "marieke")

    page.goto(f"/exchange/import/?vault={vault.pk}")
    assert serious_violations(page) == []
    choose_file(page)
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_test_id("count-created")).to_have_text("3")
    assert serious_violations(page) == []
    screenshot(page, "preview")
    page.goto(f"/exchange/export/?vault={vault.pk}")
    assert serious_violations(page) == []
    screenshot(page, "export")


def test_the_preview_lists_who_is_new_and_who_matched(page: Page, screenshot: Screenshot) -> None:
    user, vault = owner_with_vault()
    jeroen = create_person(vault, "Jeroen van der Berg", organisation="Acme")
    preview = {
        "records": 12004,
        "created": 12001,
        "updated": 1,
        "unchanged": 2,
        "errors": [],
        "warnings": [{"record": 7, "code": "photo", "reason": "the photo is not an image"}],
        "conflicts": [
            {
                "record": 5,
                "person_id": jeroen.pk,
                "person": "Jeroen van der Berg",
                "field": "family_name",
                "existing": "van der Berg",
                "incoming": "Berg",
            },
            {
                "record": 5,
                "person_id": jeroen.pk,
                "person": "Jeroen van der Berg",
                "field": "birthday",
                "existing": "--04-15",
                "incoming": "1980-04-16",
            },
        ],
        "new_people": [{"record": 3, "name": "Anna de Boer"}],
        "new_people_more": 12000,
        "updated_people": [
            {
                "record": 5,
                "person_id": jeroen.pk,
                "person": "Jeroen van der Berg",
                "rule": "name+organisation",
                "added": [
                    {"field": "email", "value": "j@x.nl"},
                    {"field": "birthday", "value": "1980-04-15"},
                ],
            }
        ],
    }
    job = ImportJob.objects.create(
        vault=vault,
        user=user,
        filename="big.vcf",
        size=1000,
        format="vcard",
        status=ImportStatus.PREVIEWED,
        preview=preview,
    )
    sign_in(page, "marieke")

    page.goto(f"/exchange/import/{job.pk}/")

    expect(page.get_by_test_id("count-created")).to_have_text("12,001")
    matched = page.get_by_test_id("updated-people")
    expect(matched.get_by_role("link", name="Jeroen van der Berg")).to_be_visible()
    expect(matched).to_contain_text("Card 5 · similar name and same organisation")
    expect(matched).to_contain_text("Birthday: 15 April 1980")
    new = page.get_by_test_id("new-people")
    expect(new.locator("summary")).to_have_text("Who would be new: 12,001 people")
    new.locator("summary").click()
    expect(new).to_contain_text("Anna de Boer")
    expect(new).to_contain_text("…and 12,000 more.")
    conflicts = page.locator("table.import-table")
    expect(conflicts).to_contain_text("Family name")
    expect(conflicts).to_contain_text("15 April")
    expect(conflicts).to_contain_text("16 April 1980")
    expect(conflicts).not_to_contain_text("family_name")
    expect(conflicts).not_to_contain_text("--04-15")
    assert serious_violations(page) == []
    screenshot(page, "preview")


def test_importing_the_same_file_again_says_nothing_is_new(
    page: Page, screenshot: Screenshot
) -> None:
    user, vault = owner_with_vault()
    sign_in(page, "marieke")
    page.goto(f"/exchange/import/?vault={vault.pk}")
    choose_file(page)
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="Imported", exact=True)).to_be_visible()

    page.goto(f"/exchange/import/?vault={vault.pk}")
    choose_file(page)
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_test_id("nothing-new")).to_have_text(
        "Nothing new: all 3 cards in this file describe people who are already here, with "
        "everything in them."
    )
    # Nothing to import: "Done", not "Import"; Done leaves no entry in the history.
    expect(page.get_by_role("button", name="Import", exact=True)).to_have_count(0)
    assert serious_violations(page) == []
    screenshot(page, "again")
    page.get_by_role("button", name="Done", exact=True).click()
    expect(page.get_by_text("Nothing to import from “contacts.vcf”")).to_be_visible()
    expect(page.locator(".import-history__row")).to_have_count(1)
    screenshot(page, "done")
    assert Person.objects.filter(vault=vault).count() == 3
    assert ImportJob.objects.filter(vault=vault).count() == 1


def test_a_json_export_is_restored_into_a_new_vault(page: Page, screenshot: Screenshot) -> None:
    import io

    from aandacht.accounts.models import Membership, Role, Vault
    from aandacht.exchange.json_document import export_json

    user, vault = owner_with_vault()
    anna = create_person(vault, "Anna de Vries")
    add_contact_method(anna, "email", "anna@example.org")
    out = io.StringIO()
    export_json(vault, out, user=user)
    sign_in(page, "marieke")

    page.goto(f"/exchange/import/?vault={vault.pk}")
    page.get_by_label("File", exact=True).set_input_files(
        files=[
            {
                "name": "backup.json",
                "mimeType": "application/json",
                "buffer": out.getvalue().encode(),
            }
        ]
    )
    page.get_by_role("button", name="Upload and preview").click()

    name = page.get_by_label("Name of the new vault")
    expect(name).to_have_value("Personal (2)")
    expect(page.get_by_role("heading", name="What would be restored")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "preview")
    name.fill("Personal")
    page.get_by_role("button", name="Restore").click()
    expect(page.get_by_text("You already have a vault called “Personal”")).to_be_visible()
    page.get_by_label("Name of the new vault").fill("Old laptop")
    page.get_by_role("button", name="Restore").click()

    expect(
        page.get_by_role("status").filter(has_text="One person was restored into “Old laptop”.")
    ).to_be_visible()
    # The header names the vault the data went into, not the one the file was uploaded to.
    expect(page.get_by_test_id("job-meta")).to_contain_text("Old laptop ·")
    expect(page.get_by_test_id("job-meta")).not_to_contain_text("Personal")
    assert serious_violations(page) == []
    screenshot(page, "result")
    restored = Vault.objects.get(name="Old laptop")
    assert Membership.objects.get(vault=restored, user=user).role == Role.OWNER
    assert Person.objects.get(vault=restored).name == "Anna de Vries"


def test_a_json_export_is_restored_into_an_empty_vault_on_a_phone(
    mobile_page: Page, screenshot: Screenshot
) -> None:
    import io

    from aandacht.accounts.models import Membership, Role, Vault
    from aandacht.exchange.json_document import export_json

    page = mobile_page
    user, vault = owner_with_vault()
    old = Vault.objects.create(name="Old laptop")
    Membership.objects.create(vault=old, user=user, role=Role.OWNER)
    create_person(old, "Anna de Vries")
    out = io.StringIO()
    export_json(old, out, user=user)
    sign_in(page, "marieke")

    page.goto(f"/exchange/import/?vault={vault.pk}")
    page.get_by_label("File", exact=True).set_input_files(
        files=[
            {
                "name": "backup.json",
                "mimeType": "application/json",
                "buffer": out.getvalue().encode(),
            }
        ]
    )
    page.get_by_role("button", name="Upload and preview").tap()

    here = page.get_by_label("“Personal”, which is empty")
    expect(here).to_be_checked()
    name = page.get_by_label("Name of the new vault")
    expect(name).to_be_hidden()
    page.get_by_label("a new vault").check()
    expect(name).to_have_value("Old laptop (2)")
    screenshot(page, "new-vault")
    page.get_by_label("“Personal”, which is empty").check()
    expect(name).to_be_hidden()
    assert horizontal_overflow(page) <= 0
    assert serious_violations(page) == []
    screenshot(page, "preview")
    page.get_by_role("button", name="Restore").tap()

    expect(
        page.get_by_role("status").filter(has_text="One person was restored into “Personal”.")
    ).to_be_visible()
    assert Person.objects.get(vault=vault).name == "Anna de Vries"
    assert Vault.objects.count() == 2, "no new vault"
