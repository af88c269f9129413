"""The language someone reads Aandacht in: chosen once, kept per user across devices.

Anonymous visitors get Django's order (the language cookie a switch set, else the browser's
Accept-Language, else ``LANGUAGE_CODE``). A signed-in user's stored choice wins over both;
a blank choice means "follow the browser". The choice is copied into the session at login, so
ordinary pages cost no extra query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from aandacht.accounts.models import Preference

SESSION_KEY = "aandacht_language"
FOLLOW_BROWSER = ""


def is_supported(code: str) -> bool:
    """True for a code in ``settings.LANGUAGES`` (exact: "en", "nl")."""
    return code in dict(settings.LANGUAGES)


def language_of(user: AbstractBaseUser | AnonymousUser) -> str:
    """The stored choice, or ``FOLLOW_BROWSER`` (also for anonymous users)."""
    if not user.is_authenticated or user.pk is None:
        return FOLLOW_BROWSER
    stored = Preference.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    return stored if stored and is_supported(stored) else FOLLOW_BROWSER


def set_language_of(user: AbstractBaseUser, code: str) -> None:
    """Store ``code`` (or ``FOLLOW_BROWSER``) for ``user``; idempotent.

    Raises ``ValueError`` for a language the app does not offer.
    """
    if code != FOLLOW_BROWSER and not is_supported(code):
        raise ValueError(f"unsupported language: {code!r}")
    with transaction.atomic():
        Preference.objects.update_or_create(user_id=user.pk, defaults={"language": code})


@receiver(user_logged_in, dispatch_uid="aandacht.accounts.language.remember_language")
def remember_language(
    sender: object, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """Copy the user's language and last vault into the fresh session (one query per login,
    not per page)."""
    if request is None or not hasattr(request, "session"):
        return
    from aandacht.web.access import CURRENT_VAULT

    stored = (
        Preference.objects.filter(user_id=user.pk).values_list("language", "last_vault_id").first()
    )
    language, last_vault = stored if stored is not None else (FOLLOW_BROWSER, None)
    request.session[SESSION_KEY] = language if is_supported(language) else FOLLOW_BROWSER
    if last_vault is not None:
        request.session[CURRENT_VAULT] = last_vault


class UserLanguageMiddleware:
    """Activate a signed-in user's stored language; goes after ``AuthenticationMiddleware``.

    ``LocaleMiddleware`` (earlier) has already picked the cookie or browser language; this
    overrides it and keeps the device's language cookie in step, so the login page after
    signing out stays in the user's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = self._stored(request)
        if code:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        response = self.get_response(request)
        cookie = settings.LANGUAGE_COOKIE_NAME
        # Not when the response sets the cookie itself: that is the switch, which knows better.
        if code and request.COOKIES.get(cookie) != code and cookie not in response.cookies:
            _set_cookie(response, code)
        return response

    @staticmethod
    def _stored(request: HttpRequest) -> str:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return FOLLOW_BROWSER
        session = request.session
        code = session.get(SESSION_KEY)
        if not isinstance(code, str):  # a session from before this existed, or a stray login
            code = session[SESSION_KEY] = language_of(user)
        return code if is_supported(code) else FOLLOW_BROWSER


def _set_cookie(response: HttpResponse, code: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _safe_next(request: HttpRequest) -> str:
    """``next``, else the referring page, else ``/``: never a URL on another site."""
    for candidate in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return "/"


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language: the cookie for this device and, when signed in, the user's choice.

    Replaces Django's view of the same name (same fields: ``language``, ``next``). An empty
    ``language`` means "follow the browser again"; an unknown one changes nothing.
    """
    response = HttpResponseRedirect(_safe_next(request))
    code = request.POST.get("language", "").strip()
    if code != FOLLOW_BROWSER and not is_supported(code):
        return response
    user = request.user
    if user.is_authenticated:
        set_language_of(user, code)
        request.session[SESSION_KEY] = code
    if code:
        _set_cookie(response, code)
    else:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
