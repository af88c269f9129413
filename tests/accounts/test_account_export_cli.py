"""``aandacht user export NAME -o FILE``, run as a real command in a subprocess.

The command module is imported explicitly (``python -c``), so this test also holds while
cli.py does not import it yet.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

RUN = "import aandacht.cli_account; from aandacht.cli import main; main()"
SCRUBBED = ("DATABASE_URL", "AANDACHT_VAULT", "AANDACHT_DATA_DIR", "AANDACHT_SECRET_KEY")


def run(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    env.update(AANDACHT_DATA_DIR=str(data_dir), AANDACHT_LANGUAGE="en", COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-c", RUN, *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("export-cli") / "data"
    added = run(
        data, "user", "add", "bob", "--email", "bob@example.org", "--password-stdin",
        stdin="a long enough passphrase 42\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    return data


def test_export_writes_the_users_zip(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "bob.zip"

    result = run(data_dir, "user", "export", "bob", "-o", str(target), "--json")

    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["user"] == "bob"
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        account = json.loads(archive.read("account.json"))
    assert names == summary["files"]
    assert account["user"]["username"] == "bob"
    assert len(account["memberships"]) == 1
    assert names[1] == account["memberships"][0]["file"]
    assert not list(tmp_path.glob(".*.part"))


def test_an_unknown_user_fails_and_writes_nothing(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "nobody.zip"

    result = run(data_dir, "user", "export", "nobody", "-o", str(target))

    assert result.returncode == 1
    assert "No user is called nobody." in result.stderr
    assert not target.exists()


def test_a_missing_folder_is_refused(data_dir: Path, tmp_path: Path) -> None:
    result = run(data_dir, "user", "export", "bob", "-o", str(tmp_path / "nope" / "bob.zip"))

    assert result.returncode == 1
    assert "does not exist" in result.stderr


def test_a_folder_as_output_is_refused(data_dir: Path, tmp_path: Path) -> None:
    result = run(data_dir, "user", "export", "bob", "-o", str(tmp_path))

    assert result.returncode == 1
    assert "is a folder" in result.stderr
