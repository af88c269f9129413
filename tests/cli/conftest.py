"""Run the real ``aandacht`` entry point in a subprocess against a throw-away data directory.

Each test gets its own ``AANDACHT_DATA_DIR`` (so its own SQLite file): the first command in it
also proves that a fresh directory needs no setup step. The ``network`` fixture copies a data
directory seeded once per session by ``seed.py``, to keep the number of slow starts down.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_harness import Aandacht, command_env

SEED_SCRIPT = Path(__file__).with_name("seed.py")


@pytest.fixture
def aandacht(tmp_path: Path) -> Aandacht:
    """The command on a fresh, empty data directory."""
    return Aandacht(tmp_path / "data")


@dataclass(frozen=True)
class Seeded:
    data_dir: Path
    ids: dict[str, int]


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    data_dir = tmp_path_factory.mktemp("seeded") / "data"
    completed = subprocess.run(
        [sys.executable, str(SEED_SCRIPT)],
        env=command_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return Seeded(data_dir, json.loads(completed.stdout))


@pytest.fixture
def network(seeded: Seeded, tmp_path: Path) -> Aandacht:
    """The command on a private copy of the seeded network (see ``seed.py``)."""
    data_dir = tmp_path / "data"
    shutil.copytree(seeded.data_dir, data_dir)
    return Aandacht(data_dir)


@pytest.fixture
def ids(seeded: Seeded) -> dict[str, int]:
    """The seeded people's ids by first name (``jeroen``, ``bakker`` for Jeroen Bakker…)."""
    return seeded.ids
