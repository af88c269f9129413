"""CSV input as it comes: encodings, delimiters, line breaks, broken and binary files, size."""

from __future__ import annotations

import codecs
import csv
import gc
import io
import sys
import tracemalloc
from collections.abc import Iterator

import pytest

from aandacht.exchange.csv_sources import (
    HEAD_BYTES,
    read_google,
    read_header,
    read_linkedin,
    read_mapped,
    sniff_csv,
)
from aandacht.exchange.records import Problem, Record, UnreadableFile

NAMES = "Voornaam;Achternaam;Plaats\r\nHélène;van Dijk;Zoetermeer\r\nZoë;Jansen;Ærøskøbing\r\n"
MAPPING = {"Voornaam": "given_name", "Achternaam": "family_name", "Plaats": "city"}


def names_of(data: bytes, mapping: dict[str, str] | None = None) -> list[tuple[int, str, str]]:
    result = []
    for item in read_mapped(io.BytesIO(data), mapping or MAPPING):
        assert isinstance(item, Record), item
        result.append((item.number, item.given_name, item.addresses[0].locality))
    return result


EXPECTED = [(2, "Hélène", "Zoetermeer"), (3, "Zoë", "Ærøskøbing")]


# --------------------------------------------------------------------------------------------
# Encodings


def test_utf8_without_bom() -> None:
    assert names_of(NAMES.encode("utf-8")) == EXPECTED


def test_utf8_with_bom_the_header_is_clean() -> None:
    data = codecs.BOM_UTF8 + NAMES.encode("utf-8")
    assert read_header(io.BytesIO(data))[0] == "Voornaam"
    assert names_of(data) == EXPECTED


def test_utf16_with_bom_excel_unicode_text_tab_delimited() -> None:
    data = NAMES.replace(";", "\t").encode("utf-16")  # Python writes the BOM, as Excel does
    assert data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    assert names_of(data) == EXPECTED
    assert sniff_csv(data) == "csv"


def test_utf16_big_endian_with_bom() -> None:
    data = codecs.BOM_UTF16_BE + NAMES.encode("utf-16-be")
    assert names_of(data) == EXPECTED


def test_utf16_without_bom_is_recognised_not_called_binary() -> None:
    assert names_of(NAMES.encode("utf-16-le")) == EXPECTED


def test_cp1252_when_the_start_is_not_utf8() -> None:
    # "Ærøskøbing" is not in cp1252; use a name that is.
    text = NAMES.replace("Ærøskøbing", "Hüsten") + "Zoë;Müller;Genève\r\n"
    data = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert names_of(data) == [
        (2, "Hélène", "Zoetermeer"),
        (3, "Zoë", "Hüsten"),
        (4, "Zoë", "Genève"),
    ]


def test_cp1252_byte_after_the_first_64_kb_of_utf8_does_not_fail_the_file() -> None:
    filler = "".join(f"Persoon{i};Één;Delft\r\n" for i in range(4000)).encode("utf-8")
    assert len(filler) > HEAD_BYTES
    data = NAMES.encode("utf-8") + filler + "Zoë;Laatste;Tilburg\r\n".encode("cp1252")
    items = list(read_mapped(io.BytesIO(data), MAPPING))
    assert all(isinstance(item, Record) for item in items)
    last = items[-1]
    assert isinstance(last, Record)
    assert (last.given_name, last.family_name) == ("Zoë", "Laatste")
    first = items[0]
    assert isinstance(first, Record) and first.given_name == "Hélène"


# --------------------------------------------------------------------------------------------
# Delimiters and line breaks


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed(delimiter: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["Naam", "Adres", "Notitie"])
    writer.writerow(["Anna de Boer", "Kerkstraat 1, Delft", "zegt; altijd\tja"])
    writer.writerow(["Bo Lid", "Laan 2, Gouda", "komt, soms"])
    mapping = {"Naam": "full_name", "Adres": "street", "Notitie": "note"}
    items = list(read_mapped(io.BytesIO(buffer.getvalue().encode()), mapping))
    assert [(r.family_name, r.addresses[0].street) for r in items if isinstance(r, Record)] == [
        ("Boer", "Kerkstraat 1, Delft"),
        ("Lid", "Laan 2, Gouda"),
    ]


def test_semicolon_file_whose_cells_all_hold_one_comma() -> None:
    text = "Naam;Adres;Plaats\nAnna;Laan 1, achter;Delft\nBo;Weg 2, boven;Gouda\n"
    mapping = {"Naam": "given_name", "Adres": "street", "Plaats": "city"}
    items = list(read_mapped(io.BytesIO(text.encode()), mapping))
    assert [r.addresses[0].locality for r in items if isinstance(r, Record)] == ["Delft", "Gouda"]


def test_excel_sep_line_names_the_delimiter_and_counts_as_a_line() -> None:
    text = "sep=,\r\nNaam,Adres\r\nBo Lid,Laan 1; achter\r\n"
    assert read_header(io.BytesIO(text.encode())) == ["Naam", "Adres"]
    (item,) = list(read_mapped(io.BytesIO(text.encode()), {"Naam": "full_name", "Adres": "street"}))
    assert isinstance(item, Record)
    assert (item.number, item.addresses[0].street) == (3, "Laan 1; achter")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_quoted_newlines_and_line_numbers(newline: str) -> None:
    text = newline.join(
        [
            "Naam,Notitie",
            'Anna Smit,"eerste regel',
            "tweede regel",
            'derde"',
            "",
            "Bo Lid,kort",
            "",
        ]
    )
    items = list(read_mapped(io.BytesIO(text.encode()), {"Naam": "full_name", "Notitie": "note"}))
    anna, bo = items
    assert isinstance(anna, Record) and isinstance(bo, Record)
    assert anna.number == 2
    assert anna.note.splitlines() == ["eerste regel", "tweede regel", "derde"]
    assert bo.number == 6  # the blank line 5 is skipped but counted


def test_blank_rows_and_rows_of_empty_cells_are_skipped_silently() -> None:
    text = "Naam,Mail\n\n,\n  ,  \nBo Lid,bo@example.com\n\n"
    items = list(read_mapped(io.BytesIO(text.encode()), {"Naam": "full_name", "Mail": "email"}))
    assert len(items) == 1
    assert isinstance(items[0], Record) and items[0].number == 5


def test_short_and_long_rows() -> None:
    text = "Naam,Mail,Plaats\nBo Lid\nEva Smit,eva@example.com,Delft,extra,cellen\n"
    mapping = {"Naam": "full_name", "Mail": "email", "Plaats": "city"}
    bo, eva = list(read_mapped(io.BytesIO(text.encode()), mapping))
    assert isinstance(bo, Record) and bo.contacts == [] and bo.addresses == []
    assert isinstance(eva, Record) and eva.addresses[0].locality == "Delft"


def test_header_only_gives_no_records() -> None:
    assert list(read_mapped(io.BytesIO(b"Naam,Mail\r\n"), {"Naam": "full_name"})) == []


# --------------------------------------------------------------------------------------------
# Broken and binary files


def test_unclosed_quote_at_the_end_is_a_problem_on_its_line() -> None:
    text = 'Naam,Notitie\nBo Lid,kort\nEva Smit,"begint maar\nstopt nooit\n'
    items = list(read_mapped(io.BytesIO(text.encode()), {"Naam": "full_name", "Notitie": "note"}))
    assert isinstance(items[0], Record)
    broken = items[1]
    assert isinstance(broken, Problem)
    assert (broken.record, broken.code) == (3, "bad_row")
    assert "never closed" in broken.reason


def test_runaway_quote_stops_reading_with_a_problem_in_bounded_memory() -> None:
    rows = "".join(f"Persoon {i},iets\n" for i in range(20000))  # ~ 300 KB after the quote
    text = f'Naam,Notitie\nBo Lid,"oeps\n{rows}'
    items = list(read_mapped(io.BytesIO(text.encode()), {"Naam": "full_name", "Notitie": "note"}))
    assert len(items) == 1
    (problem,) = items
    assert isinstance(problem, Problem)
    assert (problem.record, problem.code) == (2, "bad_row")
    assert "never closed" in problem.reason and "rest of the file" in problem.reason


def test_malformed_quoting_on_one_row_is_reported_and_reading_goes_on() -> None:
    text = 'Naam,Mail\n"Bo" Lid,bo@example.com\nEva Smit,eva@example.com\n'
    items = list(read_mapped(io.BytesIO(text.encode()), {"Naam": "full_name", "Mail": "email"}))
    broken, eva = items
    assert isinstance(broken, Problem) and (broken.record, broken.code) == (2, "bad_row")
    assert isinstance(eva, Record) and eva.number == 3


@pytest.mark.parametrize(
    ("data", "mentions"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), "xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), ".xls"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (b"Naam,Mail\nBo\x00\x01\x02\x03\x04,x\n" + bytes(range(256)) * 4, "zero bytes"),
        (bytes(range(1, 32)) * 50, "control characters"),
    ],
)
def test_binary_files_are_refused(data: bytes, mentions: str) -> None:
    for reader in (read_header, read_linkedin, read_google, read_mapped):
        with pytest.raises(UnreadableFile) as caught:
            reader(io.BytesIO(data))
        assert caught.value.code == "binary"
        assert mentions in str(caught.value)
    assert sniff_csv(data) is None


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", codecs.BOM_UTF8])
def test_empty_files_are_refused(data: bytes) -> None:
    with pytest.raises(UnreadableFile) as caught:
        read_mapped(io.BytesIO(data), {"Naam": "full_name"})
    assert caught.value.code == "empty"


# --------------------------------------------------------------------------------------------
# Streams and size


class OnlyRead:
    """A pipe-like stream: read() only, no seek, no readinto."""

    def __init__(self, data: bytes, piece: int = 1000) -> None:
        self._data = io.BytesIO(data)
        self._piece = piece
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        return self._data.read(min(size, self._piece) if size > 0 else self._piece)


def test_a_stream_that_only_reads_in_small_pieces() -> None:
    data = (NAMES * 1).encode("utf-8")
    items = list(read_mapped(OnlyRead(data, piece=7), MAPPING))  # type: ignore[arg-type]
    assert [(r.number, r.given_name) for r in items if isinstance(r, Record)] == [
        (2, "Hélène"),
        (3, "Zoë"),
    ]


def test_the_callers_stream_is_left_open() -> None:
    stream = io.BytesIO(NAMES.encode())
    list(read_mapped(stream, MAPPING))
    assert not stream.closed
    stream = io.BytesIO(NAMES.encode())
    read_header(stream)
    assert not stream.closed


class GeneratedCsv(io.RawIOBase):
    """A large CSV made on the fly, so the test itself does not hold the file in memory."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self._lines = self._generate(rows)
        self._pending = b""

    @staticmethod
    def _generate(rows: int) -> Iterator[bytes]:
        yield b"Voornaam;Achternaam;E-mail;Telefoon;Verjaardag;Opmerkingen\r\n"
        for i in range(rows):
            yield (
                f'Persoon{i};van der Berg{i};p{i}@example.nl;06{i:08d};--04-15;"Notitie {i}\r\n'
                f'over twee regels"\r\n'
            ).encode()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while len(self._pending) < len(buffer):
            line = next(self._lines, None)
            if line is None:
                break
            self._pending += line
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count


MAPPING_100K = {
    "Voornaam": "given_name",
    "Achternaam": "family_name",
    "E-mail": "email",
    "Telefoon": "phone",
    "Verjaardag": "birthday",
    "Opmerkingen": "note",
}


def test_100k_rows_stream_without_growing() -> None:
    """Nothing accumulates per row: the live allocations after 100,000 rows are what they
    were after 10,000 (a reader that kept rows would hold millions more blocks).
    """
    rows = 100_000
    stream = io.BufferedReader(GeneratedCsv(rows))
    count = 0
    blocks_at_10k = 0
    last: Record | Problem | None = None
    for item in read_mapped(stream, MAPPING_100K):  # type: ignore[arg-type]
        count += 1
        last = item
        if count == 10_000:
            gc.collect()
            blocks_at_10k = sys.getallocatedblocks()
    del item
    gc.collect()
    growth = sys.getallocatedblocks() - blocks_at_10k
    assert count == rows
    assert isinstance(last, Record)
    assert last.number == 2 + (rows - 1) * 2  # every row takes two lines
    assert (last.particles, last.family_name) == ("van der", f"Berg{rows - 1}")
    assert growth < 5_000, f"{growth} more memory blocks after 100,000 rows"


def test_peak_memory_of_reading_is_a_few_buffers() -> None:
    stream = io.BufferedReader(GeneratedCsv(5_000))  # ~450 KB of CSV
    tracemalloc.start()
    try:
        count = sum(1 for _item in read_mapped(stream, MAPPING_100K))  # type: ignore[arg-type]
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 5_000
    assert peak < 1024 * 1024, f"peak {peak / 1024:.0f} KB"
