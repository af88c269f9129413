"""Production mode: `aandacht serve --production`, `aandacht --production …` and
AANDACHT_PRODUCTION=1 switch on secure cookies, HSTS and the https redirect, refuse to start
without an https base address, and make `aandacht manage check --deploy` quiet.

Each test runs the real command in a subprocess: production mode must take effect before
Django's settings load, which an in-process test cannot show.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aandacht.cli import app

BASE_URL = "https://crm.example.org"
SCRUBBED = {"DATABASE_URL", "AANDACHT_DATA_DIR", "AANDACHT_SECRET_KEY", "AANDACHT_DEBUG"}
PRODUCTION = {
    "AANDACHT_PRODUCTION": "1",
    "AANDACHT_BASE_URL": BASE_URL,
    "EMAIL_URL": "smtp+tls://mailer:secret@mail.example.org",
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory for the module: migrating it once keeps the commands quick."""
    return tmp_path_factory.mktemp("production") / "data"


def environment(data_dir: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in SCRUBBED and not key.startswith(("AANDACHT_", "EMAIL_URL"))
    }
    env.update(
        AANDACHT_DATA_DIR=str(data_dir),
        AANDACHT_LANGUAGE="en",
        AANDACHT_SCHEDULER="off",
        PYTHONIOENCODING="utf-8",
        COLUMNS="200",
    )
    env.update(extra)
    return env


def aandacht(data_dir: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aandacht.cli", *args],
        env=environment(data_dir, extra),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
        check=False,
    )


def test_check_deploy_passes_in_production(data_dir: Path) -> None:
    result = aandacht(data_dir, "manage", "check", "--deploy", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_the_global_option_is_the_same_as_the_variable(data_dir: Path) -> None:
    extra = {key: value for key, value in PRODUCTION.items() if key != "AANDACHT_PRODUCTION"}
    result = aandacht(data_dir, "--production", "manage", "check", "--deploy", **extra)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_production_mode_check_deploy_names_what_is_missing(data_dir: Path) -> None:
    extra = {key: value for key, value in PRODUCTION.items() if key != "AANDACHT_PRODUCTION"}
    result = aandacht(data_dir, "manage", "check", "--deploy", **extra)
    output = result.stdout + result.stderr
    assert "security.W004" in output  # HSTS
    assert "security.W008" in output  # the https redirect


@pytest.mark.parametrize(
    ("args", "base_url"),
    [
        (("serve", "--production"), ""),
        (("--production", "who"), "http://crm.example.org"),
        (("who",), ""),  # AANDACHT_PRODUCTION=1 below
    ],
)
def test_production_refuses_to_start_without_an_https_base_url(
    data_dir: Path, args: tuple[str, ...], base_url: str
) -> None:
    extra = {"AANDACHT_BASE_URL": base_url}
    if "--production" not in args:
        extra["AANDACHT_PRODUCTION"] = "1"
    result = aandacht(data_dir, *args, **extra)
    assert result.returncode == 1
    assert "production mode needs AANDACHT_BASE_URL set to the https:// address" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_debug(data_dir: Path) -> None:
    result = aandacht(data_dir, "who", AANDACHT_DEBUG="1", **PRODUCTION)
    assert result.returncode == 1
    assert "cannot be combined with production mode" in result.stderr


def test_the_option_cannot_come_after_the_settings_loaded() -> None:
    """In one process with the settings already loaded (as here), --production says so
    instead of pretending."""
    result = CliRunner().invoke(app, ["--production", "who"])
    assert result.exit_code == 1
    assert "--production comes too late" in result.output


class Server:
    def __init__(self, process: subprocess.Popen[str], port: int, said: str) -> None:
        self.process = process
        self.port = port
        self.said = said

    def get(self, path: str, **headers: str) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response


def start_server(data_dir: Path, *args: str, **extra: str) -> Iterator[Server]:
    """``aandacht serve`` on a free port; ``Server.said`` is what it printed before serving."""
    process = subprocess.Popen(
        [sys.executable, "-m", "aandacht.cli", "serve", "--port", "0", *args],
        env=environment(data_dir, extra),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
    )
    try:
        assert process.stderr is not None
        deadline = time.monotonic() + 120
        port = 0
        seen = []
        while time.monotonic() < deadline and not port:
            line = process.stderr.readline()
            if not line and process.poll() is not None:
                break
            seen.append(line)
            found = re.search(r"running at http://127\.0\.0\.1:(\d+)/", line)
            if found:
                port = int(found.group(1))
        while port and seen[-1] and "Press Ctrl-C" not in seen[-1]:
            seen.append(process.stderr.readline())
        assert port, "".join(seen)
        yield Server(process, port, "".join(seen))
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def production_server(data_dir: Path) -> Iterator[Server]:
    extra = {key: value for key, value in PRODUCTION.items() if key != "AANDACHT_PRODUCTION"}
    yield from start_server(data_dir, "--production", **extra)


@pytest.fixture
def development_server(data_dir: Path) -> Iterator[Server]:
    yield from start_server(data_dir)


def test_serve_production_redirects_to_https_and_sends_hsts(production_server: Server) -> None:
    assert "Production mode: people use https://crm.example.org" in production_server.said
    assert "AANDACHT_TRUSTED_PROXIES is 0" in production_server.said
    plain = production_server.get("/accounts/login/")
    assert plain.status == 301
    assert plain.getheader("Location", "").startswith("https://")

    # Behind the reverse proxy, which says the visitor used https. (A fresh install shows
    # the welcome page, a form, so a CSRF cookie is set.)
    proxied = production_server.get("/welcome/", **{"X-Forwarded-Proto": "https"})
    assert proxied.status == 200
    assert proxied.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains"
    cookies = proxied.headers.get_all("Set-Cookie") or []
    csrf = [cookie for cookie in cookies if cookie.startswith("csrftoken=")]
    assert csrf and all("Secure" in cookie for cookie in csrf)
    assert proxied.getheader("Content-Security-Policy")


def test_plain_serve_stays_plain_http(development_server: Server) -> None:
    """`make run`: http on 127.0.0.1, no redirect, no HSTS."""
    page = development_server.get("/accounts/login/")
    assert page.status in {200, 302}  # 302: the welcome page of a fresh install
    assert page.getheader("Strict-Transport-Security") is None
    assert not (page.getheader("Location") or "").startswith("https://")
