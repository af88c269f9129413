"""A photo that does not load: the avatar shows initials, its alt text does not spill out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_helpers import local_owner, sign_in
from playwright.sync_api import Page, expect

from aandacht.accounts.models import Vault
from aandacht.people.models import Person
from aandacht.people.services import create_person

pytestmark = pytest.mark.browser

# The box of the <img>, the avatar around it, and what the broken image draws instead.
MEASURE = """(img) => {
  const avatar = img.closest('.avatar') || img;
  const box = avatar.getBoundingClientRect();
  const after = getComputedStyle(img, '::after');
  return {
    complete: img.complete, natural: img.naturalWidth,
    avatar: [box.width, box.height], scroll: [avatar.scrollWidth, avatar.scrollHeight],
    client: [avatar.clientWidth, avatar.clientHeight], overflow: getComputedStyle(avatar).overflow,
    colour: getComputedStyle(img).color, content: after.content, alt: img.alt,
  };
}"""


@pytest.fixture
def broken(app_url: str, settings: Any, tmp_path: Path) -> Person:
    """Someone whose photo file has gone missing from storage: the photo URL answers 404."""
    settings.MEDIA_ROOT = tmp_path
    vault = Vault.objects.get(memberships__user=local_owner())
    person = create_person(vault, "Alexandra van der Berghe-Smits")
    person.photo.name = "photos/2026/gone.png"
    person.save(update_fields=["photo"])
    return person


def _settled(page: Page, selector: str) -> dict[str, Any]:
    image = page.locator(selector).first
    handle = image.element_handle()
    page.wait_for_function("(img) => img.complete", arg=handle)
    result: dict[str, Any] = page.evaluate(MEASURE, handle)
    return result


def test_a_broken_photo_on_the_person_page_shows_initials(page: Page, broken: Person) -> None:
    sign_in(page, local_owner().username)
    page.goto(f"/people/{broken.pk}/")
    found = _settled(page, "#section-photo .avatar img")
    assert found["natural"] == 0  # it really did not load
    # Screen readers still get the description; sighted people get the initials instead.
    assert found["alt"] == "Photo of Alexandra van der Berghe-Smits"
    expect(page.get_by_role("img", name="Photo of Alexandra van der Berghe-Smits")).to_be_attached()
    assert found["content"] == '"AB"'
    assert found["colour"] == "rgba(0, 0, 0, 0)"
    assert found["overflow"] == "hidden"
    assert found["avatar"][0] == pytest.approx(found["avatar"][1])  # still a circle
    assert found["scroll"] == found["client"]  # nothing sticks out


def test_a_broken_photo_in_the_people_list_shows_initials(page: Page, broken: Person) -> None:
    sign_in(page, local_owner().username)
    page.goto("/people/")
    found = _settled(page, "img.avatar--photo")
    assert found["natural"] == 0
    assert found["alt"] == ""  # the name is the row's link text
    assert found["content"] == '"AB"'
    assert found["colour"] == "rgba(0, 0, 0, 0)"
