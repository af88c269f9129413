"""`aandacht token create|list|revoke`, through the real entry point: the secret printed once
(and only its digest stored), the JSON, the limits of the account page, and bad input."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Aandacht, command_env

# The local owner (with "Personal") owns "Team" too; anna is a viewer there and owns
# "Anna's"; bert is deactivated.
SETUP = """
from aandacht.bootstrap import ensure_ready
owner = ensure_ready()
from django.contrib.auth.models import User
from aandacht.accounts.models import Membership, Role, Vault
team = Vault.objects.create(name="Team")
Membership.objects.create(vault=team, user=owner, role=Role.OWNER)
anna = User.objects.create_user("anna", password="anna-login-pw")
Membership.objects.create(vault=team, user=anna, role=Role.VIEWER)
own = Vault.objects.create(name="Anna's")
Membership.objects.create(vault=own, user=anna, role=Role.OWNER)
User.objects.create_user("bert", is_active=False)
print(team.pk)
"""


@pytest.fixture(scope="module")
def seeded_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    data_dir = tmp_path_factory.mktemp("tokens") / "data"
    completed = subprocess.run(
        [sys.executable, "-c", SETUP],
        env=command_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return data_dir, int(completed.stdout.strip().splitlines()[-1])


@pytest.fixture
def cli(seeded_dir: tuple[Path, int], tmp_path: Path) -> Aandacht:
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_dir[0], data_dir)
    return Aandacht(data_dir)


@pytest.fixture
def team_id(seeded_dir: tuple[Path, int]) -> int:
    return seeded_dir[1]


def rows(cli: Aandacht) -> list[sqlite3.Row]:
    with sqlite3.connect(cli.data_dir / "aandacht.sqlite3") as db:
        db.row_factory = sqlite3.Row
        return db.execute(
            "SELECT t.*, u.username FROM accounts_accesstoken t "
            "JOIN auth_user u ON u.id = t.user_id ORDER BY t.id"
        ).fetchall()


def test_create_prints_the_secret_alone_on_stdout(cli: Aandacht) -> None:
    result = cli("token", "create", "--user", "owner", "--scope", "read", "--name", "backup")
    assert result.code == 0, result.stderr
    secret = result.stdout.strip()
    assert result.stdout == secret + "\n"
    assert secret.startswith("aat_")
    assert "shown only this once" in result.stderr
    assert "“backup” for owner: read, all their vaults" in result.stderr
    [row] = rows(cli)
    assert row["digest"] == hashlib.sha256(secret.encode()).hexdigest()
    assert row["prefix"] == secret[:10]
    assert (row["name"], row["scope"], row["vault_id"]) == ("backup", "read", None)
    # The secret itself is nowhere in the database file.
    assert secret.encode() not in (cli.data_dir / "aandacht.sqlite3").read_bytes()


def test_create_json_has_the_token_and_what_it_is(cli: Aandacht, team_id: int) -> None:
    result = cli(
        "token", "create", "--user", "anna", "--scope", "read", "--vault", "team", "--json"
    )
    assert result.code == 0, result.stderr
    data = result.json()
    assert set(data) >= {"token", "id", "name", "scope", "vault", "prefix", "created_at"}
    assert data["scope"] == "read"
    assert data["vault"] == "Team"
    assert data["vault_id"] == team_id
    assert data["name"] == "token"
    assert data["user"] == "anna"
    assert data["token"].startswith(data["prefix"])
    assert "digest" not in data
    [row] = rows(cli)
    assert row["id"] == data["id"]
    assert row["username"] == "anna"
    assert row["digest"] == hashlib.sha256(data["token"].encode()).hexdigest()


def test_the_vault_may_be_given_by_id(cli: Aandacht, team_id: int) -> None:
    result = cli("token", "create", "--user", "owner", "--scope", "write", "--vault", str(team_id))
    assert result.code == 0, result.stderr
    assert rows(cli)[0]["vault_id"] == team_id


def test_a_write_token_for_a_vault_the_user_only_reads_is_refused(cli: Aandacht) -> None:
    result = cli("token", "create", "--user", "anna", "--scope", "write", "--vault", "Team")
    assert result.code == 3
    assert "You may only read the vault “Team”" in result.stderr
    assert result.stdout == ""
    assert rows(cli) == []


def test_an_unknown_user_exits_1_naming_the_users(cli: Aandacht) -> None:
    result = cli("token", "create", "--user", "zoe", "--scope", "read")
    assert result.code == 1
    assert "There is no user called “zoe”" in result.stderr
    for name in ("anna", "bert", "owner"):
        assert f"  {name}" in result.stderr
    assert rows(cli) == []


def test_an_unknown_vault_exits_1_with_the_users_vaults(cli: Aandacht) -> None:
    result = cli("token", "create", "--user", "anna", "--scope", "read", "--vault", "Personal")
    assert result.code == 1
    assert "“anna” has no vault called “Personal”" in result.stderr
    assert "Anna's  (owner)" in result.stderr
    assert "Team  (viewer)" in result.stderr
    assert rows(cli) == []


@pytest.mark.parametrize("scope", ["admin", "READ", ""])
def test_a_bad_scope_exits_2(cli: Aandacht, scope: str) -> None:
    result = cli("token", "create", "--user", "owner", "--scope", scope)
    assert result.code == 2
    assert "--scope is read or write" in result.stderr
    assert rows(cli) == []


def test_user_and_scope_are_required(cli: Aandacht) -> None:
    assert cli("token", "create", "--scope", "read").code == 2
    assert cli("token", "create", "--user", "owner").code == 2


def test_a_deactivated_user_gets_no_token(cli: Aandacht) -> None:
    result = cli("token", "create", "--user", "bert", "--scope", "read")
    assert result.code == 3
    assert "deactivated" in result.stderr
    assert rows(cli) == []


def test_an_over_long_name_is_refused(cli: Aandacht) -> None:
    result = cli("token", "create", "--user", "owner", "--scope", "read", "--name", "x" * 101)
    assert result.code == 3
    assert "at most 100 characters" in result.stderr
    assert rows(cli) == []


def test_list_never_shows_a_secret_or_digest(cli: Aandacht) -> None:
    secret = cli("token", "create", "--user", "owner", "--scope", "read", "--name", "a").stdout
    cli("token", "create", "--user", "anna", "--scope", "read", "--name", "b")
    digests = [row["digest"] for row in rows(cli)]

    listed = cli("token", "list", "--json")
    assert listed.code == 0, listed.stderr
    data = listed.json()
    assert [(t["user"], t["name"]) for t in data] == [("anna", "b"), ("owner", "a")]
    assert all("token" not in t and "digest" not in t for t in data)
    table = cli("token", "list")
    assert table.code == 0
    assert "owner" in table.stdout and "anna" in table.stdout
    assert secret.strip()[:10] in table.stdout  # the prefix, to recognise it
    for output in (listed.stdout, table.stdout):
        assert secret.strip() not in output
        assert all(digest not in output for digest in digests)


def test_list_for_one_user(cli: Aandacht) -> None:
    cli("token", "create", "--user", "owner", "--scope", "read", "--name", "mine")
    cli("token", "create", "--user", "anna", "--scope", "read", "--name", "hers")
    data = cli("token", "list", "--user", "anna", "--json").json()
    assert [t["name"] for t in data] == ["hers"]
    assert cli("token", "list", "--user", "zoe").code == 1


def test_an_empty_list(cli: Aandacht) -> None:
    assert cli("token", "list", "--json").json() == []
    result = cli("token", "list")
    assert result.code == 0
    assert "No tokens yet." in result.stderr


def test_revoke_then_again(cli: Aandacht) -> None:
    data = cli("token", "create", "--user", "anna", "--scope", "read", "--json").json()
    first = cli("token", "revoke", str(data["id"]))
    assert first.code == 0, first.stderr
    assert "Revoked token" in first.stderr
    revoked_at = rows(cli)[0]["revoked_at"]
    assert revoked_at is not None

    again = cli("token", "revoke", str(data["id"]), "--user", "anna", "--json")
    assert again.code == 0
    assert json.loads(again.stdout)["revoked_at"] is not None
    assert rows(cli)[0]["revoked_at"] == revoked_at
    assert cli("token", "list", "--json").json()[0]["revoked_at"] is not None


def test_revoke_with_the_wrong_user_changes_nothing(cli: Aandacht) -> None:
    data = cli("token", "create", "--user", "anna", "--scope", "read", "--json").json()
    result = cli("token", "revoke", str(data["id"]), "--user", "owner")
    assert result.code == 1
    assert f"“owner” has no token {data['id']}" in result.stderr
    assert rows(cli)[0]["revoked_at"] is None


@pytest.mark.parametrize(("token_id", "code"), [("abc", 2), ("0", 2), ("-1", 2), ("999", 1)])
def test_revoke_bad_or_unknown_ids(cli: Aandacht, token_id: str, code: int) -> None:
    result = cli("token", "revoke", "--", token_id)
    assert result.code == code
    assert result.stderr.strip()
