"""The person page in a real browser: edit in place with htmx, without JavaScript, and axe."""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

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

from aandacht.accounts.models import Vault
from aandacht.people.models import Person
from aandacht.people.services import (
    add_contact_method,
    add_important_date,
    create_person,
    relate,
)
from aandacht.timeline.services import add_follow_up, add_moment, add_note, log_interaction

pytestmark = pytest.mark.browser


# A real 1x1 PNG, so the browser can show it.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def owner(app_url: str) -> User:
    return local_owner()


@pytest.fixture
def jeroen(owner: User) -> Person:
    """Someone with a full briefing, like the people of the demo network."""
    vault = Vault.objects.get(memberships__user=owner)
    denise = create_person(vault, "Denise van Iersel", organisation="PyCon NL")
    fenna = create_person(vault, "Fenna van de Ven")
    person = create_person(
        vault,
        "Jeroen van de Ven",
        nickname="Jer",
        organisation="Fietsenmakerij Ven",
        job_title="Owner",
        met_on=dt.date(2025, 3, 12),
        met_at="PyCon NL",
        met_channel="conference",
        met_via=denise,
        met_story="We queued for the same coffee and talked about cargo bikes.",
        what_they_do="I repair bikes and teach kids to fix their own.",
        what_they_care_about="Safe cycling routes to school.",
        emails=["jeroen@fietsenmakerij.example"],
        phones=["06 12345678"],
        tags=["neighbours", "cycling"],
    )
    add_contact_method(person, "social", "@jeroen@mastodon.social")
    add_important_date(person, "birthday", 6, 14, 1984)
    relate(person, "parent", fenna)
    add_note(vault, person, "Ask how the new workshop is going.", author=owner)
    add_moment(vault, person, "He fixed my bike in the rain for free.", author=owner)
    add_follow_up(vault, person, "Send him the cargo bike article", author=owner)
    log_interaction(vault, [person], "call", summary="Talked about the school route", author=owner)
    return person


def test_a_section_is_edited_in_place_without_a_page_load(
    page: Page, owner: User, jeroen: Person, screenshot: Screenshot
) -> None:
    sign_in(page, owner.username)
    page.goto(f"/people/{jeroen.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jeroen van de Ven")
    words = page.locator("#section-words")
    expect(words).to_contain_text("I repair bikes")
    expect(page.locator("#section-met")).to_contain_text(
        "Met on 12 March 2025 at PyCon NL, through Denise van Iersel"
    )
    screenshot(page, "briefing")
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_role("link", name="Edit in their words").click()

    field = page.get_by_label("What they do, in their words")
    expect(field).to_be_focused()
    field.fill("I run a bike workshop where kids learn to repair their own bikes.")
    screenshot(page, "editing")
    page.get_by_role("button", name="Save").click()

    expect(words).to_contain_text("kids learn to repair their own bikes")
    expect(words.get_by_role("status")).to_have_text("Saved.")
    expect(page.get_by_role("link", name="Edit in their words")).to_be_focused()
    assert page.evaluate("window.stillTheSamePage") is True
    jeroen.refresh_from_db()
    assert jeroen.what_they_do.startswith("I run a bike workshop")

    page.get_by_role("link", name="Edit how we met").click()
    expect(page.get_by_label("Place or event where we met")).to_have_value("PyCon NL")
    page.get_by_label("Place or event where we met").fill("somewhere else")
    # Escape is an htmx trigger on the swapped-in form: press it once htmx has settled the
    # swap (on a loaded machine the keyup could otherwise come before the trigger is bound).
    page.wait_for_function("() => !document.querySelector('.htmx-settling, .htmx-added')")
    page.keyboard.press("Escape")
    expect(page.locator("#section-met")).to_contain_text("at PyCon NL")
    expect(page.locator("#section-met form")).to_have_count(0)

    page.get_by_role("link", name="Edit contact details").click()
    page.get_by_label("Kind").select_option("phone")
    page.get_by_label("Email, number, address or handle").fill("12")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#id_contacts-value_error")).to_contain_text(
        "is not a phone number we can call"
    )
    screenshot(page, "error")
    page.get_by_label("Email, number, address or handle").fill("+44 20 7946 0958")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#section-contacts").get_by_role("status")).to_have_text(
        "Contact detail added."
    )
    page.get_by_role("link", name="Close").click()
    new_phone = page.locator("#section-contacts").get_by_role("link", name="+44 20 7946 0958")
    expect(new_phone).to_have_attribute("href", "tel:+442079460958")
    assert page.evaluate("window.stillTheSamePage") is True


def test_a_photo_is_uploaded_in_place_and_a_text_file_is_refused(
    page: Page, owner: User, jeroen: Person, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    sign_in(page, owner.username)
    page.goto(f"/people/{jeroen.pk}/")
    expect(page.locator("#section-photo .avatar")).to_have_text("JV")

    page.get_by_role("link", name="Add a photo").click()
    photo = page.get_by_label("Photo", exact=True)
    photo.set_input_files(
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a photo at all"}
    )
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_photo-photo_error")).to_contain_text("That is not a photo")

    page.get_by_label("Photo", exact=True).set_input_files(
        {"name": "jeroen.png", "mimeType": "image/png", "buffer": PIXEL}
    )
    page.get_by_role("button", name="Save").click()

    image = page.get_by_role("img", name="Photo of Jeroen van de Ven")
    expect(image).to_be_visible()
    # Wait for the image to load (under load it may be visible before it has decoded).
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) == 1
    expect(page.get_by_role("link", name="Change photo")).to_be_visible()


def test_without_javascript_the_same_links_open_a_form_page(
    nojs_page: Page, owner: User, jeroen: Person, screenshot: Screenshot
) -> None:
    page = nojs_page
    sign_in(page, owner.username)
    page.goto(f"/people/{jeroen.pk}/")

    page.get_by_role("link", name="Edit work").click()

    expect(page).to_have_url(re.compile(rf"/people/{jeroen.pk}/edit/work/$"))
    page.get_by_label("Role").fill("Master bike mechanic")
    screenshot(page, "form")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"/people/{jeroen.pk}/#section-work$"))
    expect(page.locator("#section-work")).to_contain_text(
        "Master bike mechanic at Fietsenmakerij Ven"
    )


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_person_page_has_no_serious_accessibility_violations(
    open_page: Callable[..., Page],
    owner: User,
    jeroen: Person,
    color_scheme: str,
    screenshot: Screenshot,
) -> None:
    page = open_page(color_scheme=color_scheme)
    sign_in(page, owner.username)
    page.goto(f"/people/{jeroen.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jeroen van de Ven")

    assert serious_violations(page) == []
    screenshot(page, "briefing")

    page.get_by_role("link", name="Edit important dates").click()
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#section-dates .errorlist").first).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "editing")


def test_the_briefing_fits_a_phone(
    mobile_page: Page, owner: User, jeroen: Person, screenshot: Screenshot
) -> None:
    sign_in(mobile_page, owner.username)
    mobile_page.goto(f"/people/{jeroen.pk}/")

    expect(mobile_page.get_by_role("heading", level=1)).to_have_text("Jeroen van de Ven")
    assert horizontal_overflow(mobile_page) <= 0
    # On a phone "How we met" follows "In their words", before contacts and dates.
    tops = {
        name: (mobile_page.locator(f"#section-{name}").bounding_box() or {"y": -1})["y"]
        for name in ("words", "met", "contacts", "dates")
    }
    assert tops["words"] < tops["met"] < tops["contacts"] < tops["dates"]
    screenshot(mobile_page)


@pytest.mark.parametrize("width", [360, 390])
def test_the_more_menu_fits_a_phone(
    mobile_page: Page, owner: User, jeroen: Person, width: int
) -> None:
    sign_in(mobile_page, owner.username)
    mobile_page.set_viewport_size({"width": width, "height": 800})
    mobile_page.goto(f"/people/{jeroen.pk}/")
    mobile_page.locator("details.person-actions > summary").click()
    merge = mobile_page.get_by_role("link", name="Merge with a duplicate…")
    expect(merge).to_be_visible()
    panel = mobile_page.locator("details.person-actions .menu__panel").bounding_box()
    assert panel is not None
    assert panel["x"] >= 0
    assert panel["x"] + panel["width"] <= width
    assert horizontal_overflow(mobile_page) <= 0
