"""The small forms behind the Today page's and the call list's buttons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aandacht.attention.appreciation import TELL_KINDS, WHAT_MAX
from aandacht.timeline.models import InteractionKind

DONE_KINDS = [
    (InteractionKind.CALL, pgettext_lazy("done as", "Call")),
    (InteractionKind.MEETING, pgettext_lazy("done as", "Meeting")),
    (InteractionKind.VIDEO, pgettext_lazy("done as", "Video call")),
    (InteractionKind.MESSAGE, pgettext_lazy("done as", "Messages back and forth")),
]
SUMMARY_MAX = 500


class DoneForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("How"),
        choices=DONE_KINDS,
        required=False,
        error_messages={"invalid_choice": _("Choose call, meeting, video call or messages.")},
    )
    summary = forms.CharField(
        label=_("In one line (optional)"),
        max_length=SUMMARY_MAX,
        required=False,
        strip=True,
        error_messages={
            "max_length": _("Keep it to one line: at most %(limit_value)d characters.")
        },
    )

    def clean_kind(self) -> str:
        return str(self.cleaned_data.get("kind") or InteractionKind.CALL)


class AttemptForm(forms.Form):
    summary = forms.CharField(max_length=SUMMARY_MAX, required=False, strip=True)


class SnoozeForm(forms.Form):
    """``quick`` is one of the buttons (tomorrow, next week); ``until`` the date field."""

    until = forms.DateField(
        label=_("Snooze until"),
        required=False,
        error_messages={"invalid": _("Enter the day as YYYY-MM-DD, or pick it in the calendar.")},
    )
    quick = forms.DateField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day: dt.date | None = data.get("quick") or data.get("until")
        if day is None and not self.errors:
            raise forms.ValidationError(_("Pick the day to snooze until."))
        data["day"] = day
        return data


class FollowUpDoneForm(forms.Form):
    """``done=1`` (or nothing) ticks it off, ``done=0`` opens it again."""

    done = forms.ChoiceField(
        choices=[("1", "1"), ("0", "0")],
        required=False,
        error_messages={"invalid_choice": _("Say done=1 or done=0.")},
    )

    def clean_done(self) -> bool:
        return self.cleaned_data.get("done") != "0"


class TellForm(forms.Form):
    """ "I told them": how (a message unless chosen) and, optionally, what you said."""

    kind = forms.ChoiceField(
        label=_("How"),
        choices=TELL_KINDS,
        required=False,
        error_messages={"invalid_choice": _("Choose call, message, email, meeting or card.")},
    )
    what = forms.CharField(
        label=_("What you told them (optional)"),
        max_length=WHAT_MAX,
        required=False,
        strip=True,
        error_messages={
            "max_length": _("Keep it to one line: at most %(limit_value)d characters.")
        },
    )

    def clean_kind(self) -> str:
        return str(self.cleaned_data.get("kind") or TELL_KINDS[0][0])
