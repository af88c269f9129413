"""The forms of two-factor sign-in: they only take the text; accounts.two_factor checks it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

# A code field: one-time-code lets phones offer the code from an SMS or app; no autocorrect.
CODE_ATTRS = {
    "autocomplete": "one-time-code",
    "autocapitalize": "none",
    "autocorrect": "off",
    "spellcheck": "false",
}
MAX_CODE_LENGTH = 32


def code_field(
    label: Any, *, numeric: bool = False, autofocus: bool = False, help_text: Any = ""
) -> forms.CharField:
    attrs = dict(CODE_ATTRS)
    if numeric:
        attrs.update(inputmode="numeric", pattern=r"[0-9 ]*")
    if autofocus:
        attrs["autofocus"] = ""
    return forms.CharField(
        label=label,
        max_length=MAX_CODE_LENGTH,
        strip=True,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
        error_messages={
            "required": gettext_lazy("Enter the code."),
            "max_length": gettext_lazy("That is too long for a code."),
        },
    )


class SignInCodeForm(forms.Form):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = code_field(
        gettext_lazy("Code from your app, or a recovery code"),
        autofocus=True,
        help_text=gettext_lazy(
            "No phone at hand? Enter one of your recovery codes instead; each works once."
        ),
    )


class ConfirmForm(forms.Form):
    """The first code from the app, which proves it was set up right."""

    code = code_field(gettext_lazy("Code from your app"), numeric=True)


class RecoveryCodesForm(forms.Form):
    """New recovery codes need the password or a current code from the app."""

    proof = forms.CharField(
        label=gettext_lazy("Your password, or a code from your app"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": gettext_lazy("Enter your password or a code from your app.")},
    )


class DisableForm(forms.Form):
    """Turning two-factor sign-in off needs the password and a code (or a recovery code)."""

    password = forms.CharField(
        label=gettext_lazy("Your password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": gettext_lazy("Enter your password.")},
    )
    code = code_field(gettext_lazy("Code from your app, or a recovery code"))
