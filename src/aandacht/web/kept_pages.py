"""Whole pages kept until something is written: a page nothing has changed since it was last
built is sent again as it was, in a few milliseconds, instead of being built anew.

At 50,000 people a person page takes 30–60 ms to build and Today 50–70 ms, most of it Python
rendering rows that have not changed. The write stamp (:mod:`aandacht.web.stamp`) says when
anything stored has changed; this module keeps a page's bytes under the stamp read before the
page was built, and only while everything else it was built from is the same:

- **the request:** the view, the path with its query, host and scheme, the htmx headers, the
  language and time zone;
- **the session:** its key and its values (the current vault, the second factor, the language),
  except the bookkeeping that changes with the clock (:data:`CLOCK_SESSION_KEYS`), and the CSRF
  cookie the page's forms carry a token of;
- **the clock:** a page is kept until the next quarter hour at most (the day starts on a quarter
  hour in every time zone), and for less when it shows the clock more finely: "5 minutes ago",
  someone's local time (:func:`fresh_until`);
- **values every answer must have anew:** a form's one-time token, the minute a new entry's
  time starts at (:func:`per_response`). The kept page holds a placeholder for each, filled in
  afresh every time the page goes out.

A hard reload (``Cache-Control: no-cache``) builds the page afresh. Not kept: an answer other
than 200, one that sets a cookie, changes the session or adds a message; a request with
messages waiting to be shown, or without a CSRF cookie; anything inside a transaction (the
stamp is ``None`` there). Each process keeps its own pages, up to
``settings.KEPT_PAGES_BYTES`` (``AANDACHT_KEPT_PAGES_MB``, 32 by default; 0 keeps none), the
least recently used going first.

The stamp is read by :class:`StampFirstMiddleware`, before the session's user and anything
else the page shows is read: a write that commits after that makes the next request build the
page again, so a kept page is never older than its stamp.
"""

from __future__ import annotations

import functools
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.contrib.messages import get_messages
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.urls import Resolver404, resolve
from django.utils import timezone, translation

from aandacht.accounts.sessions import SEEN_KEY
from aandacht.web import stamp

#: Session values that change with the clock, not with what a page shows.
CLOCK_SESSION_KEYS = frozenset({SEEN_KEY})
QUARTER_HOUR = 900  # seconds: the longest a page is kept
LARGEST_KEPT = 2 * 1024 * 1024  # a bigger page is not kept
#: The htmx headers a page may be built differently for (django-htmx's ``request.htmx``);
#: any other header is left out of the key, so made-up ones cannot multiply the pages kept.
HTMX_HEADERS = (
    "HX-Request",
    "HX-Boosted",
    "HX-Target",
    "HX-Trigger",
    "HX-Trigger-Name",
    "HX-History-Restore-Request",
    "HX-Prompt",
    "HX-Current-URL",
)
LONGEST_KEY = 8 * 1024  # characters: a request with a longer path or headers is not kept
ENTRY_OVERHEAD = 2 * 1024  # bytes counted per page on top of its body and key
MOST_KEPT = 2000  # pages per process, however small
STAMP_ATTRIBUTE = "aandacht_write_stamp"
MESSAGES_SESSION_KEY = "_messages"  # django.contrib.messages' SessionStorage


# --- While a page is built ---------------------------------------------------------------------


@dataclass
class _Building:
    """What the page being built needs besides its bytes: when it goes stale and the values
    to fill in every time it goes out."""

    expires: float
    marker: str = field(default_factory=lambda: f"kept{secrets.token_hex(8)}x")
    fills: dict[bytes, Callable[[], str]] = field(default_factory=dict)


_building: ContextVar[_Building | None] = ContextVar("aandacht_kept_page", default=None)


def fresh_until(moment: float) -> None:
    """What is being rendered changes at ``moment`` (seconds since the epoch): a page being
    kept is built again from then on. Nothing happens outside a kept page."""
    building = _building.get()
    if building is not None and moment < building.expires:
        building.expires = moment


def fresh_for_unit(when: float, now: float) -> None:
    """A one-unit distance between ``when`` and ``now`` is shown ("3 minutes ago", "in 2
    hours", "4 days ago"): the page holds until that text may change, when the distance
    crosses its next whole minute, hour or day (weeks, months and years change on a day's)."""
    distance = abs(now - when)
    unit = 60.0 if distance < 3600 else 3600.0 if distance < 86400 else 86400.0
    if when <= now:  # "… ago" grows: the next whole unit
        fresh_until(when + (distance // unit + 1) * unit)
    else:  # "in …" shrinks: at the next whole unit down (now, when it is on one)
        fresh_until(now + distance % unit)


def per_response(make: Callable[[], str]) -> str:
    """``make()``, which every answer must have anew (a one-time token, the minute now).

    While a page is being kept this returns a placeholder instead, and every copy of the page
    that goes out has it replaced by a fresh ``make()`` (the same value for every place the
    placeholder appears in one answer). ``make`` must give plain text that needs no escaping.
    """
    building = _building.get()
    if building is None:
        return make()
    placeholder = f"{building.marker}{len(building.fills)}x"
    building.fills[placeholder.encode()] = make
    return placeholder


def _filled(content: bytes, fills: dict[bytes, Callable[[], str]]) -> bytes:
    for placeholder, make in fills.items():
        content = content.replace(placeholder, make().encode())
    return content


# --- What is kept ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kept:
    stamp: int
    expires: float
    headers: tuple[tuple[str, str], ...]
    content: bytes
    fills: dict[bytes, Callable[[], str]]
    cost: int  # what it is counted as against the limit: body, key and the rest

    def response(self) -> HttpResponse:
        return HttpResponse(_filled(self.content, self.fills), headers=dict(self.headers))


_kept: OrderedDict[Hashable, _Kept] = OrderedDict()
_kept_bytes = 0
_kept_lock = threading.Lock()


def _find(key: Hashable, write_stamp: int, now: float) -> _Kept | None:
    with _kept_lock:
        found = _kept.get(key)
        if found is None or found.stamp != write_stamp or found.expires <= now:
            return None
        _kept.move_to_end(key)
        return found


def _keep(key: Hashable, page: _Kept) -> None:
    global _kept_bytes
    with _kept_lock:
        old = _kept.pop(key, None)
        if old is not None:
            _kept_bytes -= old.cost
        _kept[key] = page
        _kept_bytes += page.cost
        while _kept and (_kept_bytes > settings.KEPT_PAGES_BYTES or len(_kept) > MOST_KEPT):
            _, gone = _kept.popitem(last=False)
            _kept_bytes -= gone.cost


def forget() -> None:
    """Drop every page this process keeps."""
    global _kept_bytes
    with _kept_lock:
        _kept.clear()
        _kept_bytes = 0


def kept_count() -> int:
    with _kept_lock:
        return len(_kept)


# --- The stamp, read first ---------------------------------------------------------------------


def _keeps_page(path: str) -> bool:
    """Whether the view at ``path`` is a :func:`kept_page` (the others need no stamp)."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return bool(getattr(match.func, "keeps_page", False))


class StampFirstMiddleware:
    """Reads the write stamp for a signed-in browser's GET before anything the page shows is
    read (the session's user, the vaults in the navigation): the stamp a page is kept under."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if (
            request.method == "GET"
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and _keeps_page(request.path_info)
        ):
            try:
                setattr(request, STAMP_ATTRIBUTE, stamp.current())
            except DatabaseError:
                # No stamp (a database not migrated yet, one that fails): the page is built
                # as always, and the view meets the fault itself if it is one.
                setattr(request, STAMP_ATTRIBUTE, None)
        return self.get_response(request)


# --- The decorator -----------------------------------------------------------------------------


def _key(request: HttpRequest, view: str) -> Hashable | None:
    """Everything the page depends on besides the stored data and the clock, or ``None`` when
    this request's page must not be kept or taken from what is kept."""
    if request.method != "GET":
        return None
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or not user.is_authenticated or session is None:
        return None
    csrf = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if session.session_key is None or not csrf or settings.CSRF_USE_SESSIONS:
        return None
    messages_cookie = getattr(settings, "MESSAGE_COOKIE_NAME", "messages")
    if request.COOKIES.get(messages_cookie) or MESSAGES_SESSION_KEY in session:
        return None  # messages to show: the page is built, and shows them
    values = tuple(
        sorted(
            (name, repr(value)) for name, value in session.items() if name not in CLOCK_SESSION_KEYS
        )
    )
    htmx = tuple(request.headers.get(name) for name in HTMX_HEADERS)
    return (
        connections["default"].settings_dict["NAME"],
        view,
        request.get_host(),
        request.is_secure(),
        request.get_full_path(),
        htmx,
        user.pk,
        session.session_key,
        values,
        csrf,
        translation.get_language(),
        timezone.get_current_timezone_name(),
    )


def _keepable(request: HttpRequest, response: HttpResponseBase, session_was_modified: bool) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.session.modified and not session_was_modified:
        return False  # the view changed the session
    if request.META.get("CSRF_COOKIE") != request.COOKIES.get(settings.CSRF_COOKIE_NAME):
        return False  # the forms carry tokens of a new CSRF secret, not the one in the key
    return len(get_messages(request)) == 0


def _reload(request: HttpRequest) -> bool:
    """A reload that asks past every cache (a browser's hard reload sends ``Cache-Control:
    no-cache``): the page is built afresh, and kept again."""
    asked = f"{request.headers.get('Cache-Control', '')},{request.headers.get('Pragma', '')}"
    return "no-cache" in asked.lower()


def kept_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Keep the view's GET answers until something is written (see the module's docstring).

    Put it below ``login_required``: only a signed-in user's pages are kept."""
    name = f"{view.__module__}.{view.__qualname__}"

    @functools.wraps(view)
    def keeping(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        key = _key(request, name) if settings.KEPT_PAGES_BYTES > 0 else None
        write_stamp = getattr(request, STAMP_ATTRIBUTE, None) if key is not None else None
        if key is None or write_stamp is None:
            return view(request, *args, **kwargs)
        # The clock the pages read (a test may set it): the quarter hour is part of the key,
        # so a clock set back does not find a page built later.
        now = timezone.now().timestamp()
        key = (key, now // QUARTER_HOUR)
        found = None if _reload(request) else _find(key, write_stamp, now)
        if found is not None:
            get_token(request)  # the CSRF cookie goes out again, as with a page built anew
            return found.response()
        building = _Building(expires=(now // QUARTER_HOUR + 1) * QUARTER_HOUR)
        session_was_modified = request.session.modified
        token = _building.set(building)
        try:
            response = view(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse):
                response.render()  # while the placeholders are handed out
        finally:
            _building.reset(token)
        if response.streaming:
            return response
        plain = cast(HttpResponse, response)
        content = plain.content
        if (
            _keepable(request, response, session_was_modified)
            and len(content) <= min(LARGEST_KEPT, settings.KEPT_PAGES_BYTES)
            and building.expires > timezone.now().timestamp()
        ):
            headers = tuple((header, value) for header, value in plain.headers.items())
            key_size = len(repr(key))
            if key_size <= LONGEST_KEY:
                cost = len(content) + key_size + ENTRY_OVERHEAD
                page = _Kept(write_stamp, building.expires, headers, content, building.fills, cost)
                _keep(key, page)
        if building.fills:
            plain.content = _filled(content, building.fills)
        return response

    keeping.keeps_page = True  # type: ignore[attr-defined]
    return keeping
