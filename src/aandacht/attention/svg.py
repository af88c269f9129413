"""Small charts as inline SVG, drawn on the server: no JavaScript, nothing from a CDN.

Colours come from CSS custom properties with ``currentColor`` as the fallback, so a chart
follows the page's light or dark palette. Every chart carries a ``<title>`` and a ``<desc>``
(the caller also shows the numbers as a table). Pure Python: text is passed in already
translated, and escaped here.

Text is sized in the viewBox's units, so the viewBoxes for a phone are kept narrow (340 and
300 units): a chart shrinks to about 0.9 of that on a 390-pixel phone, and ``FONT`` still
renders at 11 pixels or more there. Only a few x labels are drawn (the table has every one).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from aandacht.attention.report_core import nice_ceiling, tick_values

SVG_NS = "http://www.w3.org/2000/svg"
FONT = 13  # in viewBox units


@dataclass(frozen=True)
class Series:
    """One stacked layer or one line: its name (for the legend) and a colour variable."""

    name: str
    colour: str  # a CSS custom property, e.g. "--chart-deep"
    values: Sequence[float | None]


@dataclass(frozen=True)
class Frame:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int

    @property
    def inner_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def inner_height(self) -> float:
        return self.height - self.top - self.bottom

    def y(self, value: float, top: float) -> float:
        return self.top + self.inner_height * (1 - value / top)


def _num(value: float) -> str:
    """Coordinates with at most one decimal, without a trailing ``.0``."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _paint(colour: str) -> str:
    return f"var({colour}, currentColor)"


def _open(ident: str, title: str, desc: str, frame: Frame, extra_class: str = "") -> list[str]:
    classes = f"chart {extra_class}".strip()
    return [
        f'<svg xmlns="{SVG_NS}" id="{ident}" class="{classes}" role="img" '
        f'viewBox="0 0 {frame.width} {frame.height}" aria-labelledby="{ident}-title {ident}-desc" '
        f'preserveAspectRatio="xMidYMid meet">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
    ]


def _grid(frame: Frame, ticks: Sequence[int], top: float, suffix: str = "") -> list[str]:
    parts = ['<g class="chart__grid" aria-hidden="true">']
    for tick in ticks:
        y = _num(frame.y(tick, top))
        parts.append(
            f'<line x1="{frame.left}" x2="{frame.width - frame.right}" y1="{y}" y2="{y}" '
            'stroke="currentColor" stroke-opacity="0.18" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{frame.left - 6}" y="{y}" text-anchor="end" dominant-baseline="middle" '
            f'fill="currentColor" font-size="{FONT}">{tick}{escape(suffix)}</text>'
        )
    parts.append("</g>")
    return parts


def _x_labels(frame: Frame, labels: Sequence[str], centre: Sequence[float], most: int) -> list[str]:
    """At most ``most`` labels: every one when they fit, else every second, third, …
    counted back from the latest (the table has them all)."""
    step = max(1, math.ceil(len(labels) / most))
    parts = ['<g class="chart__labels" aria-hidden="true">']
    baseline = _num(frame.height - frame.bottom + FONT + 5)
    for index in range(len(labels) - 1, -1, -step):  # always label the latest span
        parts.append(
            f'<text x="{_num(centre[index])}" y="{baseline}" text-anchor="middle" '
            f'fill="currentColor" font-size="{FONT}">{escape(labels[index])}</text>'
        )
    parts.append("</g>")
    return parts


def stacked_bars(
    ident: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    width: int = 340,
    height: int = 170,
    most_labels: int = 5,
    extra_class: str = "",
) -> str:
    """A bar per label, its layers stacked bottom-up in the order of ``series``. A page that
    has room draws a second, wider one (``extra_class`` tells the CSS which to show)."""
    frame = Frame(width, height, left=34, right=18, top=10, bottom=FONT + 12)
    count = len(labels)
    totals = [sum(s.values[i] or 0 for s in series) for i in range(count)]
    top = nice_ceiling(max(totals, default=0))
    band = frame.inner_width / max(count, 1)
    bar = band * 0.66
    centres = [frame.left + band * (i + 0.5) for i in range(count)]
    parts = _open(ident, title, desc, frame, extra_class)
    parts += _grid(frame, tick_values(top), top)
    for layer in series:
        parts.append(f'<g class="chart__series" style="fill: {_paint(layer.colour)}">')
        parts.append(f"<title>{escape(layer.name)}</title>")
        for i in range(count):
            below = sum(s.values[i] or 0 for s in series[: series.index(layer)])
            value = layer.values[i] or 0
            if value <= 0:
                continue
            y_top = frame.y(below + value, top)
            y_bottom = frame.y(below, top)
            parts.append(
                f'<rect x="{_num(centres[i] - bar / 2)}" y="{_num(y_top)}" '
                f'width="{_num(bar)}" height="{_num(y_bottom - y_top)}">'
                f"<title>{escape(labels[i])}: {escape(layer.name)} {_num(value)}</title></rect>"
            )
        parts.append("</g>")
    parts += _x_labels(frame, labels, centres, most=most_labels)
    parts.append("</svg>")
    return "".join(parts)


def percent_line(
    ident: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    line: Series,
    *,
    width: int = 300,
    height: int = 130,
) -> str:
    """A line from 0 to 100 %, broken where a value is missing (no one to count)."""
    # Room on the right for the last label, which is centred on the last point.
    frame = Frame(width, height, left=44, right=24, top=9, bottom=FONT + 12)
    count = len(labels)
    step = frame.inner_width / max(count - 1, 1)
    xs = [frame.left + step * i for i in range(count)]
    parts = _open(ident, title, desc, frame)
    parts += _grid(frame, [0, 50, 100], 100, "%")
    runs: list[list[tuple[float, float]]] = [[]]
    dots: list[str] = []
    for i, value in enumerate(line.values):
        if value is None:
            runs.append([])
            continue
        point = (xs[i], frame.y(value, 100))
        runs[-1].append(point)
        dots.append(
            f'<circle cx="{_num(point[0])}" cy="{_num(point[1])}" r="2.5">'
            f"<title>{escape(labels[i])}: {_num(value)}%</title></circle>"
        )
    paint = _paint(line.colour)
    parts.append(f'<g class="chart__series" style="stroke: {paint}; fill: {paint}">')
    for run in runs:
        if len(run) > 1:
            points = " ".join(f"{_num(x)},{_num(y)}" for x, y in run)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke-width="2" '
                'stroke-linejoin="round" stroke-linecap="round"/>'
            )
    parts += dots
    parts.append("</g>")
    parts += _x_labels(frame, labels, xs, most=4)
    parts.append("</svg>")
    return "".join(parts)
