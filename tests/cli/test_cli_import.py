"""`aandacht import`, through the real entry point: formats, dry run, JSON, exit codes."""

from __future__ import annotations

from pathlib import Path

from cli_harness import Aandacht

TWO_CARDS = (
    "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:1\r\nFN:Denise van Iersel\r\n"
    "N:van Iersel;Denise;;;\r\nEMAIL:denise@example.nl\r\nBDAY:--0415\r\n"
    "CATEGORIES:Clients\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jeroen Bakker\r\nN:Bakker;Jeroen;;;\r\n"
    "TEL;TYPE=CELL:06 12345678\r\nEND:VCARD\r\n"
)
BROKEN_SECOND = (
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Good Card\r\nN:Card;Good;;;\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Cut off\r\n"
)


def write(tmp_path: Path, name: str, text: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return str(path)


def test_import_then_again_changes_nothing(aandacht: Aandacht, tmp_path: Path) -> None:
    path = write(tmp_path, "contacts.vcf", TWO_CARDS)
    first = aandacht("import", path, "--json")
    assert first.code == 0, first.stderr
    data = first.json()
    assert (data["created"], data["updated"], data["unchanged"], data["errors"]) == (2, 0, 0, [])
    assert data["format"] == "vcard"
    again = aandacht("import", path, "--json").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    found = aandacht("find", "Iersel", "--json").json()
    assert [p["name"] for p in found] == ["Denise van Iersel"]


def test_dry_run_reports_and_writes_nothing(aandacht: Aandacht, tmp_path: Path) -> None:
    path = write(tmp_path, "contacts.vcf", TWO_CARDS)
    result = aandacht("import", path, "--dry-run", "--json")
    assert result.code == 0, result.stderr
    assert result.json()["created"] == 2 and result.json()["dry_run"] is True
    assert aandacht("find", "Iersel", "--json").json() == []


def test_unreadable_records_are_listed_with_exit_0(aandacht: Aandacht, tmp_path: Path) -> None:
    path = write(tmp_path, "half.vcf", BROKEN_SECOND)
    result = aandacht("import", path, "--json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert data["created"] == 1
    assert [error["record"] for error in data["errors"]] == [2]
    assert data["errors"][0]["reason"]
    human = aandacht("import", path)
    assert (
        "1 record could not be read (skipped):\n"
        "  Card 2: the card has no END:VCARD (the file ends inside it) (line 6)"
    ) in human.stdout
    assert "#" not in human.stdout


def test_nothing_readable_exits_3(aandacht: Aandacht, tmp_path: Path) -> None:
    binary = write(tmp_path, "photo.jpg", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 20)
    result = aandacht("import", binary, "--json")
    assert result.code == 3
    assert result.json()["errors"][0]["code"] == "binary"
    assert "binary" in result.stderr
    empty = aandacht("import", write(tmp_path, "empty.vcf", ""))
    assert empty.code == 3 and "empty" in empty.stderr
    only_broken = aandacht("import", write(tmp_path, "cut.vcf", "BEGIN:VCARD\r\nFN:X\r\n"))
    assert only_broken.code == 3


def test_mapped_csv_with_map_options(aandacht: Aandacht, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "leden.csv",
        "Naam;Mail;Woonplaats\r\nAnna de Vries;anna@example.nl;Utrecht\r\n",
    )
    result = aandacht(
        "import", path, "--format", "csv", "--map", "Naam=full_name", "--map", "Mail=email",
        "--map", "Woonplaats=city", "--json",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert result.json()["created"] == 1
    person = aandacht("who", "Anna de Vries", "--json").json()
    assert person["family_name"] == "Vries" and person["particles"] == "de"


def test_bad_options_exit_2(aandacht: Aandacht, tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "a,b\r\n1,2\r\n")
    assert aandacht("import", path, "--map", "a=shoe_size").code == 2
    assert aandacht("import", path, "--map", "nonsense").code == 2
    assert aandacht("import", path, "--format", "xls").code == 2
    missing = aandacht("import", str(tmp_path / "nope.vcf"))
    assert missing.code == 1 and "There is no file" in missing.stderr
    assert "nope.vcf" in missing.stderr
    folder = aandacht("import", str(tmp_path))
    assert folder.code == 2
    assert f"“{tmp_path}” is a folder, not a file" in folder.stderr
    assert not (aandacht.data_dir / "aandacht.sqlite3").exists()  # refused before any setup


def test_standard_input(aandacht: Aandacht, tmp_path: Path) -> None:
    import subprocess
    import sys

    from cli_harness import command_env

    completed = subprocess.run(
        [sys.executable, "-m", "aandacht.cli", "import", "-", "--json"],
        input=TWO_CARDS.encode(),
        env=command_env(aandacht.data_dir),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert b'"created": 2' in completed.stdout


def test_json_export_restores_into_an_empty_vault_once(aandacht: Aandacht, tmp_path: Path) -> None:
    path = write(tmp_path, "contacts.vcf", TWO_CARDS)
    assert aandacht("import", path).code == 0
    document = tmp_path / "vault.json"
    exported = aandacht("export", "--format", "json", "-o", str(document))
    assert exported.code == 0, exported.stderr

    elsewhere = Aandacht(tmp_path / "other-data")
    restored = elsewhere("import", str(document), "--json")
    assert restored.code == 0, restored.stderr
    assert restored.json()["restored"]["people"] == 2
    assert [p["name"] for p in elsewhere("find", "Iersel", "--json").json()] == [
        "Denise van Iersel"
    ]
    again = elsewhere("import", str(document))
    assert again.code == 3 and "not empty" in again.stderr
    dry_again = elsewhere("import", str(document), "--dry-run", "--json")
    assert dry_again.code == 3
    assert dry_again.json()["error"]["code"] == "vault_not_empty"
