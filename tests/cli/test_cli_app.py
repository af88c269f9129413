"""The global options, `manage`, `serve`, `demo` and the exit-code contract."""

from __future__ import annotations

import http.client
import importlib.util
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_harness import Aandacht, command_env


def test_vault_option_and_environment_variable_choose_the_vault(
    network: Aandacht, ids: dict[str, int]
) -> None:
    assert network("find", "Wim", "--json").json() == []  # not in the default vault
    chosen = network("--vault", "work", "find", "Wim", "--json")
    assert chosen.code == 0, chosen.stderr
    assert [hit["id"] for hit in chosen.json()] == [ids["wim"]]
    from_env = network("find", "Wim", "--json", env={"AANDACHT_VAULT": "WORK"})
    assert [hit["id"] for hit in from_env.json()] == [ids["wim"]]


def test_an_unknown_vault_exits_1_listing_the_vaults(network: Aandacht) -> None:
    result = network("--vault", "Holiday", "add", "Someone New")
    assert result.code == 1
    assert "Holiday" in result.stderr
    assert "Personal" in result.stderr and "Work" in result.stderr
    assert network("--vault", "Holiday", "find", "Someone", "--json").code == 1


def test_manage_passes_arguments_to_django(aandacht: Aandacht) -> None:
    check = aandacht("manage", "check", "--fail-level", "ERROR")
    assert check.code == 0, check.stderr
    assert "System check identified" in check.stdout + check.stderr
    unknown = aandacht("manage", "no-such-command")
    assert unknown.code == 1
    assert "no-such-command" in unknown.stderr


def test_usage_errors_exit_2(aandacht: Aandacht) -> None:
    result = aandacht("log", "Jeroen")  # --kind is required
    assert result.code == 2
    assert "--kind" in result.stderr
    assert result.stdout == ""


def test_version_through_the_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("aandacht")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "aandacht.cli"]
    result = subprocess.run(
        [*command, "--version"],
        env=command_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("aandacht ")


def test_serve_answers_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "aandacht.cli", "serve", "--port", "0"],
        env=command_env(tmp_path / "data"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        deadline = time.monotonic() + 60
        url = ""
        while not url and time.monotonic() < deadline:
            line = server.stderr.readline()
            if not line:
                break
            if "running at http://" in line:
                url = line.split("http://", 1)[1].strip().rstrip("/")
        assert url, "the server did not print its address"
        host, port = url.rsplit(":", 1)
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("GET", "/static/admin/css/base.css")  # WhiteNoise, from the apps
        assert connection.getresponse().status == 200
        connection.close()
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0
        assert "Stopped" in server.stderr.read()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


@pytest.mark.skipif(
    importlib.util.find_spec("aandacht.demo") is None, reason="the demo module is not there yet"
)
def test_demo_loads_once_into_its_own_vault(aandacht: Aandacht) -> None:
    first = aandacht("demo", "--json")
    assert first.code == 0, first.stderr
    summary = first.json()
    assert summary["created"] is True
    assert summary["people"] > 50
    assert isinstance(summary["vault"]["id"], int)

    again = aandacht("demo", "--json")
    assert again.code == 0, again.stderr
    assert again.json() == {**summary, "created": False}  # idempotent: nothing duplicated

    assert aandacht("find", "a", "--json").json() == []  # the default vault stays empty
    in_demo = aandacht("--vault", summary["vault"]["name"], "find", "an", "--json")
    assert in_demo.code == 0 and in_demo.json()
