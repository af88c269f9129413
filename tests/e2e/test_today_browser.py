"""The Today agenda and call list mode in a real browser: act on each item without a reload,
step through the calls, on a desktop, a 360px phone, in dark mode and without JavaScript."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

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
from playwright.sync_api import Locator, Page, expect

from aandacht.attention.models import Circle, Preset, Rhythm
from aandacht.attention.services import local_today, set_circle, settings_for
from aandacht.people.models import Person
from aandacht.people.services import add_contact_method, add_important_date, create_person
from aandacht.timeline.models import Interaction, Outcome
from aandacht.timeline.services import add_follow_up, log_interaction

pytestmark = pytest.mark.browser

NARROW_PHONE = {"width": 360, "height": 740}
NAMES = [
    ("Tom Jansen", 80),
    ("Sem de Vries", 70),
    ("Ria Bakker", 60),
    ("Joost van der Berg-Hoogeveen", 50),
    ("Fenna Visser", 40),
]


@dataclass
class Network:
    owner: User
    people: dict[str, Person]


@pytest.fixture
def network(app_url: str) -> Network:
    """Marieke with five monthly friends, all due, a promise due today and a birthday."""
    owner, vault = owner_with_vault()
    monthly = Circle.objects.get(vault=vault, preset=Preset.MONTHLY)
    today = local_today(settings_for(owner))
    people = {}
    for name, days in NAMES:
        person = create_person(vault, name)
        set_circle(person, monthly)
        Rhythm.objects.filter(pk=person.pk).update(since=today - dt.timedelta(days=400))
        log_interaction(
            vault,
            [person],
            "call",
            occurred_at=timezone.now() - dt.timedelta(days=days),
            summary=f"{name.split()[0]} told about the new kitchen",
            author=owner,
        )
        people[name] = person
    tom = people["Tom Jansen"]
    add_contact_method(tom, "phone", "06 12345678", label="mobile")
    tom.time_zone = "America/New_York"
    tom.save()
    add_follow_up(vault, tom, "Lend him the ladder", due_on=today, author=owner)
    anna = create_person(vault, "Anna Smit")
    add_important_date(anna, "birthday", today.month, today.day, 1990)
    people["Anna Smit"] = anna
    return Network(owner, people)


def item(page: Page, person: Person) -> Locator:
    return page.locator(f"#person-{person.pk}")


def conversations(person: Person) -> int:
    return Interaction.objects.filter(people=person, outcome=Outcome.CONVERSATION).count()


def test_acting_on_today_without_a_reload(
    page: Page, network: Network, screenshot: Screenshot
) -> None:
    people = network.people
    sign_in(page, network.owner.username)
    page.get_by_role("navigation", name="Main", exact=True).get_by_role(
        "link", name="Today"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    expect(page.get_by_text("5 planned · at most 5 a day")).to_be_visible()
    expect(page.get_by_text("Lend him the ladder", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^turns \d+$"))).to_be_visible()
    screenshot(page, "agenda")
    assert serious_violations(page) == []
    page.evaluate("window.__samePage = true")

    # Done, straight away
    tom = people["Tom Jansen"]
    item(page, tom).get_by_role("button", name=re.compile("^Talked")).click()
    expect(page.locator("#agenda-status")).to_have_text("Logged your conversation with Tom Jansen.")
    handled = page.locator(".agenda-section--handled")
    expect(handled.get_by_role("link", name="Tom Jansen")).to_be_visible()
    assert conversations(tom) == 2
    sem = people["Sem de Vries"]
    # The focus is not lost with the swapped list: it goes to whoever is now in Tom's place.
    expect(item(page, sem).get_by_role("link", name="Sem de Vries")).to_be_focused()

    # Done with a line and a kind
    item(page, sem).locator("summary", has_text="Add a line").click()
    item(page, sem).get_by_label("How").select_option("meeting")
    item(page, sem).get_by_label("In one line (optional)").fill("Coffee at the market")
    screenshot(page, "add-a-line")
    item(page, sem).get_by_role("button", name="Log it").click()
    expect(page.locator("#agenda-status")).to_have_text(
        "Logged your conversation with Sem de Vries."
    )
    latest = Interaction.objects.filter(people=sem).order_by("-occurred_at").first()
    assert latest is not None and (latest.kind, latest.summary) == (
        "meeting",
        "Coffee at the market",
    )

    # No answer
    ria = people["Ria Bakker"]
    item(page, ria).get_by_role("button", name=re.compile("^No answer")).click()
    expect(page.locator("#agenda-status")).to_contain_text("Noted that you tried Ria Bakker")

    # Snooze until tomorrow
    joost = people["Joost van der Berg-Hoogeveen"]
    item(page, joost).get_by_text("Snooze", exact=False).first.click()
    item(page, joost).get_by_role("button", name="Tomorrow").click()
    expect(page.locator("#agenda-status")).to_contain_text("is snoozed until")

    # Skip, then undo
    fenna = people["Fenna Visser"]
    item(page, fenna).get_by_role("button", name=re.compile("^Skip this round")).click()
    expect(page.locator("#agenda-status")).to_contain_text("Skipped this round with Fenna")
    fenna_handled = page.locator(f"#person-{fenna.pk}")
    expect(fenna_handled).to_contain_text("skipped this round")
    fenna_handled.get_by_role("button", name=re.compile("^Undo")).click()
    expect(page.locator("#agenda-status")).to_have_text("Fenna Visser is back on today's list.")
    expect(item(page, fenna).get_by_role("button", name=re.compile("^No answer"))).to_be_visible()

    # The promise, ticked off
    page.locator(".agenda-item--follow_up").get_by_role("button", name=re.compile("^Done")).click()
    expect(page.locator("#agenda-status")).to_have_text("Done: Lend him the ladder")
    expect(handled.get_by_text("done: Lend him the ladder")).to_be_visible()

    assert page.evaluate("window.__samePage") is True
    expect(page.get_by_text("5 planned · 4 dealt with · at most 5 a day")).to_be_visible()
    screenshot(page, "after")
    assert serious_violations(page) == []


def test_the_digest_link_highlights_the_item(page: Page, network: Network) -> None:
    ria = network.people["Ria Bakker"]
    sign_in(page, network.owner.username)

    page.goto(f"/today/?focus=person-{ria.pk}")

    expect(page.locator(f"#person-{ria.pk}")).to_have_class(re.compile("is-focused"))


def test_the_call_list_one_by_one(page: Page, network: Network, screenshot: Screenshot) -> None:
    people = network.people
    sign_in(page, network.owner.username)
    page.goto("/today/")
    page.get_by_role("link", name="Start calling").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Tom Jansen")
    expect(page.get_by_role("link", name=re.compile(r"Call \+31 6"))).to_have_attribute(
        "href", "tel:+31612345678"
    )
    expect(page.get_by_text("Tom told about the new kitchen")).to_be_visible()
    expect(page.get_by_text("you promised: Lend him the ladder")).to_be_visible()
    expect(page.get_by_text("Call 1 of 6")).to_be_visible()
    screenshot(page, "first")
    assert serious_violations(page) == []

    page.get_by_label("In one line (optional)").fill("He is moving in spring")
    page.get_by_role("button", name=re.compile("^Talked")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sem de Vries")
    expect(page.get_by_text("Call 2 of 6")).to_be_visible()
    last = Interaction.objects.filter(people=people["Tom Jansen"]).order_by("-occurred_at")[0]
    assert last.summary == "He is moving in spring"

    page.keyboard.press("v")  # voicemail
    expect(page.get_by_role("heading", level=1)).to_have_text("Ria Bakker")
    page.keyboard.press("ArrowRight")  # next, without an outcome
    expect(page.get_by_role("heading", level=1)).to_have_text("Joost van der Berg-Hoogeveen")
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ria Bakker")
    page.get_by_role("button", name=re.compile("^Snooze until tomorrow")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Joost van der Berg-Hoogeveen")
    page.get_by_role("button", name=re.compile("^Skip this round")).click()
    page.get_by_role("button", name=re.compile("^Talked")).click()  # Fenna
    expect(page.get_by_role("heading", level=1)).to_have_text("Anna Smit")
    expect(page.get_by_text(re.compile(r"turns \d+"))).to_be_visible()
    # Only her birthday brings her here: its own action, nothing on a cadence.
    expect(page.get_by_role("button", name=re.compile("^No answer"))).to_have_count(0)
    screenshot(page, "birthday")
    page.get_by_role("button", name=re.compile("^Called them")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Done with the list")
    expect(page.get_by_text("You talked with 3 people.")).to_be_visible()
    screenshot(page, "end")
    assert serious_violations(page) == []


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_a_360px_phone(
    open_page: Callable[..., Page], network: Network, color_scheme: str, screenshot: Screenshot
) -> None:
    page = open_page(
        viewport=NARROW_PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        color_scheme=color_scheme,
    )
    sign_in(page, network.owner.username)
    page.get_by_role("navigation", name="Main, at the bottom").get_by_role(
        "link", name="Today"
    ).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    # The date keeps to one line; "Start calling" goes under it.
    date_line = page.locator(".agenda-header .page-header__meta").bounding_box()
    assert date_line is not None and date_line["height"] < 40
    joost = network.people["Joost van der Berg-Hoogeveen"]
    item(page, joost).get_by_text("Snooze", exact=False).first.tap()
    expect(item(page, joost).get_by_label("Or pick a day")).to_be_visible()
    assert horizontal_overflow(page) <= 0
    screenshot(page, "today")
    assert serious_violations(page) == []

    page.goto("/today/calls/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tom Jansen")
    assert horizontal_overflow(page) <= 0
    screenshot(page, "calls")
    assert serious_violations(page) == []


def test_today_works_without_javascript(
    nojs_page: Page, network: Network, screenshot: Screenshot
) -> None:
    page = nojs_page
    ria = network.people["Ria Bakker"]
    sign_in(page, network.owner.username)
    page.goto("/today/")

    item(page, ria).get_by_role("button", name=re.compile("^Talked")).click()

    expect(page.get_by_text("Logged your conversation with Ria Bakker.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/today/$"))
    assert conversations(ria) == 2

    sem = network.people["Sem de Vries"]
    item(page, sem).get_by_text("Snooze", exact=False).first.click()
    item(page, sem).get_by_label("Or pick a day").fill(
        (local_today(settings_for(network.owner)) + dt.timedelta(days=3)).isoformat()
    )
    item(page, sem).locator(".agenda-snooze__pick").get_by_role("button").click()
    expect(page.get_by_text("Sem de Vries is snoozed until")).to_be_visible()
    screenshot(page, "after")


def test_home_shows_what_is_on_today(page: Page, network: Network, screenshot: Screenshot) -> None:
    sign_in(page, network.owner.username)

    card = page.locator(".today-card")
    expect(card).to_contain_text("5 people to get in touch with · 2 promises and dates")
    screenshot(page, "home")
    card.get_by_role("link", name="Open today").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
