"""Card season's forms: the list size and the card's text."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aandacht.cards import ranking
from aandacht.cards.services import MAX_TEXT


class SizeForm(forms.Form):
    size = forms.IntegerField(
        label=_("How many cards this year"),
        min_value=ranking.MIN_SIZE,
        max_value=ranking.MAX_SIZE,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Add someone to the list"), max_length=200, required=False)


class CardTextForm(forms.Form):
    text = forms.CharField(
        label=_("Your card"),
        required=False,
        strip=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "true"}),
        help_text=_("In your own words. Saved as a draft until you mark the card sent."),
    )
