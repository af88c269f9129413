"""Forms of the first run and the home page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from aandacht.accounts.services import LOCAL_OWNER_USERNAME


class WelcomeForm(forms.Form):
    """Step 1: the owner's name and password. Django's password validators apply."""

    first_name = forms.CharField(
        label=_("Your first name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "autofocus": True}),
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        initial=LOCAL_OWNER_USERNAME,
        validators=[UnicodeUsernameValidator()],
        help_text=_("You sign in with this. Letters, digits and @ . + - _ only."),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password, once more"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and self.errors:
            # Move the focus to what needs fixing; both password fields come back empty.
            self.fields["first_name"].widget.attrs.pop("autofocus", None)
            invalid = [name for name in self.fields if name in self.errors]
            if "password2" in invalid:
                invalid.insert(0, "password1")
            if invalid:
                self.fields[invalid[0]].widget.attrs["autofocus"] = True

    def clean_first_name(self) -> str:
        first_name: str = self.cleaned_data["first_name"].strip()
        if not first_name:
            raise ValidationError(_("Please tell us what to call you."), code="required")
        return first_name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error(
                "password2",
                ValidationError(_("The two passwords differ."), code="password_mismatch"),
            )
        elif password1:
            # An unsaved user lets the similarity validator compare with the chosen names.
            candidate = User(
                username=cleaned.get("username", ""), first_name=cleaned.get("first_name", "")
            )
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class StartForm(forms.Form):
    """Step 2: load a demo network (English or Dutch) or start with an empty vault."""

    DEMO = "demo"
    EMPTY = "empty"

    action = forms.ChoiceField(
        choices=[(DEMO, _("Load a demo network")), (EMPTY, _("Start empty"))]
    )
    language = forms.ChoiceField(
        label=_("Language of the demo"),
        choices=[("en", _("English")), ("nl", _("Dutch"))],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = "nl" if (get_language() or "").startswith("nl") else "en"

    @property
    def demo_language(self) -> str:
        return str(self.cleaned_data.get("language") or self.fields["language"].initial)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find someone"),
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Half a name is enough"),
                "autocomplete": "off",
            }
        ),
    )
