"""The brand charts: inline SVG that parses, one cell per month, held and scheduled told apart."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from shuxiang.services.brands.charts import SCHEDULED, SHADES, HeatRow, heatmap, monthly_bars, shade, yearly_spark

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_heatmap_has_a_cell_per_month_per_brand_with_a_tooltip() -> None:
    rows = [
        HeatRow(
            label="沽上讲堂", href="/brands/jn-gushang", held={(2025, 3): 1, (2026, 1): 5}, scheduled={(2026, 12): 1}
        ),
        HeatRow(label="<b>快乐小板凳</b>", href="/brands/x?a=1&b=2", held={}, scheduled={}),
    ]
    svg = parse(heatmap(rows, 2025, 2026))
    cells = svg.findall(f".//{SVG}rect")
    assert len(cells) == 2 * 24
    tips = {cell.find(f"{SVG}title").text: cell for cell in cells}
    assert tips["沽上讲堂 2026-01: 已办 5 场"].get("fill") == SHADES[-1]
    assert tips["沽上讲堂 2025-03: 已办 1 场"].get("fill") == SHADES[0]
    assert tips["沽上讲堂 2026-12: 已办 0 场，计划 1 场"].get("stroke") == SCHEDULED
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert "<b>快乐小板凳</b>" in labels and "2025" in labels  # escaped text, not markup
    english = parse(heatmap(rows[:1], 2026, 2026, lang="en"))
    assert any("1 scheduled" in (t.text or "") for t in english.iter(f"{SVG}title"))


def test_monthly_bars_stack_scheduled_on_held_and_scale_to_at_least_four() -> None:
    svg = parse(monthly_bars({(2026, 3): 2}, {(2026, 3): 1, (2026, 9): 1}, 2025, 2026))
    bars = svg.findall(f".//{SVG}rect")
    assert len(bars) == 3
    ticks = [t.text for t in svg.iter(f"{SVG}text") if t.text and t.text.isdigit() and len(t.text) == 1]
    assert ticks == ["0", "1", "2", "3", "4"]
    held, ahead = bars[0], bars[1]
    assert float(held.get("y")) == float(ahead.get("y")) + float(ahead.get("height"))  # stacked


def test_yearly_spark_and_shades() -> None:
    svg = parse(yearly_spark({(2024, 1): 2, (2026, 5): 1}, 2024, 2026))
    assert [r.find(f"{SVG}title").text for r in svg.findall(f"{SVG}rect")] == ["2024: 2", "2025: 0", "2026: 1"]
    assert shade(0) != shade(1) and shade(4) == shade(40) == SHADES[-1]
