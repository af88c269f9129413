"""The printable card: one A6 page (105 × 148 mm, portrait) with the person's name and the
message, made with fpdf2 (pure Python, no system packages).

The font is DejaVu Serif, bundled with the app (static/cards/fonts), so every Dutch and most
European names print as written ("Zoë", "Ruud Çelik", "Łucja"). A message is wrapped to the
card and set as large as it fits, from ``MAX_SIZE`` down to ``MIN_SIZE`` points. The card is
always exactly one page: a message that does not fit even in the smallest letters is not
printed at all (``render`` raises ``TooLong``), and ``fit_of`` says how many characters to cut,
so the writing page can say so while the draft itself is still saved.
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
MIN_SIZE = 7.5  # still readable on an A6 card; smaller is not a card any more
SIZE_STEP = 0.5
LINE_SPACING = 1.45  # line height as a multiple of the font size
POINT_MM = 25.4 / 72
TEXT_TOP_MM = MARGIN_MM + 17.0  # below the name and its rule (lower when the name wraps)


@dataclass(frozen=True)
class Fit:
    """How the message sits on the card: the font size chosen, whether it fits, and when it
    does not, how many characters must go (at least) for it to fit."""

    font_size: float
    lines: int
    fits: bool
    cut: int = 0


class TooLong(Exception):
    """The message does not fit on one card even in the smallest letters."""

    def __init__(self, fit: Fit) -> None:
        super().__init__(f"cut at least {fit.cut} characters")
        self.fit = fit


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
    # Never a second page: what is printed has been measured to fit first.
    pdf.set_auto_page_break(False, margin=MARGIN_MM)
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


def _size_that_fits(pdf: FPDF, text: str, top: float) -> tuple[float, int] | None:
    """The largest font size (and its line count) at which ``text`` fits below ``top``."""
    available = PAGE_HEIGHT_MM - top - MARGIN_MM
    size = MAX_SIZE
    while size >= MIN_SIZE:
        lines = _count_lines(pdf, text, size) if text else 0
        if lines * _line_height(size) <= available:
            return size, lines
        size -= SIZE_STEP
    return None


def _fit(pdf: FPDF, text: str, top: float) -> Fit:
    found = _size_that_fits(pdf, text, top)
    if found is not None:
        return Fit(found[0], found[1], True)
    # The longest beginning that fits in the smallest letters tells how much must go: more
    # text never takes fewer lines, so a binary search over its length finds it.
    low, high = 0, len(text)
    available = PAGE_HEIGHT_MM - top - MARGIN_MM
    while low < high:
        middle = (low + high + 1) // 2
        if _count_lines(pdf, text[:middle], MIN_SIZE) * _line_height(MIN_SIZE) <= available:
            low = middle
        else:
            high = middle - 1
    return Fit(MIN_SIZE, _count_lines(pdf, text, MIN_SIZE), False, cut=len(text) - low)


def _name_bottom(pdf: FPDF, name: str, *, draw: bool) -> float:
    """Where the message starts: below the name (which may wrap) and its thin rule."""
    width = PAGE_WIDTH_MM - 2 * MARGIN_MM
    pdf.set_font(FONT, size=NAME_SIZE)
    pdf.set_xy(MARGIN_MM, MARGIN_MM)
    if draw:
        pdf.multi_cell(width, _line_height(NAME_SIZE) * 0.8, name, align="L")
        bottom = pdf.get_y()
    else:
        lines = pdf.multi_cell(
            width,
            _line_height(NAME_SIZE) * 0.8,
            name,
            dry_run=True,
            output=MethodReturnValue.LINES,
        )
        count = len(lines) if isinstance(lines, list) else 1
        bottom = MARGIN_MM + count * _line_height(NAME_SIZE) * 0.8
    rule_y = max(bottom + 2.5, MARGIN_MM + 12.0)
    if draw:
        pdf.set_draw_color(185, 167, 149)
        pdf.set_line_width(0.25)
        rule_x = MARGIN_MM + pdf.c_margin  # where the text itself starts, inside the cell
        pdf.line(rule_x, rule_y, rule_x + 30.0, rule_y)
    return max(TEXT_TOP_MM, rule_y + 4.5)


@lru_cache(maxsize=256)
def fit_of(text: str, name: str = "") -> Fit:
    """How ``text`` fits on the card below ``name`` (cached: the writing page asks on every
    view and every autosave)."""
    pdf = _document()
    pdf.add_page()  # fpdf2 measures on a page
    return _fit(pdf, clean(text), _name_bottom(pdf, name, draw=False))


def render(name: str, text: str, *, title: str = "") -> bytes:
    """The card as PDF bytes, always one page: the name at the top, a thin rule, then the
    message. Raises ``TooLong`` for a message that would need a second page."""
    message = clean(text)
    fit = fit_of(text, name)
    if not fit.fits:
        raise TooLong(fit)
    pdf = _document()
    pdf.set_title(title or name)
    pdf.set_creator("Aandacht")
    pdf.add_page()
    top = _name_bottom(pdf, name, draw=True)
    pdf.set_xy(MARGIN_MM, top)
    if message:
        pdf.set_font(FONT, size=fit.font_size)
        pdf.multi_cell(
            PAGE_WIDTH_MM - 2 * MARGIN_MM, _line_height(fit.font_size), message, align="L"
        )
    return bytes(pdf.output())
