"""`aandacht import --vault`, where an import goes without it, how its report reads.

The seeded network (``seed.py``) has two vaults, "Personal" (the default) and "Work".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_harness import Aandacht

NEW_CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Noor Visser\r\nN:Visser;Noor;;;\r\n"
    "EMAIL:noor@example.nl\r\nEND:VCARD\r\n"
)
# Jeroen van de Ven (seeded with a birthday on 17 May 1984, organisation Acme), by his email.
JEROEN_DIFFERENT = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jeroen van de Ven\r\nN:Ven;Jeroen;van de;;\r\n"
    "EMAIL:jeroen@acme.example\r\nORG:Initech\r\nBDAY:1985-06-02\r\nEND:VCARD\r\n"
)
GROUP_AND_PERSON = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bierliefhebbers\r\nN:Bierliefhebbers;;;;\r\n"
    "X-ADDRESSBOOKSERVER-KIND:group\r\nEND:VCARD\r\n" + NEW_CARD
)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return str(path)


@pytest.mark.parametrize(
    "placement",
    [["import", "FILE", "--vault", "work"], ["--vault", "WORK", "import", "FILE"]],
    ids=["after-import", "global"],
)
def test_vault_after_import_or_before_it(
    network: Aandacht, tmp_path: Path, placement: list[str]
) -> None:
    path = write(tmp_path, "noor.vcf", NEW_CARD)
    args = [path if each == "FILE" else each for each in placement]
    result = network(*args, "--json")
    assert result.code == 0, result.stderr
    assert result.json()["created"] == 1
    assert "Importing into" not in result.stderr, "a named vault needs no announcement"
    assert [p["name"] for p in network("--vault", "work", "find", "Noor", "--json").json()] == [
        "Noor Visser"
    ]
    assert network("find", "Noor", "--json").json() == [], "not in Personal"


def test_import_vault_wins_over_the_global_one_and_the_environment(
    network: Aandacht, tmp_path: Path
) -> None:
    path = write(tmp_path, "noor.vcf", NEW_CARD)
    result = network(
        "--vault", "Personal", "import", path, "--vault", "Work", env={"AANDACHT_VAULT": "x"}
    )
    assert result.code == 0, result.stderr
    assert "Done: “Work” now has the new and updated people." in result.stderr
    assert [p["name"] for p in network("--vault", "work", "find", "Noor", "--json").json()] == [
        "Noor Visser"
    ]
    assert network("find", "Noor", "--json").json() == [], "not in Personal"


def test_an_unknown_vault_is_refused(network: Aandacht, tmp_path: Path) -> None:
    path = write(tmp_path, "noor.vcf", NEW_CARD)
    result = network("import", path, "--vault", "Holiday", "--json")
    assert result.code == 1
    assert "There is no vault called “Holiday”" in result.stderr
    assert "Work" in result.stderr
    assert result.json()["error"]["code"] == "vault"


def test_with_two_vaults_and_none_named_it_says_where_the_file_goes(
    network: Aandacht, tmp_path: Path
) -> None:
    path = write(tmp_path, "noor.vcf", NEW_CARD)
    result = network("import", path, "--dry-run")
    assert result.code == 0, result.stderr
    assert (
        "Importing into “Personal”, your default vault. To import into another one, add "
        "--vault NAME (Work)." in result.stderr
    )
    assert "Importing into" not in result.stdout
    quiet = network("import", path, "--dry-run", env={"AANDACHT_VAULT": "Personal"})
    assert "Importing into" not in quiet.stderr, "AANDACHT_VAULT names the vault"


def test_with_one_vault_it_says_nothing_about_vaults(aandacht: Aandacht, tmp_path: Path) -> None:
    result = aandacht("import", write(tmp_path, "noor.vcf", NEW_CARD))
    assert result.code == 0, result.stderr
    assert "Importing into" not in result.stderr


def test_help_shows_vault_and_no_bool_metavar(aandacht: Aandacht) -> None:
    for command in ("import", "export"):
        shown = aandacht(command, "--help")
        assert shown.code == 0
        assert "--vault" in shown.stdout and "NAME" in shown.stdout
        lines = [line for line in shown.stdout.splitlines() if "--help" not in line]
        assert not any("<bool>" in line for line in lines), shown.stdout
    assert "--dry-run" in aandacht("import", "--help").stdout


def test_conflicts_use_labels_and_readable_dates(network: Aandacht, tmp_path: Path) -> None:
    path = write(tmp_path, "jeroen.vcf", JEROEN_DIFFERENT)
    result = network("import", path, "--dry-run")
    assert result.code == 0, result.stderr
    assert "organisation: kept “Acme”, the file has “Initech”" in result.stdout
    assert "birthday: kept “17 May 1984”, the file has “2 June 1985”" in result.stdout
    assert "family_name" not in result.stdout and "1984-05-17" not in result.stdout
    data = network("import", path, "--dry-run", "--json").json()
    fields = {c["field"]: c for c in data["conflicts"]}
    assert fields["birthday"]["existing"] == "1984-05-17", "--json keeps the raw values"


def test_contact_groups_are_skipped_on_purpose_not_unreadable(
    aandacht: Aandacht, tmp_path: Path
) -> None:
    path = write(tmp_path, "apple.vcf", GROUP_AND_PERSON)
    result = aandacht("import", path)
    assert result.code == 0, result.stderr
    assert "Skipped on purpose: contact groups (1)." in result.stdout
    assert "could not be read" not in result.stdout
    data = aandacht("import", path, "--json").json()
    assert [e["code"] for e in data["errors"]] == ["group"], "--json lists it as before"
