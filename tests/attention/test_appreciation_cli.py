"""`aandacht today` shows the appreciation nudge, through the real entry point (a fresh data
directory, like tests/cli does it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRUBBED = ("DATABASE_URL", "AANDACHT_VAULT", "AANDACHT_DATA_DIR", "AANDACHT_SECRET_KEY")


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    env.update(
        AANDACHT_DATA_DIR=str(data_dir),
        AANDACHT_LANGUAGE="en",
        PYTHONIOENCODING="utf-8",
        COLUMNS="200",
    )
    return subprocess.run(
        [sys.executable, "-m", "aandacht.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Anna (a client, two strengths, one grateful moment) and Bas (nothing recorded)."""
    data = tmp_path_factory.mktemp("appreciation") / "data"
    steps = [
        ("add", "Anna Smit", "--tag", "clients", "--org", "Smit Advies"),
        ("add", "Bas de Vries"),
        (
            "moment",
            "Anna Smit",
            "Anna asks the question nobody dares to ask.",
            "--kind",
            "strength",
        ),
        ("moment", "Anna Smit", "Anna keeps her promises.", "--kind", "strength"),
        ("moment", "Anna Smit", "Anna recommended me to a colleague.", "--kind", "grateful"),
        ("moment", "Bas de Vries", "A walk on the beach.", "--kind", "shared"),
    ]
    for step in steps:
        done = run(data, *step)
        assert done.returncode == 0, done.stderr
    return data


def test_today_json_has_the_appreciation_item(data_dir: Path) -> None:
    result = run(data_dir, "today", "--json")

    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    (item,) = [i for i in items if i["kind"] == "appreciation"]
    assert item["name"] == "Anna Smit"
    assert isinstance(item["person_id"], int)
    assert item["strengths"] == [
        "Anna keeps her promises.",
        "Anna asks the question nobody dares to ask.",
    ]
    assert item["grateful"] == ["Anna recommended me to a colleague."]
    assert item["handled"] is None
    assert item["key"].startswith("appreciation-")
    assert "tagged clients" in item["reason"]
    # The same nudge on every call of the day.
    again = json.loads(run(data_dir, "today", "--json").stdout)
    assert [i for i in again if i["kind"] == "appreciation"] == [item]


def test_plain_today_shows_it_with_the_strengths(data_dir: Path) -> None:
    result = run(data_dir, "today")

    assert result.returncode == 0, result.stderr
    assert "Anna Smit" in result.stdout
    assert "say what you value" in result.stdout
    assert "Anna keeps her promises." in result.stdout


def test_another_day_has_no_nudge(data_dir: Path) -> None:
    result = run(data_dir, "today", "--date", "2020-01-02", "--json")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
