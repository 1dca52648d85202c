"""A small server-side SVG renderer for the dashboards: horizontal bar charts and line charts.

Every label and number is a ``<text>`` (or a ``<title>`` of a data point), so Chinese renders with
the reader's own fonts and screen readers can read it; the chart is ``role="img"`` with its
``<title>`` and ``<desc>``. No script, no external resource (offline government networks). The
numbers drawn are exactly the numbers given: a chart is drawn from the table shown beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Colours distinguishable for the common colour-vision deficiencies (Okabe–Ito), with enough
# contrast on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
FONT = "font-family=\"'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei',sans-serif\""
WIDTH = 720
BAR_HEIGHT = 16
LABEL_WIDTH = 220
MAX_LABEL_CHARACTERS = 18


@dataclass(frozen=True)
class Series:
    """One named row of numbers, one per category."""

    name: str
    values: list[float]


def _text(value) -> str:
    return escape(str(value), {'"': "&quot;"})


def format_number(value: float) -> str:
    """Whole numbers without decimals, others with one (the table shows them the same way)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


def _short(label: str) -> str:
    if len(label) <= MAX_LABEL_CHARACTERS:
        return label
    return label[: MAX_LABEL_CHARACTERS - 1] + "…"


def _open(*, chart_id: str, title: str, description: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
        f'viewBox="0 0 {WIDTH} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'class="chart" {FONT} font-size="12">',
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{_text(description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]


def _legend(series: list[Series], *, y: int) -> list[str]:
    parts, x = [], LABEL_WIDTH
    for index, one in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<g class="legend"><rect x="{x}" y="{y - 10}" width="12" height="12" '
            f'fill="{colour}"/><text x="{x + 16}" y="{y}">{_text(one.name)}</text></g>'
        )
        x += 28 + 13 * len(one.name)
    return parts


def bar_chart(
    *, chart_id: str, title: str, description: str, categories: list[str], series: list[Series]
) -> SafeString:
    """Horizontal grouped bars: a category per group (its label on the left), a bar per series
    with its value written at the bar's end."""
    group_height = BAR_HEIGHT * len(series) + 10
    height = 40 + group_height * max(len(categories), 1) + 10
    top = max((value for one in series for value in one.values), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 70
    parts = _open(chart_id=chart_id, title=title, description=description, height=height)
    parts += _legend(series, y=20)
    if not categories:
        parts.append(f'<text x="{LABEL_WIDTH}" y="60">{_text(_("无数据"))}</text>')
    for row, category in enumerate(categories):
        y = 36 + row * group_height
        parts.append(
            f'<text class="category" x="{LABEL_WIDTH - 8}" y="{y + group_height / 2}" '
            f'text-anchor="end">{_text(_short(category))}<title>{_text(category)}</title></text>'
        )
        for index, one in enumerate(series):
            value = one.values[row]
            length = span * value / top
            bar_y = y + index * BAR_HEIGHT
            colour = PALETTE[index % len(PALETTE)]
            parts.append(
                f'<g class="bar" data-series="{_text(one.name)}" data-category="{_text(category)}">'
                f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{length:.1f}" '
                f'height="{BAR_HEIGHT - 2}" fill="{colour}"/>'
                f'<text class="value" x="{LABEL_WIDTH + length + 4:.1f}" y="{bar_y + 11}">'
                f"{format_number(value)}</text></g>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _ticks(top: float) -> list[float]:
    if top <= 0:
        return [0.0, 1.0]
    step = 10 ** math.floor(math.log10(top))
    for factor in (1, 2, 5, 10):
        if top / (step * factor) <= 5:
            step *= factor
            break
    return [step * index for index in range(int(math.ceil(top / step)) + 1)]


def line_chart(
    *, chart_id: str, title: str, description: str, periods: list[str], series: list[Series]
) -> SafeString:
    """A line per series over the periods, with a value axis; each point carries its period,
    series and value as its ``<title>``."""
    height, left, right, top_margin, bottom = 300, 60, 40, 40, 60
    plot_width, plot_height = WIDTH - left - right, height - top_margin - bottom
    ticks = _ticks(max((value for one in series for value in one.values), default=0))
    ceiling = ticks[-1] or 1
    parts = _open(chart_id=chart_id, title=title, description=description, height=height)
    parts += _legend(series, y=20)
    for tick in ticks:
        y = top_margin + plot_height - plot_height * tick / ceiling
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dddddd"/>'
            f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{format_number(tick)}</text>"
        )
    count = len(periods)

    def x_of(index: int) -> float:
        return left + (plot_width * index / (count - 1) if count > 1 else plot_width / 2)

    label_every = max(1, math.ceil(count / 12))
    for index, period in enumerate(periods):
        if (count - 1 - index) % label_every == 0:  # evenly spaced, the last one labelled
            parts.append(
                f'<text class="period" x="{x_of(index):.1f}" y="{height - bottom + 18}" '
                f'text-anchor="middle">{_text(period)}</text>'
            )
    for number, one in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        points = [
            (x_of(index), top_margin + plot_height - plot_height * value / ceiling)
            for index, value in enumerate(one.values)
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for (x, y), period, value in zip(points, periods, one.values, strict=True):
            parts.append(
                f'<g class="point" data-series="{_text(one.name)}" data-category="{_text(period)}">'
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'
                f"<title>{_text(one.name)} {_text(period)}：{format_number(value)}</title></g>"
            )
    if not periods:
        parts.append(f'<text x="{left}" y="{top_margin + 20}">{_text(_("无数据"))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
