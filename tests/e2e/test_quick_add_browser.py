"""Quick add on a phone, in a real browser: a name, where you met, a line, one tap."""

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
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.timeline.models import Note
from aandacht.web.context_processors import safe_reverse

pytestmark = pytest.mark.browser


@pytest.fixture
def marieke(app_url: str) -> User:
    """Marieke owns a vault with one person in it already."""
    if safe_reverse("people:quick_add") is None:
        pytest.skip("quick add (people:quick_add) is not there yet")
    user, vault = owner_with_vault()
    create_person(vault, "Anna Bakker")
    return user


def test_quick_add_on_a_phone_lands_on_the_new_person(
    mobile_page: Page, marieke: User, screenshot: Screenshot
) -> None:
    page = mobile_page
    sign_in(page, "marieke")
    page.goto("/people/add/")

    name = page.get_by_label("Name")
    expect(name).to_be_focused()
    expect(name).to_have_attribute("autocomplete", "off")
    save = page.get_by_role("button", name="Save and open")
    box = save.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844  # in reach without scrolling
    screenshot(page, "empty")

    name.fill("Jeroen van de Ven")
    page.get_by_label("Where did you meet?").fill("PyCon NL")
    page.get_by_label("One line to remember them by").fill("Builds bridges for cyclists")
    screenshot(page, "filled")
    save.tap()

    expect(page).to_have_url(re.compile(r"/people/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jeroen van de Ven")
    expect(page.locator(".message--success")).to_contain_text("Jeroen van de Ven is added.")
    screenshot(page, "person")
    person = Person.objects.get(family_name="Ven")
    assert (person.given_name, person.particles) == ("Jeroen", "van de")
    assert (person.met_at, person.met_on) == ("PyCon NL", timezone.localdate())
    assert Note.objects.get(person=person).body == "Builds bridges for cyclists"
    assert page.url.endswith(f"/people/{person.pk}/")


def test_quick_add_without_a_name_says_so_next_to_the_field(
    mobile_page: Page, marieke: User
) -> None:
    page = mobile_page
    sign_in(page, "marieke")
    page.goto("/people/add/")

    page.get_by_role("button", name="Save and open").tap()

    expect(page.locator("#id_name_error")).to_contain_text("required")
    expect(page.get_by_label("Name")).to_be_focused()
    assert Person.objects.count() == 1


def test_quick_add_duplicate_offers_a_merge(
    mobile_page: Page, marieke: User, screenshot: Screenshot
) -> None:
    page = mobile_page
    sign_in(page, "marieke")
    page.goto("/people/add/")

    page.get_by_label("Name").fill("Anna Bakker")
    page.get_by_label("Where did you meet?").fill("De Lindeboom")
    page.get_by_label("Name").press("Enter")

    expect(page.locator(".messages")).to_contain_text("Did you mean")
    screenshot(page, "hint")
    page.get_by_role("link", name="merge them").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merge two people")
    assert horizontal_overflow(page) <= 0
    # Only the new record says where they met: kept without asking.
    expect(page.locator(".merge-taken")).to_contain_text("De Lindeboom")
    expect(page.get_by_role("radio", name=re.compile("De Lindeboom"))).to_have_count(0)
    assert serious_violations(page) == []
    screenshot(page, "merge")
    page.get_by_role("button", name=re.compile("^Merge into")).click()
    expect(page.locator(".message--success")).to_contain_text("nothing was lost")
    assert Person.objects.count() == 1


def test_trash_from_the_person_page_and_undo(
    mobile_page: Page, marieke: User, screenshot: Screenshot
) -> None:
    anna = Person.objects.get()
    page = mobile_page
    sign_in(page, "marieke")
    page.goto(f"/people/{anna.pk}/")

    page.locator(".person-actions summary").click()
    page.get_by_role("button", name="Move to the trash").click()

    message = page.locator(".message--success")
    expect(message).to_contain_text("Anna Bakker is in the trash for 30 days.")
    screenshot(page, "trashed")
    message.get_by_role("button", name="Undo").click()
    expect(page).to_have_url(re.compile(rf"/people/{anna.pk}/$"))
    expect(page.locator(".message--success")).to_contain_text("Anna Bakker is back.")

    Person.objects.filter(pk=anna.pk).update(trashed_at=timezone.now())
    page.goto("/people/trash/")
    expect(page.locator(".trash-row .person__name")).to_have_text("Anna Bakker")
    assert serious_violations(page) == []
    screenshot(page, "trash-list")
    page.get_by_role("link", name="Forget now Anna Bakker").click()
    page.get_by_label("Type their name to confirm").fill("anna bakker")
    assert serious_violations(page) == []
    screenshot(page, "forget")
    page.get_by_role("button", name=re.compile("^Forget Anna Bakker")).click()
    expect(page.locator(".message--success")).to_contain_text("Anna Bakker is forgotten.")
    expect(page.get_by_role("heading", level=2, name="The trash is empty")).to_be_visible()
    assert not Person.objects.exists()


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_quick_add_page_has_no_serious_accessibility_violations(
    open_page: Callable[..., Page], marieke: User, color_scheme: str, screenshot: Screenshot
) -> None:
    page = open_page(
        viewport={"width": 390, "height": 844}, is_mobile=True, color_scheme=color_scheme
    )
    sign_in(page, "marieke")
    page.goto("/people/add/")
    assert serious_violations(page) == []

    page.get_by_role("button", name="Save and open").click()
    expect(page.locator("#id_name_error")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "errors")
