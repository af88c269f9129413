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


PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)


@pytest.mark.parametrize(
    ("name", "code", "message"),
    [
        (
            "linkedin_connections.csv",
            "no_records",
            "This file is not a vCard file: it looks like a LinkedIn export (a CSV file). "
            "Choose automatic detection or the LinkedIn format.",
        ),
        (
            "dutch_excel.csv",
            "no_records",
            "This file is not a vCard file: it looks like a CSV file. Choose automatic "
            "detection or the CSV format.",
        ),
        (
            "google_contacts.csv",
            "no_records",
            "This file is not a vCard file: it looks like a Google Contacts export (a CSV "
            "file). Choose automatic detection or the Google format.",
        ),
    ],
)
def test_a_file_imported_as_vcard_says_what_it_looks_like(
    name: str, code: str, message: str
) -> None:
    data = (FIXTURES / name).read_bytes()
    with pytest.raises(UnreadableFile) as caught:
        sources.read_records(io.BytesIO(data), "vcard", filename="upload.vcf")
    assert (caught.value.code, str(caught.value)) == (code, message)


def test_json_and_images_imported_as_vcard_say_what_they_are() -> None:
    with pytest.raises(UnreadableFile) as caught:
        sources.read_records(io.BytesIO(b'{"format": "aandacht.vault"}'), "vcard")
    assert caught.value.code == "no_records"
    assert "it looks like a JSON file" in str(caught.value)
    with pytest.raises(UnreadableFile) as caught:
        sources.read_records(io.BytesIO(PNG_HEAD), "vcard")
    assert caught.value.code == "binary"
    assert "it looks like a PNG image" in str(caught.value)


def test_an_image_on_automatic_detection_is_named() -> None:
    with pytest.raises(UnreadableFile) as caught:
        sources.read_records(io.BytesIO(PNG_HEAD), "auto", filename="photo.png")
    assert caught.value.code == "binary"
    assert str(caught.value) == (
        "This is not a contacts file: it looks like a PNG image (binary data). Export your "
        "contacts as vCard (.vcf) or CSV and try that file."
    )
    with pytest.raises(UnreadableFile) as caught:
        sources.detect_format(b"\x00\x01\x02\x03" * 100, "data.bin")
    assert "it holds binary data" in str(caught.value)


def test_a_vcard_that_is_a_vcard_is_still_read_as_one() -> None:
    data = b"\xef\xbb\xbf\r\n" + (FIXTURES / "apple_contacts.vcf").read_bytes()
    items = list(sources.read_records(io.BytesIO(data), "vcard"))
    assert any(isinstance(item, Record) for item in items)
    utf16 = (FIXTURES / "utf16_bom.vcf").read_bytes()
    assert any(isinstance(i, Record) for i in sources.read_records(io.BytesIO(utf16), "vcard"))


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\n", "vcard"),
        (b"First Name,Last Name,Email Address\n", ""),  # too little to be LinkedIn's
        (b'{"a": 1}', "json"),
        (PNG_HEAD, ""),
    ],
)
def test_looks_like_names_a_format_or_nothing(head: bytes, kind: str) -> None:
    found, what = sources.looks_like(head, "upload")
    assert what
    if kind:
        assert found == kind
