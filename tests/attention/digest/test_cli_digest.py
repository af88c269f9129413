"""`aandacht digest` and `aandacht serve`'s scheduler, run as real processes (tests/cli's
harness) against the SMTP server running in this test process."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import signal
import subprocess
import sys
import time
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest

from mail_server import Inbox

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "cli"))
from cli_harness import Aandacht, Result, command_env  # noqa: E402

SEED_SCRIPT = Path(__file__).with_name("digest_seed.py")
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")  # the instance's default time zone


def local_today() -> dt.date:
    return dt.datetime.now(AMSTERDAM).date()


@pytest.fixture(scope="session")
def seeded_digest(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    data_dir = tmp_path_factory.mktemp("digest-seeded") / "data"
    completed = subprocess.run(
        [sys.executable, str(SEED_SCRIPT)],
        env=command_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return data_dir, json.loads(completed.stdout)


class Mailing(Aandacht):
    """The command on a private copy of the seeded data, mailing to the test's SMTP server."""

    def __init__(self, data_dir: Path, inbox: Inbox) -> None:
        super().__init__(data_dir)
        self.inbox = inbox
        self.env = {
            "EMAIL_URL": f"smtp://{inbox.host}:{inbox.port}",
            "AANDACHT_BASE_URL": "https://crm.example.org",
            "AANDACHT_FROM_EMAIL": "aandacht@crm.example.org",
        }

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Result:
        return super().__call__(*args, env={**self.env, **(env or {})})

    def popen(self, *args: str, **extra: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "aandacht.cli", *args],
            env=command_env(self.data_dir, {**self.env, **extra}),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )


@pytest.fixture
def mailing(
    seeded_digest: tuple[Path, dict[str, int]], tmp_path: Path, smtp_server: Inbox
) -> Mailing:
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_digest[0], data_dir)
    return Mailing(data_dir, smtp_server)


@pytest.fixture
def ids(seeded_digest: tuple[Path, dict[str, int]]) -> dict[str, int]:
    return seeded_digest[1]


def test_dry_run_prints_the_digest_and_sends_nothing(mailing: Mailing) -> None:
    result = mailing("digest", "--dry-run")
    assert result.code == 0, result.stderr
    assert "To: owner@example.org" in result.stdout
    assert "Subject: Today: 1 overdue promise" in result.stdout
    assert "Denise van Iersel: you promised: Send her the slides" in result.stdout
    assert "https://crm.example.org/today/?date=" in result.stdout
    assert "1 digest is due; nothing was sent." in result.stderr
    assert mailing.inbox.messages == []
    # Nothing was claimed: the real run still sends it.
    sent = mailing("digest")
    assert sent.code == 0, sent.stderr
    assert "Sent 1 digest." in sent.stderr
    assert len(mailing.inbox.messages) == 1


def test_digest_sends_once_and_json_says_what_happened(
    mailing: Mailing, ids: dict[str, int]
) -> None:
    first = mailing("digest", "--json")
    assert first.code == 0, first.stderr
    [result] = first.json()
    assert result["status"] == "sent"
    assert result["period"] == local_today().isoformat()
    assert result["item_count"] == 1
    assert result["user"] == {"id": ids["owner"], "username": "owner", "email": "owner@example.org"}
    assert result["subject"] == "Today: 1 overdue promise"
    assert [m["Subject"] for m in mailing.inbox.messages] == ["Today: 1 overdue promise"]
    body = mailing.inbox.messages[0].get_body(("plain",))
    assert body is not None
    assert f"focus=follow-up-{ids['promise']}&vault={ids['vault']}" in str(body.get_content())

    again = mailing("digest", "--json")
    assert again.code == 0, again.stderr
    assert again.json() == []
    assert "No digest is due." in again.stderr
    assert len(mailing.inbox.messages) == 1


def test_now_chooses_the_moment_and_must_be_iso(mailing: Mailing) -> None:
    tomorrow = local_today() + dt.timedelta(days=1)
    result = mailing("digest", "--dry-run", "--json", "--now", f"{tomorrow}T08:00")
    assert result.code == 0, result.stderr
    [planned] = result.json()
    assert (planned["status"], planned["period"]) == ("dry_run", tomorrow.isoformat())
    assert "Send her the slides" in planned["text"]

    wrong = mailing("digest", "--now", "tomorrow morning")
    assert wrong.code == 3
    assert "“tomorrow morning” is not a moment" in wrong.stderr
    assert mailing.inbox.messages == []


def test_a_refusing_mail_server_exits_1_and_the_next_run_sends(mailing: Mailing) -> None:
    mailing.inbox.refuse = True
    failed = mailing("digest", "--json")
    assert failed.code == 1
    assert [r["status"] for r in failed.json()] == ["failed"]
    assert "was not sent" in failed.stderr and "the next run tries again" in failed.stderr

    mailing.inbox.refuse = False
    retried = mailing("digest")
    assert retried.code == 0, retried.stderr
    assert len(mailing.inbox.messages) == 1


def test_two_processes_at_once_send_one_email(mailing: Mailing) -> None:
    racers = [mailing.popen("digest", "--json") for _ in range(3)]
    outputs = [racer.communicate(timeout=120) for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0, 0], [err for _out, err in outputs]
    statuses = [r["status"] for stdout, _err in outputs for r in json.loads(stdout)]
    assert statuses.count("sent") == 1
    assert set(statuses) <= {"sent", "taken"}
    assert len(mailing.inbox.messages) == 1


def wait_until_serving(server: subprocess.Popen[str]) -> None:
    assert server.stderr is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = server.stderr.readline()
        if not line:
            break
        if "running at http://" in line:
            return
    raise AssertionError("the server did not start")


@pytest.fixture
def serve(mailing: Mailing) -> Iterator[list[subprocess.Popen[str]]]:
    """Servers started by the test; killed if the test leaves one running."""
    servers: list[subprocess.Popen[str]] = []
    yield servers
    for server in servers:
        if server.poll() is None:
            server.kill()
            server.wait()


def stop(server: subprocess.Popen[str]) -> str:
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=40) == 0
    assert server.stderr is not None
    return server.stderr.read()


def test_serve_sends_the_due_digest_in_the_background(
    mailing: Mailing, serve: list[subprocess.Popen[str]]
) -> None:
    serve.extend(mailing.popen("serve", "--port", "0") for _ in range(2))
    for server in serve:
        wait_until_serving(server)
    deadline = time.monotonic() + 60
    while not mailing.inbox.messages and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # room for a (wrong) second email
    assert [m["Subject"] for m in mailing.inbox.messages] == ["Today: 1 overdue promise"]
    for server in serve:
        assert "Stopped" in stop(server)


def test_serve_with_the_scheduler_off_leaves_digests_to_the_command(
    mailing: Mailing, serve: list[subprocess.Popen[str]]
) -> None:
    server = mailing.popen("serve", "--port", "0", AANDACHT_SCHEDULER="off")
    serve.append(server)
    wait_until_serving(server)
    time.sleep(3)
    assert mailing.inbox.messages == []
    assert "Stopped" in stop(server)
    assert mailing("digest").code == 0
    assert len(mailing.inbox.messages) == 1
