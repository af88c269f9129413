"""Signing in: the password, then (when two-factor sign-in is on) a code.

Step 1 is Django's ``LoginView`` with its ``AuthenticationForm``, so the password goes through
``authenticate(request, …)``, where django-axes counts failures and locks out. For a user with
a confirmed authenticator app it does not sign in: it remembers who is half-way in the session
(for five minutes) and asks for a code. Only when the code is right does ``login()`` run, so
everything listening to ``user_logged_in`` (the user's language and vault, the session list,
axes' reset) sees a fully signed-in user, once. Five wrong codes end the half-way sign-in.

The Django admin goes through here as well: :func:`guard_admin` sends its login page to ours
and refuses a session that has not passed the second step of a user who has one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypedDict

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import AdminSite
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login  # type: ignore[import-untyped]
from django_otp.plugins.otp_static.models import StaticDevice  # type: ignore[import-untyped]

from aandacht.accounts import two_factor
from aandacht.accounts.lockout import SignInForm
from aandacht.accounts.two_factor_forms import SignInCodeForm

PENDING = "aandacht_sign_in_pending"
PENDING_SECONDS = 5 * 60
MAX_CODE_ATTEMPTS = 5


class Pending(TypedDict):
    """Someone who gave the right password and still owes a code."""

    user: int
    backend: str
    since: float
    attempts: int
    next: str


class SignIn(auth_views.LoginView):
    """Step 1: username and password; on to step 2 when the user has two-factor sign-in."""

    template_name = "accounts/login.html"
    # Django's form, whose "wrong password" message also says when signing in pauses.
    authentication_form = SignInForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["open_signup"] = bool(getattr(settings, "OPEN_SIGNUP", False))
        user = self.request.user
        # Someone signed in who was sent here anyway: the page asked for needs more (the admin
        # without the second step, or another account).
        if user.is_authenticated and context.get(self.redirect_field_name):
            context["signed_in_as"] = user.get_username()
        return context

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        _forget(self.request)  # a new password replaces any earlier half-way sign-in
        if not two_factor.is_enabled(user):
            return super().form_valid(form)
        self.request.session[PENDING] = Pending(
            user=user.pk,
            backend=getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
            since=time.time(),
            attempts=0,
            next=self.get_redirect_url(),
        )
        return HttpResponseRedirect(reverse("accounts:login_code"))


def _pending(request: HttpRequest) -> tuple[Pending, User] | None:
    """The half-way sign-in of this session and its user, or None (then it is gone).

    Says so in a message when it ran out of time, so the password form explains itself.
    """
    pending: Pending | None = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("since", 0)) > PENDING_SECONDS:
        _forget(request)
        messages.info(request, _("Signing in took more than 5 minutes. Please start again."))
        return None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None or not two_factor.is_enabled(user):
        _forget(request)
        return None
    return pending, user


def _forget(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)


def _login_again(next_url: str) -> HttpResponse:
    url = reverse("accounts:login")
    return redirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)


def _safe(request: HttpRequest, url: str) -> str:
    """``url`` when it stays on this site, else the default landing page."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


@login_not_required
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Step 2: a code from the app or a recovery code; then the user is signed in."""
    found = _pending(request)
    if found is None:
        return redirect("accounts:login")
    pending, user = found
    form = SignInCodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound and form.is_valid():
        try:
            device = two_factor.check_code(user, form.cleaned_data["code"])
        except two_factor.TwoFactorError as refused:
            if refused.counts:
                pending["attempts"] = int(pending.get("attempts", 0)) + 1
                request.session[PENDING] = pending
                if pending["attempts"] >= MAX_CODE_ATTEMPTS:
                    _forget(request)
                    messages.error(
                        request,
                        _("Too many wrong codes. Enter your password again to start over."),
                    )
                    return _login_again(pending.get("next", ""))
            form.add_error("code", refused.message)
        else:
            return _complete(request, pending, user, device)
    if form.is_bound:
        status = 400
    attempts_left = MAX_CODE_ATTEMPTS - int(pending.get("attempts", 0))
    context = {"form": form, "attempts_left": attempts_left, "next": pending.get("next", "")}
    return render(request, "accounts/two_factor_login.html", context, status=status)


def _complete(request: HttpRequest, pending: Pending, user: User, device: Any) -> HttpResponse:
    """Sign in for real: ``login()`` (its signal fires now) and mark the session verified."""
    _forget(request)
    backend = pending.get("backend", "")
    if backend not in settings.AUTHENTICATION_BACKENDS:
        backend = settings.AUTHENTICATION_BACKENDS[-1]
    auth_login(request, user, backend=backend)
    otp_login(request, device)
    if isinstance(device, StaticDevice):
        left = two_factor.recovery_codes_left(user)
        messages.warning(
            request,
            ngettext(
                "You signed in with a recovery code. %(count)d recovery code is left; "
                "make new ones on the two-factor page if you are running low.",
                "You signed in with a recovery code. %(count)d recovery codes are left; "
                "make new ones on the two-factor page if you are running low.",
                left,
            )
            % {"count": left},
        )
    return HttpResponseRedirect(_safe(request, pending.get("next", "")))


# --- The Django admin --------


def passed_second_step(request: HttpRequest) -> bool:
    """True unless the user has two-factor sign-in and this session has not given a code."""
    user = request.user
    if not user.is_authenticated:
        return False
    is_verified: Callable[[], bool] | None = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return True
    return isinstance(user, User) and not two_factor.is_enabled(user)


def guard_admin(site: AdminSite = admin.site) -> AdminSite:
    """The admin signs in through our login page and needs the second step when there is one.

    Without this, ``/admin/login/`` would be a second, password-only way in.
    """
    allowed_before = site.has_permission

    def has_permission(request: HttpRequest) -> bool:
        return allowed_before(request) and passed_second_step(request)

    def login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        target = request.GET.get("next") or reverse("admin:index", current_app=site.name)
        if has_permission(request):
            return HttpResponseRedirect(_safe(request, target))
        return _login_again(target)

    site.has_permission = has_permission  # type: ignore[method-assign]
    site.login = login  # type: ignore[method-assign]
    return site


urlpatterns: list[URLPattern] = [
    path("login/", SignIn.as_view(), name="login"),
    path("login/code/", sign_in_code, name="login_code"),
]
