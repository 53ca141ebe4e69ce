"""Charts as inline SVG (no JavaScript, no external assets): pure functions, markup out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from shuxiang.i18n import gettext

Month = tuple[int, int]

HELD = "#c2410c"
SCHEDULED = "#fdba74"
EMPTY = "#f3f4f6"
GRID = "#e5e7eb"
INK = "#1f2a37"
MUTED = "#6b7280"
SHADES = ("#fb923c", "#ea580c", "#c2410c", "#7c2d12")
"""Heat-map shades for 1, 2, 3 and 4+ sessions in a month."""


def months_between(first_year: int, last_year: int) -> list[Month]:
    return [(y, m) for y in range(first_year, last_year + 1) for m in range(1, 13)]


def shade(count: int) -> str:
    return EMPTY if count <= 0 else SHADES[min(count, len(SHADES)) - 1]


@dataclass(frozen=True)
class HeatRow:
    label: str
    href: str
    held: Mapping[Month, int]
    scheduled: Mapping[Month, int]
    note: str = ""


def heatmap(rows: Sequence[HeatRow], first_year: int, last_year: int, *, lang: str = "zh-CN") -> Markup:
    """Sessions per month over the years, one row per brand: darker = more sessions,
    outlined = scheduled ahead.  Every cell has a tooltip (``<title>``)."""
    months = months_between(first_year, last_year)
    cell, gap, label_width, top = 10, 2, 130, 22
    width = label_width + len(months) * (cell + gap) + 8
    height = top + len(rows) * (cell + 6) + 4
    label = gettext(lang, "Sessions per month per brand")  # (a call inside an f-string is not extracted)
    parts = [
        f'<svg class="heatmap" role="group" viewBox="0 0 {width} {height}" width="100%" '
        f'style="max-width:{width * 1.2:.0f}px" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{label}">'
    ]
    for index, (year, month) in enumerate(months):
        x = label_width + index * (cell + gap)
        if month == 1:
            parts.append(f'<text x="{x}" y="12" font-size="11" fill="{MUTED}">{year}</text>')
            if index:
                parts.append(f'<line x1="{x - 1.5}" y1="16" x2="{x - 1.5}" y2="{height}" stroke="{GRID}"/>')
    for row_index, row in enumerate(rows):
        y = top + row_index * (cell + 6)
        parts.append(
            f'<a href="{escape(row.href)}"><text x="0" y="{y + cell - 0.5}" font-size="11.5" fill="{INK}">'
            f"{escape(row.label)}</text></a>"
        )
        for index, key in enumerate(months):
            x = label_width + index * (cell + gap)
            held, planned = row.held.get(key, 0), row.scheduled.get(key, 0)
            tip = f"{row.label} {key[0]}-{key[1]:02d}: " + (
                gettext(lang, "{held} held, {planned} scheduled").format(held=held, planned=planned)
                if planned
                else gettext(lang, "{held} held").format(held=held)
            )
            if planned and not held:
                style = f'fill="#fff7ed" stroke="{SCHEDULED}" stroke-width="1.5"'
            else:
                style = f'fill="{shade(held)}"'
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" rx="2" {style}>'
                f"<title>{escape(tip)}</title></rect>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def monthly_bars(
    held: Mapping[Month, int], scheduled: Mapping[Month, int], first_year: int, last_year: int, *, lang: str = "zh-CN"
) -> Markup:
    """One brand's sessions per month over the years, as bars: held, and scheduled stacked above.

    The drawing is about 1,100 units wide whatever the span (bars narrow as years add up), and
    the scale goes to at least 4, so a brand held once a month does not look like a barcode."""
    months = months_between(first_year, last_year)
    peak = max([held.get(k, 0) + scheduled.get(k, 0) for k in months] + [4])
    ticks = _ticks(peak)
    top_value = ticks[-1]
    left, top, plot_height, plot_width = 34, 10, 150, 1060
    step = plot_width / len(months)
    bar = max(2.0, step * 0.72)
    width = left + plot_width + 8
    height = top + plot_height + 24

    def y_of(value: float) -> float:
        return top + plot_height - plot_height * value / top_value

    label = gettext(lang, "Sessions per month")
    parts = [
        f'<svg class="bars" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'style="max-width:{width}px" xmlns="http://www.w3.org/2000/svg" '
        f'aria-label="{label}">'
    ]
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{left - 4}" y1="{y:.1f}" x2="{width - 6}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 8}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="{MUTED}">{tick}</text>'
        )
    for index, key in enumerate(months):
        x = left + index * step
        if key[1] == 1:
            parts.append(f'<text x="{x:.1f}" y="{height - 6}" font-size="12" fill="{MUTED}">{key[0]}</text>')
            if index:
                parts.append(
                    f'<line x1="{x - (step - bar) / 2:.1f}" y1="{top}" x2="{x - (step - bar) / 2:.1f}" '
                    f'y2="{top + plot_height}" stroke="{GRID}" stroke-dasharray="2,2"/>'
                )
        done, planned = held.get(key, 0), scheduled.get(key, 0)
        tip = escape(
            f"{key[0]}-{key[1]:02d}: "
            + gettext(lang, "{done} held, {planned} scheduled").format(done=done, planned=planned)
        )
        if done:
            parts.append(
                f'<rect x="{x:.1f}" y="{y_of(done):.1f}" width="{bar:.1f}" '
                f'height="{y_of(0) - y_of(done):.1f}" fill="{HELD}"><title>{tip}</title></rect>'
            )
        if planned:
            parts.append(
                f'<rect x="{x:.1f}" y="{y_of(done + planned):.1f}" width="{bar:.1f}" '
                f'height="{y_of(done) - y_of(done + planned):.1f}" fill="{SCHEDULED}"><title>{tip}</title></rect>'
            )
    parts.append(
        f'<line x1="{left - 4}" y1="{top + plot_height}" x2="{width - 6}" y2="{top + plot_height}" '
        f'stroke="{MUTED}"/></svg>'
    )
    return Markup("".join(parts))


def yearly_spark(held: Mapping[Month, int], first_year: int, last_year: int) -> Markup:
    """A small bar per year (sessions held that year), for table rows."""
    per_year = [sum(held.get((y, m), 0) for m in range(1, 13)) for y in range(first_year, last_year + 1)]
    peak = max(per_year + [1])
    bar, gap, height = 8, 2, 22
    width = len(per_year) * (bar + gap)
    parts = [
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-hidden="true">'
    ]
    for index, (year, count) in enumerate(zip(range(first_year, last_year + 1), per_year, strict=True)):
        h = max(1.0, (height - 2) * count / peak) if count else 1.0
        colour = HELD if count else GRID
        parts.append(
            f'<rect x="{index * (bar + gap)}" y="{height - h:.1f}" width="{bar}" height="{h:.1f}" '
            f'fill="{colour}"><title>{year}: {count}</title></rect>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _ticks(peak: int) -> list[int]:
    step = 1 if peak <= 5 else 2 if peak <= 10 else 5
    top = -(-peak // step) * step
    return list(range(0, top + 1, step))
