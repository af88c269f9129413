"""The printable card read back with pypdf: the page is A6, names with accents print as
written, long texts wrap and shrink, and a text too long for the card says so."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from aandacht.cards import pdf


def read(body: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(body))


def size_mm(reader: PdfReader, page: int = 0) -> tuple[int, int]:
    box = reader.pages[page].mediabox
    return round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)


@pytest.mark.parametrize(
    "name", ["Zoë de Vries", "Ruud Çelik", "Anaïs van den Broek", "Łucja Wiśniewska", "Søren"]
)
def test_names_with_accents_print_as_written(name: str) -> None:
    reader = read(pdf.render(name, "Dank je wel voor dit jaar."))
    assert size_mm(reader) == (105, 148)
    text = reader.pages[0].extract_text()
    assert name in text and "Dank je wel voor dit jaar." in text


def test_an_empty_card_is_still_a_card() -> None:
    reader = read(pdf.render("Zoë", ""))
    assert len(reader.pages) == 1
    assert "Zoë" in reader.pages[0].extract_text()


def test_a_short_message_is_set_large_and_a_longer_one_smaller() -> None:
    short = pdf.fit_of("Dank je wel.")
    longer = pdf.fit_of("Een zin die een paar keer terugkomt. " * 14)
    assert short.fits and short.font_size == pdf.MAX_SIZE
    assert longer.fits and pdf.MIN_SIZE <= longer.font_size < pdf.MAX_SIZE


def test_a_message_too_long_for_the_card_says_so_and_loses_nothing() -> None:
    message = "woord " * 320 + "EINDE"
    fit = pdf.fit_of(message)
    assert not fit.fits and fit.font_size == pdf.MIN_SIZE
    reader = read(pdf.render("Zoë", message))
    assert len(reader.pages) == 2
    assert size_mm(reader, 1) == (105, 148)
    assert "EINDE" in reader.pages[1].extract_text()


def test_long_words_and_line_breaks_wrap_within_the_card() -> None:
    message = "Lieve Zoë,\r\n\r\n" + "x" * 90 + "\rdoei"
    assert pdf.fit_of(message).fits
    text = read(pdf.render("Zoë", message)).pages[0].extract_text()
    assert "Lieve Zoë," in text and "doei" in text
    assert text.replace("\n", "").count("x") == 90


def test_characters_the_font_lacks_do_not_break_the_card() -> None:
    reader = read(pdf.render("Zoë 🌟", "Fijne feestdagen 🎄 en een goed 2027!"))
    assert "Fijne feestdagen" in reader.pages[0].extract_text()


def test_clean_keeps_the_words_and_unifies_line_endings() -> None:
    assert pdf.clean("  Hoi\r\nZoë  \r\n\r\n") == "  Hoi\nZoë"
