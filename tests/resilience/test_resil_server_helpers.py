"""The helpers the resilience tests start and stop their servers with: they must never test
another server quietly, and never leave one of its processes behind."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from resil_server import announced_port, stop

# Forks a child into its own process group and exits: the child outlives it.
ORPHANING = """
import os, time
if os.fork() == 0:
    time.sleep(300)
    os._exit(0)
"""


def alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting for a parent that does not reap)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(["sleep", "60"], start_new_session=True)  # noqa: S607
    try:
        yield process
    finally:
        stop(process)


def test_stop_kills_a_worker_that_outlived_its_arbiter() -> None:
    leader = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", ORPHANING], start_new_session=True
    )
    leader.wait(timeout=30)
    members = [
        int(pid.name)
        for pid in Path("/proc").iterdir()
        if pid.name.isdigit() and _group_of(int(pid.name)) == leader.pid
    ]
    assert members and all(alive(pid) for pid in members)  # the leader is gone, the child not

    stop(leader)

    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in members) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in members)


def _group_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[2])
    except (OSError, IndexError, ValueError):
        return None


def test_the_port_is_the_one_the_production_server_announced(
    tmp_path: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    log = tmp_path / "server.log"
    log.write_text(
        "Aandacht is running at http://127.0.0.1:43125/\n"
        "Production mode: people use https://crm.example.org, through a reverse proxy.\n"
        "Press Ctrl-C to stop.\n"
    )

    assert announced_port(sleeper, log, timeout=5) == 43125


def test_a_server_that_is_not_in_production_mode_fails_the_test(
    tmp_path: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    log = tmp_path / "server.log"
    log.write_text("Aandacht is running at http://127.0.0.1:43125/\nPress Ctrl-C to stop.\n")

    with pytest.raises(AssertionError, match="not the production server"):
        announced_port(sleeper, log, timeout=5)


def test_a_server_that_says_nothing_fails_within_the_timeout(
    tmp_path: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    log = tmp_path / "server.log"
    log.write_text("")

    with pytest.raises(AssertionError, match="no server after"):
        announced_port(sleeper, log, timeout=0.5)
