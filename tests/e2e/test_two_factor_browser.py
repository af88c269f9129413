"""Two-factor authentication in a real browser: set up an app from the page, then sign in."""

from __future__ import annotations

import re
import time
from base64 import b32decode
from collections.abc import Callable

import pytest
from browser_helpers import (
    Screenshot,
    horizontal_overflow,
    owner_with_vault,
    serious_violations,
    sign_in,
)
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def app_code(secret: str, *, at: float) -> str:
    """What an authenticator app shows for the setup key typed from the page."""
    totp = TOTP(b32decode(secret.replace(" ", "")), step=30, digits=6)
    totp.time = at
    return f"{totp.token():06d}"


def test_setting_up_two_factor_and_signing_in_with_a_code(
    page: Page, screenshot: Screenshot
) -> None:
    owner_with_vault("marieke")
    sign_in(page, "marieke")

    page.goto("/accounts/")
    page.get_by_role("link", name=re.compile("Two-factor authentication")).click()
    expect(page.get_by_role("heading", level=2, name="Off")).to_be_visible()
    page.get_by_role("button", name="Set up two-factor authentication").click()

    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    assert qr.bounding_box() is not None and qr.bounding_box()["width"] >= 150  # type: ignore[index]
    secret = page.locator("#two-factor-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4}){7}", secret)
    assert serious_violations(page) == []
    screenshot(page, "setup")

    # A wrong code first: the setup stays open and says why.
    now = time.time()
    right = {app_code(secret, at=now + offset * 30) for offset in (-1, 0, 1)}
    page.get_by_label("Code from your app").fill(
        next(code for code in ("111111", "222222") if code not in right)
    )
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    page.wait_for_timeout(1_100)  # django-otp makes the next try wait a second

    # The previous time step's code is still accepted and keeps the current one fresh.
    page.get_by_label("Code from your app").fill(app_code(secret, at=time.time() - 30))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}", code) for code in codes)
    download = page.get_by_role("link", name="Download as text")
    assert (download.get_attribute("href") or "").startswith("data:text/plain")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "recovery-codes")

    page.get_by_role("link", name="I have saved them").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("^On"))).to_be_visible()
    screenshot(page, "on")

    page.get_by_label("Your account").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))

    page.get_by_label("Username").fill("marieke")
    page.get_by_label("Password").fill("kopje-koffie-om-tien")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert serious_violations(page) == []
    screenshot(page, "code")

    page.get_by_label("Code from your app, or a recovery code").fill(
        app_code(secret, at=time.time())
    )
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def test_the_setup_fits_a_phone_in_dark_mode(
    open_page: Callable[..., Page], screenshot: Screenshot
) -> None:
    phone = open_page(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        color_scheme="dark",
    )
    owner_with_vault("marieke")
    sign_in(phone, "marieke")
    phone.goto("/accounts/two-factor/")
    phone.get_by_role("button", name="Set up two-factor authentication").click()

    qr = phone.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    # Scanners need dark modules on a light ground, also when the page is dark.
    background = qr.evaluate("(element) => getComputedStyle(element).backgroundColor")
    assert background == "rgb(255, 255, 255)"
    assert horizontal_overflow(phone) <= 0
    assert serious_violations(phone) == []
    screenshot(phone, "phone-dark")
