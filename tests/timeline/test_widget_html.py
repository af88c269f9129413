"""The capture forms' widgets written in Python give exactly what Django's templates give."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import User
from django.forms.renderers import get_default_renderer

from aandacht.accounts.models import Vault
from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.timeline import forms as timeline_forms
from aandacht.timeline.forms import (
    EditInteractionForm,
    FollowUpForm,
    LogForm,
    MomentForm,
    NoteForm,
)
from aandacht.timeline.services import log_interaction
from aandacht.timeline.widget_html import RENDERER

pytestmark = pytest.mark.django_db


def both(form: forms.BaseForm) -> tuple[list[str], list[str]]:
    """Every field, each radio button and the labels, rendered both ways."""

    def render(renderer: Any) -> list[str]:
        form.renderer = renderer
        out: list[str] = []
        for bound in form:
            out.append(str(bound))
            out.append(str(bound.label_tag()))
            for sub in bound.subwidgets:
                out.append(str(sub.tag()))
                out.append(str(sub.tag(wrap_label=True)))
        return out

    return render(RENDERER), render(get_default_renderer())


def test_the_capture_forms_render_as_django_does(vault: Vault, alice: User) -> None:
    people = [create_person(vault, f"Ann{n} <b>&amp; “Smith”") for n in range(3)]
    original = log_interaction(vault, people, "call", summary="x < y & z", author=alice)
    samples: list[forms.BaseForm] = [
        LogForm(person=people[0]),
        LogForm(
            {"kind": "nope", "summary": "<script>", "others": [str(people[1].pk), "x"]},
            person=people[0],
        ),
        EditInteractionForm(person=people[0], original=original),
        NoteForm(),
        NoteForm({"body": "", "private": "on", "occurred_at": "not a time"}),
        MomentForm(),
        MomentForm({"kind": "grateful", "text": "a\n<b>b</b>", "private": ""}),
        FollowUpForm(),
        FollowUpForm({"text": "call back", "direction": "promise", "due_on": "2199-01-02"}),
    ]
    for form in samples:
        form.is_bound and form.is_valid()
        ours, djangos = both(form)
        assert ours == djangos


def test_an_option_group_and_other_values_render_as_django_does() -> None:
    class Sample(forms.Form):
        default_renderer = RENDERER

        grouped = forms.ChoiceField(
            choices=[("Fruit", [("a", "Apple & pear"), ("b", "Banana")]), ("c", "Cherry")]
        )
        many = forms.MultipleChoiceField(choices=[(1, "One"), (2, "Two")], required=False)
        when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        count = forms.IntegerField(widget=forms.NumberInput(attrs={"data-x": '"q"'}))
        flag = forms.BooleanField(required=False)
        empty = forms.CharField(required=False, widget=forms.Textarea)

    for data in (None, {"grouped": "b", "many": ["2"], "when": dt.date(2024, 1, 2), "flag": "1"}):
        form = Sample(data, initial={"count": 3})
        ours, djangos = both(form)
        assert ours == djangos


def test_the_big_vault_list_of_others_renders_as_django_does(
    vault: Vault, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timeline_forms, "OTHERS_LISTED", 2)
    people: list[Person] = [create_person(vault, f"Person {n} Big") for n in range(5)]
    log_interaction(vault, people[:3], "meeting", author=alice)

    form = LogForm(person=people[0])
    ours, djangos = both(form)

    assert ours == djangos
    assert "Person 1 Big" in str(form["others"]) and "Person 4 Big" not in str(form["others"])
