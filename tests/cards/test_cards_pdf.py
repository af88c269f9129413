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


def test_a_message_too_long_for_one_card_is_refused_with_how_much_to_cut() -> None:
    message = "woord " * 320 + "EINDE"
    fit = pdf.fit_of(message, "Zoë")
    assert not fit.fits and fit.font_size == pdf.MIN_SIZE and fit.cut > 0
    with pytest.raises(pdf.TooLong) as refused:
        pdf.render("Zoë", message)
    assert refused.value.fit.cut == fit.cut
    # Cutting exactly that much makes it fit, on one page, and the end of what is left prints.
    shorter = pdf.clean(message)[: -fit.cut]
    assert pdf.fit_of(shorter, "Zoë").fits
    reader = read(pdf.render("Zoë", shorter))
    assert len(reader.pages) == 1
    assert shorter.split()[-1] in reader.pages[0].extract_text()
    # One character fewer than asked is still too long: the number is not a guess.
    assert not pdf.fit_of(pdf.clean(message)[: -fit.cut + 1], "Zoë").fits


@pytest.mark.parametrize("words", [150, 220, 260, 280, 300])
@pytest.mark.parametrize(
    "name", ["Zoë", "Anneliese Margarethe Wilhelmina van der Heijden-Oosterhuis"]
)
def test_whatever_fits_prints_on_exactly_one_page(words: int, name: str) -> None:
    """A long name wraps and pushes the text down: the fit accounts for it, so a text said to
    fit never runs onto a second page (the newcomer's 'Word Word …' card did)."""
    message = "Word " * words
    fit = pdf.fit_of(message, name)
    if fit.fits:
        reader = read(pdf.render(name, message))
        assert len(reader.pages) == 1
        assert reader.pages[0].extract_text().count("Word") == words
    else:
        with pytest.raises(pdf.TooLong):
            pdf.render(name, message)


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
