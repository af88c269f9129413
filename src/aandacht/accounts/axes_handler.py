"""django-axes with a limit of its own for an account and for an address (``AXES_HANDLER``).

Stock axes compares one count, the highest of the per-username and per-address counts, with
one limit. With a small limit that locks a whole household out: five typos by one housemate
for her own username lock the shared address, so the owner with the right password waits too.
Here an **account** locks after ``AXES_FAILURE_LIMIT`` failures for its username (from any
addresses, invented usernames included, so a lock says nothing about who has an account), and
an **address** only after ``AANDACHT_ADDRESS_LOGIN_FAILURES`` failures from it (for any
usernames), which is meant to be larger.

A successful sign-in forgets that username's failures only, not the address's: otherwise
anyone with an account could guess another account's password from the same address, sign in
as themselves before the lock, and guess again. (The username's own failures are part of the
address's count, so those go from it too.)
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from axes.attempts import get_cool_off_threshold  # type: ignore[import-untyped]
from axes.handlers.database import AxesDatabaseHandler  # type: ignore[import-untyped]
from axes.helpers import get_client_username  # type: ignore[import-untyped]
from axes.models import AccessAttempt  # type: ignore[import-untyped]
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class Lock(StrEnum):
    """What a lock-out holds back: one username, or everyone at one address."""

    ACCOUNT = "account"
    ADDRESS = "address"


def limit_for(lock: Lock) -> int:
    """The failures that lock an account, or an address."""
    if lock is Lock.ACCOUNT:
        return int(settings.AXES_FAILURE_LIMIT)
    return int(settings.ADDRESS_LOGIN_FAILURES)


def _username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    credentials = credentials or getattr(request, "axes_credentials", None)
    username = get_client_username(request, credentials)
    return str(username) if username is not None else None


def failure_counts(request: HttpRequest, credentials: dict[str, Any] | None) -> dict[Lock, int]:
    """Failures within the cool-off for this request's username and for its address."""
    recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
    filters: dict[Lock, dict[str, Any]] = {
        Lock.ACCOUNT: {"username": _username(request, credentials)},
        Lock.ADDRESS: {"ip_address": getattr(request, "axes_ip_address", None)},
    }
    counts: dict[Lock, int] = {}
    for lock, lookup in filters.items():
        if None in lookup.values():
            counts[lock] = 0
            continue
        total = recent.filter(**lookup).aggregate(total=Sum("failures_since_start"))["total"]
        counts[lock] = int(total or 0)
    return counts


def locks(request: HttpRequest, credentials: dict[str, Any] | None = None) -> set[Lock]:
    """The locks that hold this request back (empty: none)."""
    return {
        lock
        for lock, count in failure_counts(request, credentials).items()
        if count >= limit_for(lock)
    }


class AandachtAxesHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """The database handler with a separate limit per account and per address."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        """Locked when the username or the address has reached its own limit."""
        if not getattr(settings, "AXES_LOCK_OUT_AT_FAILURE", True):
            return False
        return bool(locks(request, credentials))

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """The count axes itself compares with ``AXES_FAILURE_LIMIT`` after recording a failure
        (``user_login_failed``), on that scale: the limit when either lock applies, else the
        account's count (below the limit)."""
        if locks(request, credentials):
            return limit_for(Lock.ACCOUNT)
        return failure_counts(request, credentials)[Lock.ACCOUNT]

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """After a successful sign-in: forget that username's failures, not the address's."""
        username = _username(request, credentials)
        if username is None:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return int(count)
