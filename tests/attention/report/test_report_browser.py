"""The report page in Chromium, in dark mode: the charts take the dark palette, nothing scrolls
sideways on a phone, and the numbers open without JavaScript. Saves a screenshot in /tmp."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.attention import services
from aandacht.attention.models import Circle
from aandacht.people.services import create_person
from aandacht.timeline.services import log_interaction

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "report-in-the-dark"
DARK_ACCENT = "rgb(240, 163, 122)"  # --accent under prefers-color-scheme: dark

pytestmark = pytest.mark.browser

# The smallest font size, in CSS pixels, of the text in the visible charts: its size in the
# viewBox times the scale the SVG is drawn at (``meet``: the smaller of width and height).
SMALLEST_CHART_TEXT = """() => Math.min(...[...document.querySelectorAll('svg.chart')]
  .filter(svg => svg.getBoundingClientRect().width > 0)
  .flatMap(svg => {
    const box = svg.getBoundingClientRect(), view = svg.viewBox.baseVal;
    const scale = Math.min(box.width / view.width, box.height / view.height);
    return [...svg.querySelectorAll('text')].map(t => Number(t.getAttribute('font-size')) * scale);
  }))"""


@pytest.fixture
def chromium() -> Iterator[object]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install -y chromium)"
        # In CI nothing is skipped silently: a missing browser fails the run.
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
            )
            yield browser
            browser.close()


def test_the_report_in_dark_mode(
    live_server: LiveServer, transactional_db: None, chromium: object
) -> None:
    user = User.objects.create_user("marieke", password=PASSWORD)
    vault = Vault.objects.create(name="Personal")
    Membership.objects.create(vault=vault, user=user, role=Role.OWNER)
    monthly = Circle.objects.get(vault=vault, preset="monthly")
    for n, days in enumerate((3, 12, 40, 70)):
        person = create_person(vault, f"Friend {n}")
        services.set_circle(person, monthly)
        when = timezone.now() - dt.timedelta(days=days)
        log_interaction(vault, [person], "call", occurred_at=when, author=user)
        log_interaction(vault, [person], "message", occurred_at=when - dt.timedelta(days=1))

    for viewport, name in (
        ({"width": 1280, "height": 900}, "desktop"),
        ({"width": 390, "height": 844}, "phone"),
    ):
        context = chromium.new_context(  # type: ignore[attr-defined]
            base_url=live_server.url, color_scheme="dark", viewport=viewport
        )
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("marieke")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.goto("/report/")
        assert page.get_by_role("heading", level=1).inner_text() == "Attention report"
        shown = "#chart-depth" if name == "phone" else "#chart-depth-wide"
        fill = page.locator(f"{shown} .chart__series rect").first.evaluate(
            "element => getComputedStyle(element).fill"
        )
        assert fill == DARK_ACCENT
        # One depth chart shows (narrow on a phone, wide on a wider screen), the other is hidden.
        assert page.locator(shown).is_visible()
        assert page.get_by_role("img", name="Contacts per week, by depth").count() == 1
        # Every chart's text renders at 11 px or more, also on a 390-pixel phone.
        smallest = page.evaluate(SMALLEST_CHART_TEXT)
        assert smallest >= 11, smallest
        # A date range never breaks inside a date.
        assert "\xa0" in page.locator(".page-header__meta .report-span").inner_text()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        table = page.locator("section", has_text="The last 12 weeks, per week").locator("table")
        assert not table.is_visible()
        page.get_by_text("The numbers").last.click()
        assert table.is_visible()
        # the open table scrolls inside its card rather than widening the page
        assert (
            page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            <= 0
        )
        page.screenshot(path=f"/tmp/report-browser-dark-{name}.png", full_page=True)
        context.close()
