"""Charts drawn at build time as inline SVG: column charts (categories along x), bar charts
(categories down y) and line charts. Bars always start at zero; every axis is labelled with its
unit by the caller. Coordinates are rounded to one decimal so the same data give the same
bytes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.site.html import Html, el

WIDTH = 760
FONT_PX = 12
CHAR_PX = 6.6  # average width of a character at FONT_PX, to lay out labels without a browser
# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
BLUE, ORANGE, GREEN, PINK, SKY, RED, GREY = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#8C8C8C",
)


@dataclass(frozen=True)
class Series:
    """One named set of values, one per category (None: no value for that category)."""

    name: str
    values: tuple[float | None, ...]
    colour: str


@dataclass(frozen=True)
class Drawing:
    """A chart: its title (shown above it by the page, and read by screen readers) and SVG."""

    title: str
    svg: Html


@dataclass(frozen=True)
class Box:
    """The plotting area inside the margins."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


def number(value: float) -> str:
    """A value as labels print it: thousands separated, no needless decimals."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _c(value: float) -> str:
    """A coordinate, rounded so that output does not depend on float noise."""
    return f"{value:.1f}"


def ticks(maximum: float, count: int = 5) -> list[float]:
    """Round tick values from 0 up to at least `maximum`."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    top = math.ceil(maximum / step - 1e-9) * step
    return [round(i * step, 10) for i in range(round(top / step) + 1)]


def _extent(series: Sequence[Series], stacked: bool) -> float:
    """The largest value (or stacked total) to scale to; bars start at zero, so a negative
    value is refused rather than drawn from somewhere else."""
    if any(v is not None and v < 0 for s in series for v in s.values):
        raise ValueError(f"negative values in {[s.name for s in series]}: bars start at zero")
    if stacked:
        totals = [
            sum(v or 0 for v in values) for values in zip(*(s.values for s in series), strict=True)
        ]
        return max(totals, default=0)
    return max((v for s in series for v in s.values if v is not None), default=0)


def text_width(text: str) -> float:
    return len(text) * CHAR_PX


def _text(x: float, y: float, content: str, **attrs: object) -> Html:
    return el("text", content, x=_c(x), y=_c(y), **attrs)


def _line(x1: float, y1: float, x2: float, y2: float, kind: str) -> Html:
    return el("line", x1=_c(x1), x2=_c(x2), y1=_c(y1), y2=_c(y2), class_=kind)


def _axis_label(x: float, y: float, label: str, **attrs: object) -> Html:
    return _text(x, y, label, text_anchor="middle", class_="axis-label", **attrs)


def _legend(series: Sequence[Series], x: float, y: float) -> Html:
    items, offset = [], x
    for s in series:
        items.append(el("rect", x=_c(offset), y=_c(y - 10), width="12", height="12", fill=s.colour))
        items.append(_text(offset + 16, y, s.name))
        offset += 16 + text_width(s.name) + 18
    return el("g", items, class_="legend")


def _svg(title: str, height: float, *content: object) -> Html:
    return el(
        "svg",
        el("title", title),
        *content,
        viewBox=f"0 0 {WIDTH} {_c(height)}",
        role="img",
        aria_label=title,
        class_="chart",
        preserveAspectRatio="xMinYMin meet",
    )


def _mark(x: float, y: float, width: float, height: float, colour: str, tip: str) -> Html:
    return el(
        "rect",
        el("title", tip),
        x=_c(x),
        y=_c(y),
        width=_c(max(width, 0)),
        height=_c(max(height, 0)),
        fill=colour,
        class_="mark",
    )


def _value_axis_vertical(box: Box, scale: list[float], label: str) -> Html:
    """Horizontal grid lines with tick labels on the left, the axis label rotated."""
    parts = []
    for tick in scale:
        y = box.bottom - tick / scale[-1] * box.height
        parts.append(_line(box.left, y, box.right, y, "grid"))
        parts.append(_text(box.left - 6, y + 4, number(tick), text_anchor="end"))
    middle = box.top + box.height / 2
    parts.append(_axis_label(16, middle, label, transform=f"rotate(-90 16 {_c(middle)})"))
    parts.append(_line(box.left, box.bottom, box.right, box.bottom, "baseline"))
    return el("g", parts, class_="axis")


def _value_axis_horizontal(box: Box, scale: list[float], label: str) -> Html:
    """Vertical grid lines with tick labels below, the axis label under them."""
    parts = []
    for tick in scale:
        x = box.left + tick / scale[-1] * box.width
        parts.append(_line(x, box.top, x, box.bottom, "grid"))
        parts.append(_text(x, box.bottom + 16, number(tick), text_anchor="middle"))
    parts.append(_axis_label(box.left + box.width / 2, box.bottom + 36, label))
    parts.append(_line(box.left, box.top, box.left, box.bottom, "baseline"))
    return el("g", parts, class_="axis")


def _categories_drawing(
    title: str,
    height: float,
    box: Box,
    scale: list[float],
    value_label: str,
    category_label: str,
    series: Sequence[Series],
    *marks: object,
) -> Drawing:
    """A chart with categories along the bottom and values up the side (columns, lines)."""
    return Drawing(
        title,
        _svg(
            title,
            height,
            _value_axis_vertical(box, scale, value_label),
            el("g", *marks, class_="marks"),
            _axis_label(box.left + box.width / 2, height - 14, category_label),
            _legend(series, box.left, 20) if len(series) > 1 else None,
        ),
    )


def column_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    value_label: str,
    category_label: str,
    stacked: bool = False,
) -> Drawing:
    """Vertical bars per category (periods along x), grouped or stacked, from zero."""
    height = 380
    box = Box(left=84, top=44, right=WIDTH - 16, bottom=height - 64)
    scale = ticks(_extent(series, stacked))
    band = box.width / max(len(categories), 1)
    inner = band * 0.7
    marks = []
    for index, category in enumerate(categories):
        x = box.left + index * band + (band - inner) / 2
        base = 0.0
        for position, s in enumerate(series):
            value = s.values[index]
            if value is None:
                continue
            bar_x, bar_w = (
                (x, inner) if stacked else (x + position * inner / len(series), inner / len(series))
            )
            y_top = box.bottom - (base + value) / scale[-1] * box.height
            y_bottom = box.bottom - base / scale[-1] * box.height
            tip = f"{category}: {s.name} {number(value)} {value_label}"
            marks.append(_mark(bar_x, y_top, bar_w, y_bottom - y_top, s.colour, tip))
            if stacked:
                base += value
        marks.append(
            _text(
                box.left + index * band + band / 2, box.bottom + 18, category, text_anchor="middle"
            )
        )
    return _categories_drawing(
        title, height, box, scale, value_label, category_label, series, marks
    )


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    value_label: str,
    stacked: bool = False,
) -> Drawing:
    """Horizontal bars, one row per category (long labels on the left), from zero."""
    per_row = 22 if stacked or len(series) == 1 else 12 * len(series) + 10
    left = min(max(text_width(c) for c in categories) + 16, WIDTH * 0.55) if categories else 16
    top = 40 if len(series) > 1 else 12
    box = Box(left=left, top=top, right=WIDTH - 56, bottom=top + per_row * len(categories))
    height = box.bottom + 52
    scale = ticks(_extent(series, stacked))
    marks = []
    for index, category in enumerate(categories):
        y = box.top + index * per_row + 3
        base = 0.0
        for position, s in enumerate(series):
            value = s.values[index]
            if value is None:
                continue
            thickness = per_row - 6 if stacked or len(series) == 1 else 12
            bar_y = y if stacked or len(series) == 1 else y + position * 12
            x = box.left + base / scale[-1] * box.width
            length = value / scale[-1] * box.width
            tip = f"{category}: {s.name} {number(value)} {value_label}"
            marks.append(_mark(x, bar_y, length, thickness, s.colour, tip))
            if stacked:
                base += value
        marks.append(_text(box.left - 8, y + per_row / 2 + 4, category, text_anchor="end"))
        if stacked or len(series) == 1:  # the bar's value at its end: small bars stay readable
            total = sum(s.values[index] or 0 for s in series)
            end = box.left + total / scale[-1] * box.width
            marks.append(_text(end + 4, y + per_row / 2 + 4, number(total), class_="value"))
    return Drawing(
        title,
        _svg(
            title,
            height,
            _value_axis_horizontal(box, scale, value_label),
            el("g", marks, class_="marks"),
            _legend(series, box.left, 22) if len(series) > 1 else None,
        ),
    )


def _segments(points: Sequence[tuple[float, float, int]]) -> list[list[tuple[float, float]]]:
    """Runs of points of consecutive categories: a missing value breaks the line."""
    segments: list[list[tuple[float, float]]] = []
    previous = None
    for x, y, index in points:
        if previous is None or index != previous + 1:
            segments.append([])
        segments[-1].append((x, y))
        previous = index
    return segments


def line_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    value_label: str,
    category_label: str,
    maximum: float | None = None,
) -> Drawing:
    """Values per category joined by lines (a gap where a value is missing), on a scale from
    zero to `maximum` (e.g. 100 for a percentage) or to round values above the data."""
    height = 340
    box = Box(left=84, top=44, right=WIDTH - 24, bottom=height - 64)
    scale = ticks(maximum if maximum is not None else _extent(series, False))
    step = box.width / max(len(categories), 1)
    marks, labels = [], []
    for index, category in enumerate(categories):
        labels.append(
            _text(box.left + step * (index + 0.5), box.bottom + 18, category, text_anchor="middle")
        )
    for order, s in enumerate(series):
        dash = "6 4" if order else None  # later series dashed: lines that coincide stay visible
        points = [
            (
                box.left + step * (index + 0.5),
                box.bottom - value / scale[-1] * box.height,
                value,
                index,
            )
            for index, value in enumerate(s.values)
            if value is not None
        ]
        segments = _segments([(x, y, index) for x, y, _value, index in points])
        for segment in segments:
            path = "M" + " L".join(f"{_c(x)} {_c(y)}" for x, y in segment)
            marks.append(
                el(
                    "path",
                    d=path,
                    fill="none",
                    stroke=s.colour,
                    stroke_width="2",
                    stroke_dasharray=dash,
                    class_="mark line",
                )
            )
        for x, y, value, index in points:
            tip = f"{categories[index]}: {s.name} {number(value)} {value_label}"
            marks.append(
                el(
                    "circle",
                    el("title", tip),
                    cx=_c(x),
                    cy=_c(y),
                    r="4",
                    fill=s.colour,
                    class_="mark",
                )
            )
    return _categories_drawing(
        title, height, box, scale, value_label, category_label, series, labels, marks
    )
