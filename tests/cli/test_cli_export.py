"""`aandacht export`, through the real entry point (and its atomic file writing, directly)."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
import threading
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
    document = folder / "empty.json"
    assert aandacht("export", "-o", str(document)).code == 0
    assert json.loads(document.read_text("utf-8"))["people"] == []


def test_the_format_follows_the_extension_unless_given(network: Aandacht, folder: Path) -> None:
    table, document, text = folder / "people.CSV", folder / "vault.json", folder / "people.txt"
    as_csv = network("export", "-o", str(table))
    assert as_csv.code == 0, as_csv.stderr
    assert "(CSV)" in as_csv.stderr
    assert table.read_text("utf-8").splitlines()[0] == ",".join(FIELD_NAMES)
    assert network("export", "-o", str(document)).code == 0
    assert len(json.loads(document.read_text("utf-8"))["people"]) == 4
    assert network("export", "-o", str(text)).code == 0
    assert names_in(text.read_text("utf-8")) == SEEDED_PERSONAL  # anything else: vCard
    forced = network("export", "-f", "vcard3", "-o", str(document))
    assert forced.code == 0 and "(vCard 3.0)" in forced.stderr
    assert document.read_bytes().startswith(b"BEGIN:VCARD\r\nVERSION:3.0")
    tagged = network("export", "--tag", "speaker", "-o", str(folder / "speakers.json"))
    assert tagged.code == 2 and "--tag is for vcard, vcard3 and csv" in tagged.stderr


def test_an_unknown_tag_names_the_closest(network: Aandacht, folder: Path) -> None:
    result = network("export", "--tag", "speakers", "-o", str(folder / "x.vcf"))
    assert result.code == 2
    assert "There is no tag “speakers” in “Personal”; nothing was exported." in result.stderr
    assert "Did you mean: speaker?" in result.stderr
    blank = network("export", "--tag", " ", "-o", str(folder / "x.vcf"))
    assert blank.code == 2 and "--tag needs the name of a tag" in blank.stderr
    no_name = network("export", "-o", "")
    assert no_name.code == 2 and "-o needs a file name" in no_name.stderr
    assert list(folder.iterdir()) == []


def test_a_link_stays_a_link_and_a_pipe_is_written_into(network: Aandacht, folder: Path) -> None:
    real, link = folder / "real.vcf", folder / "link.vcf"
    real.write_text("old")
    link.symlink_to(real.name)
    assert network("export", "-o", str(link)).code == 0
    assert link.is_symlink() and names_in(real.read_text("utf-8")) == SEEDED_PERSONAL
    fifo = folder / "pipe.csv"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = network("export", "-o", str(fifo))
    reader.join(timeout=120)
    assert result.code == 0, result.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # not replaced by a file
    assert received[0].decode("utf-8").splitlines()[0] == ",".join(FIELD_NAMES)
    assert sorted(p.name for p in folder.iterdir()) == ["link.vcf", "pipe.csv", "real.vcf"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_said_plainly(network: Aandacht) -> None:
    result = network("export", "-o", "/dev/full")
    assert result.code == 1
    assert "The export failed: No space left on device." in result.stderr
    assert "Errno" not in result.stderr and ".part" not in result.stderr


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
