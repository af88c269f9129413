"""Moving and copying a person in a real browser: from the person page's menu, through the
confirmation, to the person in the other vault; without JavaScript too; accessible."""

from __future__ import annotations

import re

import pytest
from browser_helpers import Screenshot, owner_with_vault, serious_violations, sign_in
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.people.models import Person
from aandacht.people.services import create_person, relate
from aandacht.timeline.services import add_note, log_interaction

pytestmark = pytest.mark.browser


@pytest.fixture
def setup(app_url: str) -> tuple[User, Vault, Vault, Person]:
    user, personal = owner_with_vault()
    team = Vault.objects.create(name="Team")
    Membership.objects.create(vault=team, user=user, role=Role.OWNER)
    ann = create_person(personal, "Ann de Vries", emails=["ann@example.nl"], tags=["clients"])
    ben = create_person(personal, "Ben Bakker")
    relate(ann, "colleague", ben)
    add_note(personal, ann, "Runs the bakery on the corner.", author=user)
    log_interaction(personal, [ann, ben], "meeting", summary="Lunch", author=user)
    create_person(team, "Ann de Vries")  # a possible duplicate
    return user, personal, team, ann


def test_move_from_the_menu_to_the_person_in_the_other_vault(
    page: Page, setup: tuple[User, Vault, Vault, Person], screenshot: Screenshot
) -> None:
    _user, _personal, team, ann = setup
    sign_in(page, "marieke")
    page.goto(f"/people/{ann.pk}/")
    page.locator("details.person-actions > summary").click()
    page.get_by_role("link", name="Move or copy to another vault…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Move or copy Ann de Vries")
    assert serious_violations(page) == []
    page.get_by_label("Team").check()
    screenshot(page, "choose")
    page.get_by_role("button", name="Show what will happen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Move Ann de Vries to “Team”?")
    expect(page.get_by_text("Possibly there already")).to_be_visible()
    expect(page.get_by_text("Relationship with Ben Bakker (colleague)")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "confirm")
    page.get_by_role("button", name="Move to “Team”").click()

    expect(page).to_have_url(re.compile(rf"/people/{ann.pk}/$"))
    expect(page.get_by_text("Ann de Vries is moved to “Team”.")).to_be_visible()
    assert Person.objects.get(pk=ann.pk).vault_id == team.pk


def test_copy_works_without_javascript(
    nojs_page: Page, setup: tuple[User, Vault, Vault, Person]
) -> None:
    _user, personal, team, ann = setup
    page = nojs_page
    sign_in(page, "marieke")
    page.goto(f"/people/{ann.pk}/transfer/")
    page.get_by_label("Team").check()
    page.locator("#transfer-mode-copy").check()
    page.get_by_role("button", name="Show what will happen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Copy Ann de Vries to “Team”?")
    page.get_by_role("button", name="Copy to “Team”").click()
    expect(page.get_by_text(re.compile("is copied to “Team”"))).to_be_visible()
    assert Person.objects.filter(vault=team, given_name="Ann").count() == 2
    assert Person.objects.get(pk=ann.pk).vault_id == personal.pk
