"""The printable card: one A6 page (105 × 148 mm, portrait) with the person's name and the
message, made with fpdf2 (pure Python, no system packages).

The font is DejaVu Serif, bundled with the app (static/cards/fonts), so every Dutch and most
European names print as written ("Zoë", "Ruud Çelik", "Łucja"). A message is wrapped to the
card and set as large as it fits, from ``MAX_SIZE`` down to ``MIN_SIZE`` points; one that does
not fit even then runs onto a second page, and ``fit`` says so, so the page can tell the user
before they print.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue

FONT_PATH = Path(__file__).resolve().parent / "static" / "cards" / "fonts" / "DejaVuSerif.ttf"
FONT = "DejaVuSerif"
PAGE_WIDTH_MM = 105.0
PAGE_HEIGHT_MM = 148.0
MARGIN_MM = 13.0
NAME_SIZE = 17.0
MAX_SIZE = 13.0
MIN_SIZE = 8.5
SIZE_STEP = 0.5
LINE_SPACING = 1.45  # line height as a multiple of the font size
POINT_MM = 25.4 / 72
TEXT_TOP_MM = MARGIN_MM + 17.0  # below the name and its rule


@dataclass(frozen=True)
class Fit:
    """How the message sits on the card: the font size chosen and whether it fits."""

    font_size: float
    lines: int
    fits: bool


def clean(text: str) -> str:
    """One kind of line ending, no trailing space; the text is otherwise the user's own."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _line_height(size: float) -> float:
    return size * POINT_MM * LINE_SPACING


def _document() -> FPDF:
    pdf = FPDF(orientation="P", unit="mm", format=(PAGE_WIDTH_MM, PAGE_HEIGHT_MM))
    pdf.add_font(FONT, "", str(FONT_PATH))
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=MARGIN_MM)
    return pdf


def _count_lines(pdf: FPDF, text: str, size: float) -> int:
    pdf.set_font(FONT, size=size)
    lines = pdf.multi_cell(
        PAGE_WIDTH_MM - 2 * MARGIN_MM,
        _line_height(size),
        text,
        dry_run=True,
        output=MethodReturnValue.LINES,
    )
    if not isinstance(lines, list):
        raise TypeError("fpdf2 should return the lines of a dry run")
    return len(lines)


def _fit(pdf: FPDF, text: str) -> Fit:
    available = PAGE_HEIGHT_MM - TEXT_TOP_MM - MARGIN_MM
    size = MAX_SIZE
    while True:
        lines = _count_lines(pdf, text, size) if text else 0
        if lines * _line_height(size) <= available:
            return Fit(size, lines, True)
        if size - SIZE_STEP < MIN_SIZE:
            return Fit(size, lines, False)
        size -= SIZE_STEP


@lru_cache(maxsize=256)
def fit_of(text: str) -> Fit:
    """How ``text`` fits on the card (cached: the writing page asks on every view)."""
    pdf = _document()
    pdf.add_page()  # fpdf2 measures on a page
    return _fit(pdf, clean(text))


def render(name: str, text: str, *, title: str = "") -> bytes:
    """The card as PDF bytes: the name at the top, a thin rule, then the message."""
    message = clean(text)
    pdf = _document()
    pdf.set_title(title or name)
    pdf.set_creator("Aandacht")
    pdf.add_page()
    fit = _fit(pdf, message)
    width = PAGE_WIDTH_MM - 2 * MARGIN_MM
    pdf.set_font(FONT, size=NAME_SIZE)
    pdf.set_xy(MARGIN_MM, MARGIN_MM)
    pdf.multi_cell(width, _line_height(NAME_SIZE) * 0.8, name, align="L")
    rule_y = max(pdf.get_y() + 2.5, MARGIN_MM + 12.0)
    pdf.set_draw_color(185, 167, 149)
    pdf.set_line_width(0.25)
    rule_x = MARGIN_MM + pdf.c_margin  # where the text itself starts, inside the cell
    pdf.line(rule_x, rule_y, rule_x + 30.0, rule_y)
    pdf.set_xy(MARGIN_MM, max(TEXT_TOP_MM, rule_y + 4.5))
    if message:
        pdf.set_font(FONT, size=fit.font_size)
        pdf.multi_cell(width, _line_height(fit.font_size), message, align="L")
    return bytes(pdf.output())
