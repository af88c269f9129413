"""The whole first day with Aandacht, in a real browser, in English and in Dutch.

A fresh install: the first run creates the owner, quick add on a phone captures someone met at
an event, a misspelled partial name finds them again, a call is logged from their page in two
clicks and shows on their timeline. The labels come from the translation catalogue itself
(``gettext`` under the page's language), so the Dutch run proves the Dutch pages are complete
enough to get through the flow without a single English word in the way.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browser_helpers import PASSWORD, Screenshot
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from aandacht.people.models import Person
from aandacht.timeline.models import Interaction, InteractionKind, Note

pytestmark = pytest.mark.browser

MOBILE = {"width": 390, "height": 844}
LOCALES = {"en": "en-GB", "nl": "nl-NL"}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_first_day_quick_add_find_and_log_a_call(
    open_page: Callable[..., Page], language: str, screenshot: Screenshot
) -> None:
    page = open_page(
        viewport=MOBILE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale=LOCALES[language],
    )

    def t(text: str) -> str:
        with translation.override(language):
            return gettext(text)

    # First run: the owner chooses a name and a password, then starts empty.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/welcome/$"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Welcome to Aandacht"))
    page.get_by_label(t("Your first name")).fill("Marieke")
    page.get_by_label(t("Username")).fill("marieke")
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_label(t("Password, once more")).fill(PASSWORD)
    page.get_by_role("button", name=t("Continue")).tap()
    page.get_by_role("button", name=t("Start empty")).tap()
    screenshot(page, "home")

    # Quick add from the phone's tab bar: a name, where we met, one line.
    page.locator(".tab-bar").get_by_role("link", name=t("Add someone")).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Add someone"))
    page.get_by_label(t("Name"), exact=True).fill("Jeroen van de Ven")
    page.get_by_label(t("Where did you meet?")).fill("PyCon NL")
    page.get_by_label(t("One line to remember them by")).fill("Builds bridges for cyclists")
    page.get_by_role("button", name=t("Save and open")).tap()
    expect(page).to_have_url(re.compile(r"/people/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jeroen van de Ven")
    screenshot(page, "added")
    person = Person.objects.get(family_name="Ven")
    assert (person.given_name, person.particles, person.met_at) == ("Jeroen", "van de", "PyCon NL")
    assert Note.objects.get(person=person).body == "Builds bridges for cyclists"

    # Later: find him again by a misspelled, partial name.
    page.locator(".tab-bar").get_by_role("link", name=t("People")).tap()
    search = page.locator("#people-search")
    search.press_sequentially("jerone v", delay=30)
    result = page.locator("#people-results .person-row").first
    expect(result).to_contain_text("Jeroen van de Ven")
    screenshot(page, "found")
    result.get_by_role("link", name=re.compile("Jeroen van de Ven")).tap()
    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/$"))

    # Log a call in two taps: the kind, then save (a summary is optional).
    timeline = page.locator(f"#timeline-{person.pk}")
    timeline.get_by_role("radio", name=t("Call"), exact=True).tap()
    timeline.get_by_label(t("Summary")).fill("Asked about the bridge in Nijmegen")
    timeline.get_by_role("button", name=t("Save"), exact=True).tap()
    first = timeline.locator(".timeline__list > li").first
    expect(first).to_contain_text("Asked about the bridge in Nijmegen")
    expect(first).to_contain_text(t("Call"))
    screenshot(page, "logged")
    call = Interaction.objects.get(people=person)
    assert call.kind == InteractionKind.CALL
    assert call.summary == "Asked about the bridge in Nijmegen"
