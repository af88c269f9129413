"""Send every visitor to the welcome page until the owner has chosen a password."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from aandacht.accounts.services import needs_first_run


class FirstRunMiddleware:
    """Redirect to ``/welcome/`` while :func:`needs_first_run` holds.

    Static files, the welcome page itself and the language switch stay reachable, so the
    welcome page can be read in Dutch before anyone has an account. A signed-in visitor is
    past the first run by definition, which spares every ordinary page the extra query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._exempt(request) or request.user.is_authenticated or not needs_first_run():
            return self.get_response(request)
        return HttpResponseRedirect(reverse("web:welcome"))

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        path = request.path_info
        static_prefix = settings.STATIC_URL or "/static/"
        if path.startswith((static_prefix, reverse("web:welcome"))):
            return True
        # CardDAV clients sign in with a token on every request: a redirect to an HTML page
        # would only confuse them (and they cannot be past the first run without a user).
        if path.startswith((reverse("carddav:root"), reverse("carddav:well_known"))):
            return True
        # The app shell's files: a browser refuses a service worker behind a redirect.
        return path in {
            reverse(name)
            for name in (
                "set_language",
                "web:manifest",
                "web:service_worker",
                "web:offline",
                "web:favicon",
            )
        }
