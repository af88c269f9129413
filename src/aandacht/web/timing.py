"""``Server-Timing`` for the page benchmark: how long a request took, and how much of it was SQL.

On only when ``AANDACHT_BENCH_TIMING`` is set (settings.MIDDLEWARE), so ``make bench-pages``
can put the SQL time beside each page's time measured in the same run. Outermost, so ``app``
covers every middleware and ``db`` every query of the request, sessions and sign-in included.
The header is standard (browsers show it in their network panel); it tells nothing about the
data, only durations and a query count.

``db`` counts reading the rows too, not only ``execute``: SQLite does most of a query's work
while the rows are fetched (``execute`` only steps to the first one), so timing ``execute``
alone reported 20 ms of SQL for a page whose queries took 380 ms.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponseBase

FETCHES = ("fetchone", "fetchmany", "fetchall")


class _QueryClock:
    """Sums the wall time of every query run through one connection (an execute wrapper),
    its rows' fetching included."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self._time_fetches(context["cursor"])
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1

    def _time_fetches(self, cursor: Any) -> None:
        """Time the cursor's fetches as well. Django's ``CursorWrapper`` hands ``fetch*`` out
        through ``__getattr__``, so an attribute set on the wrapper takes their place; the ORM
        reads every row through them (``fetchmany`` in chunks, ``fetchone``). A raw query's
        rows are read by iterating the wrapper, and ``iter()`` looks ``__iter__`` up on the
        class: the wrapper becomes an instance of a subclass whose ``__iter__`` is timed."""
        if getattr(cursor, "_aandacht_timed", False):
            return
        for name in FETCHES:
            setattr(cursor, name, self._timed(getattr(cursor, name)))
        cursor.__class__ = _timed_iteration(type(cursor))
        cursor._aandacht_clock = self
        cursor._aandacht_timed = True

    def _timed(self, fetch: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any) -> Any:
            started = time.perf_counter()
            try:
                return fetch(*args)
            finally:
                self.seconds += time.perf_counter() - started

        return timed


_TIMED_CLASSES: dict[type[Any], type[Any]] = {}


def _timed_iteration(wrapper: type[Any]) -> type[Any]:
    """A subclass of a cursor wrapper class whose iteration adds to its ``_aandacht_clock``."""
    timed = _TIMED_CLASSES.get(wrapper)
    if timed is None:

        def __iter__(self: Any) -> Iterator[Any]:  # noqa: N807 - the special method itself
            rows = wrapper.__iter__(self)
            clock: _QueryClock = self._aandacht_clock
            while True:
                started = time.perf_counter()
                try:
                    row = next(rows)
                except StopIteration:
                    return
                finally:
                    clock.seconds += time.perf_counter() - started
                yield row

        timed = _TIMED_CLASSES[wrapper] = type(
            f"Timed{wrapper.__name__}", (wrapper,), {"__iter__": __iter__}
        )
    return timed


class ServerTiming:
    """Adds ``Server-Timing: db;dur=…;desc="N queries", app;dur=…`` (milliseconds)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        clock = _QueryClock()
        started = time.perf_counter()
        with connections["default"].execute_wrapper(clock):
            response = self.get_response(request)
        total_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = (
            f'db;dur={clock.seconds * 1000:.2f};desc="{clock.count} queries", '
            f"app;dur={total_ms:.2f}"
        )
        return response
