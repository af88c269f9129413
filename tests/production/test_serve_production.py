"""`aandacht serve --production`: gunicorn with pre-forked workers, for real.

One server (three workers, SQLite in a temporary data directory) serves the module; each test
looks at it from outside: the processes under the arbiter, the scheduler lease in the database
file, the headers of the static files. The last test stops it with SIGTERM.

Requests play the https reverse proxy the way web/production.py's docstring describes:
``AANDACHT_TRUSTED_PROXIES=1`` on the server, ``X-Forwarded-Proto: https`` on each request.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

WORKERS = 3
BASE_URL = "https://crm.example.org"
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
SCRUBBED_PREFIXES = ("AANDACHT_", "EMAIL_URL", "DATABASE_URL")


def server_environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED_PREFIXES)}
    env.update(
        AANDACHT_DATA_DIR=str(data_dir),
        AANDACHT_BASE_URL=BASE_URL,
        AANDACHT_TRUSTED_PROXIES="1",
        AANDACHT_LANGUAGE="en",
        AANDACHT_IMPORT_MAX_MB="1",  # a request body limit of 3 MB
        PYTHONIOENCODING="utf-8",
        COLUMNS="200",
    )
    env.update(extra)
    return env


def children(pid: int) -> set[int]:
    """The processes the arbiter forked (Linux: /proc)."""
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return {int(child) for child in text.split()}


def socket_inodes(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            found.add(target)
    return found


def wait_for(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@dataclass
class Server:
    process: subprocess.Popen[str]
    port: int
    data_dir: Path
    said: list[str] = field(default_factory=list)

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def get(self, path: str, **headers: str) -> tuple[http.client.HTTPResponse, bytes]:
        connection = self.connect()
        try:
            connection.request("GET", path, headers={**PROXY_HEADERS, **headers})
            response = connection.getresponse()
            return response, response.read()
        finally:
            connection.close()

    def workers(self) -> set[int]:
        return children(self.process.pid)

    def lease(self) -> tuple[str, str] | None:
        with sqlite3.connect(self.data_dir / "aandacht.sqlite3", timeout=60) as database:
            row = database.execute(
                "SELECT holder, expires_at FROM attention_schedulerlease WHERE name = 'scheduler'"
            ).fetchone()
        return (str(row[0]), str(row[1])) if row else None

    def lease_pid(self) -> int | None:
        lease = self.lease()
        return int(lease[0].split(":")[1]) if lease else None


def read_until_ready(process: subprocess.Popen[str], timeout: float) -> tuple[int, list[str]]:
    """The port from "running at http://127.0.0.1:PORT/", and all said up to "Press Ctrl-C"."""
    assert process.stderr is not None
    said: list[str] = []
    port = 0
    result: list[int] = []

    def read() -> None:
        assert process.stderr is not None
        nonlocal port
        for line in process.stderr:
            said.append(line)
            found = re.search(r"running at http://127\.0\.0\.1:(\d+)/", line)
            if found:
                port = int(found.group(1))
            if "Press Ctrl-C" in line:
                result.append(port)
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    assert result, "the server did not start:\n" + "".join(said)
    return result[0], said


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("production-serve") / "data"
    process = subprocess.Popen(
        [sys.executable, "-m", "aandacht.cli", "serve", "--production", "--port", "0"]
        + ["--workers", str(WORKERS)],
        # No scheduled backup in the lease holder's first tick: it would slow the handovers.
        env=server_environment(data_dir, AANDACHT_BACKUP_EVERY_HOURS="0"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        port, said = read_until_ready(process, timeout=180)
        running = Server(process, port, data_dir, said)
        wait_for(lambda: len(running.workers()) == WORKERS, 60, "the workers")
        wait_for(lambda: running.lease() is not None, 60, "the scheduler lease")
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for pid in children_left(process.pid):
            os.kill(pid, signal.SIGKILL)


def children_left(pid: int) -> set[int]:
    try:
        return children(pid)
    except OSError:
        return set()


def test_it_says_where_it_runs_and_redirects_plain_http(server: Server) -> None:
    said = "".join(server.said)
    assert f"Production mode: people use {BASE_URL}" in said
    assert "Traceback" not in said
    connection = server.connect()
    connection.request("GET", "/accounts/login/")  # no X-Forwarded-Proto: not via the proxy
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 301
    assert response.getheader("Location", "").startswith("https://")


ROUNDS = 8
CONCURRENT_VISITS = 24


def serve_one_round(server: Server, workers: set[int]) -> set[int]:
    """Open many keep-alive connections at once; the workers that own one of them."""
    before = {pid: socket_inodes(pid) for pid in workers}
    connections: list[http.client.HTTPConnection] = []
    statuses: list[int] = []
    lock = threading.Lock()

    def visit() -> None:
        connection = server.connect()
        with lock:
            connections.append(connection)  # kept open (keep-alive) until counted
        connection.request("GET", "/welcome/", headers=PROXY_HEADERS)
        response = connection.getresponse()
        response.read()
        with lock:
            statuses.append(response.status)

    threads = [threading.Thread(target=visit) for _ in range(CONCURRENT_VISITS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert statuses == [200] * CONCURRENT_VISITS
        return {pid for pid in workers if socket_inodes(pid) - before[pid]}
    finally:
        for connection in connections:
            connection.close()


def test_pages_are_served_by_several_worker_processes(server: Server) -> None:
    """Which worker accepts a connection is up to the kernel: a few rounds of concurrent
    visits (a bounded number) until two different processes served one."""
    workers = server.workers()
    assert len(workers) == WORKERS and server.process.pid not in workers
    serving: set[int] = set()
    for _ in range(ROUNDS):
        serving |= serve_one_round(server, workers)
        if len(serving) >= 2:
            break
        time.sleep(0.5)
    assert len(serving) >= 2, f"only {serving} of {workers} served in {ROUNDS} rounds"
    assert serving <= workers


def test_exactly_one_worker_holds_the_scheduler_lease(server: Server) -> None:
    holder = server.lease_pid()
    assert holder in server.workers()  # a worker, not the arbiter; and only one row
    time.sleep(1)
    assert server.lease_pid() == holder  # the others leave it alone


def test_a_stopped_holder_hands_the_lease_to_its_replacement(server: Server) -> None:
    holder = server.lease_pid()
    assert holder is not None
    os.kill(holder, signal.SIGTERM)  # gunicorn replaces the worker; it gives the lease up
    wait_for(lambda: server.lease_pid() not in {None, holder}, 90, "a new holder of the lease")
    assert server.lease_pid() in server.workers()
    wait_for(lambda: len(server.workers()) == WORKERS, 60, "the replacement worker")


def test_a_killed_holder_is_replaced_once_its_lease_runs_out(server: Server) -> None:
    """kill -9 leaves the lease behind until it expires (150 s); here it has expired.

    The holder is frozen first, so it cannot renew the lease between the expiry and the kill.
    """
    holder = server.lease_pid()
    assert holder is not None
    os.kill(holder, signal.SIGSTOP)
    try:
        with sqlite3.connect(server.data_dir / "aandacht.sqlite3", timeout=60) as database:
            database.execute(
                "UPDATE attention_schedulerlease SET expires_at = '2000-01-01 00:00:00'"
            )
    finally:
        os.kill(holder, signal.SIGKILL)
    wait_for(lambda: server.lease_pid() not in {None, holder}, 90, "a new holder of the lease")
    assert server.lease_pid() in server.workers()
    wait_for(lambda: len(server.workers()) == WORKERS, 60, "the replacement worker")


def test_static_files_are_compressed_and_cached_for_a_year(server: Server) -> None:
    _, page = server.get("/welcome/")
    found = re.search(r"/static/aandacht/aandacht\.[0-9a-f]{12}\.css", page.decode())
    assert found, "the page links the hashed stylesheet"
    response, body = server.get(found.group(0), **{"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    cache_control = response.getheader("Cache-Control", "")
    assert "immutable" in cache_control and "max-age=315360000" in cache_control
    assert body[:2] == b"\x1f\x8b"  # gzip


class FormFields(HTMLParser):
    """The named inputs and textareas of a page's forms, with their values."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        name = values.get("name")
        if tag in {"input", "textarea"} and name and values.get("type") != "checkbox":
            self.fields.setdefault(name, values.get("value") or "")


def post(server: Server, path: str, fields: dict[str, str], cookies: str) -> int:
    connection = server.connect()
    try:
        connection.request(
            "POST",
            path,
            body=urllib.parse.urlencode(fields),
            headers={
                **PROXY_HEADERS,
                "Cookie": cookies,
                "Referer": f"{BASE_URL}{path}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def cookies_of(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, value = header.split(";", 1)[0].partition("=")
        found[name] = value
    return found


def test_one_form_sent_many_times_at_once_is_saved_once_across_workers(server: Server) -> None:
    """The form's one-time token lives in the shared (database) cache: copies of one POST
    that land on different worker processes still save one note."""
    welcome, page = server.get("/welcome/")
    jar = cookies_of(welcome)
    parser = FormFields()
    parser.feed(page.decode())
    fields = {**parser.fields, "first_name": "Ann", "username": "ann"}
    fields.update(password1="a-long-Password-42", password2="a-long-Password-42")
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    connection = server.connect()
    connection.request(
        "POST",
        "/welcome/",
        body=urllib.parse.urlencode(fields),
        headers={
            **PROXY_HEADERS,
            "Cookie": cookie,
            "Referer": f"{BASE_URL}/welcome/",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    claimed = connection.getresponse()
    claimed.read()
    connection.close()
    assert claimed.status == 302
    jar.update(cookies_of(claimed))
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    added = subprocess.run(
        [sys.executable, "-m", "aandacht.cli", "add", "Jan de Vries"],
        env=server_environment(server.data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    person = int(added.stdout.strip())
    form_page, html = server.get(f"/people/{person}/note/", Cookie=cookie)
    assert form_page.status == 200
    parser = FormFields()
    parser.feed(html.decode())
    note = {**parser.fields, "body": "Sent eight times, saved once"}
    assert note.get("token"), "the form carries its one-time token"
    statuses: list[int] = []
    threads = [
        threading.Thread(
            target=lambda: statuses.append(post(server, f"/people/{person}/note/", note, cookie))
        )
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [302] * 8
    with sqlite3.connect(server.data_dir / "aandacht.sqlite3", timeout=60) as database:
        (saved,) = database.execute(
            "SELECT count(*) FROM timeline_note WHERE body = 'Sent eight times, saved once'"
        ).fetchone()
    assert saved == 1


def test_a_chunked_body_reaches_django(server: Server) -> None:
    """gunicorn passes a chunked body on without Content-Length; Django would read it as
    empty (here: no CSRF token, 403). The body-limit wrapper reads it and gives the length."""
    login, page = server.get("/accounts/login/")
    assert login.status == 200
    parser = FormFields()
    parser.feed(page.decode())
    fields = {**parser.fields, "username": "chunky-visitor", "password": "not-the-password"}
    cookie = "; ".join(f"{k}={v}" for k, v in cookies_of(login).items())
    encoded = urllib.parse.urlencode(fields).encode()
    connection = server.connect()
    try:
        connection.request(
            "POST",
            "/accounts/login/",
            body=iter([encoded[:10], encoded[10:]]),  # no length: sent chunked
            headers={
                **PROXY_HEADERS,
                "Cookie": cookie,
                "Referer": f"{BASE_URL}/accounts/login/",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            encode_chunked=True,
        )
        response = connection.getresponse()
        answer = response.read().decode()
    finally:
        connection.close()
    assert response.status == 200, answer[:500]  # the form again, with its error
    assert 'value="chunky-visitor"' in answer


def test_a_body_over_the_limit_is_refused_before_it_is_sent(server: Server) -> None:
    connection = server.connect()
    connection.putrequest("POST", "/import/")
    for name, value in {**PROXY_HEADERS, "Content-Length": str(10 * 1024 * 1024)}.items():
        connection.putheader(name, value)
    connection.endheaders()  # and no body at all
    response = connection.getresponse()
    assert response.status == 413
    assert b"too large" in response.read()
    connection.close()


def test_sigterm_stops_the_arbiter_and_every_worker_within_seconds(server: Server) -> None:
    workers = server.workers()
    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=60) == 0
    # Before gunicorn's graceful timeout (20 s) would have killed a worker that hung on.
    assert time.monotonic() - started < 20
    assert server.process.stderr is not None
    rest = server.process.stderr.read()
    assert "Stopped." in rest and "Traceback" not in rest
    for pid in workers:
        wait_for(lambda pid=pid: not Path(f"/proc/{pid}").exists(), 30, f"worker {pid} to end")
    assert server.lease() is None  # given up on the way out


def test_workers_zero_is_a_clear_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "aandacht.cli", "serve", "--production", "--workers", "0"],
        env=server_environment(tmp_path / "data"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "Invalid value for '--workers'" in result.stderr
    assert "greater than or equal to 1" in result.stderr
    assert not (tmp_path / "data").exists()  # refused before anything was prepared


def test_workers_without_production_is_refused(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "aandacht.cli", "serve", "--workers", "2", "--port", "0"],
        env=server_environment(tmp_path / "data", AANDACHT_BASE_URL=""),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 3
    assert "--workers and --threads go with --production" in result.stderr


def test_listening_beyond_loopback_warns_that_only_the_proxy_may_reach_it(tmp_path: Path) -> None:
    """The port is taken (on 127.0.0.1), so it stops right after the warning: no server on
    0.0.0.0 is ever started by the test."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "aandacht.cli", "serve", "--production"]
            + ["--host", "0.0.0.0", "--port", str(port), "--workers", "1"],  # noqa: S104
            env=server_environment(tmp_path / "data"),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert "Warning: listening on 0.0.0.0" in result.stderr
    assert "reachable by the reverse proxy only" in result.stderr
    assert "Cannot listen on 0.0.0.0" in result.stderr and result.returncode == 1
