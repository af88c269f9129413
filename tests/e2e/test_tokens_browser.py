"""Access tokens in a real browser: create one, copy the secret once, use it against the API,
revoke it; without JavaScript the secret is plain selectable text and every form still works."""

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
from aandacht.accounts.models import AccessToken

pytestmark = pytest.mark.browser


def test_create_copy_use_and_revoke_a_token(
    page: Page, app_url: str, screenshot: Screenshot
) -> None:
    owner_with_vault()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    sign_in(page, "marieke")
    page.goto("/accounts/")
    page.get_by_role("link", name=re.compile("Access tokens")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Access tokens")
    expect(page.get_by_text("You have no tokens yet.")).to_be_visible()

    page.get_by_label("Name").fill("backup script")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create the token").click()

    secret_field = page.get_by_test_id("token-secret")
    expect(secret_field).to_be_visible()
    secret = secret_field.input_value()
    assert re.fullmatch(r"aat_[A-Za-z0-9_-]{40,}", secret)
    assert tokens.authenticate(secret) is not None
    page.get_by_role("button", name="Copy", exact=True).click()
    expect(page.locator("#token-copy-status")).to_have_text("Copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == secret
    screenshot(page, "created")
    assert horizontal_overflow(page) <= 0
    assert serious_violations(page) == []

    # The token works against the API. Reloading sends the form again: no second token, and
    # the secret is not shown again; nor when the page is opened anew.
    answer = page.request.get(
        f"{app_url}/api/vaults", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status == 200
    page.reload()
    expect(page.get_by_test_id("token-repeated")).to_contain_text("No second token was made.")
    expect(page.get_by_test_id("token-secret")).to_have_count(0)
    assert secret not in page.content()
    assert serious_violations(page) == []
    page.goto("/accounts/tokens/")
    expect(page.get_by_test_id("token-secret")).to_have_count(0)
    expect(page.get_by_test_id("live-tokens")).to_contain_text(secret[:10])
    assert AccessToken.objects.count() == 1

    page.get_by_role("link", name=re.compile("Revoke")).click()
    page.get_by_role("button", name="Revoke it").click()
    expect(page.get_by_test_id("revoked-tokens")).to_contain_text("backup script")
    expect(page.get_by_text("None of your tokens lets anything in now")).to_be_visible()
    assert serious_violations(page) == []
    assert tokens.authenticate(secret) is None
    screenshot(page, "revoked")


def test_without_javascript_the_secret_is_selectable_text(nojs_page: Page) -> None:
    owner_with_vault()
    sign_in(nojs_page, "marieke")
    nojs_page.goto("/accounts/tokens/")
    nojs_page.get_by_label("Name").fill("phone")
    nojs_page.get_by_role("button", name="Create the token").click()
    secret = nojs_page.get_by_test_id("token-secret").input_value()
    assert secret.startswith("aat_")
    # The Copy button needs JavaScript, so it stays hidden; the text is there to select.
    expect(nojs_page.get_by_role("button", name="Copy", exact=True)).to_be_hidden()
    expect(nojs_page.get_by_test_id("new-token")).to_contain_text(f"Bearer {secret}")
