"""The log form's "With others too" list stays bounded in a big vault, yet accepts anyone."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from aandacht.accounts.models import Vault
from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.timeline import forms
from aandacht.timeline.forms import EditInteractionForm, LogForm
from aandacht.timeline.services import log_interaction

pytestmark = pytest.mark.django_db


def _options(form: LogForm) -> set[int]:
    return {int(str(value)) for value, _label in form.fields["others"].widget.choices}


def test_a_small_vault_lists_everyone(vault: Vault) -> None:
    people = [create_person(vault, f"Person {n} Small") for n in range(4)]

    form = LogForm(person=people[0])

    assert _options(form) == {p.pk for p in people[1:]}


@pytest.fixture
def big(vault: Vault, alice: User, monkeypatch: pytest.MonkeyPatch) -> list[Person]:
    """Six people in a vault that counts as big (more than three)."""
    monkeypatch.setattr(forms, "OTHERS_LISTED", 3)
    people = [create_person(vault, f"Person {n} Big") for n in range(6)]
    log_interaction(vault, [people[0], people[1], people[2]], "meeting", author=alice)
    return people


def test_a_big_vault_lists_only_who_was_logged_together(big: list[Person]) -> None:
    form = LogForm(person=big[0])

    assert _options(form) == {big[1].pk, big[2].pk}
    rendered = str(form["others"])
    assert big[1].name in rendered and big[5].name not in rendered


def test_a_big_vault_still_accepts_anyone_of_the_vault(big: list[Person], vault: Vault) -> None:
    form = LogForm({"kind": "call", "others": [str(big[5].pk)], "token": "x" * 32}, person=big[0])

    form.is_valid()

    assert "others" not in form.errors
    assert big[5].pk in _options(form)  # what was submitted shows again, chosen


def test_an_edit_lists_the_people_of_that_interaction(
    big: list[Person], vault: Vault, alice: User
) -> None:
    original = log_interaction(vault, [big[3], big[4]], "call", author=alice)

    form = EditInteractionForm(person=big[3], original=original)

    assert big[4].pk in _options(form)


def test_a_vault_is_big_from_one_past_the_limit(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(forms, "OTHERS_LISTED", 3)
    people = [create_person(vault, f"Person {n} Edge") for n in range(4)]

    assert _options(LogForm(person=people[0])) == {p.pk for p in people[1:]}  # 3 others: all

    create_person(vault, "Person 4 Edge")  # 4 others: only who was logged together (nobody)
    assert _options(LogForm(person=people[0])) == set()
