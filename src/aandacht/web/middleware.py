"""Send every visitor to the welcome page until the owner has chosen a password."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import get_script_prefix, reverse

from aandacht.accounts.services import needs_first_run

# The paths that never redirect, reversed once per script prefix (not eight reverse() calls
# on every request).
_exempt_paths: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {}


@receiver(setting_changed, dispatch_uid="aandacht.web.middleware.setting_changed")
def _setting_changed(sender: Any, setting: str, **kwargs: Any) -> None:
    if setting in {"ROOT_URLCONF", "STATIC_URL"}:
        _exempt_paths.clear()


def _exempt_for_prefix() -> tuple[tuple[str, ...], frozenset[str]]:
    """The exempt path prefixes and exact paths."""
    prefix = get_script_prefix()
    known = _exempt_paths.get(prefix)
    if known is None:
        prefixes = (
            settings.STATIC_URL or "/static/",
            reverse("web:welcome"),
            # CardDAV clients sign in with a token on every request: a redirect to an HTML
            # page would only confuse them (and they cannot be past the first run without a
            # user).
            reverse("carddav:root"),
            reverse("carddav:well_known"),
        )
        # The app shell's files: a browser refuses a service worker behind a redirect.
        exact = frozenset(
            reverse(name)
            for name in (
                "set_language",
                "web:manifest",
                "web:service_worker",
                "web:offline",
                "web:favicon",
            )
        )
        known = _exempt_paths[prefix] = (prefixes, exact)
    return known


class FirstRunMiddleware:
    """Redirect to ``/welcome/`` while :func:`needs_first_run` holds.

    Static files, the welcome page itself and the language switch stay reachable, so the
    welcome page can be read in Dutch before anyone has an account. A signed-in visitor is
    past the first run by definition, which spares every ordinary page the extra query; it
    is asked first, as the middleware before this one has already loaded the user.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated or self._exempt(request) or not needs_first_run():
            return self.get_response(request)
        return HttpResponseRedirect(reverse("web:welcome"))

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        prefixes, exact = _exempt_for_prefix()
        path = request.path_info
        return path.startswith(prefixes) or path in exact
