"""Browser tests: Playwright for Python driving Debian's Chromium against the live server.

Playwright's own browser download is never used. Without ``/usr/bin/chromium`` the browser
tests fail in CI (``CI=true``) and skip with a visible reason elsewhere;
``scripts/ensure_chromium.py`` installs it when it can.

Fixtures: ``browser`` (one Chromium per test module), ``page`` (1280x800), ``mobile_page``
(390x844), ``nojs_page`` (1280x800 with JavaScript off), each in a fresh context on an empty
database; ``open_page(**context_options)`` for anything else (dark mode, another language);
``screenshot(page, "step")`` saves ``test-artifacts/screenshots/<test>[-<step>].png``.
A failing test leaves a ``<test>-failed.png`` of every page it had open.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}

Screenshot = Callable[..., Path]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless; one per module so the event loop ends with the module."""
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} is missing: install Debian's chromium package "
            "(apt-get install -y chromium, or `python scripts/ensure_chromium.py` as root)."
        )
        if in_ci():
            pytest.fail(f"CI needs the browser tests: {message}", pytrace=False)
        pytest.skip(message)
    # Playwright's sync API keeps an event loop running in this thread; Django would otherwise
    # refuse the test's own database access (assertions, the flush after each test).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture
def app_url(live_server: LiveServer, transactional_db: None) -> str:
    """The live server's address, on an empty database (a fresh install)."""
    return live_server.url


@pytest.fixture
def open_page(
    request: pytest.FixtureRequest, browser: Browser, app_url: str
) -> Iterator[Callable[..., Page]]:
    """A factory of pages, each in a fresh browser context with the given options."""
    contexts: list[BrowserContext] = []

    def open_(**options: Any) -> Page:
        options.setdefault("viewport", DESKTOP)
        options.setdefault("locale", "en-GB")
        context = browser.new_context(base_url=app_url, timezone_id="Europe/Amsterdam", **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    failed = any(
        getattr(getattr(request.node, f"report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )
    pages = [each for context in contexts for each in context.pages]
    if failed and pages:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for number, each in enumerate(pages):
            suffix = f"-{number}" if number else ""
            each.screenshot(
                path=SCREENSHOTS / f"{_file_stem(request.node.name)}-failed{suffix}.png",
                full_page=True,
            )
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page: Callable[..., Page]) -> Page:
    return open_page(viewport=DESKTOP)


@pytest.fixture
def mobile_page(open_page: Callable[..., Page]) -> Page:
    return open_page(viewport=MOBILE, device_scale_factor=2, is_mobile=True, has_touch=True)


@pytest.fixture
def nojs_page(open_page: Callable[..., Page]) -> Page:
    return open_page(java_script_enabled=False)


def _file_stem(name: str) -> str:
    """``test_x[light]`` becomes ``test_x-light``: safe as a file name on every system."""
    return re.sub(r"[^\w.-]+", "_", name.replace("[", "-").replace("]", "")).strip("_")


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Screenshot:
    """``screenshot(page, "step")`` saves a full-page PNG named after the test and the step."""

    def take(page: Page, name: str = "") -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        stem = _file_stem(request.node.name + (f"-{name}" if name else ""))
        path = SCREENSHOTS / f"{stem}.png"
        try:
            page.screenshot(path=path, full_page=True)
        except PlaywrightError:
            # A screenshot is evidence, not an assertion: on a loaded machine Chromium sometimes
            # cannot capture a very tall page in time; try once more without full_page.
            page.screenshot(path=path)
        return path

    return take
