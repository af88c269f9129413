"""`aandacht import --json` answers with one JSON object whatever happens, and the wording of
the human report: places as "Card 3, line 14:" / "Line 5:", plurals, grouped counts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Aandacht, command_env
from django.utils import translation

from aandacht.cli_import import _headline, where
from aandacht.exchange.importing import ImportReport

FIXTURES = Path(__file__).parent.parent / "exchange" / "fixtures"
ONE_CARD = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Anna Smit\r\nN:Smit;Anna;;;\r\nEND:VCARD\r\n"
# The keys of every answer, success or not (a CSV adds "mapping", a restore "restored"): the
# documented ones, and whatever else an import report holds.
DOCUMENTED = {
    "dry_run", "format", "records", "created", "updated", "unchanged", "merged_in_file",
    "matched_by", "errors", "warnings", "conflicts",
}  # fmt: skip
KEYS = DOCUMENTED | set(ImportReport().as_json())


def write(tmp_path: Path, name: str, data: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8", newline="")
    return str(path)


def test_a_success_has_the_documented_keys(aandacht: Aandacht, tmp_path: Path) -> None:
    result = aandacht("import", write(tmp_path, "one.vcf", ONE_CARD), "--json")
    assert result.code == 0, result.stderr
    assert set(result.json()) == KEYS
    human = aandacht("import", write(tmp_path, "one.vcf", ONE_CARD))
    assert human.stdout == "Imported 1 record (vCard): 0 new, 0 updated, 1 unchanged.\n"
    assert "Nothing changed in “Personal”" in human.stderr


@pytest.mark.parametrize(
    ("args", "exit_code", "code", "message"),
    [
        (["{one}", "--format", "xls"], 2, "unknown_format", "Unknown format “xls”"),
        (["{one}", "--map", "oops"], 2, "bad_map", "--map takes COLUMN=FIELD"),
        (["{csv}", "--map", "a=shoe_size"], 2, "unknown_field", "“shoe_size” is not a field"),
        (["{csv}", "--map", "c=email"], 2, "unknown_column", "“c”, which this file does not have"),
        (["{one}", "--map", "a=email"], 2, "map_not_for_format", "--map is for CSV files only"),
        (["{folder}"], 2, "not_a_file", "is a folder, not a file"),
        (["{missing}"], 1, "no_file", "There is no file"),
        (["{binary}"], 3, "binary", "binary data"),
        (["{empty}"], 3, "empty", "The file is empty"),
    ],
)  # fmt: skip
def test_every_error_is_one_json_object(
    aandacht: Aandacht,
    tmp_path: Path,
    args: list[str],
    exit_code: int,
    code: str,
    message: str,
) -> None:
    files = {
        "one": write(tmp_path, "one.vcf", ONE_CARD),
        "csv": write(tmp_path, "x.csv", "a,b\r\nAnna,anna@example.nl\r\n"),
        "folder": str(tmp_path),
        "missing": str(tmp_path / "nope.vcf"),
        "binary": write(tmp_path, "photo.jpg", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 20),
        "empty": write(tmp_path, "empty.vcf", ""),
    }
    result = aandacht("import", *(arg.format(**files) for arg in args), "--json")
    assert result.code == exit_code, result.stderr
    data = result.json()  # stdout is exactly one JSON object
    assert set(data) - {"error", "mapping"} == KEYS
    assert (data["created"], data["updated"], data["unchanged"], data["records"]) == (0, 0, 0, 0)
    assert data["error"]["code"] == code
    assert message in data["error"]["message"]
    assert data["error"]["message"] in result.stderr.replace("\n", " ")
    if exit_code == 3:
        assert data["errors"] == [
            {"record": None, "code": code, "reason": data["error"]["message"]}
        ]
    else:
        assert data["errors"] == []


def test_an_unknown_vault_is_json_too(aandacht: Aandacht, tmp_path: Path) -> None:
    result = aandacht("--vault", "holiday", "import", write(tmp_path, "a.vcf", ONE_CARD), "--json")
    assert result.code == 1
    data = result.json()
    assert data["error"]["code"] == "vault"
    assert "There is no vault called “holiday”" in data["error"]["message"]
    assert "\x1b" not in data["error"]["message"]
    assert "There is no vault called “holiday”" in result.stderr


def test_problems_name_their_card_or_line(aandacht: Aandacht) -> None:
    vcard = aandacht("import", str(FIXTURES / "broken.vcf"), "--dry-run")
    assert vcard.code == 0, vcard.stderr
    assert "3 records could not be read (skipped):\n" in vcard.stdout
    assert "  Card 3: the card has no name, email address or phone number (line 14)" in vcard.stdout
    assert "outside BEGIN:VCARD" in vcard.stdout  # outside any card
    assert "#" not in vcard.stdout
    table = aandacht("import", str(FIXTURES / "dutch_excel.csv"), "--dry-run")
    assert table.code == 0, table.stderr
    # Line 5's impossible birthday is left out; the person is imported all the same.
    assert "Left out while reading (1):\n  Line 5: " in table.stdout
    assert "Would import 5 records (CSV): 5 new, 0 updated, 0 unchanged.\n" in table.stdout
    assert "Dry run: nothing was written to “Personal”." in table.stderr


def test_a_named_pipe_is_read(aandacht: Aandacht, tmp_path: Path) -> None:
    fifo = tmp_path / "cards.vcf"
    os.mkfifo(fifo)
    command = [sys.executable, "-m", "aandacht.cli", "import", str(fifo), "--json"]
    child = subprocess.Popen(
        command,
        env=command_env(aandacht.data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    fifo.write_text(ONE_CARD, newline="")  # blocks until the command opens the pipe
    stdout, stderr = child.communicate(timeout=120)
    assert child.returncode == 0, stderr
    assert '"created": 1' in stdout


def test_a_dry_run_restore_checks_everything_and_writes_nothing(
    aandacht: Aandacht, tmp_path: Path
) -> None:
    source = Aandacht(tmp_path / "source")
    assert source("import", str(FIXTURES / "v40_rfc6350.vcf")).code == 0
    assert source("import", str(FIXTURES / "apple_contacts.vcf")).code == 0  # has a photo
    document = tmp_path / "vault.json"
    assert source("export", "-o", str(document)).code == 0
    dry = aandacht("import", str(document), "--dry-run", "--json")
    assert dry.code == 0, dry.stderr
    data = dry.json()
    assert set(data) == KEYS | {"restored"}
    assert data["dry_run"] is True and data["format"] == "json"
    assert data["created"] == data["restored"]["people"] > 0
    assert data["restored"]["photos"] >= 1
    assert "nothing was written" in dry.stderr
    assert aandacht("find", "a", "--json").json() == []
    media = aandacht.data_dir / "media"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    human = aandacht("import", str(document), "--dry-run")
    assert human.code == 0 and "people" in human.stdout
    broken = write(tmp_path, "broken.json", '{"format": "aandacht.vault", "version": 1, "peo')
    refused = aandacht("import", broken, "--dry-run", "--json")
    assert refused.code == 3
    assert refused.json()["error"]["code"]


# --- wording, in-process ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "record", "reason", "shown"),
    [
        ("vcard", 3, "no END:VCARD (line 14)", "Card 3: no END:VCARD (line 14)"),
        ("vcard", 0, "2 lines outside a card (line 1)", "2 lines outside a card (line 1)"),
        ("vcard", 2, "'x' is not an email address", "Card 2: 'x' is not an email address"),
        ("csv", 5, "No name on this row", "Line 5: No name on this row"),
        ("linkedin", 11, "Bad date", "Line 11: Bad date"),
    ],
)
def test_where(fmt: str, record: int, reason: str, shown: str) -> None:
    assert where(fmt, record, reason) == shown


def test_headline_plurals_and_thousands() -> None:
    one = ImportReport(created=1)
    assert _headline(one, "vcard") == "Imported 1 record (vCard): 1 new, 0 updated, 0 unchanged."
    many = ImportReport(dry_run=True, created=12345, updated=2, merged_in_file=1000)
    assert _headline(many, "csv") == (
        "Would import 13,347 records (CSV): 12,345 new, 2 updated, 0 unchanged, "
        "1,000 merged with an earlier record of the file."
    )
    with translation.override("nl"):
        assert "12.345" in _headline(many, "csv")
