"""The first visit to a fresh install, in a real browser."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable

import pytest
from browser_helpers import PASSWORD, Screenshot, serious_violations
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def fill_welcome(page: Page, first_name: str = "Marieke", username: str = "marieke") -> None:
    page.get_by_label("Your first name").fill(first_name)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password, once more").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/welcome/start/$"))


@pytest.mark.parametrize("device", ["page", "mobile_page", "nojs_page"])
def test_first_run_creates_the_owner_and_starts_empty(
    request: pytest.FixtureRequest, device: str, screenshot: Screenshot
) -> None:
    page: Page = request.getfixturevalue(device)

    page.goto("/")

    expect(page).to_have_url(re.compile(r"/welcome/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Aandacht")
    expect(page.get_by_label("Username")).to_have_value("owner")
    screenshot(page, "welcome")

    fill_welcome(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nice to meet you, Marieke")
    screenshot(page, "start")

    page.get_by_role("button", name="Start empty").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Marieke")
    expect(page.get_by_role("link", name=re.compile(r"^Personal"))).to_contain_text("0 people")
    screenshot(page, "home")


def test_first_run_shows_what_is_wrong_next_to_the_field(
    page: Page, screenshot: Screenshot
) -> None:
    page.goto("/welcome/")
    page.get_by_label("Your first name").fill("Marieke")
    page.get_by_label("Password", exact=True).fill("12345678")
    page.get_by_label("Password, once more").fill("12345678")
    page.get_by_role("button", name="Continue").click()

    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_be_focused()
    expect(page.locator("#id_password1_error")).to_contain_text("entirely numeric")
    expect(page).to_have_url(re.compile(r"/welcome/$"))
    screenshot(page)


@pytest.mark.parametrize(
    ("language", "device"),
    [("nl", "mobile_page"), ("en", "page")],
    ids=["dutch-on-a-phone", "english-on-a-desktop"],
)
def test_demo_network_finds_jeroen_vd_ven(
    request: pytest.FixtureRequest, language: str, device: str, screenshot: Screenshot
) -> None:
    if importlib.util.find_spec(f"aandacht.demo.{language}") is None:
        pytest.skip(f"the demo network in this language (aandacht.demo.{language}) is missing")
    page: Page = request.getfixturevalue(device)
    page.goto("/")
    fill_welcome(page, "Sanne", "sanne")

    page.get_by_label("Dutch" if language == "nl" else "English", exact=True).check()
    page.get_by_role("button", name="Load a demo network").click()

    expect(page).to_have_url(re.compile(r"/\?vault=\d+$"), timeout=60_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Sanne")
    demo_link = page.get_by_role("link", name=re.compile(r"^Demo"))
    expect(demo_link).to_have_attribute("aria-current", "page")
    expect(page.locator(".message--success")).to_contain_text("demo network")
    screenshot(page, "home")

    page.get_by_role("searchbox").fill("jeroen vd ven")
    page.get_by_role("button", name="Search", exact=True).click()

    expect(page).to_have_url(re.compile(r"q=jeroen"))
    expect(page.locator("#results .person__name").first).to_have_text("Jeroen van de Ven")
    screenshot(page, "search")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_first_run_pages_have_no_serious_accessibility_violations(
    open_page: Callable[..., Page], color_scheme: str, screenshot: Screenshot
) -> None:
    page = open_page(color_scheme=color_scheme)

    page.goto("/welcome/")
    assert serious_violations(page) == []
    screenshot(page, "welcome")

    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "errors")

    fill_welcome(page)
    assert serious_violations(page) == []
    screenshot(page, "start")

    page.get_by_role("button", name="Start empty").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Marieke")
    assert serious_violations(page) == []
    screenshot(page, "home")


def test_language_switch_turns_the_page_dutch(page: Page, screenshot: Screenshot) -> None:
    page.goto("/welcome/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="Nederlands").click()

    expect(page).to_have_url(re.compile(r"/welcome/$"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("button", name="Nederlands")).to_have_attribute("aria-current", "true")
    screenshot(page)


def test_owner_signs_out_signs_back_in_and_changes_the_password(
    page: Page, screenshot: Screenshot
) -> None:
    page.goto("/")
    fill_welcome(page)
    page.get_by_role("button", name="Start empty").click()

    page.get_by_label("Your account").click()  # the account menu holds "Sign out"
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    assert serious_violations(page) == []
    screenshot(page, "login")
    page.get_by_label("Username").fill("marieke")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    assert serious_violations(page) == []  # the login page with its error, too
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Marieke")

    page.get_by_role("link", name="Your account").first.click()
    page.get_by_role("link", name="Password Change the password").click()
    screenshot(page, "password")
    page.get_by_label("Old password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("een-nieuw-wachtwoord-7")
    page.get_by_label("New password confirmation").fill("een-nieuw-wachtwoord-7")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".message--success")).to_have_text("Your password has been changed.")

    page.goto("/no/such/page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    screenshot(page, "404")
