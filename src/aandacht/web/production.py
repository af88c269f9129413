"""``aandacht serve --production``: gunicorn with pre-forked worker processes.

One arbiter process prepares everything once (migrations, the collected and compressed static
files, the cache table, a loaded Django), closes its database connections and forks
``--workers`` processes, each serving ``--threads`` requests at a time (gunicorn's ``gthread``
worker: a long request, such as a big import, does not count against the worker timeout).
Every worker starts the background scheduler; the database lease in
:mod:`aandacht.attention.background` lets exactly one of them (across all app servers on the
database) run the jobs, and a worker that stops gives the lease up for another to take.

Talking to it from a local script (the benchmarks, a load test) over plain http
------------------------------------------------------------------------------
Production mode redirects every plain-http request to https, unless the request says it came
through the https reverse proxy. On 127.0.0.1 a script plays that proxy itself::

    AANDACHT_BASE_URL=https://crm.example.org AANDACHT_TRUSTED_PROXIES=1 \\
        aandacht serve --production --port 8000 --workers 5

and sends ``X-Forwarded-Proto: https`` (and, with ``AANDACHT_TRUSTED_PROXIES=1``, an
``X-Forwarded-For: 127.0.0.1``, so sign-in lock-outs count per client) with every request,
to ``http://127.0.0.1:8000/``, with ``Host: 127.0.0.1`` (always allowed) or the base URL's
host. The cookies it gets back are marked ``Secure``; a script's cookie jar must send them
anyway (``aiohttp.CookieJar(unsafe=True, treat_as_secure_origin="http://127.0.0.1:8000")``:
``unsafe`` for an IP address, the origin so Secure cookies go over http; or copy the
``sessionid`` and ``csrftoken`` values into a ``Cookie`` header). Forms also need a
``Referer`` (Django's CSRF check on https): ``https://127.0.0.1:8000/…`` (the Host sent, with
its port) or the base URL; and the ``csrfmiddlewaretoken`` field or an ``X-CSRFToken`` header.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from whitenoise.storage import (  # type: ignore[import-untyped]
    CompressedManifestStaticFilesStorage,
)

from aandacht.web import memory

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# gunicorn ships no type information: its arbiter and worker objects, as the hooks get them.
Arbiter = Any
Worker = Any

logger = logging.getLogger(__name__)

# More processes than this cost memory (a Django process is ~80 MB) without more speed.
MAX_DEFAULT_WORKERS = 8
DEFAULT_THREADS = 4
# A worker whose main loop hangs this long is replaced (requests run in its threads, so a
# slow import does not count); on SIGTERM requests in progress get this long to finish.
WORKER_TIMEOUT_SECONDS = 60
GRACEFUL_TIMEOUT_SECONDS = 20
KEEPALIVE_SECONDS = 5
CACHE_TABLE = "aandacht_cache"
STAMP_NAME = ".aandacht-collected"

Announce = Callable[[list[tuple[str, int]]], None]


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def default_workers(cores: int | None = None) -> int:
    """gunicorn's rule of thumb, 2 × cores + 1, capped: 5 on two cores."""
    return min(2 * (cores or usable_cores()) + 1, MAX_DEFAULT_WORKERS)


def request_body_limit(import_max_bytes: int) -> int:
    """The same limit as plain ``serve`` (waitress): twice the import limit plus 1 MB."""
    return 2 * import_max_bytes + 1024 * 1024


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host`` (``localhost``, 127.0.0.0/8, ``::1``).

    Any other address must be reachable by the reverse proxy alone: gunicorn and Django
    believe its X-Forwarded-Proto (and X-Forwarded-For) headers from whoever connects.
    """
    import ipaddress

    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


@dataclass(frozen=True)
class ServeOptions:
    host: str
    port: int
    workers: int
    threads: int


# --- static files ---------------------------------------------------------------------------


class ProductionStaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    """WhiteNoise's hashed and compressed files (settings.STORAGES in production mode).

    A file not collected yet keeps its plain name instead of failing: every command in
    production mode (``aandacht --production manage check``) loads the URLs, which link
    static files, and only ``serve --production`` collects them.
    """

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:  # not in STATIC_ROOT (yet)
            return name


# --- what the arbiter prepares before it forks ----------------------------------------------


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """One process at a time on this machine (two servers starting from one data directory)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def static_sources_stamp() -> str:
    """A digest of every static file the apps ship (name, size, time) and the version."""
    from django.contrib.staticfiles.finders import get_finders

    import aandacht

    digest = hashlib.sha256(aandacht.__version__.encode())
    entries: list[str] = []
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode())
    return digest.hexdigest()


def collect_static(notify: Callable[[str], None] | None = None) -> bool:
    """Copy the static files into STATIC_ROOT with hashed names and gzip copies, when they
    changed since the last time (a stamp file says so); True when it collected.

    WhiteNoise then serves them compressed and, for the hashed names, cacheable for a year.
    """
    from django.conf import settings
    from django.core.management import call_command

    root = Path(settings.STATIC_ROOT)
    stamp_file = root / STAMP_NAME
    with _file_lock(Path(settings.DATA_DIR) / ".collectstatic.lock"):
        stamp = static_sources_stamp()
        manifest = root / "staticfiles.json"
        if manifest.exists() and stamp_file.exists():
            if stamp_file.read_text(encoding="utf-8").strip() == stamp:
                return False
        if notify is not None:
            from django.utils.translation import gettext as _

            notify(_("Preparing the static files…"))
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp_file.write_text(stamp + "\n", encoding="utf-8")
    return True


def ensure_cache_table() -> None:
    """The shared cache's table (``createcachetable`` is idempotent; two app servers starting
    at once may race, and the loser finds the table there)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import DatabaseError, connection

    backend = str(settings.CACHES["default"]["BACKEND"])
    if not backend.endswith("DatabaseCache"):
        return
    try:
        call_command("createcachetable", verbosity=0)
    except DatabaseError:
        if CACHE_TABLE not in connection.introspection.table_names():
            raise


def warm_up() -> None:
    """Import every view and build the URL patterns once, before forking: each worker starts
    with them in (shared) memory and its first request is no slower than the rest."""
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports the URLconf and every view module
    resolver.reverse_dict  # noqa: B018 - fills the reverse lookup table


def _post_request(worker: Worker, request: object, environ: object, response: object) -> None:
    memory.request_done()  # settles the worker's memory after its first requests


def close_database_connections() -> None:
    """No connection may cross a fork: parent and child would talk over one socket."""
    from django.db import connections

    connections.close_all()


# --- the WSGI side --------------------------------------------------------------------------


CHUNK_READ_BYTES = 64 * 1024
# A chunked body up to this size stays in memory; a bigger one (an import) goes to a temporary
# file, as waitress spools bodies.
SPOOL_IN_MEMORY_BYTES = 1024 * 1024


def _too_large(start_response: StartResponse) -> Iterable[bytes]:
    from django.utils.translation import gettext as _

    body = (_("The request is too large.") + "\n").encode()
    start_response(
        "413 Content Too Large",
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Connection", "close"),
        ],
    )
    return [body]


def _is_chunked(environ: WSGIEnvironment) -> bool:
    return "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower()


def _spool_at_most(stream: Any, limit: int) -> tuple[IO[bytes], int] | None:
    """The whole body in a file positioned at its start, and its length; None when it is
    longer than ``limit`` (then no more than limit + 1 bytes were read)."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)  # noqa: SIM115
    size = 0
    while size <= limit:
        part = stream.read(min(CHUNK_READ_BYTES, limit + 1 - size))
        if not part:
            spool.seek(0)
            return spool, size
        spool.write(part)
        size += len(part)
    spool.close()
    return None


class BodyLimit:
    """Answer 413 to a request whose body is over ``limit`` bytes; give Django a chunked body
    with its length.

    waitress has the limit built in and de-chunks bodies itself; gunicorn does neither.
    Django reads no more than Content-Length, so a body that announces one over the limit is
    refused before it is read. A chunked body (a CardDAV client that streams a PUT) comes
    without Content-Length, and Django would read it as empty: it is read here, up to the
    limit, and handed on as a plain body of known length.
    """

    def __init__(self, application: WSGIApplication, limit: int) -> None:
        self.application = application
        self.limit = limit

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if _is_chunked(environ):
            spooled = _spool_at_most(environ["wsgi.input"], self.limit)
            if spooled is None:
                return _too_large(start_response)
            environ["wsgi.input"], length = spooled
            environ["CONTENT_LENGTH"] = str(length)
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            return self.application(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.limit:
            return _too_large(start_response)
        return self.application(environ, start_response)


# --- gunicorn -------------------------------------------------------------------------------


def forwarded_allow_ips(behind_proxy: bool) -> str:
    """Whose X-Forwarded-Proto gunicorn believes for ``wsgi.url_scheme``.

    Behind a proxy anyone's: the proxy may be on another host, and Django decides itself
    (SECURE_PROXY_SSL_HEADER in production, client_ip with AANDACHT_TRUSTED_PROXIES).
    Otherwise nobody's, as plain ``serve`` (waitress) drops those headers.
    """
    return "*" if behind_proxy else ""


def gunicorn_settings(options: ServeOptions, *, behind_proxy: bool) -> dict[str, Any]:
    host = f"[{options.host}]" if ":" in options.host else options.host
    return {
        "bind": [f"{host}:{options.port}"],
        "workers": options.workers,
        "threads": options.threads,
        "worker_class": "gthread",
        "preload_app": True,
        "timeout": WORKER_TIMEOUT_SECONDS,
        "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS,
        "keepalive": KEEPALIVE_SECONDS,
        "forwarded_allow_ips": forwarded_allow_ips(behind_proxy),
        # Only the header Django's SECURE_PROXY_SSL_HEADER reads; and never SCRIPT_NAME or
        # PATH_INFO from a header (gunicorn's default for trusted peers).
        "secure_scheme_headers": {"X-FORWARDED-PROTO": "https"},
        "forwarder_headers": "",
        "accesslog": None,  # the reverse proxy logs requests
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "aandacht",
        "control_socket_disable": True,  # no socket in $HOME; signals do the same
        "pre_fork": _pre_fork,
        "post_worker_init": _post_worker_init,
        "post_request": _post_request,
        "worker_exit": _worker_exit,
    }


def _pre_fork(arbiter: Arbiter, worker: Worker) -> None:
    close_database_connections()  # also before each replacement worker


def _post_worker_init(worker: Worker) -> None:
    """Each worker runs the scheduler thread; the lease lets one of them do the work."""
    from aandacht.attention import background

    background.start_background()


def _worker_exit(arbiter: Arbiter, worker: Worker) -> None:
    """Give the lease up at once, so another worker (or a replacement) takes over."""
    from aandacht.attention import background

    try:
        background.stop_background()
    except Exception:  # a worker's exit must not fail over the scheduler
        logger.exception("the background scheduler did not stop cleanly")


def _make_application_class() -> type:
    from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

    class ProductionServer(BaseApplication):  # type: ignore[misc]
        """gunicorn embedded in this process: no configuration file, no command line."""

        def __init__(self, application: WSGIApplication, config: dict[str, Any]) -> None:
            self.application = application
            self.config = config
            super().__init__()

        def load_config(self) -> None:
            for key, value in self.config.items():
                self.cfg.set(key, value)

        def load(self) -> WSGIApplication:
            return self.application

    return ProductionServer


def run(options: ServeOptions, announce: Announce, notify: Callable[[str], None]) -> int:
    """Prepare once, then run gunicorn until SIGTERM or Ctrl-C; the exit status.

    Call with Django set up and the database migrated. Returns only in the arbiter: a worker
    process leaves through ``SystemExit`` as gunicorn intends.
    """
    from django.conf import settings

    collect_static(notify)
    ensure_cache_table()
    from aandacht.wsgi import application as django_application

    warm_up()
    application = BodyLimit(django_application, request_body_limit(int(settings.IMPORT_MAX_BYTES)))
    close_database_connections()
    memory.settle()  # the workers inherit it: loaded Django is frozen in each, and shared

    behind_proxy = bool(settings.PRODUCTION or settings.TRUSTED_PROXIES)
    config = gunicorn_settings(options, behind_proxy=behind_proxy)

    def when_ready(arbiter: Arbiter) -> None:
        listening = []
        for listener in arbiter.LISTENERS:
            address = listener.sock.getsockname()
            if isinstance(address, tuple):
                listening.append((str(address[0]), int(address[1])))
        announce(listening)

    config["when_ready"] = when_ready
    server = _make_application_class()(application, config)
    arbiter_pid = os.getpid()
    try:
        server.run()
    except SystemExit as leaving:
        if os.getpid() != arbiter_pid:
            raise  # a worker process ends here
        code = leaving.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0  # pragma: no cover - gunicorn always leaves through SystemExit
