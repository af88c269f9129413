"""Running the real ``aandacht`` entry point in a subprocess, for the CLI tests.

A module of its own (not ``conftest``) so test modules can import it unambiguously.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Variables that would point a command elsewhere than its temporary data directory.
SCRUBBED = ("DATABASE_URL", "AANDACHT_VAULT", "AANDACHT_DATA_DIR", "AANDACHT_SECRET_KEY")


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def command_env(data_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    env.update(
        AANDACHT_DATA_DIR=str(data_dir),
        AANDACHT_LANGUAGE="en",
        PYTHONIOENCODING="utf-8",
        COLUMNS="200",  # Rich wraps at this width when stdout is not a terminal
    )
    env.update(extra or {})
    return env


class Aandacht:
    """``aandacht(*args)`` runs ``python -m aandacht.cli *args`` in one data directory."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Result:
        completed = subprocess.run(
            [sys.executable, "-m", "aandacht.cli", *args],
            env=command_env(self.data_dir, env),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )
        return Result(completed.returncode, completed.stdout, completed.stderr)
