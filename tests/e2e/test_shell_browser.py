"""The app shell in a real browser: phone layout, dark mode, menus, the offline page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browser_helpers import (
    Screenshot,
    horizontal_overflow,
    local_owner,
    serious_violations,
    sign_in,
)
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.people.services import create_person
from aandacht.web.context_processors import safe_reverse

pytestmark = pytest.mark.browser

NARROW_PHONE = {"width": 360, "height": 740}


@pytest.fixture
def owner(app_url: str) -> User:
    """The owner with a password, a few people in their vault and a second, shared vault."""
    user = local_owner()
    own = Vault.objects.get(memberships__user=user)
    for name, organisation in [
        ("Jeroen van de Ven", "Fietsenmakerij Ven"),
        ("Anna Bakker-de Vries", "Gemeente Utrecht, afdeling Wijkzaken en Buurtinitiatieven"),
        ("Sem Visser", ""),
    ]:
        create_person(own, name, organisation=organisation)
    shared = Vault.objects.create(name="Zangkoor De Lindeboom")
    Membership.objects.create(vault=shared, user=user, role=Role.VIEWER)
    return user


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_a_narrow_phone_gets_the_tab_bar_with_quick_add_and_no_sideways_scroll(
    open_page: Callable[..., Page], owner: User, color_scheme: str, screenshot: Screenshot
) -> None:
    page = open_page(
        viewport=NARROW_PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        color_scheme=color_scheme,
    )
    sign_in(page, owner.username)

    assert horizontal_overflow(page) <= 0
    tab_bar = page.get_by_role("navigation", name="Main, at the bottom")
    expect(tab_bar).to_be_visible()
    expect(page.get_by_role("navigation", name="Main", exact=True)).to_be_hidden()
    if safe_reverse("people:quick_add"):
        add = tab_bar.get_by_role("link", name="Add someone")
        expect(add).to_be_visible()
        box = add.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44
        assert box["y"] + box["height"] <= NARROW_PHONE["height"]
    screenshot(page, "home")

    page.get_by_label("Your account").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert horizontal_overflow(page) <= 0
    panel = page.locator(".account-menu .menu__panel").bounding_box()
    assert panel is not None and panel["x"] >= 0
    assert panel["x"] + panel["width"] <= NARROW_PHONE["width"]
    screenshot(page, "account-menu")


def test_the_vault_switcher_opens_and_closes_like_a_menu(page: Page, owner: User) -> None:
    sign_in(page, owner.username)
    switcher = page.locator(".vault-switcher > summary")
    expect(switcher).to_contain_text("Personal")

    switcher.click()
    shared = page.locator(".vault-switcher").get_by_role("link", name=re.compile(r"^Zangkoor"))
    expect(shared).to_be_visible()
    expect(shared).to_contain_text("view only")
    page.keyboard.press("Escape")
    expect(shared).to_be_hidden()
    expect(switcher).to_be_focused()

    switcher.click()
    page.mouse.click(20, 700)  # a click elsewhere closes it too
    expect(shared).to_be_hidden()


def test_a_wide_screen_gets_the_header_navigation(page: Page, owner: User) -> None:
    sign_in(page, owner.username)

    expect(page.get_by_role("navigation", name="Main", exact=True)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main, at the bottom")).to_be_hidden()
    if safe_reverse("people:quick_add"):
        expect(page.locator(".header-add")).to_be_visible()


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("width", [1024, 1100, 1280, 1440])
def test_the_header_fits_on_laptops_in_both_languages(
    open_page: Callable[..., Page],
    owner: User,
    app_url: str,
    language: str,
    width: int,
    screenshot: Screenshot,
) -> None:
    page = open_page(viewport={"width": width, "height": 800})
    sign_in(page, owner.username)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": app_url}])
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", language)

    assert horizontal_overflow(page) <= 0
    more = page.locator(".nav-more > summary")
    more.click()
    links = page.locator(".nav-more .menu__panel a")
    expect(links).to_have_count(3)
    # The menu's links stack, one per line.
    tops = [links.nth(index).bounding_box()["y"] for index in range(3)]  # type: ignore[index]
    assert tops == sorted(tops) and len(set(tops)) == 3
    screenshot(page)


def test_dark_mode_is_dark_and_readable(
    open_page: Callable[..., Page], owner: User, screenshot: Screenshot
) -> None:
    page = open_page(color_scheme="dark")
    sign_in(page, owner.username)

    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(26, 21, 18)"
    assert serious_violations(page) == []
    page.locator(".vault-switcher > summary").click()
    assert serious_violations(page, options={"runOnly": ["color-contrast"]}) == []
    screenshot(page)


def test_offline_the_app_shows_its_friendly_page(
    page: Page, owner: User, screenshot: Screenshot
) -> None:
    sign_in(page, owner.username)
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()  # now controlled by the worker
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")

    page.context.set_offline(True)
    page.goto("/accounts/password/")

    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
    assert page.evaluate("() => getComputedStyle(document.body).display") == "flex"  # styled
    expect(page.get_by_text("Marieke")).to_have_count(0)
    screenshot(page)

    page.context.set_offline(False)
    page.get_by_role("link", name="Try again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
