"""Format detection and the one entry point every import goes through."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from aandacht.exchange import sources
from aandacht.exchange.records import Record, UnreadableFile

FIXTURES = Path(__file__).with_name("fixtures")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("apple_contacts.vcf", "vcard"),
        ("outlook21_qp.vcf", "vcard"),
        ("utf16_bom.vcf", "vcard"),
        ("utf8_bom.vcf", "vcard"),
        ("linkedin_connections.csv", "linkedin"),
        ("google_contacts.csv", "google"),
        ("google_contacts_legacy.csv", "google"),
        ("dutch_excel.csv", "csv"),
    ],
)
def test_formats_are_told_apart_by_their_content(name: str, expected: str) -> None:
    head = (FIXTURES / name).read_bytes()[: sources.HEAD_BYTES]
    assert sources.detect_format(head, "upload.bin") == expected


def test_json_by_content_or_name() -> None:
    assert sources.detect_format(b'{"format": "aandacht.vault"}') == "json"
    assert sources.detect_format(b"[]", "export.json") == "json"


@pytest.mark.parametrize(
    ("head", "code"),
    [
        (b"", "empty"),
        (b"   \r\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(300), "binary"),
        (b"Just a letter to a friend.\nNothing tabular here at all.\n", "unknown_format"),
    ],
)
def test_files_that_are_no_contacts_are_refused_with_a_reason(head: bytes, code: str) -> None:
    with pytest.raises(UnreadableFile) as caught:
        sources.detect_format(head, "upload")
    assert caught.value.code == code
    assert str(caught.value)


def test_a_one_column_csv_is_known_by_its_name() -> None:
    assert sources.detect_format(b"email\nanna@example.nl\n", "list.csv") == "csv"


def test_read_records_auto_detects_and_rewinds() -> None:
    data = (FIXTURES / "linkedin_connections.csv").read_bytes()
    items = list(sources.read_records(io.BytesIO(data), "auto"))
    records = [item for item in items if isinstance(item, Record)]
    assert records and all(r.met_channel == "linkedin" for r in records)


def test_json_is_not_read_as_records_and_unknown_formats_are_refused() -> None:
    with pytest.raises(UnreadableFile) as caught:
        sources.read_records(io.BytesIO(b"{}"), "json")
    assert caught.value.code == "json_not_records"
    with pytest.raises(UnreadableFile):
        sources.read_records(io.BytesIO(b"x"), "xlsx")
