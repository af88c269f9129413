"""Your data: export everything of yours as one file, or delete your account and all of it.

The rules live in ``accounts.account_data``; these pages show what will happen first.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django import forms
from django.contrib.auth import authenticate, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from aandacht.accounts import account_data
from aandacht.web.access import signed_in_user

# The ZIP is written to a temporary file that moves to disk past this size, then streamed.
SPOOL_BYTES = 8 * 1024 * 1024


@login_required
@require_GET
def export_page(request: HttpRequest) -> HttpResponseBase:
    """What the file holds; ``?download=1`` sends it."""
    user = signed_in_user(request)
    if request.GET.get("download") == "1":
        return _export_response(user)
    return render(
        request,
        "accounts/account_export.html",
        {
            "vault_files": account_data.vault_files(user),
            "two_factor": account_data.two_factor_enrolled(user),
        },
    )


def _export_response(user: User) -> FileResponse:
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the response closes it)
    account_data.export_everything(user, spool)
    spool.seek(0)
    response = FileResponse(
        spool,
        as_attachment=True,
        filename=account_data.export_file_name(user),
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    return response


class DeleteAccountForm(forms.Form):
    """Typing the username and the password: deleting cannot happen by a slip or by someone
    who only found the browser signed in."""

    username = forms.CharField(
        label=gettext_lazy("Your username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_username(self) -> str:
        typed: str = self.cleaned_data["username"].strip()
        if typed != self.user.get_username():
            raise ValidationError(
                _("Type your own username, %(username)s, exactly.")
                % {"username": self.user.get_username()},
                code="username",
            )
        return typed

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        # Through authenticate(), so wrong guesses count towards the lock-out (django-axes).
        found = authenticate(self.request, username=self.user.get_username(), password=password)
        if found is None or found.pk != self.user.pk:
            raise ValidationError(_("That is not your password."), code="password")
        return password


@login_required
@require_http_methods(["GET", "POST"])
def delete_page(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    data = request.POST if request.method == "POST" else None
    form = DeleteAccountForm(data, user=user, request=request)
    status = 200
    if request.method == "POST":
        plan = account_data.plan_deletion(user)
        if plan.blocked:
            status = 409
        elif form.is_valid():
            try:
                account_data.delete_account(user)
            except account_data.DeletionBlocked:
                status = 409  # someone changed the vault's members meanwhile: show why
            else:
                logout(request)
                return render(request, "accounts/account_delete_done.html")
        else:
            status = 400
    plan = account_data.plan_deletion(user)
    return render(
        request,
        "accounts/account_delete.html",
        {"plan": plan, "form": form, "reasons": plan.reasons()},
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("export/", export_page, name="export"),
    path("delete/", delete_page, name="delete"),
]
