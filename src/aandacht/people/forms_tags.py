"""The form behind creating, renaming and recolouring a tag (rules live in :mod:`tagging`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aandacht.accounts.models import Vault
from aandacht.people import tagging
from aandacht.people.models import Tag


class ColourInput(forms.TextInput):
    input_type = "color"


class TagForm(forms.Form):
    """Name and colour of a new tag, or of ``tag`` when renaming it."""

    name = forms.CharField(
        label=_("Name"),
        strip=True,
        error_messages={"required": _("A tag needs a name.")},
        widget=forms.TextInput(attrs={"maxlength": tagging.NAME_MAX_LENGTH, "autocomplete": "off"}),
    )
    colour = forms.CharField(
        label=_("Colour"),
        initial=tagging.DEFAULT_COLOUR,
        error_messages={"required": _("Choose a colour.")},
        widget=ColourInput(attrs={"list": "tag-palette"}),
    )

    def __init__(self, *args: Any, vault: Vault, tag: Tag | None = None, **kwargs: Any) -> None:
        if tag is not None:
            kwargs.setdefault("initial", {"name": tag.name, "colour": tag.colour})
        super().__init__(*args, **kwargs)
        self.vault = vault
        self.tag = tag

    def clean_name(self) -> str:
        try:
            return tagging.clean_name(self.vault, self.cleaned_data["name"], keep=self.tag)
        except tagging.TagProblem as problem:
            raise ValidationError(problem.message, code="invalid") from None

    def clean_colour(self) -> str:
        try:
            return tagging.normalise_colour(self.cleaned_data["colour"])
        except tagging.TagProblem as problem:
            raise ValidationError(problem.message, code="invalid") from None
