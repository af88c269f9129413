"""The phone address book page in a real browser: reached from the account page, its addresses
copy with one click, and its token link opens a form already filled in for a phone."""

from __future__ import annotations

import re

import pytest
from browser_helpers import (
    Screenshot,
    horizontal_overflow,
    owner_with_vault,
    serious_violations,
    sign_in,
)
from playwright.sync_api import Page, expect

from aandacht.accounts import tokens
from aandacht.accounts.models import AccessToken, TokenScope
from aandacht.people.services import create_person

pytestmark = pytest.mark.browser


def test_from_the_account_page_to_a_phone_token(
    page: Page, app_url: str, screenshot: Screenshot
) -> None:
    _user, vault = owner_with_vault()
    create_person(vault, given_name="Ada", family_name="Lovelace")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    sign_in(page, "marieke")
    page.goto("/accounts/")
    page.get_by_role("link", name=re.compile("Phone address book")).click()
    expect(page).to_have_url(re.compile(r"/accounts/phone/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your people on your phone")

    expect(page.get_by_label("Server")).to_have_value(f"{app_url}/dav/")
    expect(page.get_by_label("User name")).to_have_value("marieke")
    book = page.get_by_test_id("phone-book")
    expect(book).to_have_count(1)
    expect(book).to_contain_text("Personal")
    expect(book).to_contain_text("1 person")
    expect(book.get_by_test_id("book-url")).to_have_value(
        f"{app_url}/dav/addressbooks/marieke/{vault.pk}/"
    )
    # The live server speaks plain http: the calm warning is there.
    expect(page.get_by_test_id("plain-http")).to_be_visible()

    # With JavaScript the Copy buttons show, and copy exactly the address.
    server_copy = page.locator('button[data-copy="#phone-server"]')
    expect(server_copy).to_be_visible()
    expect(page.locator("button[data-copy]")).to_have_count(3)
    server_copy.click()
    expect(page.locator("#phone-server-status")).to_have_text("Copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == f"{app_url}/dav/"
    screenshot(page, "page")
    assert horizontal_overflow(page) <= 0
    assert serious_violations(page) == []

    # The token link opens the form filled in for a phone that may write.
    page.get_by_role("link", name="Create a token for your phone").click()
    expect(page).to_have_url(re.compile(r"/accounts/tokens/\?name=Phone&scope=write#create-title$"))
    expect(page.get_by_label("Name")).to_have_value("Phone")
    expect(page.get_by_label("Read and write")).to_be_checked()
    page.get_by_role("button", name="Create the token").click()
    secret = page.get_by_test_id("token-secret").input_value()
    token = tokens.authenticate(secret)
    assert token is not None
    assert token.name == "Phone" and token.scope == TokenScope.WRITE
    assert AccessToken.objects.count() == 1


def test_on_a_phone_the_page_fits_and_reads_without_javascript(
    mobile_page: Page, nojs_page: Page, screenshot: Screenshot
) -> None:
    owner_with_vault()
    sign_in(mobile_page, "marieke")
    mobile_page.goto("/accounts/phone/")
    expect(mobile_page.get_by_test_id("phone-book")).to_have_count(1)
    assert horizontal_overflow(mobile_page) <= 0
    assert serious_violations(mobile_page) == []
    screenshot(mobile_page, "phone")

    # Without JavaScript the Copy buttons stay hidden; the addresses are there to select.
    sign_in(nojs_page, "marieke")
    nojs_page.goto("/accounts/phone/")
    expect(nojs_page.locator("button[data-copy]").first).to_be_hidden()
    expect(nojs_page.get_by_label("Server")).to_have_value(re.compile(r"/dav/$"))
    expect(nojs_page.get_by_test_id("vdirsyncer-config")).to_contain_text('username = "marieke"')
