"""The people list in a real browser: search as you type, the keyboard, no-JS tagging, axe."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browser_helpers import Screenshot, owner_with_vault, serious_violations, sign_in
from playwright.sync_api import Page, expect

from aandacht.accounts.models import Vault
from aandacht.people.models import Person, Tag
from aandacht.people.services import create_person

pytestmark = pytest.mark.browser


@pytest.fixture
def vault(app_url: str) -> Vault:
    """Marieke's vault: a few Jeroens among sixty people, some tagged, one archived."""
    _, vault = owner_with_vault()
    create_person(vault, "Jeroen van de Ven", organisation="Fietsenmakerij Ven", tags=["Buren"])
    create_person(vault, "Jeroen Bakker", job_title="Designer", organisation="Studio B")
    create_person(vault, "Jeroen de Wit", nickname="Jer", tags=["Club", "Buren"])
    create_person(vault, "Denise van Iersel", tags=["Club"])
    old = create_person(vault, "Oud Archief")
    Person.objects.filter(pk=old.pk).update(archived=True)
    for number in range(56):
        create_person(vault, f"Persoon{number:02d} Voorbeeld{number:02d}")
    Tag.objects.filter(vault=vault, name="Club").update(colour="#1d4ed8")
    return vault


def focused_text(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.textContent"))


def test_typing_searches_and_the_keyboard_opens_a_person(
    page: Page, vault: Vault, screenshot: Screenshot
) -> None:
    sign_in(page, "marieke")
    page.goto("/people/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("People")
    expect(page.locator(".person-row")).to_have_count(50)
    screenshot(page, "list")

    page.locator("body").press("/")
    search = page.locator("#people-search")
    expect(search).to_be_focused()

    search.press_sequentially("jeroen", delay=40)

    expect(page).to_have_url(re.compile(r"[?&]q=jeroen"))
    names = page.locator("#people-results .person-row [id^='name-']")
    expect(names).to_have_count(3)
    expect(page.locator("#people-status")).to_contain_text("3 people match “jeroen”")
    first, second = names.nth(0).inner_text(), names.nth(1).inner_text()
    screenshot(page, "search")

    search.press("ArrowDown")
    assert first in focused_text(page)
    page.keyboard.press("ArrowDown")
    assert second in focused_text(page)
    page.keyboard.press("ArrowUp")
    assert first in focused_text(page)
    screenshot(page, "keyboard")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")

    person = Person.objects.get(
        vault=vault, given_name=second.split()[0], family_name__in=[second.split()[-1]]
    )
    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/$"))


def test_arrow_up_from_the_first_person_returns_to_the_search(page: Page, vault: Vault) -> None:
    sign_in(page, "marieke")
    page.goto("/people/")
    search = page.locator("#people-search")
    search.focus()

    search.press("ArrowDown")
    assert "Bakker" in focused_text(page)
    page.keyboard.press("ArrowUp")

    expect(search).to_be_focused()


def test_the_tag_filter_and_letters_work_with_htmx(page: Page, vault: Vault) -> None:
    sign_in(page, "marieke")
    page.goto("/people/")

    page.get_by_label("Tag", exact=True).first.select_option(label="Club")

    expect(page).to_have_url(re.compile(r"[?&]tag=\d+"))
    expect(page.locator("#people-results .person-row")).to_have_count(2)
    page.get_by_label("Include archived people").check()
    expect(page).to_have_url(re.compile(r"archived=1"))


def test_without_javascript_search_and_bulk_tagging_still_work(
    nojs_page: Page, vault: Vault, screenshot: Screenshot
) -> None:
    page = nojs_page
    sign_in(page, "marieke")
    page.goto("/people/")

    page.locator("#people-search").fill("jeroen")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"q=jeroen"))
    expect(page.locator(".person-row")).to_have_count(3)

    expect(page.get_by_role("checkbox", name="Select Jeroen Bakker")).to_be_hidden()
    page.get_by_text("Tag several people…").click()
    page.get_by_role("checkbox", name="Select Jeroen Bakker").check()
    page.get_by_role("checkbox", name="Select Jeroen van de Ven").check()
    page.get_by_label("or a new tag").fill("Fietsers")
    page.get_by_role("button", name="Add tag").click()

    expect(page.locator(".message--success")).to_contain_text("Tagged 2 people with “Fietsers”.")
    expect(page).to_have_url(re.compile(r"q=jeroen"))
    tag = Tag.objects.get(vault=vault, name="Fietsers")
    assert sorted(person.name for person in Person.objects.filter(tags=tag)) == [
        "Jeroen Bakker",
        "Jeroen van de Ven",
    ]
    screenshot(page, "tagged")

    page.get_by_text("Tag several people…").click()
    page.get_by_role("button", name="Add tag").click()
    expect(page.locator("#bulk-person-error")).to_contain_text("Tick at least one person first.")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_people_list_and_tags_page_have_no_serious_accessibility_violations(
    open_page: Callable[..., Page], vault: Vault, color_scheme: str, screenshot: Screenshot
) -> None:
    page = open_page(color_scheme=color_scheme)
    sign_in(page, "marieke")

    page.goto("/people/")
    expect(page.locator(".person-row").first).to_be_visible()
    page.get_by_text("Tag several people…").click()
    assert serious_violations(page) == []
    screenshot(page, "list")

    page.goto("/people/?q=jeroen")
    assert serious_violations(page) == []

    page.goto("/people/tags/")
    page.locator(".tag-list details summary").first.click()
    assert serious_violations(page) == []
    screenshot(page, "tags")


def test_the_people_list_on_a_phone(
    mobile_page: Page, vault: Vault, screenshot: Screenshot
) -> None:
    page = mobile_page
    sign_in(page, "marieke")
    page.goto("/people/")

    expect(page.locator(".person-row").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(page)
