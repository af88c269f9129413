"""A real ``aandacht serve`` on a data directory and database of its own, for the resilience
tests: the database (a SQLite file, or a PostgreSQL database created and dropped here) is never
the one pytest-django uses, and the server process is always stopped.

The database this leg of the suite runs on decides: ``DATABASE_URL`` pointing at PostgreSQL
(scripts/run-tests' second leg) gives a PostgreSQL database named after it, otherwise SQLite.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import dj_database_url
import psycopg

VENV_BIN = Path(sys.executable).parent
AANDACHT = str(VENV_BIN / "aandacht")
BASE_URL = "https://crm.example.org"


def leg_database_url() -> str:
    """The PostgreSQL URL of this leg, or '' on the SQLite leg."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else ""


def _admin_connection(url: str) -> psycopg.Connection[tuple[object, ...]]:
    config = dj_database_url.parse(url)
    return psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
        connect_timeout=30,
    )


@contextlib.contextmanager
def scratch_database(data_dir: Path, name: str) -> Iterator[str]:
    """A DATABASE_URL for a database nobody else uses: a SQLite file in ``data_dir``, or a
    fresh PostgreSQL database (dropped afterwards) on this leg's server."""
    leg = leg_database_url()
    if not leg:
        yield f"sqlite:///{data_dir / 'aandacht.sqlite3'}"
        return
    database = f"resil_{name}_{uuid.uuid4().hex[:8]}"
    with _admin_connection(leg) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    config = dj_database_url.parse(leg)
    user = config.get("USER") or ""
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    at = f"{user}{password}@" if user else ""
    host = config.get("HOST") or "127.0.0.1"
    port = config.get("PORT") or 5432
    try:
        yield f"postgres://{at}{host}:{port}/{database}"
    finally:
        with _admin_connection(leg) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def aandacht_env(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AANDACHT_")}
    env.update(
        AANDACHT_DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        AANDACHT_SCHEDULER="off",
        AANDACHT_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def run_python(env: dict[str, str], code: str, timeout: float = 300) -> str:
    """Run ``code`` in a fresh interpreter against that data directory; its stdout."""
    done = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


@dataclass
class Server:
    """A running ``aandacht serve``; its stderr and stdout go to ``log``."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


ANNOUNCED = re.compile(r"running at http://127\.0\.0\.1:(\d+)/")


@contextlib.contextmanager
def running_server(
    env: dict[str, str],
    log: Path,
    *,
    workers: int = 4,
    threads: int = 4,
    timeout: float = 120,
    as_user: int | None = None,
) -> Iterator[Server]:
    """``aandacht serve --production`` (gunicorn) on a port the kernel picks (``--port 0``;
    the port is read from what the server announces, so no other process can take it in
    between); always stopped (SIGTERM, then SIGKILL of its process group). ``as_user``: run
    it as that uid (and gid), which needs root."""
    command = [AANDACHT, "serve", "--host", "127.0.0.1", "--port", "0", "--production"]
    command += ["--workers", str(workers), "--threads", str(threads)]
    server_env = dict(env)
    server_env.update(
        AANDACHT_BASE_URL=BASE_URL, AANDACHT_TRUSTED_PROXIES="1", AANDACHT_LANGUAGE="en"
    )
    command = as_user_command(as_user) + command
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603
            command,
            env=server_env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        port = announced_port(process, log, timeout)
        # The recipe of aandacht.web.production: this script plays the https proxy.
        headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "127.0.0.1",
            "Referer": f"https://127.0.0.1:{port}/",
        }
        server = Server(process, port, log, headers)
        deadline = time.monotonic() + timeout
        while True:
            assert process.poll() is None, f"the server stopped:\n{server.log_text()[-4000:]}"
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 5):
                break
            assert time.monotonic() < deadline, f"no server after {timeout} s:\n{server.log_text()}"
            time.sleep(0.2)
        yield server
    finally:
        stop(process)


def announced_port(process: subprocess.Popen[bytes], log: Path, timeout: float) -> int:
    """The port of "Aandacht is running at http://127.0.0.1:PORT/" once the server has said
    "Press Ctrl-C" (gunicorn, and so the production mode, is then certainly running)."""
    deadline = time.monotonic() + timeout
    while True:
        said = log.read_text(errors="replace")
        found = ANNOUNCED.search(said)
        if found and "Press Ctrl-C" in said:
            # Never quietly another server: production mode (gunicorn) or a failed test.
            assert "Production mode" in said, f"not the production server:\n{said[-4000:]}"
            return int(found.group(1))
        assert process.poll() is None, f"the server stopped:\n{said[-4000:]}"
        assert time.monotonic() < deadline, f"no server after {timeout} s:\n{said[-4000:]}"
        time.sleep(0.2)


# The unprivileged user the read-only tests run the app as (root writes to anything).
NOBODY = 65534


@contextlib.contextmanager
def reachable_temp_dir(prefix: str) -> Iterator[Path]:
    """A temporary folder outside pytest's private tmp folder, so ``nobody`` can reach it."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def as_user_command(uid: int | None) -> list[str]:
    """A prefix that runs a command as ``uid`` (util-linux's setpriv; Popen's ``user=``
    cannot reach an interpreter under root's private home)."""
    if uid is None:
        return []
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the whole process group (the arbiter and its workers), a bounded wait for
    a graceful stop, then SIGKILL to the group in any case: a worker that outlived its
    arbiter must not hold the database or the port into the next test."""
    group = process.pid  # start_new_session: the group's id is the leader's pid
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)
    process.wait(timeout=30)


def loads_last_line(output: str) -> object:
    return json.loads(output.strip().splitlines()[-1])
