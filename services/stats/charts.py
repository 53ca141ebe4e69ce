"""Horizontal bar charts of a report view as inline SVG (no JavaScript, no external assets; printable):
pure functions, markup out — drawn like the brands' charts (services/brands/charts.py)."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from .report import View

BAR = "#c2410c"
GRID = "#e5e7eb"
INK = "#1f2a37"
MUTED = "#6b7280"


def bars(view: View, lang: str = "zh-CN") -> Markup:
    """One bar per row of ``view`` (its ``chart`` column), labelled with its name and value."""
    if view.chart is None or not view.rows:
        return Markup("")
    keys = [c.key for c in view.columns]
    value_at, name_at = keys.index(view.chart), keys.index("name") if "name" in keys else 0
    rows = [(str(row[name_at]), int(row[value_at] or 0)) for row in view.rows]
    peak = max([v for _, v in rows] + [1])
    label_width, plot, line = 150, 440, 20
    width, height = label_width + plot + 60, len(rows) * line + 6
    head = (
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(view.title(lang))}">'
    )
    parts = [head]
    for index, (name, value) in enumerate(rows):
        y = 3 + index * line
        length = plot * value / peak
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 13}" font-size="12" text-anchor="end" fill="{INK}">'
            f"{escape(name[:18])}</text>"
            f'<rect x="{label_width}" y="{y + 2}" width="{plot}" height="14" fill="{GRID}" opacity=".45"/>'
            f'<rect x="{label_width}" y="{y + 2}" width="{length:.1f}" height="14" fill="{BAR}">'
            f"<title>{escape(name)}: {value}</title></rect>"
            f'<text x="{label_width + length + 4:.1f}" y="{y + 13}" font-size="11.5" fill="{MUTED}">'
            f"{value}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
