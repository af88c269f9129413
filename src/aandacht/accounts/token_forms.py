"""The form that creates a personal access token on the account page."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from aandacht.accounts.models import Role, TokenScope, Vault
from aandacht.accounts.tokens import NAME_MAX, token_vaults

ALL_VAULTS = ""  # the vault choice that leaves the token unrestricted
ONCE_MAX = 64


def new_form_id() -> str:
    """A fresh value for the form's hidden ``once`` field (random, not secret)."""
    return secrets.token_urlsafe(16)


class TokenForm(forms.Form):
    """Name, scope and (optionally) the one vault; the rules live in ``tokens.create_token``."""

    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX,
        error_messages={
            "required": _("Give the token a name, so you know later what uses it."),
            "max_length": _("A token's name has at most %(limit_value)d characters."),
        },
        help_text=_("What will use it, e.g. “backup script” or “phone address book”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    scope = forms.ChoiceField(
        label=_("It may"),
        choices=[
            (TokenScope.READ, _("Read")),
            (TokenScope.WRITE, _("Read and write")),
        ],
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose read, or read and write.")},
    )
    # Identifies this filling-in of the form: a second POST with the same value (a refresh of
    # the page that showed the secret) creates nothing. Not secret; checked by the view.
    once = forms.CharField(required=False, widget=forms.HiddenInput)
    vault = forms.ChoiceField(
        label=_("Vault"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of your vaults, or all of them.")},
        help_text=_("A token for one vault cannot see the others."),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("once", new_form_id())
        self._vaults: dict[int, Vault] = {}
        choices: list[tuple[str, str]] = [(ALL_VAULTS, str(_("All your vaults")))]
        for vault, role in token_vaults(user):
            self._vaults[vault.pk] = vault
            label = vault.name
            if role == Role.VIEWER:
                label = str(_("%(vault)s (you may only read it)") % {"vault": vault.name})
            choices.append((str(vault.pk), label))
        vault_field = self.fields["vault"]
        assert isinstance(vault_field, forms.ChoiceField)
        vault_field.choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        once = cleaned.get("once") or ""
        if not once or len(once) > ONCE_MAX:  # a hidden field's error would not show
            self.add_error(None, _("This form is out of date. Reload the page and try again."))
        return cleaned

    def chosen_vault(self) -> Vault | None:
        """The vault of a valid form, or None for all of the user's vaults."""
        raw: str = self.cleaned_data.get("vault") or ALL_VAULTS
        return self._vaults[int(raw)] if raw != ALL_VAULTS else None
