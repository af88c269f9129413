"""The pieces of `serve --production` that need no running server: defaults, the gunicorn
settings, the request body limit, the static storage's fallback, and what production mode
changes in the settings."""

from __future__ import annotations

import gc
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from gunicorn.config import Config

from aandacht.web import memory, production
from aandacht.web.production import (
    BodyLimit,
    ProductionStaticStorage,
    ServeOptions,
    default_workers,
    forwarded_allow_ips,
    gunicorn_settings,
    is_loopback,
    request_body_limit,
)


@pytest.mark.parametrize(("cores", "workers"), [(1, 3), (2, 5), (3, 7), (4, 8), (32, 8)])
def test_default_workers_is_two_per_core_plus_one_capped(cores: int, workers: int) -> None:
    assert default_workers(cores) == workers


def test_the_body_limit_is_the_one_plain_serve_uses() -> None:
    mb = 1024 * 1024
    assert request_body_limit(200 * mb) == 401 * mb


def test_forwarded_headers_are_believed_only_behind_a_proxy() -> None:
    assert forwarded_allow_ips(behind_proxy=True) == "*"
    assert forwarded_allow_ips(behind_proxy=False) == ""


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_gunicorn_accepts_every_setting(host: str) -> None:
    options = ServeOptions(host=host, port=8123, workers=3, threads=2)
    config = Config()
    for key, value in gunicorn_settings(options, behind_proxy=True).items():
        config.set(key, value)
    assert config.workers == 3 and config.threads == 2
    assert config.worker_class_str == "gthread"
    assert config.preload_app is True
    assert config.forwarder_headers == []  # never SCRIPT_NAME / PATH_INFO from a header
    assert config.secure_scheme_headers == {"X-FORWARDED-PROTO": "https"}
    assert config.control_socket_disable is True
    assert config.bind == ["[::1]:8123" if host == "::1" else "127.0.0.1:8123"]
    assert config.post_request is production._post_request


def test_a_worker_freezes_its_memory_after_its_first_request_and_once_more_later(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What lives after the first requests goes to the permanent generation, so the
    collections a busy page sets off no longer walk all of Django (docs/benchmarks.md)."""
    monkeypatch.setattr(memory, "_served", 0)
    frozen_at: list[int] = []
    loaded: list[list[int]] = []  # what the pages keep (caches): frozen with the rest
    try:
        gc.unfreeze()
        for request in range(1, 251):
            loaded.append([request])
            before = gc.get_freeze_count()
            production._post_request(None, None, None, None)
            if gc.get_freeze_count() > before:
                frozen_at.append(request)
    finally:
        gc.unfreeze()  # (the test process goes back to collecting everything)
    assert frozen_at == sorted(memory.SETTLE_AFTER_REQUESTS) == [1, 200]


def call(app: Any, environ: dict[str, Any]) -> tuple[str, bytes]:
    seen: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen.append(status)

    body: Iterable[bytes] = app(environ, start_response)
    return seen[0], b"".join(body)


def test_a_body_over_the_limit_gets_413_without_reaching_django() -> None:
    reached: list[int] = []

    def django(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        reached.append(1)
        start_response("200 OK", [])
        return [b"ok"]

    limited = BodyLimit(django, limit=1000)
    assert call(limited, {"CONTENT_LENGTH": "1000"}) == ("200 OK", b"ok")
    assert call(limited, {"CONTENT_LENGTH": ""}) == ("200 OK", b"ok")
    assert call(limited, {"CONTENT_LENGTH": "nonsense"}) == ("200 OK", b"ok")
    status, body = call(limited, {"CONTENT_LENGTH": "1001"})
    assert status.startswith("413") and b"too large" in body
    assert reached == [1, 1, 1]


class Trickle(io.BytesIO):
    """A chunked body as gunicorn hands it over: read() gives fewer bytes than asked."""

    def read(self, size: int | None = -1) -> bytes:
        return super().read(min(size if size is not None and size >= 0 else 7, 7))


def test_a_chunked_body_reaches_django_with_its_length() -> None:
    seen: list[tuple[str, bytes, str | None]] = []

    def django(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        length = environ["CONTENT_LENGTH"]
        body = environ["wsgi.input"].read(int(length))
        seen.append((length, body, environ.get("HTTP_TRANSFER_ENCODING")))
        start_response("200 OK", [])
        return [b"ok"]

    limited = BodyLimit(django, limit=1000)
    vcard = b"BEGIN:VCARD\r\nFN:Jan\r\nEND:VCARD\r\n"
    environ = {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": Trickle(vcard)}
    assert call(limited, environ) == ("200 OK", b"ok")
    assert seen == [(str(len(vcard)), vcard, None)]
    exactly = {"HTTP_TRANSFER_ENCODING": "Chunked", "wsgi.input": Trickle(b"x" * 1000)}
    assert call(limited, exactly) == ("200 OK", b"ok")
    assert seen[-1][0] == "1000"


def test_a_big_chunked_body_is_spooled_whole() -> None:
    """Over a megabyte it goes to a temporary file rather than memory; Django reads it all."""
    received: list[bytes] = []

    def django(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        received.append(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])))
        start_response("200 OK", [])
        return [b"ok"]

    big = bytes(range(256)) * (production.SPOOL_IN_MEMORY_BYTES // 256 + 100)
    environ = {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": io.BytesIO(big)}
    assert call(BodyLimit(django, limit=len(big)), environ) == ("200 OK", b"ok")
    assert received == [big]


def test_a_chunked_body_over_the_limit_gets_413_after_limit_plus_one_bytes() -> None:
    def django(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise AssertionError("reached Django")

    stream = io.BytesIO(b"x" * 5000)
    environ = {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": stream}
    status, body = call(BodyLimit(django, limit=1000), environ)
    assert status.startswith("413") and b"too large" in body
    assert stream.tell() == 1001  # no more read than needed to know


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.1.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),  # noqa: S104
        ("::", False),
        ("10.0.0.5", False),
        ("crm.internal", False),
    ],
)
def test_only_loopback_addresses_count_as_private(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_a_file_not_collected_keeps_its_plain_name(tmp_path: Path) -> None:
    storage = ProductionStaticStorage(location=str(tmp_path), base_url="/static/")
    assert storage.url("aandacht/never-collected.css") == "/static/aandacht/never-collected.css"


def test_collected_files_get_a_hashed_name(tmp_path: Path) -> None:
    (tmp_path / "site.css").write_text("body { color: red }")
    storage = ProductionStaticStorage(location=str(tmp_path), base_url="/static/")
    assert storage.url("site.css").startswith("/static/site.") and storage.url("site.css") != (
        "/static/site.css"
    )


PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "finders": settings.WHITENOISE_USE_FINDERS,
    "max_age": db["CONN_MAX_AGE"],
    "health_checks": db["CONN_HEALTH_CHECKS"],
}))
"""


def settings_with(tmp_path: Path, **extra: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AANDACHT_", "DATABASE_"))}
    env.update(AANDACHT_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="aandacht.settings")
    env.update(extra)
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    loaded: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_production_mode_shares_the_cache_and_keeps_connections(tmp_path: Path) -> None:
    production_mode = {"AANDACHT_PRODUCTION": "1", "AANDACHT_BASE_URL": "https://crm.example.org"}
    assert settings_with(tmp_path, **production_mode) == {
        "cache": "django.core.cache.backends.db.DatabaseCache",
        "static": "aandacht.web.production.ProductionStaticStorage",
        "finders": False,
        "max_age": 60,
        "health_checks": True,
    }
    no_reuse = settings_with(tmp_path, AANDACHT_DB_CONN_MAX_AGE="0", **production_mode)
    assert (no_reuse["max_age"], no_reuse["health_checks"]) == (0, False)
    plain = settings_with(tmp_path)
    assert plain["cache"].endswith("LocMemCache") and plain["finders"] is True
    assert (plain["max_age"], plain["health_checks"]) == (0, False)
    assert production.CACHE_TABLE == "aandacht_cache"


def test_the_one_process_server_counts_every_answered_request_even_a_failed_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``aandacht serve`` (waitress) settles its memory as the gunicorn workers do."""
    monkeypatch.setattr(memory, "_served", 0)
    settled: list[int] = []
    monkeypatch.setattr(memory, "settle", lambda: settled.append(memory._served))

    def answer(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if environ.get("PATH_INFO") == "/fails/":
            raise RuntimeError("a view that fails")
        start_response("200 OK", [])
        return [b"ok"]

    app = memory.SettleMemory(answer)
    assert call(app, {"PATH_INFO": "/"}) == ("200 OK", b"ok")
    with pytest.raises(RuntimeError):
        call(app, {"PATH_INFO": "/fails/"})
    for _ in range(198):
        call(app, {"PATH_INFO": "/"})
    assert memory._served == 200
    assert settled == [1, 200]
