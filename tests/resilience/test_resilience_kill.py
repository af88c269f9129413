"""``kill -9`` in the middle of a big import: the database stays consistent, what was stored
before is untouched, the import left nothing half-written (it is one transaction), and
running it again simply works: exactly the file's people, once each.

Runs on this leg's kind of database (SQLite, or PostgreSQL on scripts/run-tests' second leg),
a fresh one of its own.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from resil_server import AANDACHT, aandacht_env, run_python, scratch_database

REPOSITORY = Path(__file__).resolve().parents[2]
CARDS = 20_000  # some 15 s of import CPU time: ample room to kill it in the middle
BUSY_CPU_SECONDS = 4.0  # the import's CPU time (both its processes) before it is killed

SEED = """
from aandacht import bootstrap
owner = bootstrap.ensure_ready()
from aandacht.accounts.services import default_vault
from aandacht.people.services import create_person
from aandacht.timeline.services import add_note, log_interaction
vault = default_vault(owner)
for n in range(40):
    person = create_person(vault, f"Before{n} de Vries")
    add_note(vault, person, f"Stored before the import, number {n}", author=owner)
    log_interaction(vault, [person], "call", summary=f"Call {n}")
print("seeded")
"""

SNAPSHOT = """
import json
from aandacht import bootstrap
bootstrap.setup_django()
from aandacht.people.models import Person
from aandacht.timeline.models import Interaction, Note
print(json.dumps({
    "people": sorted(
        [p.pk, p.given_name, p.particles, p.family_name] for p in Person.objects.all()
    ),
    "notes": sorted([n.pk, n.person_id, n.body] for n in Note.objects.all()),
    "interactions": sorted([i.pk, i.kind, i.summary] for i in Interaction.objects.all()),
}))
"""


def cpu_seconds(group: int) -> float:
    """User + system CPU time of the running processes of a process group (the import
    reads the file in a second process), from /proc."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[2]) == group:  # field 5 of stat, the process group
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def snapshot(env: dict[str, str]) -> dict[str, list[list[object]]]:
    return json.loads(run_python(env, SNAPSHOT).strip().splitlines()[-1])  # type: ignore[no-any-return]


def import_command(cards: Path) -> list[str]:
    return [AANDACHT, "import", str(cards), "--json"]


def test_kill_9_during_an_import_leaves_everything_consistent(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    cards = tmp_path / "cards.vcf"
    subprocess.run(  # noqa: S603
        [sys.executable, str(REPOSITORY / "bench" / "import_generate.py"), str(cards)]
        + ["--cards", str(CARDS)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    with scratch_database(data_dir, "kill") as database_url:
        env = aandacht_env(data_dir, database_url)
        assert "seeded" in run_python(env, SEED)
        before = snapshot(env)

        importer = subprocess.Popen(  # noqa: S603
            import_command(cards),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 240
            while cpu_seconds(importer.pid) < BUSY_CPU_SECONDS:
                assert importer.poll() is None, "the import ended before it could be killed"
                assert time.monotonic() < deadline
                time.sleep(0.05)
            assert importer.poll() is None  # still busy: killed in the middle
        finally:
            os.killpg(importer.pid, signal.SIGKILL)
            importer.wait(timeout=30)
        assert importer.returncode == -signal.SIGKILL

        if database_url.startswith("sqlite"):
            path = database_url.removeprefix("sqlite:///")
            with sqlite3.connect(path) as connection:
                assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        # Everything stored before is intact, and none of the import's people are there.
        assert snapshot(env) == before

        again = subprocess.run(  # noqa: S603
            import_command(cards), env=env, capture_output=True, text=True, timeout=600
        )
        assert again.returncode == 0, again.stderr[-3000:]
        report = json.loads(again.stdout)
        assert report["created"] == CARDS, {k: v for k, v in report.items() if "people" not in k}
        after = snapshot(env)

    old = {tuple(row) for row in before["people"]}
    assert old <= {tuple(row) for row in after["people"]}
    assert len(after["people"]) == len(before["people"]) + CARDS
    names = [tuple(row[1:]) for row in after["people"]]
    assert len(names) == len(set(names))  # every card is a different person: no duplicates
    assert {tuple(n) for n in before["notes"]} <= {tuple(n) for n in after["notes"]}
    assert {tuple(i) for i in before["interactions"]} <= {tuple(i) for i in after["interactions"]}
