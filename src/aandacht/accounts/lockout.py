"""The answer to a locked-out sign-in (django-axes calls :func:`locked_out`).

One page for a locked account and a locked address alike, never naming the account: whether
it exists stays unknown. It says how long to wait, in minutes, in the visitor's language.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_minutes() -> int:
    """The lock-out length in whole minutes (rounded up, at least one)."""
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """429 with ``accounts/locked_out.html``; axes' signature (request, response, credentials)."""
    response = render(
        request,
        "accounts/locked_out.html",
        {"minutes": lockout_minutes()},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(lockout_minutes() * 60)
    return response
