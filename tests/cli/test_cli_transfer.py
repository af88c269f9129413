"""`aandacht move` and `aandacht copy`, through the real entry point."""

from __future__ import annotations

import subprocess
import sys

from cli_harness import Aandacht, command_env


def test_move_takes_someone_to_the_other_vault_and_find_follows(
    network: Aandacht, ids: dict[str, int]
) -> None:
    moved = network("move", str(ids["jeroen"]), "--to", "work", "--json")
    assert moved.code == 0, moved.stderr
    data = moved.json()
    assert data["mode"] == "move" and data["dry_run"] is False
    assert data["to"]["name"] == "Work"
    assert data["result"] == {
        "id": ids["jeroen"],
        "name": "Jeroen van de Ven",
        "vault": {"id": data["to"]["id"], "name": "Work"},
        "changed": True,
    }
    assert data["interactions"] == 1 and data["follow_ups"] == 1
    assert "is moved to “Work”" in moved.stderr

    assert (
        network("--vault", "Work", "find", "Jeroen van de Ven", "--json").json()[0]["id"]
        == (ids["jeroen"])
    )
    assert network("find", "Jeroen van de Ven", "--json").json() == []


def test_copy_leaves_the_original_and_prints_the_copy(
    network: Aandacht, ids: dict[str, int]
) -> None:
    copied = network("copy", "Denise", "--to", "Work", "--json")
    assert copied.code == 0, copied.stderr
    result = copied.json()["result"]
    assert result["id"] != ids["denise"] and result["changed"] is True
    assert network("who", str(ids["denise"]), "--json").code == 0
    there = network("--vault", "Work", "find", "Denise", "--json").json()
    assert [hit["id"] for hit in there] == [result["id"]]


def test_dry_run_changes_nothing(network: Aandacht, ids: dict[str, int]) -> None:
    dry = network("move", "Anna Smit", "--to", "Work", "--dry-run")
    assert dry.code == 0, dry.stderr
    assert dry.stdout == ""
    assert "Nothing changed (dry run)" in dry.stderr
    assert [hit["id"] for hit in network("find", "Anna Smit", "--json").json()] == [ids["anna"]]


def test_bad_input_is_refused_with_a_clear_message(network: Aandacht, ids: dict[str, int]) -> None:
    unknown = network("move", "Anna Smit", "--to", "Nowhere")
    assert unknown.code == 1
    assert "no vault called “Nowhere”" in unknown.stderr and "Work" in unknown.stderr

    same = network("copy", "Anna Smit", "--to", "Personal")
    assert same.code == 3
    assert "already" in same.stderr

    nobody = network("move", "Zzyzx", "--to", "Work")
    assert nobody.code == 1
    assert "No one in" in nobody.stderr

    missing = network("move", "Anna Smit")
    assert missing.code == 2
    assert [hit["id"] for hit in network("find", "Anna Smit", "--json").json()] == [ids["anna"]]


BOBS_PRIVATE_NOTE = """
from aandacht.bootstrap import ensure_ready
owner = ensure_ready()
from django.contrib.auth.models import User
from aandacht.accounts.models import Membership, Role, Vault
from aandacht.people.models import Person
from aandacht.timeline.services import add_note
personal = Vault.objects.get(name="Personal")
bob = User.objects.create_user("bob")
Membership.objects.create(vault=personal, user=bob, role=Role.EDITOR)
anna = Person.objects.get(vault=personal, given_name="Anna")
add_note(personal, anna, "bob's private thought", author=bob, private=True)
"""


def test_someone_elses_private_note_refuses_a_move_but_not_a_copy(
    network: Aandacht, ids: dict[str, int]
) -> None:
    seeded = subprocess.run(
        [sys.executable, "-c", BOBS_PRIVATE_NOTE],
        env=command_env(network.data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert seeded.returncode == 0, seeded.stderr
    refused = network("move", "Anna Smit", "--to", "Work", "--json")
    assert refused.code == 3
    assert refused.stdout == ""
    assert "keeps private notes or moments" in refused.stderr and "bob" not in refused.stderr
    copied = network("copy", "Anna Smit", "--to", "Work", "--json")
    assert copied.code == 0, copied.stderr
    assert copied.json()["notes"] == 0  # the owner cannot see bob's note, so it is not copied
