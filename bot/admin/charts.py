"""Tiny server-side SVG charts: bars per day stacked by language, and horizontal bars.

No JavaScript. Horizontal positions are percentages of the chart's width and text is in pixels,
so a chart fills a phone's screen and its labels stay readable; heights are fixed. Every label
is escaped; each chart is an image with a title for screen readers, and every bar carries a
``<title>`` with its number (shown on hover). The pages show the same numbers in tables.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from markupsafe import Markup

# Okabe–Ito, then Paul Tol's muted colours: told apart with any colour vision
PALETTE = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#999933",
    "#882255",
    "#44aa99",
)
OTHER = "#8a8f98"
TEXT = "#1d2330"
GRID = "#d9dce2"
PLOT_HEIGHT = 160
LEGEND_PER_ROW = 6  # 6 items of 54 px fit a 320 px wide phone
LABEL_CHARS = 38


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _pct(x: float) -> str:
    return f"{x:.3f}".rstrip("0").rstrip(".") + "%"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _svg(title: str, desc: str, height: int, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="100%" height="{height}" '
        f'role="img" aria-label="{_e(title)}" font-family="system-ui,sans-serif" font-size="12" '
        f'fill="{TEXT}"><title>{_e(title)}</title><desc>{_e(desc)}</desc>{"".join(body)}</svg>'
    )


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5 × 10ⁿ at least ``value`` (1 for nothing)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def colours(keys: Sequence[str]) -> dict[str, str]:
    return {
        k: PALETTE[i] if i < len(PALETTE) and k != "other" else OTHER for i, k in enumerate(keys)
    }


def _fold(series: Mapping[str, Sequence[int]]) -> dict[str, list[int]]:
    """At most as many series as colours: the rest are summed up as "other"."""
    keys = list(series)
    if len(keys) <= len(PALETTE):
        return {k: list(v) for k, v in series.items()}
    kept = {k: list(series[k]) for k in keys[: len(PALETTE) - 1]}
    rest = [series[k] for k in keys[len(PALETTE) - 1 :]]
    kept["other"] = [sum(column) for column in zip(*rest, strict=True)]
    return kept


def stacked_days(title: str, days: Sequence[date], series: Mapping[str, Sequence[int]]) -> Markup:
    """One bar per day, stacked by series (busiest first at the bottom), with a legend."""
    folded = _fold(series)
    colour = colours(list(folded))
    n = max(1, len(days))
    totals = [sum(v[i] for v in folded.values()) for i in range(len(days))]
    top = math.ceil(len(folded) / LEGEND_PER_ROW) * 18 + 18
    ymax = nice_ceiling(max(totals, default=0))
    body: list[str] = []
    for k, key in enumerate(folded):
        lx, ly = (k % LEGEND_PER_ROW) * 54, (k // LEGEND_PER_ROW) * 18
        body.append(
            f'<rect x="{lx}" y="{ly + 2}" width="12" height="12" rx="2" fill="{colour[key]}"/>'
            f'<text x="{lx + 16}" y="{ly + 12}">{_e(key)}</text>'
        )
    base = top + PLOT_HEIGHT
    for frac in (0.0, 0.5, 1.0):
        gy = round(base - frac * PLOT_HEIGHT, 1)
        body.append(f'<line x1="0" x2="100%" y1="{gy}" y2="{gy}" stroke="{GRID}"/>')
        if frac:
            label = f"{ymax * frac:g}"
            body.append(f'<text x="2" y="{gy - 3}" font-size="11" fill="#556">{label}</text>')
    slot = 100 / n
    for i, day in enumerate(days):
        y: float = base
        for key, values in folded.items():
            if not values[i]:
                continue
            h = values[i] / ymax * PLOT_HEIGHT
            y -= h
            body.append(
                f'<rect x="{_pct(i * slot + slot * 0.1)}" y="{y:.1f}" width="{_pct(slot * 0.8)}" '
                f'height="{h:.1f}" fill="{colour[key]}"><title>{day.isoformat()} '
                f"{_e(key)}: {values[i]}</title></rect>"
            )
    step = max(1, math.ceil(len(days) / 6))
    for i in range(0, len(days), step):
        body.append(
            f'<text x="{_pct(i * slot)}" y="{base + 16}" font-size="11">'
            f"{days[i].strftime('%d %b')}</text>"
        )
    desc = f"{sum(totals)} in all"
    if days:
        desc += f", {days[0].isoformat()} to {days[-1].isoformat()}"
        busiest = max(range(len(days)), key=lambda i: totals[i])
        desc += f"; most on {days[busiest].isoformat()}: {totals[busiest]}"
    return _svg(title, desc, base + 22, body)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the number as shown, e.g. "12" or "62 %"
    colour: str = PALETTE[0]


def hbars(title: str, bars: Sequence[Bar], maximum: float | None = None) -> Markup:
    """One labelled bar per row; lengths relative to ``maximum`` (default: the largest bar)."""
    row = 34
    top = max((b.value for b in bars), default=0) if maximum is None else maximum
    top = top or 1
    body: list[str] = []
    for i, b in enumerate(bars):
        y = i * row
        width = _pct(max(0.0, min(1.0, b.value / top)) * 100)
        body.append(
            f"<g><title>{_e(b.label)}: {_e(b.text)}</title>"
            f'<text x="0" y="{y + 13}">{_e(_short(b.label))}</text>'
            f'<text x="100%" y="{y + 13}" text-anchor="end" font-weight="600">{_e(b.text)}</text>'
            f'<rect x="0" y="{y + 18}" width="100%" height="10" rx="3" fill="#eef0f3"/>'
            f'<rect x="0" y="{y + 18}" width="{width}" height="10" rx="3" fill="{b.colour}"/></g>'
        )
    desc = "; ".join(f"{b.label}: {b.text}" for b in bars)
    return _svg(title, desc, max(row, len(bars) * row), body)
