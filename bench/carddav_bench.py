"""CardDAV sync (``make bench-carddav``): Aandacht's CardDAV server against Radicale, same client.

Issue 8: the same generated address book (``bench/carddav_generate.py``: 10,000 vCard 3.0
cards, 5 % with a JPEG photo) is loaded into both servers, which run side by side on loopback
in this run, and synced by the same vdirsyncer 0.21.0 (a child process, its own config, local
filesystem storage and status folder per server, ``collections = null`` on the collection
URL). Steps, for each server (they take turns, step by step):

* **first sync**, right after loading. Radicale 3.9.0 (``python -m radicale``, filesystem
  storage, no auth) gets the cards as files written straight into its collection folder,
  the way a user restores a backup; it builds its caches on the first sync. Aandacht gets
  them through ``aandacht import FILE`` into a fresh SQLite data directory; it renders the
  cards on the first read. The server runs as ``aandacht serve`` (waitress). Each server has
  answered one ``GET /`` before (its lazy imports are start-up, not sync).
* **repeat initial sync**: the local folder and vdirsyncer's status wiped, then a sync.
  Both initial syncs are ``vdirsyncer discover`` + ``vdirsyncer sync``, timed together: a
  user starting afresh runs both, and discover already lists the whole collection (PROPFIND
  Depth 1), which is when Radicale builds its caches.
* **sync after 10 edits**: 10 cards are edited through HTTP on each server (GET, a new TITLE
  line, PUT with If-Match; the same mechanism for both), then a sync; the run checks that
  the 10 edits arrived (the edits themselves are not timed).
* **sync with no changes**: one more sync.
* **200 PUTs**: 200 new cards, PUT one by one (``If-None-Match: *``) over ONE keep-alive
  connection (``http.client``), Basic auth; cards per second.

The short steps are repeated ``--rounds`` times (3 by default; medians), the first sync once.
Wall time is ``time.perf_counter`` around the vdirsyncer child; server CPU is user + system
time of the server's whole process tree from /proc (``utime+stime+cutime+cstime`` of the
server and every live descendant), before and after the step; vdirsyncer's own CPU comes
from ``os.wait4``.

Targets (issue 8): server CPU ≤ 0.3 × Radicale's for every sync, wall time no worse than
Radicale's, the first sync ≤ 0.5 × Radicale's wall time, and ≥ 50 PUTs/s. A missed target
is reported, not an error: the exit status is non-zero only when something fails.

The machine is shared; the load average is printed along the run. The last line is one JSON
object with ``carddav_first_sync_s``, ``radicale_first_sync_s``, ``carddav_cpu_ratio_max``,
``carddav_put_per_s``, ``radicale_put_per_s`` and per step ``<server>_<step>_s`` and
``<server>_<step>_cpu_s``. ``BENCH_CARDDAV_CARDS`` overrides the card count.

Radicale's own HTTP server closes the connection after every response, so its PUTs each open a
new one (the output counts the connections each server needed); Aandacht's (waitress) keeps it.

Usage: ``python bench/carddav_bench.py [--cards N] [--rounds R] [--puts N]
[--servers radicale,carddav] [--keep DIR] [--profile FILE.prof]``. ``--profile`` profiles
every request Aandacht's server answers (cProfile in its waitress thread) and prints, per kind
of request, how many, how long and how many SQL queries: for finding where the time goes, not
for the figures.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import carddav_generate  # noqa: E402

SERVERS = ("radicale", "carddav")  # "carddav" is Aandacht's server (the keys' prefix)
LABELS = {"radicale": "Radicale", "carddav": "Aandacht"}
SYNC_STEPS = ("first_sync", "repeat_initial_sync", "edits_sync", "no_changes_sync")
STEP_LABELS = {
    "first_sync": "first sync after loading",
    "repeat_initial_sync": "repeat initial sync",
    "edits_sync": "sync after 10 edits",
    "no_changes_sync": "sync, no changes",
}
EDITS = 10
NEW_CARDS = 200
TARGET_CPU_RATIO = 0.3
TARGET_FIRST_WALL_RATIO = 0.5
TARGET_PUT_PER_S = 50.0
USERNAME_RADICALE = "bench"
BOOK_RADICALE = "contacts"
SYNC_TIMEOUT_S = 3600
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()  # field 3 (state) onwards; the name may hold spaces


def process_tree(root: int) -> list[int]:
    """``root`` and every live descendant, from /proc/*/stat (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU of a process tree, reaped children included (cutime, cstime)."""
    ticks = 0
    for pid in process_tree(root):
        fields = _stat_fields(pid)
        if fields is not None:
            ticks += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return ticks / CLOCK_TICKS


def tree_rss_mb(root: int) -> float:
    total = 0
    for pid in process_tree(root):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total * 1024 / 1e6


def aandacht_command() -> list[str]:
    script = Path(sys.executable).with_name("aandacht")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from aandacht.cli import main; main()"]


def vdirsyncer_command() -> list[str]:
    script = Path(sys.executable).with_name("vdirsyncer")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "vdirsyncer"]


def unfold(text: str) -> list[str]:
    return re.sub(r"\r?\n[ \t]", "", text).replace("\r\n", "\n").split("\n")


def edited(text: str, marker: str) -> str:
    """The card with its TITLE replaced by ``marker``: what a phone sends after an edit."""
    lines = [
        line
        for line in unfold(text)
        if line and not line.upper().split(";", 1)[0].split(":", 1)[0].endswith("TITLE")
    ]
    end = next(i for i in range(len(lines) - 1, -1, -1) if lines[i].upper() == "END:VCARD")
    lines.insert(end, f"TITLE:{marker}")
    return "\r\n".join(lines) + "\r\n"


class CountingConnection(http.client.HTTPConnection):
    """An HTTP/1.1 connection that counts how often it had to connect (a server that closes
    after each response makes ``http.client`` open a new one)."""

    connects = 0

    def connect(self) -> None:
        self.connects += 1
        super().connect()


@dataclass
class Server:
    """One CardDAV server under test: its process, collection URL and credentials."""

    name: str
    work: Path
    port: int = 0
    username: str = ""
    password: str = ""
    collection_path: str = ""  # e.g. /dav/addressbooks/owner/1/
    process: subprocess.Popen[bytes] | None = None
    figures: dict[str, Any] = field(default_factory=dict)
    runs: dict[str, list[tuple[float, float, float]]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return LABELS[self.name]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.collection_path}"

    def authorization(self) -> str:
        pair = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")

    def cpu(self) -> float:
        assert self.process is not None
        return tree_cpu_seconds(self.process.pid)

    def warm_up(self) -> None:
        """One unauthenticated GET / once listening: Python's lazy imports (Django's URLconf,
        the views) are start-up, not the first sync's work, for either server."""
        connection = self.connection()
        try:
            connection.request("GET", "/")
            connection.getresponse().read()
        finally:
            connection.close()

    def wait_until_listening(self, log: Path, timeout: float = 60.0) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(
                    f"{self.label} exited with {self.process.returncode} on start:\n"
                    + log.read_text(errors="replace")[-3000:]
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
            except OSError:
                time.sleep(0.1)
                continue
            self.warm_up()
            return
        raise SystemExit(f"{self.label} did not listen on port {self.port} in {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def request(
        self,
        connection: http.client.HTTPConnection,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        sent = {"Authorization": self.authorization(), **(headers or {})}
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def connection(self) -> CountingConnection:
        return CountingConnection("127.0.0.1", self.port, timeout=600)


# --- profiling Aandacht's server (--profile) -----------------------------------------------


def serve_profiled(profile: Path, serve_arguments: list[str]) -> None:
    """``aandacht serve`` with every request profiled (cProfile in the waitress thread that
    answers it) and counted per kind: requests, seconds, SQL queries. At exit the merged
    profile goes to ``profile`` and the per-kind table to ``profile`` + ``.requests.json``."""
    import atexit
    import cProfile
    import pstats

    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    from aandacht.cli import main as aandacht_main

    original = WSGIHandler.__call__
    lock = threading.Lock()
    merged: list[pstats.Stats] = []
    kinds: dict[str, list[float]] = {}

    def kind_of(environ: dict[str, Any]) -> str:
        path = str(environ.get("PATH_INFO", ""))
        target = "card" if path.endswith(".vcf") else "collection" if "/dav/" in path else path
        depth = environ.get("HTTP_DEPTH")
        return f"{environ.get('REQUEST_METHOD')} {target}" + (f" depth {depth}" if depth else "")

    def profiled(self: WSGIHandler, environ: dict[str, Any], start_response: Any) -> Any:
        profiler = cProfile.Profile()
        queries = [0]

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            queries[0] += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = profiler.runcall(original, self, environ, start_response)
        seconds = time.perf_counter() - started
        with lock:
            if merged:
                merged[0].add(profiler)
            else:
                merged.append(pstats.Stats(profiler))
            row = kinds.setdefault(kind_of(environ), [0, 0.0, 0])
            row[0] += 1
            row[1] += seconds
            row[2] += queries[0]
        return response

    def write() -> None:
        with lock:
            if merged:
                merged[0].dump_stats(str(profile))
            table = {
                kind: {"requests": int(n), "seconds": round(t, 3), "queries": int(q)}
                for kind, (n, t, q) in sorted(kinds.items())
            }
            Path(f"{profile}.requests.json").write_text(json.dumps(table, indent=1))

    WSGIHandler.__call__ = profiled  # type: ignore[method-assign]
    atexit.register(write)
    sys.argv = ["aandacht", *serve_arguments]
    aandacht_main()


def print_profile_summary(profile: Path) -> None:
    table_path = Path(f"{profile}.requests.json")
    if not table_path.exists():
        print(f"(no request table at {table_path})")
        return
    table = json.loads(table_path.read_text())
    print(f"\nAandacht's server under the profiler, per kind of request ({table_path}):")
    print(f"  {'request':<32} {'count':>6} {'total s':>9} {'ms each':>9} {'queries each':>13}")
    for kind, row in table.items():
        count = max(row["requests"], 1)
        print(
            f"  {kind:<32} {row['requests']:>6} {row['seconds']:>9.2f} "
            f"{1000 * row['seconds'] / count:>9.1f} {row['queries'] / count:>13.1f}"
        )


# --- loading and starting the two servers ------------------------------------------------


def start_radicale(work: Path, cards: list[carddav_generate.GeneratedCard]) -> Server:
    server = Server("radicale", work / "radicale", username=USERNAME_RADICALE, password="x")  # noqa: S106 (no auth)
    storage = server.work / "storage"
    book = storage / "collection-root" / USERNAME_RADICALE / BOOK_RADICALE
    started = time.perf_counter()
    book.mkdir(parents=True)
    (book / ".Radicale.props").write_text(
        json.dumps({"tag": "VADDRESSBOOK", "D:displayname": "Contacts"})
    )
    carddav_generate.write_folder(book, cards)
    server.figures["load_s"] = round(time.perf_counter() - started, 2)
    server.port = free_port()
    server.collection_path = f"/{USERNAME_RADICALE}/{BOOK_RADICALE}/"
    config = server.work / "radicale.conf"
    config.write_text(
        "[server]\n"
        f"hosts = 127.0.0.1:{server.port}\n"
        "[auth]\n"
        "type = none\n"
        "[rights]\n"
        "type = owner_only\n"
        "[storage]\n"
        f"filesystem_folder = {storage}\n"
        "[web]\n"
        "type = none\n"
        "[logging]\n"
        "level = warning\n"
    )
    log = server.work / "server.log"
    with log.open("wb") as out:
        server.process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(config)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=server.work,
        )
    server.wait_until_listening(log)
    return server


def aandacht_environment(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # SQLite in the fresh data directory, whatever the shell says
    env.pop("AANDACHT_VAULT", None)
    env["AANDACHT_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p
    )
    return env


def run_aandacht(env: dict[str, str], *arguments: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [*aandacht_command(), *arguments],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(
            f"aandacht {' '.join(arguments[:2])} exited with {done.returncode}:\n"
            + (done.stderr or done.stdout)[-3000:]
        )
    return done.stdout


def start_aandacht(
    work: Path, cards: list[carddav_generate.GeneratedCard], profile: Path | None
) -> Server:
    """A fresh data directory whose owner has a password, the cards imported into the owner's
    vault with ``aandacht import``, a write token for that vault; then ``aandacht serve``."""
    server = Server("carddav", work / "aandacht")
    data_dir = server.work / "data"
    data_dir.mkdir(parents=True)
    env = aandacht_environment(data_dir)
    run_aandacht(env, "manage", "migrate", "--verbosity", "0")
    users = json.loads(run_aandacht(env, "user", "list", "--json"))  # also makes the local owner
    server.username = users[0]["username"]
    # What the first run in the browser does: the owner chooses a password. Until then every
    # page (and /dav/) sends visitors to the welcome page.
    run_aandacht(
        env,
        "manage",
        "shell",
        "-c",
        "import sys; from django.contrib.auth.models import User; "
        f"u = User.objects.get(username={server.username!r}); "
        "u.set_password(sys.stdin.read()); u.save()",
        stdin="bench-carddav-owner-password",
    )
    book = server.work / "import.vcf"
    carddav_generate.write_file(book, cards)
    started = time.perf_counter()
    report = json.loads(run_aandacht(env, "import", str(book), "--json"))
    server.figures["load_s"] = round(time.perf_counter() - started, 2)
    if report.get("created") != len(cards) or report.get("errors"):
        raise SystemExit(
            f"aandacht import should create {len(cards)} people with no errors; it said "
            f"created={report.get('created')}, errors={report.get('errors')}"
        )
    token = json.loads(
        run_aandacht(
            env,
            "token",
            "create",
            "--user",
            server.username,
            "--scope",
            "write",
            "--vault",
            "Personal",
            "--name",
            "bench-carddav",
            "--json",
        )
    )
    server.password = token["token"]
    server.collection_path = f"/dav/addressbooks/{server.username}/{token['vault_id']}/"
    server.port = free_port()
    serve = ["serve", "--host", "127.0.0.1", "--port", str(server.port)]
    command = [*aandacht_command(), *serve]
    if profile is not None:
        command = [sys.executable, __file__, "--serve-profiled", str(profile.resolve()), *serve]
    log = server.work / "server.log"
    with log.open("wb") as out:
        server.process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=server.work
        )
    server.wait_until_listening(log)
    return server


def check_collection(server: Server) -> None:
    """A PROPFIND Depth 0 on the collection must say it is an address book (207)."""
    body = (
        b'<?xml version="1.0" encoding="utf-8"?><propfind xmlns="DAV:"><prop>'
        b"<resourcetype/></prop></propfind>"
    )
    connection = server.connection()
    try:
        status, _headers, data = server.request(
            connection,
            "PROPFIND",
            server.collection_path,
            body,
            {"Depth": "0", "Content-Type": "application/xml; charset=utf-8"},
        )
    except OSError as error:
        raise SystemExit(f"{server.label}: PROPFIND {server.collection_path}: {error}") from None
    finally:
        connection.close()
    if status != 207 or b"addressbook" not in data:
        raise SystemExit(
            f"{server.label}: PROPFIND {server.url} answered {status}, not a 207 naming an "
            f"address book:\n{data[:1500].decode(errors='replace')}"
        )


# --- vdirsyncer ----------------------------------------------------------------------------


@dataclass
class Syncer:
    """vdirsyncer's config, status and local folder for one server."""

    server: Server
    root: Path = field(init=False)

    def __post_init__(self) -> None:
        self.root = self.server.work / "vdirsyncer"
        self.root.mkdir(parents=True, exist_ok=True)
        self.config.write_text(
            "[general]\n"
            f'status_path = "{self.status}/"\n\n'
            "[pair bench]\n"
            'a = "bench_local"\n'
            'b = "bench_remote"\n'
            "collections = null\n"
            'conflict_resolution = "b wins"\n\n'
            "[storage bench_local]\n"
            'type = "filesystem"\n'
            f'path = "{self.local}/"\n'
            'fileext = ".vcf"\n\n'
            "[storage bench_remote]\n"
            'type = "carddav"\n'
            f'url = "{self.server.url}"\n'
            f'username = "{self.server.username}"\n'
            f'password = "{self.server.password}"\n'
        )

    @property
    def config(self) -> Path:
        return self.root / "config"

    @property
    def status(self) -> Path:
        return self.root / "status"

    @property
    def local(self) -> Path:
        return self.root / "local"

    def _run(self, *arguments: str) -> tuple[float, float]:
        """(wall seconds, vdirsyncer's CPU seconds) of one vdirsyncer command."""
        log = self.root / "vdirsyncer.log"
        command = [*vdirsyncer_command(), "-c", str(self.config), "-v", "WARNING", *arguments]
        with log.open("wb") as out:
            started = time.perf_counter()
            child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
            # A server that never answers must not hang `make bench`: kill the client.
            watchdog = threading.Timer(SYNC_TIMEOUT_S, child.kill)
            watchdog.start()
            try:
                _, status, usage = os.wait4(child.pid, 0)
            except BaseException:
                child.kill()
                raise
            finally:
                watchdog.cancel()
            seconds = time.perf_counter() - started
            child.returncode = os.waitstatus_to_exitcode(status)
        if seconds >= SYNC_TIMEOUT_S:
            raise SystemExit(
                f"vdirsyncer {' '.join(arguments)} against {self.server.label} took over "
                f"{SYNC_TIMEOUT_S} s and was stopped"
            )
        if child.returncode != 0:
            raise SystemExit(
                f"vdirsyncer {' '.join(arguments)} against {self.server.label} exited with "
                f"{child.returncode}:\n" + log.read_text(errors="replace")[-3000:]
            )
        return seconds, usage.ru_utime + usage.ru_stime

    def initial_sync(self) -> tuple[float, float, float]:
        """An empty local folder and no status, then ``discover`` and ``sync``, timed together:
        what a user starting afresh runs (discover already lists the whole collection)."""
        shutil.rmtree(self.status, ignore_errors=True)
        shutil.rmtree(self.local, ignore_errors=True)
        self.local.mkdir(parents=True)
        before = self.server.cpu()
        discover_s, discover_cpu = self._run("discover")
        sync_s, sync_cpu = self._run("sync")
        return discover_s + sync_s, self.server.cpu() - before, discover_cpu + sync_cpu

    def sync(self) -> tuple[float, float, float]:
        """(wall s, server CPU s, vdirsyncer CPU s) of one sync."""
        before = self.server.cpu()
        seconds, client_cpu = self._run("sync")
        return seconds, self.server.cpu() - before, client_cpu

    def local_cards(self) -> list[Path]:
        return list(self.local.glob("*.vcf"))

    def count_marker(self, marker: str) -> int:
        return sum(marker in path.read_text(encoding="utf-8") for path in self.local_cards())


# --- steps -----------------------------------------------------------------------------------


def edit_cards(server: Server, hrefs: list[str], marker: str) -> float:
    """Edit ``hrefs`` over HTTP (GET, new TITLE, PUT with If-Match); returns the seconds."""
    connection = server.connection()
    started = time.perf_counter()
    try:
        for number, href in enumerate(hrefs):
            path = server.collection_path + href
            status, headers, data = server.request(connection, "GET", path)
            if status != 200 or not headers.get("etag"):
                raise SystemExit(f"{server.label}: GET {path} answered {status} (ETag?)")
            body = edited(data.decode("utf-8"), f"{marker} {number}").encode("utf-8")
            status, _headers, answer = server.request(
                connection,
                "PUT",
                path,
                body,
                {"Content-Type": "text/vcard; charset=utf-8", "If-Match": headers["etag"]},
            )
            if status not in (200, 201, 204):
                raise SystemExit(
                    f"{server.label}: PUT {path} (an edit) answered {status}:\n"
                    + answer[:1000].decode(errors="replace")
                )
    finally:
        connection.close()
    return time.perf_counter() - started


def put_new_cards(
    server: Server, new_cards: list[carddav_generate.GeneratedCard]
) -> tuple[float, float, int]:
    """(seconds, server CPU s, connections used) for PUTting ``new_cards`` one by one."""
    connection = server.connection()
    before = server.cpu()
    started = time.perf_counter()
    try:
        for card in new_cards:
            path = server.collection_path + card.href
            status, _headers, answer = server.request(
                connection,
                "PUT",
                path,
                card.text.encode("utf-8"),
                {"Content-Type": "text/vcard; charset=utf-8", "If-None-Match": "*"},
            )
            if status not in (201, 204):
                raise SystemExit(
                    f"{server.label}: PUT {path} (a new card) answered {status}:\n"
                    + answer[:1000].decode(errors="replace")
                )
    finally:
        seconds = time.perf_counter() - started
        connection.close()
    return seconds, server.cpu() - before, connection.connects


def record(server: Server, step: str, run: tuple[float, float, float]) -> None:
    server.runs.setdefault(step, []).append(run)
    seconds, cpu, client = run
    print(
        f"  {server.label:<9} {STEP_LABELS[step]:<26} {seconds:8.2f} s  server CPU {cpu:7.2f} s"
        f"  vdirsyncer CPU {client:6.2f} s  (load {load_average()})",
        flush=True,
    )


def edit_hrefs(cards: list[carddav_generate.GeneratedCard], round_number: int) -> list[str]:
    """Ten cards spread over the book, different ones in every round."""
    step = max(len(cards) // (EDITS * 4), 1)
    picked = []
    for number in range(EDITS):
        index = (round_number * EDITS + number) * step + round_number
        picked.append(cards[index % len(cards)].href)
    return list(dict.fromkeys(picked))


def turns(servers: list[Server], round_number: int) -> Iterator[Server]:
    """The servers in turn, the other one first every other round (load falls on both)."""
    yield from servers if round_number % 2 == 0 else reversed(servers)


def run_benchmark(
    servers: list[Server], cards: list[carddav_generate.GeneratedCard], rounds: int, puts: int
) -> None:
    new_cards = list(carddav_generate.cards(len(cards) + puts))[len(cards) :]
    syncers = {server.name: Syncer(server) for server in servers}
    print(f"\nFirst sync ({len(cards)} cards):", flush=True)
    for server in servers:
        syncer = syncers[server.name]
        record(server, "first_sync", syncer.initial_sync())
        got = len(syncer.local_cards())
        if got != len(cards):
            raise SystemExit(f"{server.label}: the first sync brought {got} of {len(cards)} cards")
        check_collection(server)  # after, not before: its answer may fill the server's caches
        assert server.process is not None
        server.figures["rss_after_first_sync_mb"] = round(tree_rss_mb(server.process.pid), 1)

    for round_number in range(rounds):
        print(f"\nRound {round_number + 1} of {rounds}:", flush=True)
        for server in turns(servers, round_number):
            syncer = syncers[server.name]
            record(server, "repeat_initial_sync", syncer.initial_sync())
            got = len(syncer.local_cards())
            if got != len(cards):
                raise SystemExit(f"{server.label}: a repeat sync brought {got} of {len(cards)}")
            marker = f"Bench edit {round_number + 1}"
            hrefs = edit_hrefs(cards, round_number)
            seconds = edit_cards(server, hrefs, marker)
            server.runs.setdefault("edits_put", []).append((seconds, 0.0, 0.0))
            record(server, "edits_sync", syncer.sync())
            arrived = syncer.count_marker(marker)
            if arrived != len(hrefs):
                raise SystemExit(
                    f"{server.label}: {arrived} of the {len(hrefs)} edited cards arrived"
                )
            record(server, "no_changes_sync", syncer.sync())

    if not new_cards:
        return
    print(f"\n{puts} new cards, PUT one by one over one keep-alive connection:", flush=True)
    for server in servers:
        seconds, cpu, connections = put_new_cards(server, new_cards)
        server.figures["puts"] = len(new_cards)
        server.figures["put_s"] = round(seconds, 2)
        server.figures["put_cpu_s"] = round(cpu, 2)
        server.figures["put_per_s"] = round(len(new_cards) / seconds, 1)
        server.figures["put_connections"] = connections
        print(
            f"  {server.label:<9} {seconds:8.2f} s  {len(new_cards) / seconds:7.1f} PUTs/s  "
            f"server CPU {cpu:6.2f} s  connections {connections}  (load {load_average()})",
            flush=True,
        )


# --- figures ---------------------------------------------------------------------------------


def summarise(servers: list[Server], cards: int, loads: list[str]) -> dict[str, Any]:
    figures: dict[str, Any] = {"carddav_cards": cards}
    by_name = {server.name: server for server in servers}
    for server in servers:
        for step in SYNC_STEPS:
            runs = server.runs.get(step, [])
            if not runs:
                continue
            figures[f"{server.name}_{step}_s"] = round(statistics.median(r[0] for r in runs), 2)
            figures[f"{server.name}_{step}_cpu_s"] = round(statistics.median(r[1] for r in runs), 2)
            figures[f"{server.name}_{step}_client_cpu_s"] = round(
                statistics.median(r[2] for r in runs), 2
            )
            if len(runs) > 1:
                figures[f"{server.name}_{step}_runs"] = [round(r[0], 2) for r in runs]
        for key in ("puts", "put_per_s", "put_s", "put_cpu_s", "put_connections", "load_s"):
            if key in server.figures:
                figures[f"{server.name}_{key}"] = server.figures[key]
        if "rss_after_first_sync_mb" in server.figures:
            figures[f"{server.name}_rss_mb"] = server.figures["rss_after_first_sync_mb"]
    if "carddav" in by_name and "radicale" in by_name:
        cpu_ratios = {}
        wall_ratios = {}
        for step in SYNC_STEPS:
            ours, theirs = figures[f"carddav_{step}_cpu_s"], figures[f"radicale_{step}_cpu_s"]
            cpu_ratios[step] = round(ours / theirs, 3) if theirs > 0 else float("inf")
            ours, theirs = figures[f"carddav_{step}_s"], figures[f"radicale_{step}_s"]
            wall_ratios[step] = round(ours / theirs, 3)
            figures[f"carddav_{step}_cpu_ratio"] = cpu_ratios[step]
            figures[f"carddav_{step}_wall_ratio"] = wall_ratios[step]
        figures["carddav_cpu_ratio_max"] = max(cpu_ratios.values())
        figures["carddav_wall_ratio_max"] = max(wall_ratios.values())
        targets = {
            "cpu": figures["carddav_cpu_ratio_max"] <= TARGET_CPU_RATIO,
            "wall": figures["carddav_wall_ratio_max"] <= 1.0,
            "first_sync": wall_ratios["first_sync"] <= TARGET_FIRST_WALL_RATIO,
        }
        if "carddav_put_per_s" in figures and "radicale_put_per_s" in figures:
            figures["carddav_put_ratio"] = round(
                figures["carddav_put_per_s"] / figures["radicale_put_per_s"], 2
            )
            targets["put"] = figures["carddav_put_per_s"] >= TARGET_PUT_PER_S
        figures["carddav_targets_met"] = targets
        figures["carddav_meets_targets"] = all(targets.values())
    figures["carddav_load_average"] = loads
    return figures


def print_table(servers: list[Server], figures: dict[str, Any]) -> None:
    both = "carddav_cpu_ratio_max" in figures
    print()
    print(f"CardDAV sync of {figures['carddav_cards']} cards with vdirsyncer, medians:")
    print(
        f"  {'step':<27} {'server':<9} {'wall s':>8} {'server CPU s':>13} "
        f"{'vdirsyncer CPU s':>17} {'wall ratio':>11} {'CPU ratio':>10}"
    )
    for step in SYNC_STEPS:
        for server in servers:
            key = f"{server.name}_{step}"
            if f"{key}_s" not in figures:
                continue
            ratios = ("", "")
            if both and server.name == "carddav":
                ratios = (
                    f"{figures[f'carddav_{step}_wall_ratio']:.3f}",
                    f"{figures[f'carddav_{step}_cpu_ratio']:.3f}",
                )
            elif both:
                ratios = ("1", "1")
            print(
                f"  {STEP_LABELS[step]:<27} {server.label:<9} {figures[f'{key}_s']:>8.2f} "
                f"{figures[f'{key}_cpu_s']:>13.2f} {figures[f'{key}_client_cpu_s']:>17.2f} "
                f"{ratios[0]:>11} {ratios[1]:>10}"
            )
    for server in servers:
        if f"{server.name}_put_per_s" in figures:
            what = f"{figures[f'{server.name}_puts']} PUTs, one connection"
            print(
                f"  {what:<27} {server.label:<9} {figures[f'{server.name}_put_s']:>8.2f} "
                f"{figures[f'{server.name}_put_cpu_s']:>13.2f}"
                f"   {figures[f'{server.name}_put_per_s']:.1f} PUTs/s"
            )
    for server in servers:
        if f"{server.name}_load_s" in figures:
            how = "files written" if server.name == "radicale" else "aandacht import"
            print(f"  loading {server.label}: {figures[f'{server.name}_load_s']} s ({how})")
    if both:
        met = figures["carddav_targets_met"]
        word = {True: "met", False: "MISSED"}
        print(
            f"  targets: server CPU ≤ {TARGET_CPU_RATIO} × Radicale's for every sync "
            f"(max {figures['carddav_cpu_ratio_max']}): {word[met['cpu']]}; wall time no worse "
            f"(max ratio {figures['carddav_wall_ratio_max']}): {word[met['wall']]}; first sync "
            f"≤ {TARGET_FIRST_WALL_RATIO} × ({figures['carddav_first_sync_wall_ratio']}): "
            f"{word[met['first_sync']]}"
            + (
                f"; ≥ {TARGET_PUT_PER_S:.0f} PUTs/s ({figures['carddav_put_per_s']}): "
                f"{word[met['put']]}"
                if "put" in met
                else ""
            )
        )
    print(
        f"  load average (1/5/15 min) along the run: {' | '.join(figures['carddav_load_average'])}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    default_cards = int(os.environ.get("BENCH_CARDDAV_CARDS", carddav_generate.DEFAULT_CARDS))
    parser.add_argument("--cards", type=int, default=default_cards)
    parser.add_argument("--rounds", type=int, default=3, help="repeats of the shorter steps")
    parser.add_argument(
        "--servers", default=",".join(SERVERS), help="radicale,carddav (carddav = Aandacht)"
    )
    parser.add_argument(
        "--puts", type=int, default=NEW_CARDS, help="new cards to PUT at the end (0: none)"
    )
    parser.add_argument("--keep", type=Path, help="keep the data, configs and logs here")
    parser.add_argument("--profile", type=Path, help="run Aandacht's server under cProfile")
    options = parser.parse_args()
    names = [name.strip() for name in options.servers.split(",") if name.strip()]
    if options.cards < EDITS * 4 or options.rounds < 1 or options.puts < 0:
        parser.error(f"--cards must be at least {EDITS * 4}, --rounds at least 1, --puts ≥ 0")
    if not names or any(name not in SERVERS for name in names):
        parser.error(f"--servers takes {', '.join(SERVERS)}")

    work = options.keep or Path(tempfile.mkdtemp(prefix="aandacht-bench-carddav-"))
    work.mkdir(parents=True, exist_ok=True)
    servers: list[Server] = []
    loads = [load_average()]
    try:
        started = time.perf_counter()
        cards = list(carddav_generate.cards(options.cards))
        size = sum(len(card.text.encode("utf-8")) for card in cards)
        print(
            f"{len(cards)} cards, {size / 1e6:.1f} MB, generated in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
        for name in SERVERS:
            if name not in names:
                continue
            if name == "radicale":
                servers.append(start_radicale(work, cards))
            else:
                servers.append(start_aandacht(work, cards, options.profile))
            print(
                f"{servers[-1].label} loaded in {servers[-1].figures['load_s']} s, "
                f"serving {servers[-1].url}",
                flush=True,
            )
        run_benchmark(servers, cards, options.rounds, options.puts)
        loads.append(load_average())
    finally:
        for server in servers:
            server.stop()
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)
    if options.profile is not None and "carddav" in names:
        print_profile_summary(options.profile.resolve())
        print(f"profile of Aandacht's server written to {options.profile}")

    figures = summarise(servers, options.cards, loads)
    print_table(servers, figures)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--serve-profiled":
        serve_profiled(Path(sys.argv[2]), sys.argv[3:])
        sys.exit(0)
    sys.exit(main())
