"""The server process's memory settled after its first requests, for both servers.

A page that builds many objects (Today plans from every rhythm, the report counts every
circle's people) sets off the garbage collector's full collections, and each one walked every
object Django and the loaded pages hold: at 50,000 people Today went from 300 to 215 ms
in-process once those were frozen (``gc.freeze``), and the person page's slowest request from
190 to 110 ms (docs/benchmarks.md). gunicorn's workers call :func:`request_done` from a hook
(``web.production``); the one-process server wraps the application in :class:`SettleMemory`.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# The requests after which the process freezes what it holds: the first (templates,
# translations, the database connection) and a later one (what the other pages loaded on their
# first visit). Twice only: each freeze costs one full collection.
SETTLE_AFTER_REQUESTS = frozenset({1, 200})
_served = 0
_settling = threading.Lock()


def settle() -> None:
    """Collect once, then freeze what is left, so later collections skip it. Only what is
    alive after the collection is frozen; it is still freed by reference counting when let
    go, only a reference cycle among it would stay."""
    gc.collect()
    gc.freeze()


def request_done() -> None:
    """Count a finished request; settle after those of :data:`SETTLE_AFTER_REQUESTS`."""
    global _served
    with _settling:  # requests end on several threads
        _served += 1
        if _served in SETTLE_AFTER_REQUESTS:
            settle()


class SettleMemory:
    """WSGI middleware: :func:`request_done` once the application has answered."""

    def __init__(self, application: WSGIApplication) -> None:
        self.application = application

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            return self.application(environ, start_response)
        finally:
            request_done()
