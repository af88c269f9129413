"""`aandacht export`, through the real entry point (and its atomic file writing, directly)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Aandacht, command_env

from aandacht.cli_export import _atomic_text_file
from aandacht.exchange.records import FIELD_NAMES
from aandacht.exchange.vcard import read_cards

SEEDED_PERSONAL = ["Jeroen Bakker", "Denise van Iersel", "Anna Smit", "Jeroen van de Ven"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty folder for the exports (the data directory is elsewhere in tmp_path)."""
    path = tmp_path / "exports"
    path.mkdir()
    return path


def names_in(text: str) -> list[str]:
    cards, errors = read_cards(text)
    assert errors == []
    return [card.formatted_name for card in cards]


def test_vcard_to_a_file(network: Aandacht, folder: Path) -> None:
    target = folder / "contacts.vcf"
    result = network("export", "-o", str(target))
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    assert "Exported 4 people from “Personal”" in result.stderr
    assert "vCard 4.0" in result.stderr
    data = target.read_bytes()
    assert data.startswith(b"BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert names_in(data.decode("utf-8")) == SEEDED_PERSONAL
    assert target.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only
    assert [p.name for p in folder.iterdir()] == ["contacts.vcf"]  # no temporary file left


def test_vcard3_to_stdout_keeps_crlf_and_nothing_else(network: Aandacht) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "aandacht.cli", "export", "--format", "vcard3", "-o", "-"],
        env=command_env(network.data_dir),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    assert out.startswith(b"BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert out.endswith(b"END:VCARD\r\n")
    assert b"\n" not in out.replace(b"\r\n", b"")
    assert names_in(out.decode("utf-8")) == SEEDED_PERSONAL
    assert "Exported 4 people" in completed.stderr.decode("utf-8")
    assert b"BDAY:1984-05-17\r\n" in out  # Jeroen's birthday, 3.0 style


def test_csv_of_one_tag(network: Aandacht, folder: Path) -> None:
    target = folder / "speakers.csv"
    result = network("export", "--format", "csv", "--tag", "SPEAKER", "-o", str(target))
    assert result.code == 0, result.stderr
    assert "Exported 1 person tagged “speaker”" in result.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8"), newline="")))
    assert [row["full_name"] for row in rows] == ["Jeroen van de Ven"]
    assert rows[0]["email"] == "jeroen@acme.example"
    assert rows[0]["birthday"] == "1984-05-17"
    assert target.read_text("utf-8").splitlines()[0] == ",".join(FIELD_NAMES)


@pytest.mark.parametrize("placement", ["global", "command"])
def test_another_vault(network: Aandacht, placement: str) -> None:
    args = ["--vault", "work", "export"] if placement == "global" else ["export", "--vault", "WORK"]
    result = network(*args, "-o", "-")
    assert result.code == 0, result.stderr
    assert names_in(result.stdout) == ["Wim Willems"]
    assert "from “Work”" in result.stderr


def test_unknown_tag_or_vault_exits_2_and_writes_nothing(network: Aandacht, folder: Path) -> None:
    target = folder / "x.vcf"
    no_tag = network("export", "--tag", "nope", "-o", str(target))
    assert no_tag.code == 2
    assert "There is no tag “nope” in “Personal”" in no_tag.stderr
    assert "speaker" in no_tag.stderr  # the tags there are
    no_vault = network("export", "--vault", "holiday", "-o", str(target))
    assert no_vault.code == 2
    assert "There is no vault called “holiday”" in no_vault.stderr
    assert "Personal" in no_vault.stderr and "Work" in no_vault.stderr
    assert list(folder.iterdir()) == []


def test_usage_errors(network: Aandacht, folder: Path) -> None:
    unknown = network("export", "--format", "xml", "-o", str(folder / "x"))
    assert unknown.code == 2
    assert "Unknown format “xml”" in unknown.stderr
    assert network("export").code == 2  # -o is required
    tagged_json = network("export", "--format", "json", "--tag", "speaker", "-o", "-")
    assert tagged_json.code == 2
    assert tagged_json.stdout == ""
    a_folder = network("export", "-o", str(folder))
    assert a_folder.code == 2
    assert "is a folder" in a_folder.stderr
    missing = network("export", "-o", str(folder / "no" / "such" / "x.vcf"))
    assert missing.code == 1
    assert "There is no folder" in missing.stderr
    assert list(folder.iterdir()) == []


def test_an_existing_file_is_replaced_only_by_a_complete_export(
    network: Aandacht, folder: Path
) -> None:
    target = folder / "contacts.vcf"
    target.write_text("old\n")
    assert network("export", "--tag", "nope", "-o", str(target)).code == 2
    assert target.read_text() == "old\n"
    assert network("export", "-o", str(target)).code == 0
    assert names_in(target.read_text("utf-8")) == SEEDED_PERSONAL


def test_json_document(network: Aandacht, folder: Path) -> None:
    pytest.importorskip("aandacht.exchange.json_document")
    target = folder / "vault.json"
    result = network("export", "--format", "json", "-o", str(target))
    assert result.code == 0, result.stderr
    document = json.loads(target.read_text("utf-8"))
    people = document["people"]
    assert sorted(p["given_name"] for p in people) == ["Anna", "Denise", "Jeroen", "Jeroen"]
    assert "Exported 4 people from “Personal”" in result.stderr
    assert "JSON" in result.stderr


def test_an_empty_vault(aandacht: Aandacht, folder: Path) -> None:
    vcf, table = folder / "empty.vcf", folder / "empty.csv"
    result = aandacht("export", "-o", str(vcf))
    assert result.code == 0, result.stderr
    assert "Exported 0 people" in result.stderr
    assert vcf.read_bytes() == b""
    assert aandacht("export", "-f", "csv", "-o", str(table)).code == 0
    assert table.read_bytes() == (",".join(FIELD_NAMES) + "\r\n").encode()


# ---------------------------------------------------------------------------------------------
# The atomic file itself: a failure halfway leaves the old file and no temporary one.


def test_atomic_file_keeps_the_old_file_when_the_export_fails(tmp_path: Path) -> None:
    target = tmp_path / "contacts.vcf"
    target.write_text("old")
    with pytest.raises(RuntimeError), _atomic_text_file(target) as stream:
        stream.write("BEGIN:VCARD\r\nhalf")
        raise RuntimeError("the database went away")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["contacts.vcf"]


def test_atomic_file_writes_crlf_untranslated(tmp_path: Path) -> None:
    target = tmp_path / "new.vcf"
    with _atomic_text_file(target) as stream:
        stream.write("a\r\nb\r\n")
    assert target.read_bytes() == b"a\r\nb\r\n"
    assert [p.name for p in tmp_path.iterdir()] == ["new.vcf"]
