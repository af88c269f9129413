"""The generated address book of ``make bench-import`` is what the benchmark claims it is.

A small run of ``bench/import_generate.py``: vobject and our own reader both read every card,
the photos are real PNGs, and the file has the shape the issue asks for. No timing here.
"""

from __future__ import annotations

import io
import random
import struct
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import vobject

from aandacht.exchange.vcard import Card, PartialDate, read_cards

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import import_generate  # noqa: E402

CARDS = 60


@pytest.fixture(scope="module")
def vcf() -> bytes:
    target = io.BytesIO()
    import_generate.write_file(target, CARDS)
    return target.getvalue()


@pytest.fixture(scope="module")
def cards(vcf: bytes) -> list[Card]:
    parsed, errors = read_cards(vcf)
    assert errors == []
    return parsed


def png_chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position = 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + body), f"bad CRC in the {kind!r} chunk"
        yield kind, body
        position += 12 + length


def assert_valid_png(data: bytes) -> None:
    chunks = list(png_chunks(data))
    kinds = [kind for kind, _ in chunks]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds
    width, height, depth, colour, _, _, _ = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (depth, colour) == (8, 2)
    pixels = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    assert len(pixels) == height * (1 + width * 3)
    assert all(pixels[row * (1 + width * 3)] == 0 for row in range(height))  # filter bytes


def test_vobject_reads_every_generated_card(vcf: bytes) -> None:
    components = list(vobject.readComponents(vcf.decode("utf-8")))
    assert len(components) == CARDS
    assert all(component.name == "VCARD" for component in components)


def test_our_reader_reads_every_generated_card_with_its_details(cards: list[Card]) -> None:
    assert len(cards) == CARDS
    for card in cards:
        assert card.given and card.family and card.formatted_name
        assert 1 <= len(card.emails) <= 3
        assert len(card.phones) == 1
        assert card.organisation and card.title and card.note and card.categories
        assert len(card.addresses) == 1 and card.addresses[0].locality
        assert isinstance(card.birthday, PartialDate)


def test_the_mix_of_versions_names_and_birthdays(cards: list[Card]) -> None:
    versions = [card.version for card in cards]
    assert set(versions) == {"3.0", "4.0"}
    assert 0.25 < versions.count("4.0") / CARDS < 0.65
    assert any(" " in card.family for card in cards)  # "van der Berg", "de Vries"
    assert any(not card.family.isascii() or not card.given.isascii() for card in cards)
    yearless = {card.version for card in cards if card.birthday and card.birthday.year is None}
    assert yearless == {"3.0", "4.0"}
    assert len({(card.given, card.family) for card in cards}) == CARDS
    emails = [email.value for card in cards for email in card.emails]
    assert len(set(emails)) == len(emails)


def test_birthdays_without_a_year_are_written_both_ways(vcf: bytes) -> None:
    text = vcf.decode("utf-8")
    assert "BDAY;X-APPLE-OMIT-YEAR=1604:1604-" in text
    assert "BDAY:--" in text


def test_photos_are_valid_pngs_of_about_ten_kilobytes(cards: list[Card]) -> None:
    photos = [card.photo for card in cards if card.photo is not None]
    assert photos, "no photo among the generated cards"
    for photo in photos:
        assert photo.mime == "image/png" and photo.data is not None
        assert 9_000 < len(photo.data) < 12_000
        assert_valid_png(photo.data)
    assert len({photo.data for photo in photos}) == len(photos)


def test_png_noise_does_not_compress_away() -> None:
    image = import_generate.png(random.Random(1))
    assert_valid_png(image)
    assert len(zlib.compress(image, 9)) > 0.95 * len(image)


def test_the_file_is_crlf_folded_and_the_same_every_time(vcf: bytes) -> None:
    lines = vcf.split(b"\r\n")
    assert lines[-1] == b""
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # folded continuation lines
    again = io.BytesIO()
    import_generate.write_file(again, CARDS)
    assert again.getvalue() == vcf


def test_asking_for_more_cards_than_distinct_names_is_refused() -> None:
    with pytest.raises(ValueError, match="at most"):
        next(import_generate.cards(10**7))


def test_make_bench_merges_the_last_json_line_of_every_benchmark() -> None:
    import run_all

    output = 'a table\n{"not": "this"}\n\n{"import_s": 1.5, "wall_seconds": 2}\n\n'
    assert run_all.last_json_line(output) == {"import_s": 1.5, "wall_seconds": 2}
    merged = run_all.merge(
        {"attention": {"wall_seconds": 3, "capacity": 10}, "import": {"wall_seconds": 9}}
    )
    assert merged == {"wall_seconds": 3, "capacity": 10, "import_wall_seconds": 9}


@pytest.mark.parametrize("output", ["", "a table\n", "[1, 2]\n"])
def test_a_benchmark_without_a_json_object_at_the_end_is_an_error(output: str) -> None:
    import run_all

    with pytest.raises(ValueError):
        run_all.last_json_line(output)
