"""Which errors count as a fault (web/faults.py), and that the API logs the ones it answers."""

from __future__ import annotations

import logging
import sqlite3

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from aandacht.api.api import _server_error
from aandacht.web.faults import Fault, fault_of


def disk_full() -> sqlite3.Error:
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = 13  # type: ignore[attr-defined]
    return error


def test_a_bug_raised_while_handling_a_full_disk_is_still_a_bug() -> None:
    try:
        try:
            raise disk_full()
        except sqlite3.Error:
            raise KeyError("a bug in the except block")  # noqa: B904 - the point of the test
    except KeyError as bug:
        assert bug.__context__ is not None
        assert fault_of(bug) is None


def test_djangos_wrapper_is_followed() -> None:
    try:
        raise OperationalError("database or disk is full") from disk_full()
    except OperationalError as wrapped:
        assert fault_of(wrapped) is Fault.DISK_FULL


class Psycopg2Error(Exception):
    """psycopg2 names the SQLSTATE ``pgcode`` (psycopg 3: ``sqlstate``)."""

    def __init__(self, pgcode: str) -> None:
        super().__init__("psycopg2")
        self.pgcode = pgcode


@pytest.mark.parametrize(
    ("pgcode", "fault"),
    [("53100", Fault.DISK_FULL), ("25006", Fault.READ_ONLY), ("23505", None)],
)
def test_psycopg2s_pgcode_is_read(pgcode: str, fault: Fault | None) -> None:
    assert fault_of(Psycopg2Error(pgcode)) is fault


def test_the_api_logs_a_fault_it_answers_with_503(caplog: pytest.LogCaptureFixture) -> None:
    request = RequestFactory().post("/api/people")
    try:
        raise OperationalError("database or disk is full") from disk_full()
    except OperationalError as error:
        with caplog.at_level(logging.ERROR, logger="aandacht.web.faults"):
            response = _server_error(request, error)

    assert response.status_code == 503
    assert any(
        "POST /api/people refused: disk_full" in record.getMessage() for record in caplog.records
    )
