"""A writing console command on a read-only database (or a full disk) says so in one line and
exits 1: no traceback (aandacht.cli.main, recognising the error as web/faults.py does).

The read-only database is a real one: the SQLite file is made read-only (chmod 0444; as root
the commands run as ``nobody``, since root may write anyway), as in test_resilience_read_only.
The command always runs on its own SQLite file, on either leg of the suite.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import OperationalError
from resil_server import AANDACHT, NOBODY, aandacht_env, as_user_command, reachable_temp_dir

from aandacht import cli


@pytest.fixture
def data_dir() -> Iterator[Path]:
    with reachable_temp_dir("aandacht-cli-ro-") as path:
        yield path


def run(
    env: dict[str, str], *args: str, as_user: int | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own console script
        [*as_user_command(as_user), AANDACHT, *args],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_writing_commands_on_a_read_only_database_say_so_in_one_line(data_dir: Path) -> None:
    database = data_dir / "aandacht.sqlite3"
    env = aandacht_env(data_dir, f"sqlite:///{database}", AANDACHT_LANGUAGE="en", COLUMNS="300")
    seeded = run(env, "add", "Ann Smith")
    assert seeded.returncode == 0, seeded.stderr[-3000:]

    as_user = NOBODY if os.geteuid() == 0 else None
    if as_user is not None:
        reachable = subprocess.run(  # noqa: S603
            [*as_user_command(as_user), sys.executable, "-c", "import aandacht"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert reachable.returncode == 0, (
            "user nobody cannot run this checkout's Python (make the path to the checkout "
            f"readable by others, e.g. chmod o+rx):\n{reachable.stderr[-2000:]}"
        )
        subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(data_dir)], check=True)  # noqa: S603, S607
    for path in data_dir.glob("aandacht.sqlite3*"):
        path.chmod(0o444)

    expected = (
        f"Nothing was saved: the database {database} is read-only. Make it (and its folder) "
        "writable for this user, or point DATABASE_URL at a writable database, and try again."
    )
    for args in (["add", "Ben Jones"], ["note", "Ann Smith", "Not stored", "--json"]):
        done = run(env, *args, as_user=as_user)
        assert done.returncode == 1, (args, done.stderr[-3000:])
        assert "Traceback" not in done.stderr and "╭" not in done.stderr, done.stderr[-3000:]
        assert done.stderr.strip() == expected, done.stderr[-3000:]
        assert done.stdout == ""

    found = run(env, "find", "Ann", "--json", as_user=as_user)  # reading still works
    assert found.returncode == 0, found.stderr[-3000:]
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        assert connection.execute("SELECT count(*) FROM people_person").fetchone() == (1,)
        assert connection.execute("SELECT count(*) FROM timeline_note").fetchone() == (0,)


def full_disk_error(tmp_path: Path) -> OperationalError:
    """SQLite's own SQLITE_FULL, wrapped as Django wraps it (``raise … from``)."""
    with sqlite3.connect(tmp_path / "small.sqlite3") as small:
        small.execute("CREATE TABLE t (x TEXT)")
        small.commit()
        small.execute(f"PRAGMA max_page_count = {small.execute('PRAGMA page_count').fetchone()[0]}")
        try:
            small.execute("INSERT INTO t VALUES (?)", ["x" * 100_000])
        except sqlite3.OperationalError as driver:
            try:
                raise OperationalError(str(driver)) from driver
            except OperationalError as wrapped:
                return wrapped
    raise AssertionError("the insert fitted")


def test_a_full_disk_is_one_line_naming_the_database_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    error = full_disk_error(tmp_path)

    def app() -> None:
        raise error

    monkeypatch.setattr(cli, "app", app)
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == cli.EXIT_FAILED
    said = capsys.readouterr()
    assert said.out == ""
    assert said.err.strip() == (
        f"Nothing was saved: the disk that holds the database {cli.database_description()} is "
        "full. Free some space on it and try again."
    )


def test_a_file_the_disk_has_no_room_for_is_named(tmp_path: Path) -> None:
    error = OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "people.vcf"))
    assert cli.storage_fault_message(error) == (
        f"Nothing was saved: the disk that holds “{tmp_path / 'people.vcf'}” is full. Free some "
        "space on it and try again."
    )


def test_a_nameless_file_on_a_full_disk_does_not_blame_the_database() -> None:
    """A write to an already open file (a redirected output) has no file name: the message
    must not send the administrator to the database's disk."""
    assert cli.storage_fault_message(OSError(errno.ENOSPC, "No space left on device")) == (
        "A file could not be written: the disk is full. Free some space and try again."
    )
    assert cli.storage_fault_message(OSError(errno.EROFS, "Read-only file system")) == (
        "A file could not be written: the file system is read-only."
    )


def test_other_errors_keep_their_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def app() -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "app", app)
    with pytest.raises(RuntimeError, match="a bug"):
        cli.main()
    assert cli.storage_fault_message(OperationalError("no such table: x")) is None


def test_the_database_is_named_without_a_password() -> None:
    described = cli.database_description()
    assert described
    if described.startswith("postgres://"):
        from django.conf import settings

        password = settings.DATABASES["default"].get("PASSWORD")
        assert not password or password not in described
