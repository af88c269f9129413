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


# --- Private strengths in a shared vault ---------------------------------------------------
# The console acts as the local owner ("Bob" here); Alice, another member of the same vault,
# is set up through the services, since no command acts as someone else.

ALICE_SETUP = """
from django.contrib.auth.models import User
from aandacht.accounts.models import Membership, Role, Vault
from aandacht.people.models import Person
from aandacht.timeline.services import add_moment
vault = Vault.objects.get(name="Personal")
alice = User.objects.create_user("alice")
Membership.objects.create(vault=vault, user=alice, role=Role.EDITOR)
zoe = Person.objects.get(given_name="Zoe")
add_moment(vault, zoe, "SECRET strength", kind="strength", author=alice, private=True)
"""

ALICE_TELLS = """
from django.contrib.auth.models import User
from aandacht.accounts.models import Vault
from aandacht.attention import appreciation
alice = User.objects.get(username="alice")
found = appreciation.suggestion_for(alice, Vault.objects.get(name="Personal"))
assert found is not None and found.person.given_name == "Zoe", found
assert appreciation.tell(alice, found.person, what="")
"""


def shell(data_dir: Path, code: str) -> None:
    done = run(data_dir, "manage", "shell", "-c", code)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    """Zoe, a client with a strength for all to see, one private to Alice and one private to
    the console's owner."""
    data = tmp_path / "data"
    steps = [
        ("add", "Zoe Visser", "--tag", "clients"),
        ("moment", "Zoe Visser", "Zoe explains things twice.", "--kind", "strength"),
        ("moment", "Zoe Visser", "Zoe, my own note.", "--kind", "strength", "--private"),
    ]
    for step in steps:
        done = run(data, *step)
        assert done.returncode == 0, done.stderr
    shell(data, ALICE_SETUP)
    return data


def test_today_json_never_shows_another_members_private_strength(shared: Path) -> None:
    result = run(shared, "today", "--json")

    assert result.returncode == 0, result.stderr
    assert "SECRET" not in result.stdout
    (item,) = [i for i in json.loads(result.stdout) if i["kind"] == "appreciation"]
    assert item["name"] == "Zoe Visser"
    assert item["strengths"] == ["Zoe, my own note.", "Zoe explains things twice."]
    assert "2 strengths recorded" in item["reason"]  # Alice's private one is not counted


def test_plain_today_marks_your_own_private_strength(shared: Path) -> None:
    result = run(shared, "today")

    assert result.returncode == 0, result.stderr
    assert "SECRET" not in result.stdout
    assert "· Zoe, my own note. (private)" in result.stdout
    assert "· Zoe explains things twice.\n" in result.stdout


def test_what_alice_told_with_nothing_typed_shows_nothing_private(shared: Path) -> None:
    shell(shared, ALICE_TELLS)

    exported = run(shared, "export", "--output", "-", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    # The whole line, closed by JSON's quote: the owner's own private note is not in it either.
    told = '"Told them what I value in working with them: Zoe explains things twice."'
    assert told in exported.stdout
    assert "SECRET" not in exported.stdout
