"""Send a CardDAV client that starts at the site's root to ``/dav/``.

People type the server's plain address into their phone or vdirsyncer. Such a client sends
``PROPFIND /`` first; the home page is an HTML view behind CSRF protection, so without this it
would get a 403 page and rely on trying ``/.well-known/carddav`` next. A redirect answers
it directly, with a 308 so the client repeats the same method and body there.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse

DAV_METHODS = frozenset({"PROPFIND", "REPORT"})


class DavRootRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in DAV_METHODS and request.path_info == "/":
            return HttpResponsePermanentRedirect(reverse("carddav:root"), preserve_request=True)
        return self.get_response(request)
