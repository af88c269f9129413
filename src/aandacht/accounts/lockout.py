"""The answer to a locked-out sign-in (django-axes calls :func:`locked_out`), and the sign-in
form's warning before it.

The page says which lock applies, because the way out differs: a locked **username** (too
many failures for it, from anywhere) is lifted by choosing a new password by email; a locked
**connection** (too many failures from this address, for any usernames) only by waiting.
Neither names the account, and failures are counted for invented usernames too, so the page
is the same whether or not the account exists. It says how long to wait, in minutes, in the
visitor's language.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from aandacht.accounts.axes_handler import Lock, limit_for, locks


def lockout_minutes() -> int:
    """The lock-out length in whole minutes (rounded up, at least one)."""
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """429 with ``accounts/locked_out.html``; axes' signature (request, response, credentials).

    When both locks apply the page speaks of the connection: a new password would not help."""
    held = locks(request, credentials)
    lock = Lock.ADDRESS if Lock.ADDRESS in held else Lock.ACCOUNT
    response = render(
        request,
        "accounts/locked_out.html",
        {"minutes": lockout_minutes(), "lock": lock.value},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(lockout_minutes() * 60)
    return response


class SignInForm(AuthenticationForm):
    """Django's sign-in form, whose "wrong password" message also says what happens after a
    few more: the pause should not come as a surprise. It says nothing about the account."""

    warning = gettext_lazy(
        "Please enter a correct %(username)s and password. Both may be case-sensitive. "
        "After %(limit)s failed attempts for a username, signing in with it is paused for "
        "%(minutes)s minutes."
    )

    def get_invalid_login_error(self) -> ValidationError:
        """The stock error, with the lock-out's numbers."""
        return ValidationError(
            self.warning,
            code="invalid_login",
            params={
                "username": self.username_field.verbose_name,
                "limit": limit_for(Lock.ACCOUNT),
                "minutes": lockout_minutes(),
            },
        )
