"""Pages at scale (``make bench-pages``): a 50,000-person vault over HTTP, SQLite and PostgreSQL.

Issue 9. For each database (SQLite in a fresh data directory; PostgreSQL in its own database
``aandacht_bench_pages`` at ``BENCH_PAGES_POSTGRES``, default postgres://postgres@127.0.0.1:5432/,
created and dropped by this run — skipped, and said so, when no server answers):

1. ``bench/pages_generate.py`` fills one vault (50,000 people, 1,000,000 interactions, 150,000
   notes, 50,000 moments; ``--people`` / ``BENCH_PAGES_PEOPLE`` scales every count). The SQLite
   result is cached between runs (``--cache DIR``, default the system's temp directory) under
   a key made of the sizes, the seed and the hashes of the generator and of every migration;
   ``--no-cache`` regenerates.
2. ``aandacht serve --production`` (gunicorn; ``--workers``, default the server's own: 2 x
   cores + 1) on 127.0.0.1, as production runs it behind a proxy: ``AANDACHT_BASE_URL=https://…``,
   ``AANDACHT_TRUSTED_PROXIES=1`` and every request with ``X-Forwarded-Proto: https``
   (the recipe in ``aandacht.web.production``), scheduled backups off
   (``AANDACHT_BACKUP_EVERY_HOURS=0``: the first one would run while the pages are measured).
   ``AANDACHT_BENCH_TIMING=1`` makes the server
   add ``Server-Timing: db;dur=…, app;dur=…`` (``aandacht.web.timing``): the SQL time of the
   very requests measured.
3. Sign in through the real sign-in form (aiohttp, one client, cookies kept by hand), open the
   generated vault, then for each page: warm-up requests, then ``--repeat`` sequential requests
   over one keep-alive connection; median and p95 of the time the client waited (loopback,
   request sent to body read), and the median SQL time the server reported. Pages:

   * ``today``: the Today agenda, ``/today/``;
   * ``search``: search as you type, what the people page's search box sends: ``/people/?q=…``
     with ``HX-Request``/``HX-Target: people-results`` (the htmx partial), for partial and
     misspelled names ("sofie de vris", "jeron vd berg", …), one query per request in turn;
   * ``people``: the people list, ``/people/``, first page;
   * ``person``: a person page, in turn the 5 busiest people (thousands of interactions at full
     size), 5 dormant ones (nothing for 3+ years) and 5 others;
   * ``report``: the attention report, ``/report/``.

   Each page is measured twice: first *built* (every request a hard reload, ``Cache-Control:
   no-cache``, so the page is rendered afresh; the report's and Today's figures and the
   people list's letter counts stay kept, as ``web/stamp.py`` keeps them), then as a browser
   meets it while nothing is written: the page *kept* (``web/kept_pages.py``) and sent again.

   A baseline is measured in the same run, interleaved with every page: after each measured
   request, one request for the password-change page (``/accounts/password/``): signed in,
   the same middleware and base layout, a form and no vault data, never kept. Each page's
   ``ratio`` is its median over the median of the baseline requests made between its own, so a
   machine slower this hour shows in the baseline, not only in the figures (the machine is
   shared and its speed varies by 1.5-2x between hours).

4. Throughput: the person page (the same spread) from 16 concurrent connections for
   ``--seconds`` (10) seconds: requests per second and errors (non-200 or failed). The load
   generator (one Python process) runs on the same 2 cores as the server and takes its share.

Targets (issue 9): p95 <= 50 ms for every page on both databases; person page >= 300 req/s with
zero errors. A missed target is reported, not an error; the exit status is non-zero only when
something failed (a page not 200, the server not starting).

The last line is one flat JSON object: ``<db>_<page>_p95_ms``, ``<db>_<page>_median_ms``,
``<db>_<page>_sql_ms`` for db in sqlite, postgres and page in today, search, people, person,
report (as kept; the same with ``<page>_built`` for the pages built afresh), plus
``<db>_<page>_ratio`` (median over the interleaved baseline's), ``<db>_baseline_median_ms``
(every baseline request of the run), ``<db>_person_rps``, ``<db>_errors``,
``<db>_targets_met`` and ``people``.

A page gets ``--repeat`` (40) measured requests after ``--warm-up`` (5), but stops after
``--budget`` (30) seconds once it has 10 (after four budgets once it has 3; its baseline
requests count towards that time): the table's ``n`` says how many were measured.

Usage: ``python bench/pages_bench.py [--people N] [--databases sqlite,postgres] [--repeat R]
[--warm-up W] [--budget S] [--seconds S] [--workers W] [--cache DIR | --no-cache]
[--keep DIR] [--postgres URL]``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
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
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import pages_generate  # noqa: E402

PAGES = ("today", "search", "people", "person", "report")
DATABASES = ("sqlite", "postgres")
PASSWORD = "bench-pages-owner-password"  # noqa: S105 - a throwaway data directory's owner
BASE_HOST = "bench.aandacht.test"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/"
POSTGRES_NAME = "aandacht_bench_pages"
TARGET_P95_MS = 50.0
TARGET_RPS = 300.0
CONCURRENCY = 16
MIN_SAMPLES = 10
SEARCHES = [
    "sofie de vris",
    "jeron vd berg",
    "maartn jans",
    "anouk ter hors",
    "lukas mull",
    "fatma el amra",
    "wim bakkr",
    "nguyen thao",
]
BASELINE_PATH = "/accounts/password/"  # signed in, the base layout and a form, no vault data
TIMING = re.compile(r"db;dur=([\d.]+)(?:;desc=\"(\d+) queries\")?.*app;dur=([\d.]+)")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# "Aandacht is running at http://127.0.0.1:PORT/" (in any language): the port `--port 0` got.
ANNOUNCED_PORT = re.compile(r"http://127\.0\.0\.1:(\d+)/")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the value at least ``share`` of the samples do not exceed."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def aandacht_command() -> list[str]:
    script = Path(sys.executable).with_name("aandacht")
    return [str(script)] if script.exists() else [sys.executable, "-m", "aandacht.cli"]


def cache_key(people: int, seed: int) -> str:
    """Sizes, seed, the generator and every migration: a schema change makes a new vault."""
    digest = hashlib.sha256(f"{people}:{seed}".encode())
    for path in sorted(
        [BENCH / "pages_generate.py", BENCH / "import_generate.py"]
        + list((ROOT / "src" / "aandacht").glob("*/migrations/*.py"))
    ):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# Databases -----------------------------------------------------------------------------------


def postgres_admin(url: str) -> Any:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url.rstrip("/") + "/postgres")
    return psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        connect_timeout=3,
        autocommit=True,
    )


def postgres_available(url: str) -> str | None:
    """None when a server answers; else why not."""
    try:
        postgres_admin(url).close()
    except Exception as error:  # noqa: BLE001 - any failure means: no PostgreSQL here
        return str(error).strip().splitlines()[0]
    return None


def recreate_postgres(url: str, name: str, *, drop_only: bool = False) -> None:
    with postgres_admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            admin.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Target:
    """One database under test: its data directory, environment and generated vault."""

    db: str
    work: Path
    env: dict[str, str]
    vault: dict[str, Any] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    port: int = 0
    figures: dict[str, float] = field(default_factory=dict)
    rows: list[tuple[str, str, float, float, float, float, float, int]] = field(
        default_factory=list
    )
    baseline_ms: list[float] = field(default_factory=list)
    errors: int = 0
    page_failures: int = 0

    @property
    def data_dir(self) -> Path:
        return self.work / "data"


def environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DATABASE_URL", "AANDACHT_VAULT", "AANDACHT_BENCH_TIMING"):
        env.pop(name, None)
    if database_url:
        env["DATABASE_URL"] = database_url
    env["AANDACHT_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p
    )
    return env


def generate(target: Target, people: int, seed: int) -> None:
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH / "pages_generate.py"),
            "--people",
            str(people),
            "--seed",
            str(seed),
            "--password",
            PASSWORD,
        ],
        env=target.env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"pages_generate.py failed on {target.db}:\n{done.stderr[-3000:]}")
    target.vault = json.loads(done.stdout.strip().splitlines()[-1])
    target.figures["generate_s"] = round(time.perf_counter() - started, 1)
    say(f"{target.db}: generated in {target.figures['generate_s']} s: {done.stdout.strip()[:200]}")


def prepare_sqlite(target: Target, people: int, seed: int, cache: Path | None) -> None:
    target.data_dir.mkdir(parents=True)
    if cache is not None:
        entry = cache / f"pages-{people}-{cache_key(people, seed)}"
        if (entry / "vault.json").exists():
            for name in ("aandacht.sqlite3", "secret_key"):
                if (entry / name).exists():
                    shutil.copy2(entry / name, target.data_dir / name)
            target.vault = json.loads((entry / "vault.json").read_text())
            say(f"sqlite: the generated vault from the cache ({entry})")
            return
    generate(target, people, seed)
    if cache is not None:
        entry.mkdir(parents=True, exist_ok=True)
        for name in ("aandacht.sqlite3", "secret_key"):
            if (target.data_dir / name).exists():
                shutil.copy2(target.data_dir / name, entry / name)
        (entry / "vault.json").write_text(json.dumps(target.vault))


# The server ----------------------------------------------------------------------------------


def start_server(target: Target, workers: int | None) -> None:
    target.port = 0  # known once the server says where it listens
    env = dict(target.env)
    env["AANDACHT_BASE_URL"] = f"https://{BASE_HOST}"
    env["AANDACHT_TRUSTED_PROXIES"] = "1"
    env["AANDACHT_BENCH_TIMING"] = "1"
    # No scheduled backup while the pages are measured: a new data directory has none, so
    # the first tick makes one, and on PostgreSQL that portable dump of 1.25 million rows
    # runs in one worker for minutes. Requests that land on that worker wait for the
    # interpreter lock; every page, the baseline too, took 3-4x as long (2026-12-07).
    env["AANDACHT_BACKUP_EVERY_HOURS"] = "0"
    command = [
        *aandacht_command(),
        "serve",
        "--production",
        "--host",
        "127.0.0.1",
        "--port",
        "0",  # the kernel picks a free port; read back from the server's announcement
    ]
    if workers:
        command += ["--workers", str(workers)]
    log = target.work / "server.log"
    with log.open("wb") as out:
        target.process = subprocess.Popen(
            command,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=target.work,
            start_new_session=True,  # its own process group: the workers stop with it
        )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if target.process.poll() is not None:
            raise SystemExit(f"the {target.db} server exited:\n{log.read_text()[-3000:]}")
        if not target.port:
            found = ANNOUNCED_PORT.search(log.read_text(errors="replace"))
            if found is None:
                time.sleep(0.3)
                continue
            target.port = int(found.group(1))
        try:
            with socket.create_connection(("127.0.0.1", target.port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(
        f"the {target.db} server did not listen within 180 s:\n{log.read_text()[-3000:]}"
    )


def stop_server(target: Target) -> None:
    process = target.process
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


# The client ----------------------------------------------------------------------------------


class Client:
    """One signed-in browser: cookies by hand (they are Secure, the connection is plain http)."""

    def __init__(self, session: aiohttp.ClientSession, port: int) -> None:
        self.session = session
        self.base = f"http://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "127.0.0.1",
            "Accept-Language": "en",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def keep(self, response: aiohttp.ClientResponse) -> None:
        for raw in response.headers.getall("Set-Cookie", []):
            name, _, rest = raw.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    async def get(
        self, path: str, extra: dict[str, str] | None = None
    ) -> tuple[int, float, float | None, float | None, bytes]:
        """Status, client milliseconds, server SQL and app milliseconds, body."""
        started = time.perf_counter()
        async with self.session.get(
            self.base + path, headers=self.headers(extra), allow_redirects=False
        ) as response:
            body = await response.read()
            elapsed = (time.perf_counter() - started) * 1000
            self.keep(response)
            found = TIMING.search(response.headers.get("Server-Timing", ""))
            db_ms = float(found[1]) if found else None
            app_ms = float(found[3]) if found else None
            return response.status, elapsed, db_ms, app_ms, body

    async def sign_in(self, username: str) -> None:
        status, _, _, _, body = await self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or token is None:
            raise SystemExit(f"the sign-in page answered {status} without a form")
        async with self.session.post(
            self.base + "/accounts/login/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token[1].decode(),
            },
            headers=self.headers({"Referer": "https://127.0.0.1/accounts/login/"}),
            allow_redirects=False,
        ) as response:
            await response.read()
            self.keep(response)
            if response.status != 302 or "sessionid" not in self.cookies:
                raise SystemExit(f"signing in failed: {response.status}")


def page_paths(vault: dict[str, Any]) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """The requests of each page, taken in turn."""
    hx = {"HX-Request": "true", "HX-Target": "people-results"}
    first, last = int(vault["first_person"]), int(vault["last_person"])
    step = max(1, (last - first) // 6)
    others = [first + step * i for i in range(1, 6)]
    spread = [*vault["busiest"][:5], *vault["dormant"][:5], *others]
    return {
        "today": [("/today/", {})],
        "search": [(f"/people/?q={q.replace(' ', '+')}", hx) for q in SEARCHES],
        "people": [("/people/", {})],
        "person": [(f"/people/{pk}/", {}) for pk in spread],
        "report": [("/report/", {})],
    }


BUILT = {"Cache-Control": "no-cache"}  # a hard reload: the page built afresh, not one kept


async def measure_pages(target: Target, repeat: int, warm_up: int, budget: float) -> None:
    timeout = aiohttp.ClientTimeout(total=120)
    connector = aiohttp.TCPConnector(limit=1)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        client = Client(session, target.port)
        await client.sign_in(target.vault["username"])
        status, *_ = await client.get(f"/today/?vault={target.vault['vault_id']}")
        if status != 200:
            raise SystemExit(f"{target.db}: /today/?vault= answered {status}")
        for page, requests in page_paths(target.vault).items():
            # Built afresh first (what the first look after a write costs), then as kept.
            for built in (True, False):
                await measure_page(target, client, page, requests, built, repeat, warm_up, budget)


async def measure_page(
    target: Target,
    client: Client,
    page: str,
    requests: list[tuple[str, dict[str, str]]],
    built: bool,
    repeat: int,
    warm_up: int,
    budget: float,
) -> None:
    client_ms: list[float] = []
    baseline_ms: list[float] = []
    sql_ms: list[float] = []
    app_ms: list[float] = []
    # A slow page stops after its time budget (with at least MIN_SAMPLES): at full size
    # before the speed-ups, 40 requests of a multi-second page would take minutes.
    page_started = time.perf_counter()
    for number in range(warm_up + repeat):
        spent = time.perf_counter() - page_started
        enough = len(client_ms) >= (MIN_SAMPLES if spent < 4 * budget else 3)
        if spent > budget and (number < warm_up or enough):
            if number < warm_up:
                continue
            break
        path, extra = requests[number % len(requests)]
        status, elapsed, db, app, body = await client.get(
            path, {**extra, **BUILT} if built else extra
        )
        if status != 200:
            target.errors += 1
            target.page_failures += 1
            say(f"{target.db}: {path} answered {status}")
            continue
        if number < warm_up:
            continue
        client_ms.append(elapsed)
        if db is not None and app is not None:
            sql_ms.append(db)
            app_ms.append(app)
        # The baseline right after: what the same stack costs this very moment.
        status, elapsed, *_ = await client.get(BASELINE_PATH)
        if status != 200:
            target.errors += 1
            target.page_failures += 1
            say(f"{target.db}: {BASELINE_PATH} answered {status}")
            continue
        baseline_ms.append(elapsed)
    if not client_ms:
        raise SystemExit(f"{target.db}: no successful request for {page}")
    median = statistics.median(client_ms)
    p95 = percentile(client_ms, 0.95)
    sql = statistics.median(sql_ms) if sql_ms else float("nan")
    app = statistics.median(app_ms) if app_ms else float("nan")
    ratio = median / statistics.median(baseline_ms) if baseline_ms else float("nan")
    target.baseline_ms.extend(baseline_ms)
    name = f"{page}_built" if built else page
    target.figures[f"{name}_median_ms"] = round(median, 1)
    target.figures[f"{name}_p95_ms"] = round(p95, 1)
    target.figures[f"{name}_sql_ms"] = round(sql, 1)
    target.figures[f"{name}_ratio"] = round(ratio, 2)
    shown = f"{page} (built)" if built else page
    target.rows.append((shown, requests[0][0], median, p95, sql, app, ratio, len(client_ms)))
    say(
        f"{target.db}: {shown}: median {median:.1f} ms, p95 {p95:.1f} ms, sql {sql:.1f} ms, "
        f"{ratio:.2f}x the baseline"
    )


async def measure_throughput(target: Target, seconds: float) -> None:
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        signer = Client(session, target.port)
        await signer.sign_in(target.vault["username"])
        await signer.get(f"/today/?vault={target.vault['vault_id']}")
        paths = [path for path, _ in page_paths(target.vault)["person"]]
        ok = 0
        failed = 0

        async def worker(number: int, until: float, counting: bool) -> None:
            nonlocal ok, failed
            client = Client(session, target.port)
            client.cookies = dict(signer.cookies)
            turn = number
            while time.perf_counter() < until:
                try:
                    status, *_ = await client.get(paths[turn % len(paths)])
                except (TimeoutError, aiohttp.ClientError):
                    status = 0
                turn += 1
                if not counting:
                    continue
                if status == 200:
                    ok += 1
                else:
                    failed += 1

        warm_until = time.perf_counter() + min(2.0, seconds / 4)
        await asyncio.gather(*(worker(n, warm_until, False) for n in range(CONCURRENCY)))
        started = time.perf_counter()
        until = started + seconds
        await asyncio.gather(*(worker(n, until, True) for n in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    target.figures["person_rps"] = round(ok / elapsed, 1)
    target.figures["throughput_failed"] = failed
    target.errors += failed
    say(
        f"{target.db}: person page at {CONCURRENCY} connections: "
        f"{ok / elapsed:.1f} req/s, {failed} errors"
    )


# The run -------------------------------------------------------------------------------------


def run_target(target: Target, arguments: argparse.Namespace) -> None:
    start_server(target, arguments.workers)
    try:
        asyncio.run(measure_pages(target, arguments.repeat, arguments.warm_up, arguments.budget))
        asyncio.run(measure_throughput(target, arguments.seconds))
    finally:
        stop_server(target)


def print_table(targets: list[Target], people: int, commit: str) -> None:
    print(f"\nPages at scale: {people:,} people, commit {commit}, {os.cpu_count()} cores")
    print(
        f"{'db':<9}{'page':<16}{'median ms':>10}{'p95 ms':>9}{'sql ms':>8}{'app ms':>8}"
        f"{'ratio':>7}{'n':>4}  request"
    )
    for target in targets:
        for page, path, median, p95, sql, app, ratio, samples in target.rows:
            flag = "" if p95 <= TARGET_P95_MS else "  > 50 ms"
            print(
                f"{target.db:<9}{page:<16}{median:>10.1f}{p95:>9.1f}{sql:>8.1f}{app:>8.1f}"
                f"{ratio:>7.2f}{samples:>4}  {path}{flag}"
            )
        if target.baseline_ms:
            print(
                f"{target.db:<9}{'baseline':<16}{statistics.median(target.baseline_ms):>10.1f}"
                f"{percentile(target.baseline_ms, 0.95):>9.1f}{'':>16}{1:>7.2f}"
                f"{len(target.baseline_ms):>4}  {BASELINE_PATH}"
            )
        rps = target.figures.get("person_rps", 0.0)
        print(
            f"{target.db:<9}person page, {CONCURRENCY} connections: {rps:.1f} req/s, "
            f"{target.errors} errors (the load generator shares the machine's cores)"
        )
    print("(median/p95: client time on loopback; sql/app: the server's Server-Timing, medians;")
    print(" built: a hard reload, the page rendered afresh (the report's and Today's figures")
    print(" and the list's letter counts stay kept: after a write those are computed again")
    print(" too); else the page as kept;")
    print(" ratio: the median over that of the baseline requests interleaved with the page's)")


def summarise(targets: list[Target], people: int, commit: str) -> dict[str, Any]:
    figures: dict[str, Any] = {"people": people, "commit": commit}
    for target in targets:
        for page in PAGES:
            for measure in ("p95_ms", "median_ms", "sql_ms", "ratio"):
                figures[f"{target.db}_{page}_{measure}"] = target.figures.get(f"{page}_{measure}")
                figures[f"{target.db}_{page}_built_{measure}"] = target.figures.get(
                    f"{page}_built_{measure}"
                )
        figures[f"{target.db}_baseline_median_ms"] = (
            round(statistics.median(target.baseline_ms), 1) if target.baseline_ms else None
        )
        figures[f"{target.db}_person_rps"] = target.figures.get("person_rps")
        figures[f"{target.db}_errors"] = target.errors
        figures[f"{target.db}_targets_met"] = (
            all(target.figures.get(f"{page}_p95_ms", 1e9) <= TARGET_P95_MS for page in PAGES)
            and target.figures.get("person_rps", 0.0) >= TARGET_RPS
            and target.errors == 0
        )
        if "generate_s" in target.figures:
            figures[f"{target.db}_generate_s"] = target.figures["generate_s"]
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--people", type=int, default=int(os.environ.get("BENCH_PAGES_PEOPLE", "50000"))
    )
    parser.add_argument("--seed", type=int, default=pages_generate.DEFAULT_SEED)
    parser.add_argument("--databases", default=",".join(DATABASES))
    parser.add_argument("--repeat", type=int, default=40, help="measured requests per page")
    parser.add_argument("--warm-up", type=int, default=5, help="unmeasured requests per page")
    parser.add_argument(
        "--budget", type=float, default=30.0, help="seconds per page, then at least 10 samples"
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="throughput run length")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: the server's)")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "aandacht-bench-pages"
    )
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: a temp dir)")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_PAGES_POSTGRES", POSTGRES_URL))
    arguments = parser.parse_args(argv)
    databases = [name.strip() for name in arguments.databases.split(",") if name.strip()]
    unknown = set(databases) - set(DATABASES)
    if unknown:
        parser.error(f"unknown databases: {', '.join(sorted(unknown))}")
    work = arguments.keep or Path(tempfile.mkdtemp(prefix="aandacht-bench-pages-"))
    work.mkdir(parents=True, exist_ok=True)
    commit = git_commit()
    say(f"pages benchmark: {arguments.people:,} people, commit {commit}, work in {work}")
    targets: list[Target] = []
    try:
        for db in databases:
            place = work / db
            if place.exists():
                shutil.rmtree(place)
            place.mkdir(parents=True)
            if db == "sqlite":
                target = Target(db, place, environment(place / "data", None))
                prepare_sqlite(
                    target,
                    arguments.people,
                    arguments.seed,
                    None if arguments.no_cache else arguments.cache,
                )
            else:
                missing = postgres_available(arguments.postgres)
                if missing is not None:
                    say(f"PostgreSQL is not reachable ({missing}): measuring SQLite only")
                    continue
                recreate_postgres(arguments.postgres, POSTGRES_NAME)
                url = arguments.postgres.rstrip("/") + "/" + POSTGRES_NAME
                target = Target(db, place, environment(place / "data", url))
                target.data_dir.mkdir(parents=True)
                generate(target, arguments.people, arguments.seed)
            targets.append(target)
            try:
                run_target(target, arguments)
            finally:
                if db == "postgres":
                    recreate_postgres(arguments.postgres, POSTGRES_NAME, drop_only=True)
    finally:
        for target in targets:
            stop_server(target)
        if arguments.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print_table(targets, arguments.people, commit)
    figures = summarise(targets, arguments.people, commit)
    print(json.dumps(figures))
    return 1 if any(target.page_failures for target in targets) else 0


if __name__ == "__main__":
    # A plain SIGTERM would skip the finally blocks and leave the servers running.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    sys.exit(main())
