"""The benchmark's Server-Timing header: SQL and total time of a request, only when asked."""

from __future__ import annotations

import re

from django.conf import settings
from django.test import Client, override_settings

TIMING = ["aandacht.web.timing.ServerTiming", *settings.MIDDLEWARE]


def test_server_timing_sums_the_requests_queries(as_alice: Client) -> None:
    with override_settings(MIDDLEWARE=TIMING):
        response = as_alice.get("/people/")
    assert response.status_code == 200
    found = re.fullmatch(
        r'db;dur=([\d.]+);desc="(\d+) queries", app;dur=([\d.]+)', response["Server-Timing"]
    )
    assert found is not None
    db_ms, queries, app_ms = float(found[1]), int(found[2]), float(found[3])
    assert queries > 0
    assert 0 < db_ms <= app_ms


def test_no_header_without_the_setting(as_alice: Client) -> None:
    assert "Server-Timing" not in as_alice.get("/people/")
