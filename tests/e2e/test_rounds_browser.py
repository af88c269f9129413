"""A check-in round in a real browser: start it over a tag, do the three steps, see the timeline."""

from __future__ import annotations

import re

import pytest
from browser_helpers import (
    Screenshot,
    horizontal_overflow,
    owner_with_vault,
    serious_violations,
    sign_in,
)
from playwright.sync_api import Page, expect

from aandacht.people.lifecycle import set_archived
from aandacht.people.models import Person
from aandacht.people.services import create_person, set_tags

pytestmark = pytest.mark.browser


@pytest.fixture
def clients(app_url: str) -> list[Person]:
    """Marieke's vault: three event clients, and an archived one a round leaves out."""
    _owner, vault = owner_with_vault()
    people = [create_person(vault, name) for name in ("Ann Smith", "Bas Bakker", "Cor Visser")]
    old = create_person(vault, "Olaf Archived")
    for person in [*people, old]:
        set_tags(vault, person, ["events"])
    set_archived(old, True)
    return people


def test_start_a_round_over_a_tag_and_complete_one_person(
    page: Page, clients: list[Person], screenshot: Screenshot
) -> None:
    ann, bas, _cor = clients
    sign_in(page, "marieke")
    page.goto("/rounds/")
    page.get_by_role("link", name="Start a round").first.click()

    page.get_by_label("Name").fill("Lockdown events")
    page.get_by_label("Reason").fill("Events sector closed by the lockdown")
    page.get_by_label("People with the tag").select_option(label="events")
    page.get_by_role("button", name="Show who is in it").click()

    preview = page.get_by_test_id("preview-people")
    expect(page.get_by_role("heading", name="3 people will be in it")).to_be_visible()
    expect(preview).not_to_contain_text("Olaf Archived")
    preview.get_by_label("Bas Bakker").uncheck()
    screenshot(page, "preview")
    page.get_by_role("button", name="Start “Lockdown events”").click()

    expect(page).to_have_url(re.compile(r"/rounds/\d+/$"))
    counts = page.get_by_test_id("round-counts")
    expect(counts).to_contain_text("0 of 2 people fully done, 0 of 6 steps")
    expect(page.locator(".check-in")).to_have_count(2)
    expect(page.locator(".round-board")).not_to_contain_text("Bas Bakker")

    card = page.locator(".check-in", has_text="Ann Smith")
    page.evaluate("window.__samePage = true")
    notes = {
        "Empathy": "Worried about the rent, but the team is holding up",
        "A concrete tip": "Apply for the support scheme before the 15th",
        "An action for them": "Introduced her to my accountant",
    }
    for number, (title, note) in enumerate(notes.items(), start=1):
        step = card.locator(".step", has_text=title)
        step.locator("textarea").fill(note)
        step.get_by_role("button", name="Save and mark done").click()
        card = page.locator(".check-in", has_text="Ann Smith")
        expect(card.locator(".step--done")).to_have_count(number)
        expect(counts).to_contain_text(f"{number} of 6 steps")
    expect(counts).to_contain_text("1 of 2 people fully done, 3 of 6 steps")
    assert page.evaluate("window.__samePage") is True  # htmx swapped in place, no reload
    screenshot(page, "board")
    assert serious_violations(page) == []

    page.get_by_role("link", name="Still to do").click()
    expect(page.locator(".check-in")).to_have_count(1)
    expect(page.locator(".round-board")).not_to_contain_text("Ann Smith")

    page.goto(f"/people/{ann.pk}/")
    expect(page.locator(".person-rounds")).to_contain_text("Lockdown events")
    timeline = page.locator(f"#timeline-{ann.pk}")
    expect(timeline).to_contain_text("Check-in round “Lockdown events”: empathy")
    expect(timeline).to_contain_text("Worried about the rent, but the team is holding up")
    expect(timeline).to_contain_text("Check-in round “Lockdown events”: an action")
    screenshot(page, "timeline")
    assert bas.pk != ann.pk


def test_the_board_fits_a_phone_and_works_without_javascript(
    open_page: object, clients: list[Person], screenshot: Screenshot
) -> None:
    from aandacht.accounts.models import Vault
    from aandacht.rounds.services import start_round

    vault = Vault.objects.get(name="Personal")
    round_, _created = start_round(vault, "Lockdown events", clients)
    assert callable(open_page)
    phone: Page = open_page(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    sign_in(phone, "marieke")
    phone.goto(f"/rounds/{round_.pk}/")
    assert horizontal_overflow(phone) <= 0
    card = phone.locator(".check-in", has_text="Cor Visser")
    step = card.locator(".step", has_text="Empathy")
    step.locator("textarea").fill("Quiet, but glad I called")
    step.get_by_role("button", name="Save and mark done").click()
    expect(phone).to_have_url(re.compile(rf"/rounds/{round_.pk}/#check-in-\d+$"))
    expect(phone.get_by_test_id("round-counts")).to_contain_text("1 of 9 steps")
    done = phone.locator(".check-in", has_text="Cor Visser").locator(".step--done")
    expect(done).to_contain_text("Empathy")
    screenshot(phone, "phone")


@pytest.mark.parametrize(
    ("width", "scheme"), [(1280, "light"), (1280, "dark"), (390, "light"), (390, "dark")]
)
def test_the_board_shows_one_step_at_a_time(
    open_page: object, clients: list[Person], screenshot: Screenshot, width: int, scheme: str
) -> None:
    """Per person only the next open step is expanded; done steps are one line with their
    note; the call kind shows once the box is ticked; it fits a phone, light and dark."""
    from aandacht.accounts.models import Vault
    from aandacht.rounds.models import CheckInStep
    from aandacht.rounds.services import set_step, start_round

    vault = Vault.objects.get(name="Personal")
    round_, _created = start_round(vault, "Suppliers after the fire", clients)
    ann = clients[0]
    for kind, note in (("empathy", "Exhausted; the insurer has not called back"), ("tip", "")):
        step = CheckInStep.objects.get(check_in__round=round_, check_in__person=ann, kind=kind)
        set_step(step, note=note, done=True)
    assert callable(open_page)
    page: Page = open_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    sign_in(page, "marieke")
    page.goto(f"/rounds/{round_.pk}/")
    expect(page.locator(".step__form:visible")).to_have_count(3)  # one per person
    expect(page.locator("textarea:visible")).to_have_count(3)

    card = page.locator(".check-in", has_text="Ann Smith")
    done_line = card.locator(".step--done", has_text="Empathy")
    expect(done_line.locator(".step__excerpt")).to_contain_text("Exhausted")
    expect(card.locator(".step", has_text="An action for them").locator("textarea")).to_be_visible()

    other = page.locator(".check-in", has_text="Bas Bakker").locator(".step", has_text="Empathy")
    kind = other.locator("select[name=log_kind]")
    expect(kind).to_be_hidden()
    other.get_by_label("Also log it as a conversation").check()
    expect(kind).to_be_visible()
    assert horizontal_overflow(page) <= 0
    screenshot(page, f"{width}-{scheme}")
    assert serious_violations(page) == []

    done_line.locator("summary").click()  # "edit": the done step opens with its note
    expect(done_line.locator("textarea")).to_have_value(
        "Exhausted; the insurer has not called back"
    )


def test_leaving_out_someone_with_work_asks_first_and_a_paused_round_cannot(
    page: Page, clients: list[Person], screenshot: Screenshot
) -> None:
    from aandacht.accounts.models import Vault
    from aandacht.rounds.models import CheckInStep
    from aandacht.rounds.services import set_step, start_round

    vault = Vault.objects.get(name="Personal")
    round_, _created = start_round(vault, "Lockdown events", clients)
    ann = clients[0]
    step = CheckInStep.objects.get(check_in__round=round_, check_in__person=ann, kind="empathy")
    set_step(step, note="Worried about the rent", done=True)
    sign_in(page, "marieke")
    page.goto(f"/rounds/{round_.pk}/")
    page.get_by_role("button", name="Leave out Ann Smith").click()
    expect(page.get_by_role("heading", name="Leave Ann Smith out of this round?")).to_be_visible()
    expect(page.get_by_test_id("remove-confirm")).to_contain_text("One step is done for them.")
    screenshot(page, "confirm")
    page.get_by_role("link", name="Keep them in").click()
    expect(page.locator(".check-in", has_text="Ann Smith")).to_have_count(1)

    page.get_by_role("button", name="Leave out Ann Smith").click()
    page.get_by_role("button", name="Leave out").click()
    expect(page.locator(".messages, .message").first).to_contain_text(
        "Ann Smith is no longer in this round."
    )
    expect(page.locator(".check-in", has_text="Ann Smith")).to_have_count(0)

    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("note")).to_contain_text("who is in it are read-only")
    expect(page.get_by_role("button", name=re.compile("^Leave out"))).to_have_count(0)
    expect(page.locator("#round-add-title")).to_have_count(0)
    screenshot(page, "paused")
