"""Logging contact from the person page, in a real browser: two clicks, no reload."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browser_helpers import Screenshot, owner_with_vault, serious_violations, sign_in
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Page, expect

from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.timeline.services import add_follow_up, add_note

pytestmark = pytest.mark.browser


def person_page(person: Person) -> str:
    try:
        return reverse("people:detail", args=[person.pk])
    except NoReverseMatch:
        pytest.skip("the person page (people:detail) is not there yet")


@pytest.fixture
def ann(app_url: str) -> Person:
    """Marieke owns a vault with Ann in it (made through the services, not the UI)."""
    owner, vault = owner_with_vault()
    ann = create_person(vault, "Ann Smith")
    add_note(vault, ann, "Loves sailing", author=owner)
    add_follow_up(vault, ann, "Send the sailing article", author=owner)
    return ann


@pytest.mark.parametrize("device", ["page", "mobile_page"])
def test_log_a_call_in_two_clicks_without_a_reload(
    request: pytest.FixtureRequest, device: str, ann: Person, screenshot: Screenshot
) -> None:
    page: Page = request.getfixturevalue(device)
    address = person_page(ann)
    sign_in(page, "marieke")
    page.goto(address)
    page.evaluate("window.__samePage = true")
    timeline = page.locator(f"#timeline-{ann.pk}")
    expect(timeline.get_by_role("button", name="Save", exact=True)).to_be_hidden()

    timeline.get_by_role("radio", name="Call", exact=True).click()  # click 1
    summary = timeline.get_by_label("Summary")
    expect(summary).to_be_focused()
    summary.press_sequentially("Talked about her new job")
    screenshot(page, "before-save")
    timeline.get_by_role("button", name="Save", exact=True).click()  # click 2

    first = timeline.locator(".timeline__list > li").first
    expect(first).to_contain_text("Call")
    expect(first).to_contain_text("Talked about her new job")
    expect(first).to_contain_text("just now")
    expect(page.locator(f"#timeline-status-{ann.pk}")).to_have_text("Logged: call.")
    assert page.evaluate("window.__samePage") is True  # htmx swapped; the page did not reload
    expect(page).to_have_url(re.compile(re.escape(address) + "$"))
    # The capture bar is fresh again: no kind chosen, summary hidden.
    expect(timeline.get_by_role("radio", name="Call", exact=True)).not_to_be_checked()
    expect(timeline.get_by_label("Summary")).to_be_hidden()
    screenshot(page, "after-save")

    page.evaluate(
        "document.body.addEventListener('timeline-changed', () => { window.__changed = true; })"
    )
    timeline.get_by_role("button", name=re.compile("^Done")).click()
    expect(timeline.get_by_role("button", name=re.compile("^Done"))).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate("window.__changed") is True  # other parts of the page can refresh
    assert page.evaluate("window.__samePage") is True


def test_log_a_call_without_javascript(
    nojs_page: Page, ann: Person, screenshot: Screenshot
) -> None:
    address = person_page(ann)
    sign_in(nojs_page, "marieke")
    nojs_page.goto(address)
    timeline = nojs_page.locator(f"#timeline-{ann.pk}")

    timeline.get_by_role("radio", name="Voicemail").check()
    timeline.get_by_label("Summary").fill("No answer, try Friday")
    timeline.get_by_role("button", name="Save", exact=True).click()

    expect(nojs_page).to_have_url(re.compile(re.escape(address) + f"#timeline-{ann.pk}$"))
    first = nojs_page.locator(f"#timeline-{ann.pk} .timeline__list > li").first
    expect(first).to_contain_text("No answer, try Friday")
    expect(first).to_contain_text("Voicemail")
    screenshot(nojs_page)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_panel_is_accessible_and_edits_in_place(
    open_page: Callable[..., Page], ann: Person, color_scheme: str, screenshot: Screenshot
) -> None:
    page = open_page(color_scheme=color_scheme)
    address = person_page(ann)
    sign_in(page, "marieke")
    page.goto(address)
    panel = f"#timeline-{ann.pk}"
    timeline = page.locator(panel)

    timeline.get_by_role("radio", name="Message").click()
    timeline.locator("summary", has_text="Note").click()
    timeline.get_by_label("Note", exact=True).fill("")
    timeline.get_by_role("button", name="Save note").click()
    expect(timeline.get_by_label("Note", exact=True)).to_be_focused()  # browser validation
    assert serious_violations(page, panel) == []
    screenshot(page, "capture")

    timeline.get_by_role("link", name=re.compile("^Edit note")).click()
    editing = timeline.locator(".entry--editing")
    expect(editing).to_be_visible()
    editing.get_by_label("Note").fill("Loves sailing, owns a small boat")
    assert serious_violations(page, panel) == []
    screenshot(page, "edit")
    editing.get_by_role("button", name="Save changes").click()

    expect(timeline.locator(".entry--editing")).to_have_count(0)
    expect(timeline).to_contain_text("Loves sailing, owns a small boat")
    expect(page.locator(f"#timeline-status-{ann.pk}")).to_have_text("Saved.")


def test_two_tabs_of_a_kept_person_page_each_log_their_call(
    page: Page, ann: Person, screenshot: Screenshot
) -> None:
    """The second tab gets the page as kept (web/kept_pages.py); its forms still carry tokens
    of their own, so both calls are saved, and the page shows both afterwards."""
    address = person_page(ann)
    sign_in(page, "marieke")
    page.goto(address)
    other = page.context.new_page()
    other.goto(address)
    for tab, summary in ((page, "Call from the first tab"), (other, "Call from the second tab")):
        timeline = tab.locator(f"#timeline-{ann.pk}")
        timeline.get_by_role("radio", name="Call", exact=True).click()
        timeline.get_by_label("Summary").press_sequentially(summary)
        timeline.get_by_role("button", name="Save", exact=True).click()
        expect(tab.locator(f"#timeline-status-{ann.pk}")).to_have_text("Logged: call.")
    page.reload()
    entries = page.locator(f"#timeline-{ann.pk} .timeline__list > li")
    expect(entries.filter(has_text="Call from the first tab")).to_have_count(1)
    expect(entries.filter(has_text="Call from the second tab")).to_have_count(1)
    screenshot(page)
