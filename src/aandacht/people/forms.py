"""Forms of the person page, one per section; they validate, the services in
:mod:`aandacht.people.editing` write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from aandacht.people import contact, editing
from aandacht.people.briefing import ROLE_LABELS, known_time_zones
from aandacht.people.models import (
    NAME_FIELDS,
    Address,
    Channel,
    ContactKind,
    DateKind,
    Person,
    RelationshipKind,
    Tag,
)

LONG_TEXT = 4000  # what they do, what they care about, how we met: a few paragraphs at most
NO_AUTOFILL = {"autocomplete": "off"}  # the browser's autofill is about you, not them


class DatalistInput(forms.TextInput):
    """A text input with suggestions (a ``<datalist>``), still accepting only what validates."""

    template_name = "people/edit_widget_datalist.html"

    def __init__(self, options: list[str], attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.options = options

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id', name)}_options"
        context["widget"]["attrs"]["list"] = list_id
        context["widget"]["list_id"] = list_id
        context["widget"]["options"] = self.options
        return context


def people_choices(person: Person) -> Any:
    """Everyone else in the person's vault, cheap to list in a select."""
    return (
        Person.objects.in_vault(person.vault)
        .exclude(pk=person.pk)
        .only("id", "sort_key", *NAME_FIELDS)
    )


class PersonChoiceField(forms.ModelChoiceField[Person]):
    def label_from_instance(self, obj: Person) -> str:
        return obj.name


class NameForm(forms.ModelForm[Person]):
    class Meta:
        model = Person
        fields = [
            "given_name",
            "particles",
            "family_name",
            "name_prefix",
            "name_suffix",
            "nickname",
            "pronouns",
            "time_zone",
        ]
        widgets = {
            "given_name": forms.TextInput(attrs={**NO_AUTOFILL, "autofocus": True}),
            "particles": forms.TextInput(attrs=NO_AUTOFILL),
            "family_name": forms.TextInput(attrs=NO_AUTOFILL),
            "name_prefix": forms.TextInput(attrs=NO_AUTOFILL),
            "name_suffix": forms.TextInput(attrs=NO_AUTOFILL),
            "nickname": forms.TextInput(attrs=NO_AUTOFILL),
            "pronouns": forms.TextInput(attrs=NO_AUTOFILL),
        }
        help_texts = {
            "name_prefix": _('Such as "dr." or "prof."; shown before the name.'),
            "name_suffix": _('Such as "jr." or "MSc"; shown after the name.'),
            "time_zone": _('Where they live, such as "Europe/Amsterdam".'),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].widget = DatalistInput(
            sorted(known_time_zones()), attrs={**NO_AUTOFILL, "maxlength": 64}
        )

    def clean_time_zone(self) -> str:
        value = str(self.cleaned_data.get("time_zone") or "").strip()
        if value and value not in known_time_zones():
            raise ValidationError(
                _('%(value)s is not a time zone we know; try one like "Europe/Amsterdam".'),
                code="invalid",
                params={"value": value},
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (cleaned.get("given_name", "").strip() or cleaned.get("family_name", "").strip()):
            if "given_name" not in self.errors:
                self.add_error(
                    "given_name",
                    ValidationError(_("Give at least a given or a family name."), code="required"),
                )
        return cleaned


class WorkForm(forms.ModelForm[Person]):
    class Meta:
        model = Person
        fields = ["organisation", "department", "job_title"]
        widgets = {
            "organisation": forms.TextInput(attrs={**NO_AUTOFILL, "autofocus": True}),
            "department": forms.TextInput(attrs=NO_AUTOFILL),
            "job_title": forms.TextInput(attrs=NO_AUTOFILL),
        }


class MetForm(forms.ModelForm[Person]):
    met_via = PersonChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label=_("Introduced by"),
        empty_label=_("nobody, or I don't remember"),
        error_messages={"invalid_choice": _("Choose someone from this vault.")},
    )
    met_story = forms.CharField(
        label=_("How we met"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Person
        fields = ["met_on", "met_at", "met_channel", "met_via", "met_story"]
        widgets = {
            "met_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "autofocus": True}),
            "met_at": forms.TextInput(attrs=NO_AUTOFILL),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["met_via"].queryset = people_choices(self.instance)  # type: ignore[attr-defined]
        channel = self.fields["met_channel"]
        # Django's "---------" means nothing to anyone: say the channel was not noted.
        channel.choices = [  # type: ignore[attr-defined]
            ("", _("Not noted")),
            *Channel.choices,
        ]

    def clean_met_on(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("met_on")
        if value is not None and value > timezone.localdate():
            raise ValidationError(_("That date is still to come."), code="future")
        if value is not None and value.year < 1900:
            raise ValidationError(_("That is a very long time ago."), code="too_old")
        return value


class WordsForm(forms.ModelForm[Person]):
    what_they_do = forms.CharField(
        label=_("What they do, in their words"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "autofocus": True}),
    )
    what_they_care_about = forms.CharField(
        label=_("What they care about"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Person
        fields = ["what_they_do", "what_they_care_about"]


class TagsForm(forms.Form):
    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.none(),
        required=False,
        label=_("Tags"),
        widget=forms.CheckboxSelectMultiple,
    )
    new_tags = forms.CharField(
        label=_("New tags"),
        required=False,
        max_length=500,
        help_text=_("Separate several with commas."),
        widget=forms.TextInput(attrs=NO_AUTOFILL),
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["tags"].queryset = Tag.objects.filter(vault=person.vault)  # type: ignore[attr-defined]

    def clean_new_tags(self) -> list[str]:
        names = editing.split_tag_names(str(self.cleaned_data.get("new_tags") or ""))
        limit = Tag._meta.get_field("name").max_length or 60
        too_long = [name for name in names if len(name) > limit]
        if too_long:
            raise ValidationError(
                _("A tag can be at most %(limit)d characters: %(name)s"),
                code="max_length",
                params={"limit": limit, "name": too_long[0]},
            )
        return names


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
        ),
    )
    remove = forms.BooleanField(label=_("Remove the photo"), required=False)

    def clean_photo(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("photo")
        if upload:
            try:
                editing.check_photo(upload, upload.size)
            except editing.PhotoRejected as error:
                raise ValidationError(str(error), code="invalid_photo") from None
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("photo") and not cleaned.get("remove") and "photo" not in self.errors:
            self.add_error(
                "photo", ValidationError(_("Choose a photo to upload."), code="required")
            )
        return cleaned


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices)
    value = forms.CharField(
        label=_("Email, number, address or handle"),
        max_length=300,
        widget=forms.TextInput(attrs={**NO_AUTOFILL, "autofocus": True}),
    )
    label = forms.CharField(
        label=_("Label"),
        required=False,
        max_length=40,
        help_text=_('Such as "work" or "home".'),
        widget=forms.TextInput(attrs=NO_AUTOFILL),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind, value = cleaned.get("kind"), cleaned.get("value")
        if kind and value:
            try:
                editing.normalized_contact(kind, value)
            except contact.InvalidContact as error:
                self.add_error("value", ValidationError(str(error), code="invalid"))
        return cleaned


class AddressForm(forms.ModelForm[Address]):
    class Meta:
        model = Address
        fields = ["label", "street", "postal_code", "locality", "region", "country"]
        widgets = {
            "label": forms.TextInput(attrs={**NO_AUTOFILL, "autofocus": True}),
            "street": forms.TextInput(attrs=NO_AUTOFILL),
            "postal_code": forms.TextInput(attrs=NO_AUTOFILL),
            "locality": forms.TextInput(attrs=NO_AUTOFILL),
            "region": forms.TextInput(attrs=NO_AUTOFILL),
            "country": forms.TextInput(attrs=NO_AUTOFILL),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        parts = ("street", "postal_code", "locality", "region", "country")
        if not any(str(cleaned.get(part) or "").strip() for part in parts):
            self.add_error(
                "street",
                ValidationError(_("Give at least a street, a city or a country."), code="required"),
            )
        return cleaned


class DateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DateKind.choices)
    day = forms.IntegerField(
        label=_("Day"),
        min_value=1,
        max_value=31,
        widget=forms.NumberInput(attrs={"autofocus": True}),
    )
    month = forms.TypedChoiceField(
        label=_("Month"), choices=list(MONTHS.items()), coerce=int, empty_value=None
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=1800,
        help_text=_("Leave empty when you don't know it."),
    )
    label = forms.CharField(
        label=_("Label"),
        required=False,
        max_length=100,
        help_text=_('For another date, say what it is: "name day", "started at Acme".'),
        widget=forms.TextInput(attrs=NO_AUTOFILL),
    )

    def clean_year(self) -> int | None:
        year: int | None = self.cleaned_data.get("year")
        if year is not None and year > timezone.localdate().year + 100:
            raise ValidationError(_("That year is too far ahead."), code="max_value")
        return year

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, month = cleaned.get("day"), cleaned.get("month")
        if day is not None and month is not None and "year" not in self.errors:
            try:
                editing.check_date(month, day, cleaned.get("year"))
            except ValueError:
                self.add_error(
                    "day",
                    ValidationError(
                        # "February 1990 has no day 30." / "February has no day 30."
                        _("%(month)s has no day %(day)d."),
                        code="invalid_date",
                        params={"month": month_and_year(month, cleaned.get("year")), "day": day},
                    ),
                )
        return cleaned


def month_and_year(month: int, year: int | None) -> str:
    """ "February 1990", or just "February" when the year is not known."""
    name = str(MONTHS[month])
    return f"{name} {year}" if year else name


class RelationshipForm(forms.Form):
    other = PersonChoiceField(
        queryset=Person.objects.none(),
        label=_("Who"),
        empty_label=_("choose someone"),
        error_messages={
            "invalid_choice": _("Choose someone else from this vault."),
            "required": _("Choose who they are related to."),
        },
    )
    role = forms.ChoiceField(
        label=_("Who they are to them"),
        choices=[(kind, ROLE_LABELS[kind]) for kind in RelationshipKind.values],
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=200, widget=forms.TextInput(attrs=NO_AUTOFILL)
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["other"].queryset = people_choices(person)  # type: ignore[attr-defined]
        self.fields["role"].label = _("Who they are to %(name)s") % {"name": person.name}
