"""Card season in a real browser: the proposed list, writing a card beside the memory aid,
the PDF preview, marking it sent; the list on a phone and in dark mode; a writing page left
open over midnight on New Year's Eve."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
import time_machine
from browser_helpers import (
    PASSWORD,
    Screenshot,
    horizontal_overflow,
    owner_with_vault,
    serious_violations,
    sign_in,
)
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings

from aandacht.accounts.models import Vault
from aandacht.cards import services
from aandacht.cards.models import Card, CardStatus
from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.timeline.models import Interaction, MomentKind
from aandacht.timeline.services import add_moment

pytestmark = pytest.mark.browser

MOMENTS = {
    "Zoë de Vries": [
        (MomentKind.GRATEFUL, 30, "Drove me to the hospital in March without a second thought."),
        (MomentKind.SHARED, 60, "The long walk along the dunes after the conference."),
        (MomentKind.STRENGTH, 90, "Calm when everyone else panics."),
    ],
    "Ruud Çelik": [(MomentKind.SHARED, 120, "Fixed the shop's website over one weekend.")],
    "Anna Jansen": [(MomentKind.STRENGTH, 40, "Always asks the second question.")],
}


@pytest.fixture
def owner(app_url: str) -> tuple[User, Vault]:
    user, vault = owner_with_vault()
    for name, moments in MOMENTS.items():
        person = create_person(vault, name)
        for kind, days, text in moments:
            add_moment(
                vault,
                person,
                text,
                kind=kind,
                author=user,
                occurred_at=timezone.now() - dt.timedelta(days=days),
            )
    create_person(vault, "Stille Willem")
    return user, vault


def test_propose_write_preview_and_mark_sent(
    page: Page, owner: tuple[User, Vault], screenshot: Screenshot
) -> None:
    user, vault = owner
    year = services.today_for(user).year
    sign_in(page, user.username)
    page.goto("/cards/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Card season {year}")
    entries = page.locator(".season-entry")
    expect(entries).to_have_count(3)
    expect(entries.first).to_contain_text("Zoë de Vries")
    expect(entries.first).to_contain_text("1 moment, 1 thing you are grateful for, 1 strength")

    # Add someone without moments through the picker.
    page.get_by_label("Add someone to the list").fill("willem")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("button", name="Add to the list (Stille Willem)").click()
    expect(page.get_by_role("status").first).to_contain_text("Stille Willem is on your list.")
    expect(entries).to_have_count(4)
    screenshot(page, "list")
    assert serious_violations(page) == []

    page.get_by_role("link", name="Write a card to Zoë de Vries").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A card to Zoë de Vries")
    aid = page.get_by_role("complementary")
    expect(aid).to_contain_text("Drove me to the hospital")
    expect(aid).to_contain_text("Calm when everyone else panics.")
    page.get_by_label("Your card").fill(
        "Lieve Zoë,\n\nDank je dat je me in maart naar het ziekenhuis reed. "
        "Ik vergeet het nooit.\n\nFijne feestdagen!"
    )
    # htmx saves the draft a moment after typing stops; Save draft works without it too.
    expect(page.get_by_test_id("autosaved")).to_contain_text("Draft saved at")
    assert Card.objects.get(person__given_name="Zoë").text.startswith("Lieve Zoë")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").first).to_contain_text("Draft saved.")
    expect(page.get_by_test_id("fits")).to_contain_text("Fits on one card")
    preview = page.locator("object.write-preview__pdf")
    expect(preview).to_have_attribute("type", "application/pdf")
    pdf_url = preview.get_attribute("data")
    assert pdf_url is not None
    response = page.request.get(pdf_url)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    download = page.get_by_role("link", name="Download PDF")
    expect(download).to_have_attribute("href", re.compile(r"card\.pdf\?download=1$"))
    screenshot(page, "write")

    page.get_by_role("button", name="Mark sent").click()
    expect(page.get_by_role("status").first).to_contain_text("marked sent")
    zoe = Person.objects.get(given_name="Zoë")
    sent = page.locator(f"#person-{zoe.pk}")
    expect(sent).to_contain_text("sent")
    history = page.locator(".season-history")
    expect(history).to_contain_text(str(year))
    expect(history).to_contain_text("Zoë de Vries")
    card = Card.objects.get(person=zoe)
    assert card.status == CardStatus.SENT and card.text.startswith("Lieve Zoë")
    assert Interaction.objects.filter(people=zoe, kind="card").count() == 1
    screenshot(page, "sent")


def test_the_list_on_a_phone_in_dark_mode(
    open_page: Callable[..., Page], owner: tuple[User, Vault], screenshot: Screenshot
) -> None:
    user, _vault = owner
    page = open_page(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        color_scheme="dark",
    )
    sign_in(page, user.username)
    page.goto("/cards/")
    expect(page.locator(".season-entry")).to_have_count(3)
    assert horizontal_overflow(page) <= 0
    screenshot(page, "list")
    page.locator(".season-entry").first.get_by_role("link", name=re.compile("^Write")).click()
    expect(page.get_by_label("Your card")).to_be_visible()
    assert horizontal_overflow(page) <= 0
    screenshot(page, "write")
    assert serious_violations(page) == []


def test_without_javascript(nojs_page: Page, owner: tuple[User, Vault]) -> None:
    user, _vault = owner
    page = nojs_page
    sign_in(page, user.username)
    page.goto("/cards/")
    page.get_by_label("Add someone to the list").fill("willem")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("button", name="Add to the list (Stille Willem)").click()
    expect(page.get_by_role("status").first).to_contain_text("Stille Willem is on your list.")
    page.get_by_role("link", name="Write a card to Stille Willem").click()
    page.get_by_label("Your card").fill("Beste Willem, dank je voor de rust.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").first).to_contain_text("Draft saved.")
    expect(page.get_by_label("Your card")).to_have_value("Beste Willem, dank je voor de rust.")
    page.get_by_role("link", name="← Card season").click()
    page.get_by_role("button", name="Remove Stille Willem").click()
    expect(page.get_by_role("status").first).to_contain_text("is off the list")
    expect(page.locator(".season-entry")).to_have_count(3)


def test_a_page_left_open_over_new_years_eve_keeps_its_words(
    page: Page, owner: tuple[User, Vault], settings: Settings
) -> None:
    """The live server runs in this process, so time_machine moves its clock; the page stays
    open in Chromium while the year changes under it (the server's zone, Europe/Amsterdam)."""
    user, _vault = owner
    settings.SESSION_COOKIE_AGE = 90 * 24 * 3600  # the session must outlive the jumps in time
    zoe = Person.objects.get(given_name="Zoë")
    box = page.get_by_label("Your card")
    with time_machine.travel(dt.datetime(2026, 12, 31, 22, 50, tzinfo=dt.UTC)):
        sign_in(page, user.username)
        page.goto(f"/cards/2026/{zoe.pk}/")
        box.fill("Lieve Zoë,")
        expect(page.get_by_test_id("autosaved")).to_contain_text("Draft saved at 23:5")
    with time_machine.travel(dt.datetime(2026, 12, 31, 23, 5, tzinfo=dt.UTC)):  # 00:05, 1 Jan
        box.fill("Lieve Zoë, een goed nieuw jaar!")
        # Saved after midnight (the status line says so only when the save succeeded).
        expect(page.get_by_test_id("autosaved")).to_contain_text("Draft saved at 00:0")
        page.get_by_role("button", name="Save draft").click()
        expect(page.get_by_role("status").first).to_contain_text("Draft saved.")
        expect(page.get_by_test_id("late-draft")).to_contain_text("during January")
        expect(page.get_by_role("button", name="Mark sent")).to_have_count(0)
    with time_machine.travel(dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)):
        words = "Lieve Zoë, een goed nieuw jaar! En dank je."
        box.fill(words)
        expect(page.locator("#write-status")).to_contain_text("Card season 2026 is over")
        page.get_by_role("button", name="Save draft").click()
        expect(page.get_by_test_id("season-closed")).to_contain_text("Card season 2026 is over")
        expect(page.get_by_label("Your card")).to_have_value(words)
        page.wait_for_load_state("networkidle")  # the preview's PDF request, before the query
    assert Card.objects.get(person=zoe, year=2026).text == "Lieve Zoë, een goed nieuw jaar!"


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_season_and_writing_pages_look_like_the_app(
    open_page: Callable[..., Page],
    owner: tuple[User, Vault],
    screenshot: Screenshot,
    width: int,
    scheme: str,
) -> None:
    """Names in the app's sans-serif and text colour, the writing page as wide as the header,
    and on a phone the moments above the text box, visible without scrolling."""
    user, vault = owner
    phone = width < 600
    page = open_page(
        viewport={"width": width, "height": 844 if phone else 900},
        color_scheme=scheme,
        is_mobile=phone,
        has_touch=phone,
    )
    zoe = Person.objects.get(given_name="Zoë")
    year = services.today_for(user).year
    services.save_text(zoe, user, year, "Lieve Zoë,")
    sign_in(page, user.username)
    page.goto("/cards/")
    expect(page.get_by_test_id("season-summary")).to_have_text(
        "3 on your list: 2 proposed, 1 you added or started."
    )
    name = page.locator(".season-entry__name a").first
    body_font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert name.evaluate("e => getComputedStyle(e).fontFamily") == body_font
    assert name.evaluate("e => getComputedStyle(e).textDecorationLine") == "none"
    badge = page.locator(".season-entry .badge").first
    assert badge.evaluate("e => getComputedStyle(e).fontFamily") == body_font
    assert horizontal_overflow(page) <= 0
    screenshot(page, "season")

    page.goto(f"/cards/{year}/{zoe.pk}/")
    box = _box(page, "textarea")
    if phone:
        compact = page.get_by_test_id("aid-compact")
        expect(compact).to_be_visible()
        expect(compact).to_contain_text("Drove me to the hospital")
        expect(compact).to_contain_text("Calm when everyone else panics.")
        assert _box(page, "[data-testid=aid-compact]")["y"] < box["y"]
        assert box["y"] < 844  # the box starts on the first screen, below the aid
        expect(page.locator(".write-aid .write-aid__recent")).to_be_hidden()
    else:
        expect(page.get_by_test_id("aid-compact")).to_be_hidden()
        header = _box(page, ".site-header__inner")
        heading = _box(page, "h1")
        # The header's inner box includes its padding; the page's content lines up with it.
        main = _box(page, "main")
        assert abs(main["x"] - header["x"]) < 2 and abs(main["width"] - header["width"]) < 2
        assert heading["x"] > header["x"]
    assert horizontal_overflow(page) <= 0
    screenshot(page, "write")
    assert serious_violations(page) == []


def test_a_refused_size_stays_next_to_its_field(
    page: Page, owner: tuple[User, Vault], screenshot: Screenshot
) -> None:
    user, _vault = owner
    sign_in(page, user.username)
    page.goto("/cards/")
    field = page.get_by_label("How many cards this year")
    for raw in ("99", "0"):
        field.fill(raw)
        page.get_by_role("button", name="Change").click()
        expect(page).to_have_url(re.compile(r"/cards/\?vault=\d+&size=" + raw + "#season-size$"))
        expect(page.locator("#season-size .errorlist")).to_be_visible()
        input_box = _box(page, "#season-size input[name=size]")
        button_box = _box(page, "#season-size button")
        # Side by side, vertically centred on each other; the error below both.
        assert (
            abs(
                (input_box["y"] + input_box["height"] / 2)
                - (button_box["y"] + button_box["height"] / 2)
            )
            < 3
        )
        assert _box(page, "#season-size .errorlist")["y"] >= input_box["y"] + input_box["height"]
    screenshot(page, "error")
    page.reload()  # nothing to re-submit: the address is the season page's
    expect(page.locator("#season-size .errorlist")).to_be_visible()
    field.fill("3")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_role("status").first).to_contain_text("3 on your list")
    page.goto("/cards/size/")
    expect(page).to_have_url(re.compile(r"/cards/\?vault=\d+$"))


def test_a_text_too_long_for_one_card(
    page: Page, owner: tuple[User, Vault], screenshot: Screenshot
) -> None:
    user, _vault = owner
    zoe = Person.objects.get(given_name="Zoë")
    year = services.today_for(user).year
    sign_in(page, user.username)
    page.goto(f"/cards/{year}/{zoe.pk}/")
    page.get_by_label("Your card").fill("Dank je wel voor alles dit jaar. " * 60)
    expect(page.get_by_test_id("too-long")).to_contain_text("cut at least")
    expect(page.get_by_test_id("pdf-blocked")).to_be_visible()
    expect(page.locator("object.write-preview__pdf")).to_have_count(0)
    expect(page.get_by_role("button", name="Mark sent")).to_have_count(0)
    expect(page.get_by_test_id("send-blocked")).to_be_visible()
    response = page.request.get(f"/cards/{year}/{zoe.pk}/card.pdf")
    assert response.status == 409 and "cut at least" in response.text()
    screenshot(page, "blocked")
    page.get_by_label("Your card").fill("Lieve Zoë, dank je wel.")
    expect(page.get_by_test_id("fits")).to_be_visible()
    expect(page.locator("object.write-preview__pdf")).to_have_count(1)
    expect(page.get_by_role("button", name="Mark sent")).to_be_visible()


def test_the_dutch_demo_season_and_a_sent_card(
    open_page: Callable[..., Page], screenshot: Screenshot
) -> None:
    """The demo in Dutch: the history's names open your own cards, no separate "read" links,
    and a sent card's date reads "5 december 2026"."""
    from aandacht.demo import load_demo

    user = User.objects.create_user("demo-nl", password=PASSWORD)
    vault = load_demo("nl", owner=user)
    last_year = Card.objects.filter(vault=vault, status=CardStatus.SENT).first()
    assert last_year is not None
    services.save_text(last_year.person, user, services.today_for(user).year, "Lieve groet,")
    card = services.mark_sent(last_year.person, user, services.today_for(user).year)
    page = open_page()
    sign_in(page, user.username)
    page.get_by_role("button", name="Nederlands").click()  # the footer's language switch
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.goto(f"/cards/?vault={vault.pk}")
    history = page.locator(".season-history")
    expect(history.get_by_role("link", name=last_year.person.name).first).to_have_attribute(
        "href", re.compile(rf"/cards/\d+/{last_year.person.pk}/$")
    )
    expect(history).not_to_contain_text(" lees")
    expect(history).not_to_contain_text(" read")
    screenshot(page, "season")
    page.goto(f"/cards/{card.year}/{card.person.pk}/")
    day = timezone.localtime(card.sent_at).date()
    months = (
        "januari februari maart april mei juni juli augustus september oktober november december"
    )
    expect(page.locator(".page-header__meta")).to_contain_text(
        f"{day.day} {months.split()[day.month - 1]} {day.year}"
    )
    screenshot(page, "sent")
