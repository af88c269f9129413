"""Someone known only by a nickname (an imported card with just an email) is not named twice."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from aandacht.accounts.models import Vault
from aandacht.people.models import Person

pytestmark = pytest.mark.django_db


def test_the_list_and_the_page_show_a_lone_nickname_once(
    client: Client, alice: User, vault: Vault
) -> None:
    person = Person.objects.create(vault=vault, nickname="john.doe@company.com")
    client.force_login(alice)
    listing = client.get(reverse("people:list"), {"vault": vault.pk}).content.decode()
    assert listing.count("john.doe@company.com") == 1
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "“john.doe@company.com”" not in page


def test_a_nickname_beside_a_name_is_still_shown(client: Client, alice: User, vault: Vault) -> None:
    person = Person.objects.create(vault=vault, given_name="Jeroen", nickname="Jer")
    client.force_login(alice)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "“Jer”" in page
