"""The two-factor page: set up an authenticator app, recovery codes, turn it off.

Every change is a POST (with CSRF) to its own address and safe to repeat: a second "set up"
shows the same QR code, a second "confirm" finds two-factor sign-in already on. The recovery
codes are shown once, in the answer to the POST that made them, and never again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login  # type: ignore[import-untyped]

from aandacht.accounts import two_factor
from aandacht.accounts.two_factor_forms import ConfirmForm, DisableForm, RecoveryCodesForm
from aandacht.web.access import signed_in_user


def _page(request: HttpRequest, status: int = 200, **forms_: forms.Form) -> HttpResponse:
    """The two-factor page in its current state, with any bound forms (and their errors)."""
    user = signed_in_user(request)
    state = two_factor.status_of(user)
    context: dict[str, Any] = {
        "status": state,
        "confirm_form": forms_.get("confirm_form") or ConfirmForm(),
        "recovery_form": forms_.get("recovery_form") or RecoveryCodesForm(),
        "disable_form": forms_.get("disable_form") or DisableForm(),
        "verified": bool(getattr(request.user, "is_verified", lambda: False)()),
    }
    if state.pending is not None:
        key = state.pending.bin_key
        url = two_factor.otpauth_url(user.get_username(), key)
        context.update(
            qr_svg=two_factor.qr_svg(url),
            secret=two_factor.grouped(two_factor.secret_of(key)),
            otpauth_url=url,
        )
    return render(request, "accounts/two_factor.html", context, status=status)


def _codes_page(request: HttpRequest, codes: list[str], *, first_time: bool) -> HttpResponse:
    user = signed_in_user(request)
    context = {
        "codes": codes,
        "codes_text": _codes_text(user.get_username(), codes),
        "first_time": first_time,
    }
    return render(request, "accounts/two_factor_codes.html", context)


def _codes_text(username: str, codes: list[str]) -> str:
    """The plain-text file the download button saves."""
    lines = [
        _("Aandacht recovery codes for %(username)s") % {"username": username},
        _("Each code works once, when you cannot use your authenticator app."),
        "",
        *codes,
        "",
    ]
    return "\n".join(lines)


@login_required
@never_cache
@require_GET
def two_factor_page(request: HttpRequest) -> HttpResponse:
    """Whether two-factor sign-in is on; the setup in progress with its QR code."""
    return _page(request)


@login_required
@never_cache
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    try:
        two_factor.start_setup(signed_in_user(request))
    except two_factor.TwoFactorError as refused:
        messages.info(request, refused.message)
    return redirect("accounts:two_factor")


@login_required
@never_cache
@require_POST
def cancel(request: HttpRequest) -> HttpResponse:
    two_factor.cancel_setup(signed_in_user(request))
    return redirect("accounts:two_factor")


@login_required
@never_cache
@sensitive_post_parameters("code")
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    """The first code from the app turns it on; the answer shows the recovery codes once."""
    user = signed_in_user(request)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return _page(request, status=400, confirm_form=form)
    try:
        device, codes = two_factor.confirm_setup(user, form.cleaned_data["code"])
    except two_factor.TwoFactorError as refused:
        if two_factor.status_of(user).pending is None:  # already on, or cancelled meanwhile
            messages.info(request, refused.message)
            return redirect("accounts:two_factor")
        form.add_error("code", refused.message)
        return _page(request, status=400, confirm_form=form)
    # This session just proved it has the app: it counts as verified (the admin needs that).
    otp_login(request, device)
    messages.success(request, _("Two-factor authentication is on."))
    return _codes_page(request, codes, first_time=True)


@login_required
@never_cache
@sensitive_post_parameters("proof")
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Ten new recovery codes; the old ones stop working."""
    user = signed_in_user(request)
    form = RecoveryCodesForm(request.POST)
    if form.is_valid():
        try:
            codes = two_factor.regenerate_recovery_codes(
                user, form.cleaned_data["proof"], request=request
            )
        except two_factor.TwoFactorError as refused:
            form.add_error("proof", refused.message)
        else:
            messages.success(
                request, _("You have new recovery codes; the old ones stopped working.")
            )
            return _codes_page(request, codes, first_time=False)
    return _page(request, status=400, recovery_form=form)


@login_required
@never_cache
@sensitive_post_parameters("password", "code")
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in off (the password and a code, so a borrowed session cannot)."""
    user = signed_in_user(request)
    form = DisableForm(request.POST)
    if form.is_valid():
        try:
            two_factor.disable(
                user, form.cleaned_data["password"], form.cleaned_data["code"], request=request
            )
        except two_factor.TwoFactorError as refused:
            if not two_factor.is_enabled(user):  # already off (a second submit)
                messages.info(request, refused.message)
                return redirect("accounts:two_factor")
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("accounts:two_factor")
    return _page(request, status=400, disable_form=form)


urlpatterns: list[URLPattern] = [
    path("two-factor/", two_factor_page, name="two_factor"),
    path("two-factor/setup/", start, name="two_factor_setup"),
    path("two-factor/cancel/", cancel, name="two_factor_cancel"),
    path("two-factor/confirm/", confirm, name="two_factor_confirm"),
    path("two-factor/recovery-codes/", recovery_codes, name="two_factor_recovery_codes"),
    path("two-factor/disable/", disable, name="two_factor_disable"),
]
