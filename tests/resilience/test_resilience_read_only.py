"""A database that turns read-only under a running server, and a server started on one.

SQLite: the database file is made read-only (chmod 0444; as root the server runs as
``nobody``, since root may write anyway). PostgreSQL: ``default_transaction_read_only`` on the
database. Reads keep working, every write gets the read-only answer (web/faults.py), nothing is
stored, the server keeps serving, and the log holds no traceback.

Started on a read-only database, the server serves reads and refuses writes the same way.
(When SQLite cannot open the database at all, e.g. a read-only folder without the write-ahead
log's files, ``aandacht serve`` stops at once with "The database cannot be used: …" and exit
code 1: no traceback, no restart loop.)
"""

from __future__ import annotations

import http.client
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from resil_server import (
    NOBODY,
    Server,
    aandacht_env,
    leg_database_url,
    reachable_temp_dir,
    run_python,
    running_server,
    scratch_database,
)

CSRF_SECRET = "resiliencereadonlycsrfsecret0000"

SEED = """
import json
from aandacht import bootstrap
bootstrap.ensure_ready()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from aandacht.accounts.models import Membership, Role, Vault
from aandacht.accounts.tokens import create_token
from aandacht.people.services import create_person
user = User.objects.create_user(username="alice", password="alice-read-only-secret")
vault = Vault.objects.create(name="Alice's people")
Membership.objects.create(vault=vault, user=user, role=Role.OWNER)
person = create_person(vault, "Ann Smith")
store = SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
# No "last seen" time yet: the first request records it (sessions.touch; a time in the
# future would not count as fresh, so it would write on every request). The visits before
# the database turns read-only make it fresh; a later one due again skips the failed write.
store.create()
print(json.dumps({"person": person.pk, "vault": vault.pk, "session": store.session_key,
                  "token": create_token(user, "t", "write", vault=vault).secret}))
"""


@pytest.fixture
def data_dir() -> Iterator[Path]:
    with reachable_temp_dir("aandacht-resil-ro-") as path:
        yield path


def ask(
    server: Server, method: str, path: str, *, seed: dict[str, object], body: str = "", **kw: str
) -> tuple[int, str, dict[str, str]]:
    headers = dict(server.headers)
    if path.startswith("/api/"):
        headers["Authorization"] = f"Bearer {seed['token']}"
        headers["Content-Type"] = "application/json"
    else:
        headers["Cookie"] = f"sessionid={seed['session']}; csrftoken={CSRF_SECRET}"
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers.update(kw)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode(), dict(response.headers)
    finally:
        connection.close()


def stored_counts(database_url: str) -> tuple[int, int]:
    sql = "SELECT (SELECT count(*) FROM people_person), (SELECT count(*) FROM timeline_note)"
    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite:///")
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            row = connection.execute(sql).fetchone()
    else:
        config = dj_database_url.parse(database_url)
        with psycopg.connect(
            dbname=config["NAME"], user=config.get("USER") or None,
            password=config.get("PASSWORD") or None, host=config.get("HOST") or None,
            port=config.get("PORT") or None,
        ) as connection:  # fmt: skip
            row = connection.execute(sql).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def set_read_only(database_url: str, *, on: bool) -> None:
    """PostgreSQL: every new session of this database starts read-only (or not)."""
    config = dj_database_url.parse(leg_database_url())
    with psycopg.connect(
        dbname="postgres", user=config.get("USER") or None,
        password=config.get("PASSWORD") or None, host=config.get("HOST") or None,
        port=config.get("PORT") or None, autocommit=True,
    ) as admin:  # fmt: skip
        name = dj_database_url.parse(database_url)["NAME"]
        admin.execute(
            f'ALTER DATABASE "{name}" SET default_transaction_read_only = {"on" if on else "off"}'
        )


def test_a_database_turned_read_only_keeps_reads_and_refuses_writes_clearly(
    data_dir: Path, tmp_path: Path
) -> None:
    with scratch_database(data_dir, "ro") as database_url:
        on_sqlite = database_url.startswith("sqlite")
        # A connection opened before the change keeps writing (an open file, a PostgreSQL
        # session's settings): one connection per request, so the change shows at once.
        env = aandacht_env(data_dir, database_url, AANDACHT_DB_CONN_MAX_AGE="0")
        seed = json.loads(run_python(env, SEED).strip().splitlines()[-1])
        as_user = NOBODY if on_sqlite and os.geteuid() == 0 else None
        if as_user is not None:
            # root writes read-only files anyway, so the server runs as nobody: the checkout
            # (its .venv) must be readable by others, as a usual clone is (not a 0700 one).
            reachable = subprocess.run(  # noqa: S603
                [
                    "setpriv",
                    f"--reuid={NOBODY}",
                    f"--regid={NOBODY}",
                    "--clear-groups",
                    sys.executable,
                    "-c",
                    "import aandacht",
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            assert reachable.returncode == 0, (
                "user nobody cannot run this checkout's Python (make the path to the "
                f"checkout readable by others, e.g. chmod o+rx):\n{reachable.stderr[-2000:]}"
            )
            subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(data_dir)], check=True)  # noqa: S603, S607
        database_file = Path(database_url.removeprefix("sqlite:///"))
        person = f"/people/{seed['person']}/"
        with running_server(env, tmp_path / "server.log", workers=2, as_user=as_user) as server:
            assert ask(server, "GET", person, seed=seed)[0] == 200
            # Today's first visit stores the user's agenda settings (a write): visited before.
            assert ask(server, "GET", "/today/", seed=seed)[0] == 200
            if on_sqlite:
                database_file.chmod(0o444)
            else:
                set_read_only(database_url, on=True)

            for path in ["/people/", person, "/today/", "/api/people"]:
                assert ask(server, "GET", path, seed=seed)[0] == 200, path
            note = f"csrfmiddlewaretoken={CSRF_SECRET}&body=Not+stored"
            status, page, headers = ask(server, "POST", f"{person}note/", seed=seed, body=note)
            assert status == 503, (headers.get("Location"), page[-2000:])
            assert "The database is read-only" in page and "Nothing was saved" in page
            assert headers["X-Aandacht-Fault"] == "read_only"
            status, fragment, headers = ask(
                server, "POST", f"{person}note/", seed=seed, body=note, **{"HX-Request": "true"}
            )
            assert status == 503 and "<html" not in fragment
            assert headers["HX-Retarget"] == "#main"
            api = json.dumps({"name": "Ben Jones", "vault": seed["vault"]})
            status, answer, _ = ask(server, "POST", "/api/people", seed=seed, body=api)
            assert status == 503
            assert json.loads(answer)["detail"].startswith("The database is read-only")
            assert server.process.poll() is None  # still serving
            assert ask(server, "GET", person, seed=seed)[0] == 200
        log = server.log_text()
        assert "Traceback" not in log, log[-4000:]
        assert stored_counts(database_url) == (1, 0)

        # Started on a read-only database, it serves reads and refuses writes the same way.
        log = tmp_path / "again.log"
        with running_server(env, log, workers=2, as_user=as_user) as server:
            assert ask(server, "GET", person, seed=seed)[0] == 200
            assert ask(server, "POST", "/api/people", seed=seed, body=api)[0] == 503
        assert "Traceback" not in server.log_text()
        assert stored_counts(database_url) == (1, 0)
        if not on_sqlite:
            set_read_only(database_url, on=False)
