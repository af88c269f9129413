"""The Content-Security-Policy in a real browser: the key pages raise no violation, htmx
still swaps (and its Escape trigger filter still runs), and the API docs render."""

from __future__ import annotations

import pytest
from browser_helpers import Screenshot, owner_with_vault, sign_in
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page, expect

from aandacht.accounts.models import Vault
from aandacht.cards import services as cards_services
from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.timeline.services import add_note

pytestmark = pytest.mark.browser

# Runs before any page script on every navigation: collect what the policy blocked.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile || "?"}:${event.lineNumber || 0}) ${event.sample || ""}`
  );
});
"""


class Watched:
    """A page whose CSP violations and console errors are collected."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.console.append(message.text)

    def violations(self) -> list[str]:
        found: list[str] = self.page.evaluate("() => window.__cspViolations || []")
        return found + self.console

    def visit(self, path: str) -> None:
        self.page.goto(path)
        self.page.wait_for_load_state("networkidle")
        assert self.violations() == [], f"{path}: {self.violations()}"


@pytest.fixture
def owner(app_url: str) -> User:
    user, _ = owner_with_vault()
    return user


@pytest.fixture
def jeroen(owner: User) -> Person:
    vault = Vault.objects.get(memberships__user=owner)
    person = create_person(
        vault,
        "Jeroen van de Ven",
        what_they_do="I repair bikes.",
        tags=["neighbours", "cycling"],  # tag chips carry style="--chip: …" attributes
    )
    create_person(vault, "Denise van Iersel", tags=["cycling"])
    add_note(vault, person, "Ask how the new workshop is going.", author=owner)
    return person


@pytest.fixture
def watched(page: Page) -> Watched:
    return Watched(page)


def test_signing_in_raises_no_violation(watched: Watched, owner: User) -> None:
    watched.visit(reverse("accounts:login"))
    watched.visit(reverse("accounts:password_reset"))
    sign_in(watched.page, owner.username)
    assert watched.violations() == []


def test_the_key_pages_raise_no_violation(
    watched: Watched, owner: User, jeroen: Person, screenshot: Screenshot
) -> None:
    sign_in(watched.page, owner.username)
    for path in (
        reverse("web:home"),
        reverse("people:list"),
        reverse("people:list") + "?q=jer",
        f"/people/{jeroen.pk}/",
        reverse("attention:today"),
        reverse("exchange:import"),
        reverse("rounds:list"),
        reverse("accounts:settings"),
    ):
        watched.visit(path)
    # The htmx indicator style went in (allowed by its hash), not blocked.
    has_style = (
        "() => [...document.head.querySelectorAll('style')]"
        ".some((each) => each.textContent.includes('htmx-indicator'))"
    )
    assert watched.page.evaluate(has_style)
    screenshot(watched.page, "settings")


def test_htmx_still_swaps_and_its_trigger_filter_runs(
    watched: Watched, owner: User, jeroen: Person
) -> None:
    page = watched.page
    sign_in(page, owner.username)
    watched.visit(f"/people/{jeroen.pk}/")
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_role("link", name="Edit in their words").click()
    field = page.get_by_label("What they do, in their words")
    expect(field).to_be_focused()
    # aandacht.js turns Escape into the form's "escape" event: no eval, no 'unsafe-eval'.
    page.wait_for_function("() => !document.querySelector('.htmx-settling, .htmx-added')")
    page.keyboard.press("Escape")
    expect(page.locator("#section-words form")).to_have_count(0)

    page.get_by_role("link", name="Edit in their words").click()
    field.fill("I run a bike workshop.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#section-words")).to_contain_text("I run a bike workshop.")
    assert page.evaluate("window.stillTheSamePage") is True
    assert watched.violations() == []


def test_the_card_preview_shows_its_pdf(watched: Watched, owner: User, jeroen: Person) -> None:
    """The PDF in an <object> needs object-src 'self' on the page and may be framed by us."""
    page = watched.page
    sign_in(page, owner.username)
    year = cards_services.today_for(owner).year
    watched.visit(f"/cards/{year}/{jeroen.pk}/")
    page.get_by_label("Your card").fill("Beste Jeroen, dank je voor de fiets.")
    page.get_by_role("button", name="Save draft").click()
    preview = page.locator("object.write-preview__pdf")
    expect(preview).to_have_count(1)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    # The fallback link inside the <object> shows only when the PDF could not be embedded.
    expect(preview.get_by_role("link", name="Open the card (PDF)")).not_to_be_visible()
    assert watched.violations() == []


def test_the_api_docs_render_under_their_policy(
    watched: Watched, owner: User, screenshot: Screenshot
) -> None:
    sign_in(watched.page, owner.username)
    watched.visit("/api/docs")
    expect(watched.page.locator(".swagger-ui .info .title")).to_contain_text("Aandacht API")
    expect(watched.page.locator(".opblock").first).to_be_visible()
    assert watched.violations() == []
    screenshot(watched.page, "api-docs")


def test_an_injected_inline_script_is_blocked(watched: Watched, owner: User) -> None:
    """The policy really bites: a script element added to the page does not run."""
    page = watched.page
    watched.visit(reverse("accounts:login"))
    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.body.append(script);
    }"""
    )
    assert page.evaluate("() => window.injected === true") is False
    assert any("script-src" in each for each in watched.violations())
