"""The forms of check-in rounds: choosing the group, and one step's note and state."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aandacht.accounts.models import Vault
from aandacht.people.models import Tag
from aandacht.rounds.services import LOG_KINDS, NAME_MAX, NOTE_MAX, REASON_MAX
from aandacht.timeline.models import InteractionKind


def new_token() -> str:
    return secrets.token_hex(16)


class RoundForm(forms.Form):
    """Name, reason and the group (a tag, a search, or both); read from GET for the preview
    and from POST, with the people kept in, to start the round."""

    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX,
        error_messages={"required": _("Give the round a name.")},
        widget=forms.TextInput(attrs={"placeholder": _("Lockdown events"), "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("Events sector closed by the lockdown")}
        ),
        help_text=_("Why these people, now. It stays with the round for looking back."),
    )
    tag = forms.ModelChoiceField(
        label=_("People with the tag"),
        queryset=Tag.objects.none(),
        required=False,
        empty_label=_("(any tag)"),
        error_messages={"invalid_choice": _("Choose one of your tags.")},
    )
    q = forms.CharField(
        label=_("Matching the search"),
        max_length=200,
        required=False,
        help_text=_("With a tag and a search: only the people with the tag who match the search."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, vault: Vault, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tag_field = self.fields["tag"]
        assert isinstance(tag_field, forms.ModelChoiceField)
        tag_field.queryset = Tag.objects.filter(vault=vault).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "tag" in data and "q" in data and not data.get("tag") and not data["q"].strip():
            self.add_error("tag", _("Choose a tag or type a search to choose the people."))
        return data


STEP_LOG_CHOICES = [(str(kind), InteractionKind(kind).label) for kind in LOG_KINDS]


class StepForm(forms.Form):
    """One step: its note, and what the button pressed says about done (1, 0, or keep)."""

    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        error_messages={
            "max_length": _(
                "Keep the note to %(limit_value)d characters at most (it has %(show_value)d)."
            ),
        },
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    done = forms.ChoiceField(
        choices=[("", "keep"), ("1", "done"), ("0", "not done")], required=False
    )
    log = forms.BooleanField(label=_("Also log it as a conversation"), required=False)
    log_kind = forms.ChoiceField(
        label=_("as a"), choices=STEP_LOG_CHOICES, required=False, initial="call"
    )

    def log_as(self) -> str:
        """The interaction to log with the empathy step, only when its box is ticked."""
        if not self.cleaned_data.get("log"):
            return ""
        return str(self.cleaned_data.get("log_kind") or "call")

    def done_value(self) -> bool | None:
        raw = self.cleaned_data.get("done", "")
        return None if raw == "" else raw == "1"
