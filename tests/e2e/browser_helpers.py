"""What the browser tests share: the one password, signing in, axe, sideways scrolling.

Imported by the test modules as ``from browser_helpers import ...`` (``tests/e2e`` is on the
path because it holds a conftest and no ``__init__``); the name is unusual on purpose, so it
cannot shadow another test folder's helpers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.accounts.services import ensure_local_owner

PASSWORD = "kopje-koffie-om-tien"
SERIOUS = frozenset({"critical", "serious"})

Screenshot = Callable[..., Path]


def local_owner() -> User:
    """The install's own owner (as the first run makes it), called Marieke, with PASSWORD."""
    user = ensure_local_owner()
    user.first_name = "Marieke"
    user.set_password(PASSWORD)
    user.save()
    return user


def owner_with_vault(username: str = "marieke") -> tuple[User, Vault]:
    """Marieke with PASSWORD and her own empty vault "Personal", without the first run."""
    user = User.objects.create_user(username, password=PASSWORD, first_name="Marieke")
    vault = Vault.objects.create(name="Personal")
    Membership.objects.create(vault=vault, user=user, role=Role.OWNER)
    return user, vault


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form and wait for the home page, so the next step is safe."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page scrolls sideways; a layout that fits gives 0 or less."""
    overflow: int = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return overflow


def serious_violations(
    page: Page, selector: str | None = None, **options: Any
) -> list[dict[str, Any]]:
    """axe's critical and serious findings, small enough to read in a failed assertion.

    ``selector`` limits the check to part of the page (axe's context); ``options`` go to
    ``Axe.run`` as they are, e.g. ``options={"runOnly": ["color-contrast"]}``.
    """
    # A menu that is still fading in has half-way colours: let animations finish first, or
    # color-contrast fails at random on a loaded machine.
    page.evaluate("() => Promise.all(document.getAnimations().map((each) => each.finished))")
    results = Axe().run(page, context=selector, **options)
    violations: list[dict[str, Any]] = results.response["violations"]
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]],
        }
        for violation in violations
        if violation["impact"] in SERIOUS
    ]
