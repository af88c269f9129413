"""Your account in a real browser: signing out another device, the export, deleting."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable

import pytest
from browser_helpers import PASSWORD, Screenshot, owner_with_vault, serious_violations, sign_in
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def test_signing_out_the_phone_from_the_laptop(
    open_page: Callable[..., Page], app_url: str, screenshot: Screenshot
) -> None:
    owner_with_vault()
    phone = open_page(user_agent=IPHONE)
    laptop = open_page()
    sign_in(phone, "marieke")
    sign_in(laptop, "marieke")

    laptop.goto("/accounts/")
    laptop.get_by_role("link", name=re.compile("Where you are signed in")).click()

    sessions = laptop.get_by_test_id("session")
    expect(sessions).to_have_count(2)
    expect(sessions.first).to_contain_text("this device")
    expect(sessions.nth(1)).to_contain_text("Safari on iOS")
    assert serious_violations(laptop) == []
    screenshot(laptop, "sessions")
    sessions.nth(1).get_by_role("button", name=re.compile("Sign out")).click()

    expect(laptop.get_by_role("status")).to_contain_text("That session is signed out.")
    expect(laptop.get_by_test_id("session")).to_have_count(1)
    phone.reload()
    expect(phone).to_have_url(re.compile(r"/accounts/login/"))


def test_the_export_downloads_one_zip(page: Page, app_url: str, screenshot: Screenshot) -> None:
    owner_with_vault()
    sign_in(page, "marieke")
    page.goto("/accounts/export/")
    expect(page.get_by_test_id("export-vaults")).to_contain_text("Personal")
    assert serious_violations(page) == []
    screenshot(page, "export")

    with page.expect_download() as info:
        page.get_by_role("button", name="Download the ZIP file").click()

    download = info.value
    assert download.suggested_filename.startswith("aandacht-marieke-")
    with zipfile.ZipFile(download.path()) as archive:
        account = json.loads(archive.read("account.json"))
    assert account["user"]["username"] == "marieke"
    page.goto("/accounts/delete/")
    expect(page.get_by_test_id("delete-plan")).to_contain_text("Personal")
    assert serious_violations(page) == []
    screenshot(page, "delete")


def test_deleting_the_account_without_javascript(
    open_page: Callable[..., Page], app_url: str
) -> None:
    owner_with_vault()
    page = open_page(java_script_enabled=False)
    sign_in(page, "marieke")
    page.goto("/accounts/delete/")
    expect(page.get_by_test_id("deleted-vaults")).to_contain_text("Personal")

    page.get_by_label("Your username").fill("marieke")
    page.get_by_label("Your password").fill("not it")
    page.get_by_role("button", name="Delete my account and data").click()
    expect(page.get_by_text("That is not your password.")).to_be_visible()

    page.get_by_label("Your username").fill("marieke")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account and data").click()

    expect(page.get_by_role("heading", name="Goodbye")).to_be_visible()
    assert not User.objects.filter(username="marieke").exists()
