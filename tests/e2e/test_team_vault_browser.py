"""A team vault in a real browser: create it, invite a colleague by email, they accept and see
it as view only; the pages pass axe and fit a phone. Also without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browser_helpers import (
    PASSWORD,
    Screenshot,
    horizontal_overflow,
    owner_with_vault,
    serious_violations,
    sign_in,
)
from django.contrib.auth.models import User
from django.core import mail
from playwright.sync_api import Page, expect

from aandacht.accounts.models import Membership, Role, Vault

pytestmark = pytest.mark.browser

INVITATION_PATH = re.compile(r"/accounts/invitation/[A-Za-z0-9_\-]+/")
SANNE_PASSWORD = "kopje-thee-om-vier"


@pytest.fixture
def marieke(app_url: str) -> User:
    """Marieke, instance owner, with her personal vault."""
    user, _vault = owner_with_vault()
    user.is_superuser = user.is_staff = True
    user.save()
    return user


def invitation_path(page: Page) -> str:
    message = page.locator(".messages").inner_text()
    found = INVITATION_PATH.search(message)
    assert found is not None, message
    return found.group(0)


def test_share_a_vault_by_invitation_and_the_colleague_sees_it_view_only(
    page: Page,
    open_page: Callable[..., Page],
    marieke: User,
    screenshot: Screenshot,
) -> None:
    sign_in(page, "marieke")
    page.goto("/accounts/vaults/")
    page.get_by_label("Name").fill("The team")
    page.get_by_role("button", name="Create vault").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The team")

    invite = page.locator("form[action$='/invite/']")
    invite.get_by_label("Email address").fill("sanne@example.org")
    invite.get_by_label("Role").select_option("viewer")
    invite.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".messages")).to_contain_text("We sent an invitation to sanne@example.org")
    expect(page.locator(".invitation-row")).to_contain_text("sanne@example.org")
    assert [message.to for message in mail.outbox] == [["sanne@example.org"]]
    path = invitation_path(page)
    screenshot(page, "vault")
    assert serious_violations(page) == []

    sanne = open_page()
    sanne.goto(path)
    expect(sanne.get_by_role("heading", level=1)).to_have_text("Your invitation")
    expect(sanne.locator("main")).to_contain_text("invites you to the vault “The team”, as viewer")
    sanne.get_by_label("Username").fill("sanne")
    sanne.get_by_label("Password", exact=True).fill(SANNE_PASSWORD)
    sanne.get_by_label("Password again").fill(SANNE_PASSWORD)
    sanne.get_by_role("button", name="Create my account").click()
    expect(sanne).not_to_have_url(re.compile(r"/accounts/invitation/"))

    team = Vault.objects.get(name="The team")
    assert Membership.objects.get(vault=team, user__username="sanne").role == Role.VIEWER
    switcher = sanne.locator(".vault-switcher")
    switcher.locator("summary").click()
    expect(switcher.get_by_role("link", name=re.compile("The team"))).to_contain_text("view only")
    screenshot(sanne, "switcher")

    # The used link says so, in any browser.
    again = open_page()
    again.goto(path)
    expect(again.get_by_role("heading", level=1)).to_have_text("This invitation has been used")

    # Marieke sees her as a member; Sanne sees the list but no management forms.
    page.reload()
    expect(page.locator(".member-row")).to_have_count(2)
    sanne.goto(f"/accounts/vaults/{team.pk}/")
    expect(sanne.locator(".member-row")).to_have_count(2)
    expect(sanne.get_by_role("button", name="Add member")).to_have_count(0)


def test_vault_and_users_pages_fit_a_phone_and_pass_axe(
    mobile_page: Page, marieke: User, screenshot: Screenshot
) -> None:
    sign_in(mobile_page, "marieke", PASSWORD)
    for path in ("/accounts/vaults/", "/accounts/users/"):
        mobile_page.goto(path)
        assert horizontal_overflow(mobile_page) <= 0, path
        assert serious_violations(mobile_page) == [], path
    screenshot(mobile_page, "users")


def test_members_are_managed_without_javascript(nojs_page: Page, marieke: User) -> None:
    User.objects.create_user("bram", password=PASSWORD, email="bram@example.org")
    sign_in_nojs(nojs_page)
    nojs_page.goto("/accounts/vaults/")
    nojs_page.get_by_label("Name").fill("Clients")
    nojs_page.get_by_role("button", name="Create vault").click()
    add = nojs_page.locator("form[action$='/members/']")
    add.get_by_label("Username or email address").fill("BRAM@example.org")
    add.get_by_label("Role").select_option("editor")
    add.get_by_role("button", name="Add member").click()
    expect(nojs_page.locator(".messages")).to_contain_text(
        "bram is now a member of “Clients” (editor)."
    )
    nojs_page.get_by_role("link", name="Delete this vault…").click()
    nojs_page.get_by_label("The vault's name").fill("Clients")
    nojs_page.get_by_role("button", name="Delete the vault and everything in it").click()
    expect(nojs_page.locator(".messages")).to_contain_text("The vault “Clients” was deleted.")
    assert not Vault.objects.filter(name="Clients").exists()


def sign_in_nojs(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("marieke")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
