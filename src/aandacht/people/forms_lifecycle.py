"""Forms of a person's lifecycle: quick add, merge, forget, archive and deceased."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import CharField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aandacht.people import names
from aandacht.people.lifecycle import (
    BOTH,
    KEPT,
    MERGE_FIELDS,
    OTHER,
    MergeField,
    default_choices,
    differs,
    needs_choice,
)
from aandacht.people.models import Person
from aandacht.people.services import only_particles

NAME_MAX = 150
NOTE_MAX = 1000


def _max_length(attr: str) -> int:
    field = Person._meta.get_field(attr)
    assert isinstance(field, CharField) and field.max_length is not None
    return field.max_length


class QuickAddForm(forms.Form):
    """Only a name is needed; where you met and one line of note are offered."""

    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "words",
                "spellcheck": "false",
                "enterkeyhint": "next",
                "placeholder": _("First and last name"),
            }
        ),
    )
    where = forms.CharField(
        label=_("Where did you meet?"),
        required=False,
        max_length=_max_length("met_at"),
        help_text=_("Saved with today's date as the day you met."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "sentences",
                "enterkeyhint": "next",
                "placeholder": _("An event, a place, an introduction…"),
            }
        ),
    )
    note = forms.CharField(
        label=_("One line to remember them by"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "sentences",
                "enterkeyhint": "done",
                "placeholder": _("What you talked about, what they care about…"),
            }
        ),
    )

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and self.errors:
            # The cursor goes to the first field that needs fixing.
            invalid = [name for name in self.fields if name in self.errors]
            for name, field in self.fields.items():
                field.widget.attrs.pop("autofocus", None)
                if invalid and name == invalid[0]:
                    field.widget.attrs["autofocus"] = True

    def clean_name(self) -> str:
        name = " ".join(str(self.cleaned_data["name"]).split())
        parts = names.split_name(name)
        if not (parts.given or parts.family):
            raise ValidationError(_("Please type a name."), code="required")
        if only_particles(name):
            raise ValidationError(
                _("A name needs more than “%(name)s”."),
                code="only_particles",
                params={"name": name},
            )
        too_long = (
            len(parts.given) > _max_length("given_name")
            or len(parts.particles) > _max_length("particles")
            or len(parts.family) > _max_length("family_name")
        )
        if too_long:
            raise ValidationError(_("That name is too long to store."), code="max_length")
        return name


class MergeSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Who is the same person?"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "enterkeyhint": "search",
                "placeholder": _("Part of a name, a nickname, an organisation…"),
            }
        ),
    )


class MergeForm(forms.Form):
    """One radio per field where the two people differ: keep this one's, the other's, or both.

    Fields where both are the same, or only one has a value, get no radio: the service keeps
    the shared or the only value. A field left out of the POST takes the default.
    """

    def __init__(self, kept: Person, other: Person, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kept = kept
        self.other = other
        defaults = default_choices(kept, other)
        self.rows: list[MergeField] = []
        # Fields where only one of them has a value: that value is taken, nothing to ask.
        self.taken: list[MergeField] = []
        for field in MERGE_FIELDS:
            if not differs(kept, other, field):
                continue
            if not needs_choice(kept, other, field):
                self.taken.append(field)
                continue
            self.rows.append(field)
            choices = [(KEPT, kept.name), (OTHER, other.name)]
            if field.combinable:
                choices.append((BOTH, str(_("both"))))
            self.fields[field.key] = forms.ChoiceField(
                label=str(field.label),
                choices=choices,
                initial=defaults[field.key],
                required=False,
                widget=forms.RadioSelect,
            )

    def choices(self) -> dict[str, str]:
        return {key: str(value) for key, value in self.cleaned_data.items() if value}


class ForgetForm(forms.Form):
    """Forgetting cannot be undone: type the name, or tick the box that says so."""

    typed_name = forms.CharField(
        label=_("Type their name to confirm"),
        required=False,
        max_length=400,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    understood = forms.BooleanField(
        label=_("I understand that this erases them for good and cannot be undone"),
        required=False,
    )

    def __init__(self, person: Person, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        typed = names.fold(cleaned.get("typed_name") or "")
        if cleaned.get("understood"):
            return cleaned
        if not typed:
            raise ValidationError(
                _("Type their name or tick the box to confirm."), code="unconfirmed"
            )
        if typed != names.fold(self.person.name):
            self.add_error(
                "typed_name",
                ValidationError(
                    _("That is not how their name is written here: %(name)s."),
                    code="mismatch",
                    params={"name": self.person.name},
                ),
            )
        return cleaned


STATE_CHOICES = [("1", _("yes")), ("0", _("no"))]


def _to_bool(value: str) -> bool:
    return value == "1"


class ArchiveForm(forms.Form):
    """``archived=1`` archives, ``archived=0`` brings back: repeating a POST changes nothing."""

    archived = forms.TypedChoiceField(choices=STATE_CHOICES, coerce=_to_bool)


class DeceasedForm(forms.Form):
    """``deceased=1`` (with an optional date) marks someone as deceased; ``deceased=0`` undoes."""

    deceased = forms.TypedChoiceField(
        choices=STATE_CHOICES, coerce=_to_bool, initial="1", widget=forms.HiddenInput
    )
    deceased_on = forms.DateField(
        label=_("Date of death"),
        required=False,
        help_text=_("Leave empty if you do not know."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_deceased_on(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("deceased_on")
        if value is not None and value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."), code="future")
        return value
