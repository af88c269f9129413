"""A full disk or a read-only database: a clear answer instead of a 500 and a traceback.

Both are conditions of the server, not bugs: nothing was saved (the write's transaction
rolled back), the data already stored is safe, reads keep working, and only an administrator
can fix it. So a write that meets one gets a specific, translated 503 page (JSON for the API,
plain text for CardDAV, a fragment for htmx) and the server keeps serving.

The errors are recognised by code, not by message text, on both databases and the file system:

* SQLite: the primary result code of the driver's error (``sqlite_errorcode & 0xFF``):
  ``SQLITE_FULL`` (13; also what ``PRAGMA max_page_count`` gives) and ``SQLITE_READONLY`` (8,
  with its extended codes: a read-only file, ``PRAGMA query_only``, a moved database file).
* PostgreSQL: the SQLSTATE: ``53100`` disk_full and ``25006`` read_only_sql_transaction
  (``default_transaction_read_only``, a hot standby).
* Files (photos, exports): ``OSError`` with ``ENOSPC``/``EDQUOT`` or ``EROFS``.

A view's exception reaches :meth:`FaultMiddleware.process_exception`. One raised by another
middleware (bookkeeping after the view) is turned into a 500 by Django before any outer
middleware sees it; the ``got_request_exception`` receiver below notes the fault on the request
so the outer middleware can still replace that 500 with the fault's answer.
"""

from __future__ import annotations

import enum
import errno
import logging
import sqlite3
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

SQLITE_READONLY = 8
SQLITE_FULL = 13
SQLSTATE_DISK_FULL = "53100"
SQLSTATE_READ_ONLY_TRANSACTION = "25006"
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
FAULT_ATTRIBUTE = "_aandacht_fault"


class Fault(enum.Enum):
    """What kept a write from being stored."""

    DISK_FULL = "disk_full"
    READ_ONLY = "read_only"


class UnwritableFolder(Exception):
    """A folder under DATA_DIR that Aandacht must write to cannot be written to (its
    permissions, or a file where the folder should be): the same fault, for the person in
    front of the page, as a read-only database."""


def _fault_of_one(error: BaseException) -> Fault | None:
    if isinstance(error, UnwritableFolder):
        return Fault.READ_ONLY
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if isinstance(code, int):
            primary = code & 0xFF  # extended codes keep the primary one in the low byte
            if primary == SQLITE_FULL:
                return Fault.DISK_FULL
            if primary == SQLITE_READONLY:
                return Fault.READ_ONLY
        return None
    # psycopg 3 names the SQLSTATE ``sqlstate``, psycopg2 ``pgcode``; no import needed.
    sqlstate = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    if isinstance(sqlstate, str):
        if sqlstate == SQLSTATE_DISK_FULL:
            return Fault.DISK_FULL
        if sqlstate == SQLSTATE_READ_ONLY_TRANSACTION:
            return Fault.READ_ONLY
        return None
    if isinstance(error, OSError):
        if error.errno in DISK_FULL_ERRNOS:
            return Fault.DISK_FULL
        if error.errno == errno.EROFS:
            return Fault.READ_ONLY
    return None


def fault_of(error: BaseException) -> Fault | None:
    """The fault behind an error, following its explicit causes: Django wraps the driver's
    error with ``raise ... from`` (``django.db.utils.OperationalError`` from
    ``sqlite3.OperationalError``).

    Only ``__cause__``, not ``__context__``: a bug raised while handling a full disk (in an
    ``except`` block) is still a bug, and must not be answered as the fault."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen and len(seen) < 10:
        seen.add(id(current))
        fault = _fault_of_one(current)
        if fault is not None:
            return fault
        current = current.__cause__
    return None


def explain(fault: Fault) -> tuple[str, str]:
    """(heading, what it means and what to do), translated into the active language."""
    if fault is Fault.DISK_FULL:
        return (
            _("The server's disk is full"),
            _(
                "Nothing was saved; everything stored before is safe, and you can still look "
                "things up. Tell your administrator: the disk that holds Aandacht's data has "
                "no room left."
            ),
        )
    return (
        _("The database is read-only"),
        _(
            "Nothing was saved; everything stored before is safe, and you can still look "
            "things up. Tell your administrator: Aandacht's database (or its folder) cannot be "
            "written to."
        ),
    )


def short_detail(fault: Fault) -> str:
    """One line for the API, CardDAV clients and the log."""
    if fault is Fault.DISK_FULL:
        return _("The server's disk is full: nothing was saved. Tell your administrator.")
    return _("The database is read-only: nothing was saved. Tell your administrator.")


def _is_api(path: str) -> bool:
    return path.startswith("/api/")


def _is_dav(path: str) -> bool:
    return path.startswith(("/dav/", "/.well-known/carddav"))


def fault_response(request: HttpRequest, fault: Fault) -> HttpResponse:
    """The answer to a request whose write met ``fault``, in the form its client reads."""
    path = request.path_info
    response: HttpResponse
    if _is_api(path):
        response = JsonResponse({"detail": short_detail(fault)}, status=503)
    elif _is_dav(path):
        # WebDAV has its own status for a full store (RFC 4918, 507 Insufficient Storage).
        status = 507 if fault is Fault.DISK_FULL else 503
        response = HttpResponse(
            short_detail(fault) + "\n", status=status, content_type="text/plain; charset=utf-8"
        )
    else:
        heading, text = explain(fault)
        context = {"heading": heading, "text": text, "fault": fault.value}
        if request.headers.get("HX-Request") == "true":
            # htmx swaps no error answer by default; these headers and the page script's
            # htmx:beforeSwap hook put the message on top of the page instead of losing it.
            response = HttpResponse(render_to_string("web/fault.html#message", context), status=503)
            response["HX-Retarget"] = "#main"
            response["HX-Reswap"] = "afterbegin"
        else:
            response = HttpResponse(render_to_string("web/fault.html", context), status=503)
    response["X-Aandacht-Fault"] = fault.value
    response["Cache-Control"] = "no-store"
    return response


def log_fault(request: HttpRequest, fault: Fault, error: BaseException) -> None:
    """One line, no traceback: this is the server's condition, and the log is where the
    administrator looks first (also for the API's faults, answered in api.api)."""
    logger.error("%s %s refused: %s (%s)", request.method, request.path, fault.value, error)


def _note_fault(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Remember the fault of an exception raised outside the view (another middleware)."""
    error = sys.exc_info()[1]
    if request is None or error is None:
        return
    fault = fault_of(error)
    if fault is not None:
        setattr(request, FAULT_ATTRIBUTE, fault)
        log_fault(request, fault, error)


got_request_exception.connect(_note_fault, dispatch_uid="aandacht.web.faults")


class FaultMiddleware:
    """Answers a write that met a full disk or a read-only database with the fault's page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        fault = getattr(request, FAULT_ATTRIBUTE, None)
        if isinstance(fault, Fault) and response.status_code >= 500:
            return fault_response(request, fault)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        fault = fault_of(exception)
        if fault is None:
            return None
        log_fault(request, fault, exception)
        return fault_response(request, fault)
