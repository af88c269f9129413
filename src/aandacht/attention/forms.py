"""Forms of the circles pages, the person page's rhythm section and the agenda settings."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from aandacht.accounts.models import Vault
from aandacht.attention.models import (
    MAX_CADENCE_DAYS,
    AgendaSettings,
    Circle,
    DigestFrequency,
)
from aandacht.people.models import Tag

MAX_PAUSE_DAYS = 5 * 366


def _cadence_field(*, required: bool = True, label: Any = None) -> forms.IntegerField:
    return forms.IntegerField(
        label=label or _("Every how many days"),
        required=required,
        min_value=1,
        max_value=MAX_CADENCE_DAYS,
        error_messages={
            "required": _("Say every how many days, for example 30."),
            "invalid": _("Enter a whole number of days, for example 30."),
            "min_value": _("A cadence is at least 1 day."),
            "max_value": _("A cadence is at most %(limit_value)s days (ten years)."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--days"}),
    )


class CircleForm(forms.Form):
    """A new circle: a name and a cadence, or a tag (its people) and a cadence."""

    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        required=False,
        error_messages={"max_length": _("Keep the name under %(limit_value)d characters.")},
    )
    cadence_days = _cadence_field()
    tag = forms.ModelChoiceField(
        label=_("For a tag (optional)"),
        queryset=Tag.objects.none(),
        required=False,
        empty_label=_("No tag: I choose the people"),
        help_text=_("A tag circle holds everyone with that tag; its name may stay empty."),
        error_messages={"invalid_choice": _("Choose one of the vault’s tags.")},
    )

    def __init__(self, *args: Any, vault: Vault, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tag"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Tag.objects.filter(vault=vault).order_by("name", "id")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        tag = cleaned.get("tag")
        if not cleaned.get("name", "").strip() and tag is None and "name" not in self.errors:
            self.add_error("name", _("Give the circle a name, or choose a tag."))
        if tag is not None and Circle.objects.filter(tag=tag).exists():
            self.add_error("tag", _("The tag “%(tag)s” already has a circle.") % {"tag": tag})
        return cleaned


class CircleEditForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        required=False,
        error_messages={"max_length": _("Keep the name under %(limit_value)d characters.")},
    )
    cadence_days = _cadence_field()

    def __init__(self, *args: Any, circle: Circle, **kwargs: Any) -> None:
        # A tag circle's empty name follows its tag; a preset's shows in the reader's language.
        name = circle.name if circle.tag_id is not None else circle.title
        kwargs.setdefault("initial", {"name": name, "cadence_days": circle.cadence_days})
        super().__init__(*args, **kwargs)
        self.circle = circle
        if circle.tag_id is not None:
            self.fields["name"].help_text = _("Leave it empty to use the tag’s name.")

    def clean_name(self) -> str:
        name: str = self.cleaned_data.get("name", "").strip()
        if not name and not self.circle.preset and self.circle.tag_id is None:
            raise forms.ValidationError(_("Give the circle a name."))
        return name


class RhythmForm(forms.Form):
    """The person page's "Keep in touch": circle, personal cadence, mute, pause."""

    circle = forms.ModelChoiceField(
        label=_("Circle"),
        queryset=Circle.objects.none(),
        required=False,
        empty_label=_("No circle"),
        error_messages={"invalid_choice": _("Choose one of the circles in the list.")},
    )
    cadence_days = _cadence_field(required=False, label=_("Personal cadence in days"))
    muted = forms.BooleanField(
        label=_("Mute: no reminders for this person"),
        required=False,
    )
    paused_until = forms.DateField(
        label=_("Pause until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date like 2027-03-01.")},
        help_text=_("No reminders before this day; empty for no pause."),
    )

    def __init__(self, *args: Any, person_vault_id: int, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        field = self.fields["circle"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Circle.objects.filter(vault_id=person_vault_id, tag__isnull=True)
        self.fields["cadence_days"].help_text = _(
            "Overrides the circle: empty follows the circle’s cadence."
        )

    def clean_paused_until(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("paused_until")
        if day is None:
            return None
        if day <= self.today:
            raise forms.ValidationError(_("Pause until a day after today, or leave it empty."))
        if day > self.today + dt.timedelta(days=MAX_PAUSE_DAYS):
            raise forms.ValidationError(_("Pause for at most five years."))
        return day


class CircleChoiceForm(forms.Form):
    """One click in "Make your lists": a circle, or none."""

    circle = forms.ModelChoiceField(
        queryset=Circle.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the circles in the list.")},
    )

    def __init__(self, *args: Any, vault_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["circle"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Circle.objects.filter(vault_id=vault_id, tag__isnull=True)


@cache
def time_zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def weekday_choices() -> list[tuple[str, Any]]:
    # django.utils.dates.WEEKDAYS counts from Monday = 0; ISO counts from Monday = 1.
    return [(str(number + 1), WEEKDAYS[number]) for number in range(7)]


class AgendaSettingsForm(forms.ModelForm[AgendaSettings]):
    weekdays = forms.MultipleChoiceField(
        label=_("Days of the week"),
        choices=weekday_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one day of the week."),
            "invalid_choice": _("Choose days of the week from the list."),
        },
        help_text=_("The agenda plans contacts on these days only."),
    )
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
        help_text=_("Like Europe/Amsterdam. Empty uses the server’s time zone."),
    )
    digest_weekday = forms.TypedChoiceField(
        label=_("Weekly digest on"),
        choices=weekday_choices,
        coerce=int,
        error_messages={"invalid_choice": _("Choose a day of the week from the list.")},
    )
    email = forms.EmailField(
        label=_("Your email address"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Enter an email address like name@example.org.")},
        help_text=_("Digests go to this address; without one, none are sent."),
    )

    class Meta:
        model = AgendaSettings
        fields = [
            "capacity",
            "weekdays",
            "time_zone",
            "retry_after_days",
            "one_way_resets",
            "digest_frequency",
            "digest_time",
            "digest_weekday",
            "appreciation_every_days",
        ]
        widgets = {
            "capacity": forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--days"}),
            "retry_after_days": forms.NumberInput(
                attrs={"inputmode": "numeric", "class": "input--days"}
            ),
            "digest_frequency": forms.RadioSelect,
            "digest_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "appreciation_every_days": forms.NumberInput(
                attrs={"inputmode": "numeric", "class": "input--days"}
            ),
        }
        labels = {"appreciation_every_days": _("Suggest telling someone what you value")}
        help_texts = {
            "appreciation_every_days": _(
                "At most once in this many days, Today suggests one person (a client or "
                "colleague with strengths you recorded, when there is one) to tell what you "
                "value in them. 7 is once a week; 0 turns it off."
            )
        }
        error_messages = {
            "capacity": {
                "required": _("Say how many contacts a day, from 1 to 50."),
                "invalid": _("Enter a whole number from 1 to 50."),
                "min_value": _("At least 1 contact a day."),
                "max_value": _("At most 50 contacts a day."),
            },
            "retry_after_days": {
                "required": _("Say after how many days to try again, from 1 to 30."),
                "invalid": _("Enter a whole number of days from 1 to 30."),
                "min_value": _("Try again after at least 1 day."),
                "max_value": _("Try again after at most 30 days."),
            },
            "digest_time": {
                "required": _("Choose a time like 07:30."),
                "invalid": _("Enter a time like 07:30."),
            },
            "digest_frequency": {"invalid_choice": _("Choose off, daily or weekly.")},
            "appreciation_every_days": {
                "required": _("Say how often, in days from 1 to 365; 0 turns it off."),
                "invalid": _("Enter a whole number of days from 0 to 365."),
                "min_value": _("Enter 0 to turn it off, or a number of days up to 365."),
                "max_value": _("At most once in 365 days: enter 365 or fewer."),
            },
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.is_bound:
            self.initial["weekdays"] = list(self.instance.weekdays)
            self.initial["email"] = user.email

    def clean_weekdays(self) -> str:
        days: list[str] = self.cleaned_data.get("weekdays") or []
        return "".join(sorted(set(days)))

    def clean_time_zone(self) -> str:
        name: str = self.cleaned_data.get("time_zone", "").strip()
        if name and name not in time_zones():
            raise forms.ValidationError(
                _("“%(zone)s” is not a time zone we know; choose one like Europe/Amsterdam."),
                params={"zone": name},
            )
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("digest_frequency", DigestFrequency.OFF) != DigestFrequency.OFF and not (
            cleaned.get("email") or ""
        ):
            if "email" not in self.errors:
                self.add_error("email", _("A digest needs your email address."))
        return cleaned

    def save(self, commit: bool = True) -> AgendaSettings:
        prefs = super().save(commit=commit)
        email = self.cleaned_data.get("email", "")
        if commit and email != self.user.email:
            self.user.email = email
            self.user.save(update_fields=["email"])
        return prefs
