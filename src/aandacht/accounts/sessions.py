"""The user's list of signed-in sessions: recorded at sign-in, touched at most once a minute.

Django's session table cannot be listed per user without decoding every row, so each sign-in
also writes a ``SignedInSession`` (the ``user_logged_in`` signal, whatever view signed the user
in: the password form, a two-step login, ``force_login`` in tests). Signing out deletes it.
Revoking a session deletes the Django session itself, so that browser is anonymous at its next
request, and the row. The session remembers its row's id, so a session whose key changes (a
password change cycles it) keeps its row and its "signed in" time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AbstractBaseUser, User
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import DatabaseError, IntegrityError, transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from aandacht.accounts.models import SignedInSession
from aandacht.web.faults import fault_of
from aandacht.web.security import client_ip

# Session data: the row this session belongs to, and when it was last touched (epoch seconds).
ROW_KEY = "aandacht_signed_in_row"
SEEN_KEY = "aandacht_signed_in_seen"
KEY_KEY = "aandacht_signed_in_key"  # the session key the row was last written with
TOUCH_EVERY = 60  # seconds: last_seen_at is written at most this often per session
USER_AGENT_LENGTH = SignedInSession._meta.get_field("user_agent").max_length or 300

__all__ = [
    "SessionActivityMiddleware",
    "SessionView",
    "record_sign_in",
    "revoke",
    "revoke_others",
    "sessions_of",
    "end_all_sessions",
]


def _store(session_key: str | None = None) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key)
    return store


def _request_details(request: HttpRequest) -> tuple[str, str | None]:
    """The browser's User-Agent (cut to the column) and the client's address, if valid.

    The address the lock-out uses too: ``REMOTE_ADDR``, or the one AANDACHT_TRUSTED_PROXIES
    proxies vouch for; a forwarded-for header alone is whatever the client wants it to be.
    """
    agent = str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_LENGTH]
    address = client_ip(request)
    try:
        validate_ipv46_address(address)
    except ValidationError:
        return agent, None
    return agent, address


def record_sign_in(request: HttpRequest, user: AbstractBaseUser) -> SignedInSession | None:
    """Write the row of a session that just signed in (idempotent for the same key)."""
    session = request.session
    if session.session_key is None:
        session.save()  # a fresh session gets its key only when saved
    key = session.session_key
    if key is None:
        return None
    agent, address = _request_details(request)
    now = timezone.now()
    try:
        with transaction.atomic():
            row, _created = SignedInSession.objects.update_or_create(
                session_key=key,
                defaults={
                    "user_id": user.pk,
                    "user_agent": agent,
                    "ip_address": address,
                    "last_seen_at": now,
                },
            )
    except IntegrityError:  # the same key written by a concurrent request: it is there
        row = SignedInSession.objects.get(session_key=key)
    session[ROW_KEY] = row.pk
    session[SEEN_KEY] = int(time.time())
    session[KEY_KEY] = key
    return row


@receiver(user_logged_in, dispatch_uid="aandacht.accounts.sessions.signed_in")
def _signed_in(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        record_sign_in(request, user)


@receiver(user_logged_out, dispatch_uid="aandacht.accounts.sessions.signed_out")
def _signed_out(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    row = request.session.get(ROW_KEY)
    key = request.session.session_key
    rows = SignedInSession.objects.filter(session_key=key) if key else None
    if row is not None:
        by_row = SignedInSession.objects.filter(pk=row)
        rows = by_row if rows is None else rows | by_row
    if rows is not None:
        if user is not None and getattr(user, "pk", None) is not None:
            rows = rows.filter(user_id=user.pk)
        rows.delete()


def touch(request: HttpRequest, user: User) -> None:
    """Keep this session's row current: at most one write a minute, none in between.

    A signed-in session without a row (signed in before rows were kept, or whose row was
    cleaned away) gets one; one whose key changed (a password change cycles it) keeps its row.
    """
    session = request.session
    key = session.session_key
    if key is None:
        return
    now_epoch = int(time.time())
    seen = session.get(SEEN_KEY)
    fresh = isinstance(seen, int) and 0 <= now_epoch - seen < TOUCH_EVERY
    if fresh and session.get(KEY_KEY) == key:
        return
    # A savepoint: on PostgreSQL a refused write (a full disk, a read-only database) would
    # otherwise abort a surrounding transaction (25P02 on its next query), not be skipped.
    with transaction.atomic():
        now = timezone.now()
        row_id = session.get(ROW_KEY)
        updated = 0
        if isinstance(row_id, int):
            try:
                with transaction.atomic():
                    updated = SignedInSession.objects.filter(pk=row_id, user=user).update(
                        session_key=key, last_seen_at=now
                    )
            except IntegrityError:  # another row already has the new key: use that one
                SignedInSession.objects.filter(pk=row_id, user=user).delete()
        if not updated:
            updated = SignedInSession.objects.filter(session_key=key, user=user).update(
                last_seen_at=now
            )
            if updated:
                rows = SignedInSession.objects.filter(session_key=key).values_list("pk", flat=True)
                session[ROW_KEY] = rows.first()
        if not updated:
            record_sign_in(request, user)
            return
        session[SEEN_KEY] = now_epoch
        session[KEY_KEY] = key


class SessionActivityMiddleware:
    """Keeps ``SignedInSession.last_seen_at`` current (after the view: a view may sign in or
    out, or change the session's key). A revoked session needs nothing here: its Django
    session is gone, so the browser is already signed out when this runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if isinstance(user, User) and hasattr(request, "session"):
            try:
                touch(request, user)
            except DatabaseError as error:
                # Bookkeeping only: on a full disk or a read-only database the page the
                # visitor asked for still goes out (web/faults.py); anything else is a bug.
                if fault_of(error) is None:
                    raise
        return response


# --- the list and revoking ---------------------------------------------------------------


@dataclass(frozen=True)
class SessionView:
    """One row of the sessions page."""

    row: SignedInSession
    current: bool


def _still_valid(key: str, user: User) -> bool:
    """Whether the Django session exists, is not expired and still signs this user in
    (a password change makes other sessions' stored hash stale: Django ends them)."""
    data = _store(key).load()  # {} when missing or expired
    if str(data.get(SESSION_KEY, "")) != str(user.pk) or BACKEND_SESSION_KEY not in data:
        return False
    stored_hash = str(data.get(HASH_SESSION_KEY, ""))
    return bool(stored_hash) and constant_time_compare(stored_hash, user.get_session_auth_hash())


def sessions_of(user: User, current_key: str | None) -> list[SessionView]:
    """The user's signed-in sessions, this one first; rows whose session has ended are
    cleaned away on the way (expired, deleted, or invalidated by a password change)."""
    rows = list(SignedInSession.objects.filter(user=user).order_by("-last_seen_at", "-id"))
    ended = [
        row.pk
        for row in rows
        if row.session_key != current_key and not _still_valid(row.session_key, user)
    ]
    if ended:
        SignedInSession.objects.filter(pk__in=ended, user=user).delete()
    alive = [row for row in rows if row.pk not in ended]
    views = [SessionView(row, row.session_key == current_key) for row in alive]
    return sorted(views, key=lambda view: not view.current)


def revoke(user: User, row: SignedInSession) -> None:
    """Sign one session out: its Django session goes (that browser is signed out at its
    next request) and so does the row. Safe to repeat."""
    if row.user_id != user.pk:
        raise PermissionError("not this user's session")
    with transaction.atomic():
        _store().delete(row.session_key)
        SignedInSession.objects.filter(pk=row.pk).delete()


def revoke_others(user: User, current_key: str | None) -> int:
    """Sign out every session of the user but this one; returns how many were signed out."""
    rows = SignedInSession.objects.filter(user=user)
    if current_key:
        rows = rows.exclude(session_key=current_key)
    count = 0
    store = _store()
    with transaction.atomic():
        for key in rows.values_list("session_key", flat=True):
            store.delete(key)
            count += 1
        rows.delete()
    return count


def end_all_sessions(user: User) -> int:
    """Sign out every session of the user (the account is being deleted)."""
    return revoke_others(user, None)
