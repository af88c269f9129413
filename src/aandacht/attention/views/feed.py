"""The calendar feed's address: ``/feed/<token>.ics``, no sign-in (the token is the key)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from aandacht.attention import feed as feeds

CACHE_CONTROL = "private, max-age=300"


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's calendar; an unknown or revoked token is a plain 404."""
    prefs = feeds.settings_for_token(token)
    if prefs is None:
        raise Http404("no such feed")
    body = feeds.render(prefs.user, feeds.site_for(request), prefs=prefs)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = CACHE_CONTROL
    response["Content-Disposition"] = 'inline; filename="aandacht.ics"'
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    if request.method == "HEAD":
        response["Content-Length"] = str(len(body))
        response.content = b""
    return response


urlpatterns: list[URLPattern] = [
    path("feed/<slug:token>.ics", calendar_feed, name="feed"),
]
